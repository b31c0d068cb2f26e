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

    /** Values looked for in texts; {@link #ascii} when they are all plain ASCII, so bytes need no UTF-8 decoding. */
    public interface Needles extends Predicate<String> {
        boolean ascii();
    }

    /**
     * Whether the test (and the needles) accept some piece of the stream's text (see {@link #anyPiece(Reader, Predicate,
     * int)}): when the needles are ASCII the bytes are read as Latin-1 — no UTF-8 decoding, and a multi-byte character
     * never equals an ASCII one, ignoring case or not — otherwise as UTF-8.
     */
    public static boolean anyPiece(java.io.InputStream in, Predicate<String> needles, Predicate<String> test, int overlap)
            throws IOException {
        boolean latin1 = needles instanceof Needles n && n.ascii();
        return anyPiece(new java.io.InputStreamReader(in, latin1 ? java.nio.charset.StandardCharsets.ISO_8859_1
                : java.nio.charset.StandardCharsets.UTF_8), test, overlap);
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
        return ids(ids).test(text);
    }

    /**
     * A test of whether a text holds one of the ids: each id-shaped run is looked up by its last 48 bits, read in
     * place (no copy of the text), and compared whole only when those match — fast over files with an id on every line.
     */
    public static Predicate<String> ids(Set<UUID> ids) {
        if (ids.isEmpty()) {
            return t -> false;
        }
        java.util.Map<Long, java.util.List<UUID>> byLow = new java.util.HashMap<>();
        for (UUID id : ids) {
            byLow.computeIfAbsent(id.getLeastSignificantBits() & 0xFFFF_FFFF_FFFFL, k -> new java.util.ArrayList<>()).add(id);
        }
        return text -> {
            for (int i = text.indexOf('-', 8); i >= 0 && i + 28 <= text.length(); i = text.indexOf('-', i + 1)) {
                if (text.charAt(i + 5) != '-' || text.charAt(i + 10) != '-' || text.charAt(i + 15) != '-') {
                    continue;
                }
                int start = i - 8;
                long low = hex(text, start + 24, start + 36);
                java.util.List<UUID> candidates = low < 0 ? null : byLow.get(low);
                if (candidates != null) {
                    String token = text.substring(start, start + 36);
                    for (UUID id : candidates) {
                        if (id.toString().equalsIgnoreCase(token)) {
                            return true;
                        }
                    }
                }
            }
            return false;
        };
    }

    private static long hex(String s, int from, int to) {
        long v = 0;
        for (int i = from; i < to; i++) {
            int d = Character.digit(s.charAt(i), 16);
            if (d < 0) {
                return -1;
            }
            v = v << 4 | d;
        }
        return v;
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
