package io.hotcrm.query;

import java.util.UUID;

/**
 * A lookup target's records by id, for a stream that resolves the lookup itself: open addressing over the ids' two longs
 * — one array of keys and one of values, no entry object and no id object per record to follow. A stream looks up one id
 * per record in a map of up to 200,000, most of them missing the CPU's caches: a HashMap's lookups (table, entry, id,
 * then the value) were two fifths of the reader thread's samples of a contact export.
 */
final class IdMap {
    private long[] keys = new long[2 << 10];
    private Object[][] values = new Object[1 << 10][];
    private int size;

    int size() {
        return size;
    }

    /** The record's values for this id, or null when the map has no record with it (or it is not an id). */
    Object[] get(Object id) {
        if (!(id instanceof UUID u)) {
            return null;
        }
        long hi = u.getMostSignificantBits();
        long lo = u.getLeastSignificantBits();
        int mask = values.length - 1;
        for (int i = slot(hi, lo, mask); ; i = (i + 1) & mask) {
            Object[] v = values[i];
            if (v == null) {
                return null;
            }
            if (keys[2 * i] == hi && keys[2 * i + 1] == lo) {
                return v;
            }
        }
    }

    /** Adds a record (a second record with the same id replaces the first). */
    void put(UUID id, Object[] record) {
        if (2 * (size + 1) > values.length) {
            long[] oldKeys = keys;
            Object[][] oldValues = values;
            keys = new long[oldKeys.length * 2];
            values = new Object[oldValues.length * 2][];
            size = 0;
            for (int i = 0; i < oldValues.length; i++) {
                if (oldValues[i] != null) {
                    insert(oldKeys[2 * i], oldKeys[2 * i + 1], oldValues[i]);
                }
            }
        }
        insert(id.getMostSignificantBits(), id.getLeastSignificantBits(), record);
    }

    private void insert(long hi, long lo, Object[] record) {
        int mask = values.length - 1;
        int i = slot(hi, lo, mask);
        while (values[i] != null) {
            if (keys[2 * i] == hi && keys[2 * i + 1] == lo) {
                values[i] = record;
                return;
            }
            i = (i + 1) & mask;
        }
        keys[2 * i] = hi;
        keys[2 * i + 1] = lo;
        values[i] = record;
        size++;
    }

    private static int slot(long hi, long lo, int mask) {
        long h = (hi ^ lo) * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32)) & mask;
    }
}
