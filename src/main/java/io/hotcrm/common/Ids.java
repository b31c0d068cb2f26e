package io.hotcrm.common;

import java.security.SecureRandom;
import java.util.UUID;

/**
 * Record ids: UUID version 7 (RFC 9562), time-ordered so that new rows land at the end of the primary-key
 * index and a keyset scan in id order meets records created during the scan after the ones before it.
 */
public final class Ids {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static long lastMillis;
    private static long sequence;

    private Ids() {
    }

    /** A new, unique, time-ordered id. Monotonic within this process even within one millisecond. */
    public static synchronized UUID newId() {
        long now = System.currentTimeMillis();
        if (now <= lastMillis) {
            sequence++;
            if (sequence > 0xFFF) {
                lastMillis++;
                sequence = 0;
            }
            now = lastMillis;
        } else {
            lastMillis = now;
            sequence = 0;
        }
        long msb = (now << 16) | 0x7000L | sequence;
        long lsb = (RANDOM.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb);
    }

    /** Parses an id given by a user, with a message that names where it came from. */
    public static UUID parse(String text, String what) {
        try {
            return UUID.fromString(text.trim());
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new HotCrmException(ErrorCode.VALIDATION_FAILED,
                    what + " \"" + text + "\" is not a record id; expected a UUID like 0190c2b4-5f6e-7a1b-8c3d-4e5f60718293.", e);
        }
    }
}
