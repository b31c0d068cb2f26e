package io.hotcrm.importing;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The keys seen so far in one file, in compact form: a 64-bit hash of each key and the row it first appeared
 * on, in open-addressing arrays (16 bytes a key), so finding duplicates in a million-row file costs about
 * 32 MB instead of a million strings.
 */
final class KeyIndex {
    private long[] hashes = new long[1 << 12];
    private long[] rows = new long[1 << 12];
    private int size;

    /** Records the key for the row; returns the earlier row with the same key, or -1 if it is new. */
    long putIfAbsent(String key, long row) {
        long h = hash(key);
        if (h == 0) {
            h = 1;
        }
        if ((size + 1) * 2L > hashes.length) {
            grow();
        }
        int mask = hashes.length - 1;
        int i = (int) (mix(h) & mask);
        while (hashes[i] != 0) {
            if (hashes[i] == h) {
                return rows[i];
            }
            i = (i + 1) & mask;
        }
        hashes[i] = h;
        rows[i] = row;
        size++;
        return -1;
    }

    boolean contains(String key) {
        long h = hash(key);
        if (h == 0) {
            h = 1;
        }
        int mask = hashes.length - 1;
        int i = (int) (mix(h) & mask);
        while (hashes[i] != 0) {
            if (hashes[i] == h) {
                return true;
            }
            i = (i + 1) & mask;
        }
        return false;
    }

    int size() {
        return size;
    }

    private void grow() {
        long[] oldH = hashes;
        long[] oldR = rows;
        hashes = new long[oldH.length * 2];
        rows = new long[oldH.length * 2];
        int mask = hashes.length - 1;
        for (int j = 0; j < oldH.length; j++) {
            if (oldH[j] != 0) {
                int i = (int) (mix(oldH[j]) & mask);
                while (hashes[i] != 0) {
                    i = (i + 1) & mask;
                }
                hashes[i] = oldH[j];
                rows[i] = oldR[j];
            }
        }
    }

    /** FNV-1a over the UTF-8 bytes, 64 bits. */
    static long hash(String key) {
        long h = 0xcbf29ce484222325L;
        for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }

    private static long mix(long h) {
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        return h;
    }

    @Override
    public String toString() {
        return "KeyIndex[" + size + " keys, " + Arrays.stream(hashes).filter(x -> x != 0).count() + " slots used]";
    }
}
