package io.hotcrm.exporting.format;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growable byte buffer with Parquet's little-endian encodings: PLAIN values (4-byte length + UTF-8 bytes for
 * strings, 4- and 8-byte integers) and the RLE / bit-packing hybrid used for repetition and definition levels and
 * dictionary indices (parquet-format, Encodings.md).
 */
final class ParquetBytes {
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    byte[] bytes;
    int size;

    ParquetBytes(int capacity) {
        bytes = new byte[capacity];
    }

    void reset() {
        size = 0;
    }

    private void ensure(int more) {
        if (size + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
        }
    }

    void put(int b) {
        ensure(1);
        bytes[size++] = (byte) b;
    }

    void putInt(int v) {
        ensure(4);
        INT.set(bytes, size, v);
        size += 4;
    }

    void putLong(long v) {
        ensure(8);
        LONG.set(bytes, size, v);
        size += 8;
    }

    void put(byte[] b, int from, int length) {
        ensure(length);
        System.arraycopy(b, from, bytes, size, length);
        size += length;
    }

    private void putVarInt(int v) {
        while ((v & ~0x7F) != 0) {
            put((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        put(v);
    }

    /**
     * Appends a PLAIN string (4-byte length, then its UTF-8 bytes) and returns where its bytes start; they end at
     * {@link #size}. ASCII is copied char by char; anything else goes through the JDK's encoder.
     */
    int putString(String s) {
        int n = s.length();
        ensure(4 + n);
        int start = size + 4;
        int p = start;
        byte[] b = bytes;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
                ensure(4 + utf8.length);
                System.arraycopy(utf8, 0, bytes, start, utf8.length);
                p = start + utf8.length;
                break;
            }
            b[p++] = (byte) c;
        }
        INT.set(bytes, size, p - start);
        size = p;
        return start;
    }

    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    /**
     * Appends a uuid as a PLAIN string — its 36 characters as {@link java.util.UUID#toString} writes them — and returns
     * where its bytes start, without making the string (an export writes one for every record id and lookup).
     */
    int putUuid(java.util.UUID u) {
        ensure(40);
        INT.set(bytes, size, 36);
        int start = size + 4;
        hex(u.getMostSignificantBits(), start, 0, 8);
        bytes[start + 8] = '-';
        hex(u.getMostSignificantBits(), start + 9, 8, 12);
        bytes[start + 13] = '-';
        hex(u.getMostSignificantBits(), start + 14, 12, 16);
        bytes[start + 18] = '-';
        hex(u.getLeastSignificantBits(), start + 19, 0, 4);
        bytes[start + 23] = '-';
        hex(u.getLeastSignificantBits(), start + 24, 4, 16);
        size = start + 36;
        return start;
    }

    /** Writes the hex digits {@code from} to {@code to} (0 the most significant of 16) of {@code v} at {@code at}. */
    private void hex(long v, int at, int from, int to) {
        for (int i = from; i < to; i++) {
            bytes[at++] = HEX[(int) (v >>> (60 - 4 * i)) & 0xF];
        }
    }

    /** The number of bits that hold every value from 0 to {@code max}. */
    static int bitWidth(int max) {
        return 32 - Integer.numberOfLeadingZeros(max);
    }

    /** Appends levels in the hybrid encoding behind their 4-byte length, as a version 1 data page has them. */
    void putLevels(int[] values, int count, int width) {
        ensure(4);
        int at = size;
        size += 4;
        putHybrid(values, count, width);
        INT.set(bytes, at, size - at - 4);
    }

    /**
     * The RLE / bit-packing hybrid: a run of at least eight equal values is one RLE run (its length and the value),
     * anything else is packed eight values at a time, {@code width} bits each, least significant bit first. The last
     * group is padded with zeros; a reader knows the count from the page.
     */
    void putHybrid(int[] values, int count, int width) {
        int i = 0;
        int packedFrom = 0;
        int groups = 0;
        while (i < count) {
            int v = values[i];
            int run = 1;
            while (i + run < count && values[i + run] == v) {
                run++;
            }
            if (run >= 8) {
                packed(values, count, packedFrom, groups, width);
                groups = 0;
                putVarInt(run << 1);
                for (int b = 0; b < (width + 7) / 8; b++) {
                    put(v >>> (8 * b));
                }
                i += run;
                packedFrom = i;
            } else {
                groups++;
                i += 8;
            }
        }
        packed(values, count, packedFrom, groups, width);
    }

    private void packed(int[] values, int count, int from, int groups, int width) {
        if (groups == 0) {
            return;
        }
        putVarInt(groups << 1 | 1);
        ensure(groups * width);
        long acc = 0;
        int bits = 0;
        for (int k = from, end = from + groups * 8; k < end; k++) {
            acc |= (long) (k < count ? values[k] : 0) << bits;
            bits += width;
            while (bits >= 8) {
                bytes[size++] = (byte) acc;
                acc >>>= 8;
                bits -= 8;
            }
        }
    }
}
