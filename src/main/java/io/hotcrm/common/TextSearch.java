package io.hotcrm.common;

import java.io.IOException;
import java.io.Reader;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * Looking for a few values in large texts and files: read in pieces (memory does not grow with the file), ids found
 * by their shape, case ignored without copying the text.
 */
public final class TextSearch {
    private static final int PIECE = 1 << 20;

    private TextSearch() {
    }

    /**
     * Whether the test accepts some piece of the text: read 1 M characters at a time, each piece starting with the last
     * {@code overlap} characters of the one before, so a value at most that long is never split between two pieces.
     */
    public static boolean anyPiece(Reader in, Predicate<String> test, int overlap) throws IOException {
        char[] buf = new char[PIECE + overlap];
        int kept = 0;
        while (true) {
            int n = in.read(buf, kept, PIECE);
            if (n < 0) {
                return false;
            }
            int len = kept + n;
            if (test.test(new String(buf, 0, len))) {
                return true;
            }
            kept = Math.min(overlap, len);
            System.arraycopy(buf, len - kept, buf, 0, kept);
        }
    }

    /** Whether the text holds one of the ids, written as UUIDs are ({@code 8-4-4-4-12} hexadecimal digits). */
    public static boolean anyId(String text, Set<UUID> ids) {
        if (ids.isEmpty()) {
            return false;
        }
        for (int i = text.indexOf('-', 8); i >= 0 && i + 28 <= text.length(); i = text.indexOf('-', i + 1)) {
            int start = i - 8;
            if (text.charAt(i + 5) == '-' && text.charAt(i + 10) == '-' && text.charAt(i + 15) == '-') {
                try {
                    if (ids.contains(UUID.fromString(text.substring(start, start + 36)))) {
                        return true;
                    }
                } catch (IllegalArgumentException e) {
                    // shaped like an id, but not one
                }
            }
        }
        return false;
    }

    /** Whether the text contains the (lower-case) value, ignoring case, without copying the text. */
    public static boolean containsIgnoreCase(String text, String lower) {
        int n = lower.length();
        if (n == 0) {
            return true;
        }
        char first = lower.charAt(0);
        char upper = Character.toUpperCase(first);
        for (int i = 0; i + n <= text.length(); i++) {
            char c = text.charAt(i);
            if ((c == first || c == upper) && text.regionMatches(true, i, lower, 0, n)) {
                return true;
            }
        }
        return false;
    }
}
