package io.hotcrm.exporting.format;

import io.hotcrm.common.ValueText;
import io.hotcrm.exporting.ExportColumn;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.parquet.format.ColumnChunk;
import org.apache.parquet.format.ColumnMetaData;
import org.apache.parquet.format.CompressionCodec;
import org.apache.parquet.format.DataPageHeader;
import org.apache.parquet.format.DictionaryPageHeader;
import org.apache.parquet.format.Encoding;
import org.apache.parquet.format.PageHeader;
import org.apache.parquet.format.PageType;
import org.apache.parquet.format.Statistics;
import org.apache.parquet.format.Type;
import org.apache.parquet.format.Util;
import org.xerial.snappy.Snappy;

/**
 * One export column's chunk of the current row group: values encoded as they come into the open page (PLAIN, or
 * dictionary indices while a dictionary pays), each full page Snappy-compressed and kept until the row group is
 * written, with the chunk's statistics (nulls, minimum, maximum). Version 1 data pages, as parquet-format specifies
 * them: repetition levels (lists only), definition levels, then the values.
 */
final class ParquetColumn {
    /** How a column's values are written, and the physical type that holds them. */
    enum Kind {
        STRING(Type.BYTE_ARRAY), LIST(Type.BYTE_ARRAY), DECIMAL(Type.INT64), DATE(Type.INT32), TIMESTAMP(Type.INT64),
        BOOLEAN(Type.BOOLEAN);

        final Type physical;

        Kind(Type physical) {
            this.physical = physical;
        }
    }

    /** Statistics longer than this are left out (a long text's minimum would bloat every reader's footer). */
    private static final int MAX_STATISTICS_BYTES = 1024;

    /** A compressed data page waiting for its row group to be written. */
    private record Page(byte[] bytes, int values, int uncompressedSize, Encoding encoding) {
    }

    private final String name;
    private final Kind kind;
    private final int scale;
    private final int defWidth;
    private final ParquetRows.Limits limits;

    // the open page
    private final ParquetBytes values = new ParquetBytes(1 << 16);
    private int[] defs = new int[1024];
    private int[] reps;
    private int levels;
    private int rows;
    private int bits;
    private int bitCount;

    // the chunk's statistics
    private long nulls;
    private boolean any;
    private long minLong;
    private long maxLong;
    private byte[] minBytes;
    private byte[] maxBytes;

    // the dictionary of this chunk: a string's index, the PLAIN bytes of the entries (the dictionary page) and where
    // each entry's bytes start; the open page's indices
    private boolean dictionaryPays;
    private StringIndex dictionary;
    private final ParquetBytes dictionaryValues = new ParquetBytes(1 << 12);
    private int[] entryStart = new int[256];
    private int[] indices = new int[1024];
    private int indexCount;
    private boolean pageUsesDictionary;
    private boolean dictionaryFull;

    // the chunk's pages
    private final List<Page> pages = new ArrayList<>();
    private long chunkValues;
    private long chunkBytes;

    private final Scratch scratch;

    /**
     * A chunk's dictionary: each distinct string's index, in one open-addressing table of strings and one of indices — no
     * entry object or boxed index per string, and a repeated string (a lookup's name comes from one map entry) is found by
     * identity before it is compared. It was a HashMap, whose lookups were a fifth of a Parquet export's writing.
     */
    static final class StringIndex {
        private String[] keys = new String[1 << 10];
        private int[] indexes = new int[1 << 10];
        private int size;

        int size() {
            return size;
        }

        /** The string's index, or -1 when it is not in the dictionary. */
        int get(String s) {
            int mask = keys.length - 1;
            for (int i = slot(s, mask); ; i = (i + 1) & mask) {
                String k = keys[i];
                if (k == null) {
                    return -1;
                }
                if (k == s || k.equals(s)) {
                    return indexes[i];
                }
            }
        }

        /** Adds a string that is not in the dictionary; returns its index (the next one). */
        int add(String s) {
            if (2 * (size + 1) > keys.length) {
                String[] oldKeys = keys;
                int[] oldIndexes = indexes;
                keys = new String[oldKeys.length * 2];
                indexes = new int[oldKeys.length * 2];
                for (int i = 0; i < oldKeys.length; i++) {
                    if (oldKeys[i] != null) {
                        put(oldKeys[i], oldIndexes[i]);
                    }
                }
            }
            put(s, size);
            return size++;
        }

        private void put(String s, int index) {
            int mask = keys.length - 1;
            int i = slot(s, mask);
            while (keys[i] != null) {
                i = (i + 1) & mask;
            }
            keys[i] = s;
            indexes[i] = index;
        }

        private static int slot(String s, int mask) {
            int h = s.hashCode() * 0x9E3779B9;
            return (h ^ (h >>> 16)) & mask;
        }
    }

    /** The buffers a page is put together and compressed in, shared by the columns of one file (written by one thread). */
    static final class Scratch {
        private final ParquetBytes body = new ParquetBytes(1 << 16);
        private byte[] compressed = new byte[1 << 16];
    }

    ParquetColumn(ExportColumn column, Kind kind, boolean dictionary, ParquetRows.Limits limits, Scratch scratch) {
        this.name = column.name();
        this.kind = kind;
        this.scale = column.def().scale();
        this.defWidth = ParquetBytes.bitWidth(kind == Kind.LIST ? 3 : 1);
        this.reps = kind == Kind.LIST ? new int[1024] : null;
        this.limits = limits;
        this.dictionaryPays = dictionary;
        this.scratch = scratch;
        startChunk();
    }

    private void startChunk() {
        pages.clear();
        chunkValues = 0;
        chunkBytes = 0;
        nulls = 0;
        any = false;
        minBytes = null;
        maxBytes = null;
        dictionary = dictionaryPays ? new StringIndex() : null;
        dictionaryValues.reset();
        pageUsesDictionary = dictionary != null;
        dictionaryFull = false;
    }

    /** Adds a record's value (null: none; a multi-picklist's is a list). */
    void add(Object v) {
        if (v == null) {
            level(0, 0);
            nulls++;
        } else {
            switch (kind) {
                case STRING -> {
                    level(0, 1);
                    if (v instanceof java.util.UUID u && !pageUsesDictionary) {
                        int start = values.putUuid(u);
                        compare(values.bytes, start, values.size);
                    } else {
                        string(ValueText.of(v));
                    }
                }
                case LIST -> {
                    List<?> items = (List<?>) v;
                    if (items.isEmpty()) {
                        level(0, 1);
                        nulls++;
                    }
                    for (int i = 0; i < items.size(); i++) {
                        level(i == 0 ? 0 : 1, 3);
                        string(String.valueOf(items.get(i)));
                    }
                }
                case DECIMAL -> {
                    level(0, 1);
                    BigDecimal d = v instanceof BigDecimal b ? b : new BigDecimal(v.toString());
                    long unscaled = d.setScale(scale, RoundingMode.HALF_UP).unscaledValue().longValueExact();
                    values.putLong(unscaled);
                    stat(unscaled);
                }
                case DATE -> {
                    level(0, 1);
                    int day = Math.toIntExact(((LocalDate) v).toEpochDay());
                    values.putInt(day);
                    stat(day);
                }
                case TIMESTAMP -> {
                    level(0, 1);
                    OffsetDateTime t = (OffsetDateTime) v;
                    long micros = Math.addExact(Math.multiplyExact(t.toEpochSecond(), 1_000_000L), t.getNano() / 1000);
                    values.putLong(micros);
                    stat(micros);
                }
                case BOOLEAN -> {
                    level(0, 1);
                    bool((Boolean) v);
                }
            }
        }
        rows++;
    }

    /** Whether the open page is full; pages end between records, so a record's list is never split. */
    boolean pageFull() {
        return rows >= limits.pageRows() || values.size + 4L * indexCount >= limits.pageBytes() || dictionaryFull;
    }

    /** The bytes this chunk holds: its compressed pages, its dictionary and the open page's values. */
    long bufferedBytes() {
        return chunkBytes + values.size + 4L * indexCount + dictionaryValues.size;
    }

    private void level(int rep, int def) {
        if (levels == defs.length) {
            defs = Arrays.copyOf(defs, levels * 2);
            if (reps != null) {
                reps = Arrays.copyOf(reps, levels * 2);
            }
        }
        defs[levels] = def;
        if (reps != null) {
            reps[levels] = rep;
        }
        levels++;
    }

    private void stat(long v) {
        if (!any) {
            minLong = v;
            maxLong = v;
            any = true;
        } else if (v < minLong) {
            minLong = v;
        } else if (v > maxLong) {
            maxLong = v;
        }
    }

    private void bool(boolean v) {
        if (v) {
            bits |= 1 << bitCount;
        }
        if (++bitCount == 8) {
            values.put(bits);
            bits = 0;
            bitCount = 0;
        }
        stat(v ? 1 : 0);
    }

    private void string(String s) {
        if (!pageUsesDictionary) {
            int start = values.putString(s);
            compare(values.bytes, start, values.size);
            return;
        }
        int index = dictionary.get(s);
        if (index < 0) {
            index = dictionary.add(s);
            int start = dictionaryValues.putString(s);
            if (index == entryStart.length) {
                entryStart = Arrays.copyOf(entryStart, index * 2);
            }
            entryStart[index] = start;
            compare(dictionaryValues.bytes, start, dictionaryValues.size);
            // a full dictionary ends the page at the end of this record; the rest of the chunk is PLAIN
            dictionaryFull = dictionaryValues.size > limits.dictionaryBytes();
        }
        if (indexCount == indices.length) {
            indices = Arrays.copyOf(indices, indexCount * 2);
        }
        indices[indexCount++] = index;
    }

    private int entryLength(int index) {
        return index + 1 < dictionary.size() ? entryStart[index + 1] - 4 - entryStart[index] : dictionaryValues.size - entryStart[index];
    }

    /** Keeps the chunk's smallest and largest string (unsigned byte order, as Parquet compares UTF-8). */
    private void compare(byte[] b, int from, int to) {
        if (!any) {
            minBytes = Arrays.copyOfRange(b, from, to);
            maxBytes = minBytes;
            any = true;
        } else if (Arrays.compareUnsigned(b, from, to, minBytes, 0, minBytes.length) < 0) {
            minBytes = Arrays.copyOfRange(b, from, to);
        } else if (Arrays.compareUnsigned(b, from, to, maxBytes, 0, maxBytes.length) > 0) {
            maxBytes = Arrays.copyOfRange(b, from, to);
        }
    }

    /** Encodes the open page (levels, then values) and keeps it compressed. */
    void closePage() throws IOException {
        if (levels == 0) {
            return;
        }
        if (pageUsesDictionary && pages.isEmpty() && !dictionaryPaysOff()) {
            // like parquet-java: a dictionary that does not make the first page smaller is dropped for this column
            replainFirstPage();
        }
        ParquetBytes body = scratch.body;
        body.reset();
        if (reps != null) {
            body.putLevels(reps, levels, 1);
        }
        body.putLevels(defs, levels, defWidth);
        Encoding encoding;
        if (pageUsesDictionary) {
            int width = Math.max(1, ParquetBytes.bitWidth(dictionary.size() - 1));
            body.put(width);
            body.putHybrid(indices, indexCount, width);
            encoding = Encoding.RLE_DICTIONARY;
            if (dictionaryFull) {
                pageUsesDictionary = false;
                dictionaryFull = false;
            }
        } else {
            if (bitCount > 0) {
                values.put(bits);
            }
            body.put(values.bytes, 0, values.size);
            encoding = Encoding.PLAIN;
        }
        byte[] page = compress(body);
        pages.add(new Page(page, levels, body.size, encoding));
        chunkValues += levels;
        chunkBytes += page.length;
        levels = 0;
        rows = 0;
        bits = 0;
        bitCount = 0;
        values.reset();
        indexCount = 0;
    }

    private byte[] compress(ParquetBytes b) throws IOException {
        int most = Snappy.maxCompressedLength(b.size);
        if (scratch.compressed.length < most) {
            scratch.compressed = new byte[most];
        }
        return Arrays.copyOf(scratch.compressed, Snappy.compress(b.bytes, 0, b.size, scratch.compressed, 0));
    }

    private boolean dictionaryPaysOff() {
        long plain = 4L * indexCount;
        for (int i = 0; i < indexCount; i++) {
            plain += entryLength(indices[i]);
        }
        long encoded = dictionaryValues.size + (long) indexCount * ParquetBytes.bitWidth(dictionary.size()) / 8;
        return encoded < plain;
    }

    private void replainFirstPage() {
        for (int i = 0; i < indexCount; i++) {
            int start = entryStart[indices[i]];
            int length = entryLength(indices[i]);
            values.putInt(length);
            values.put(dictionaryValues.bytes, start, length);
        }
        indexCount = 0;
        dictionaryPays = false;
        pageUsesDictionary = false;
        dictionaryFull = false;
        dictionary = null;
        dictionaryValues.reset();
    }

    /**
     * Writes the chunk at {@code position} of the file (its dictionary first, if a page used it), returns its entry
     * for the footer and starts the next chunk.
     */
    ColumnChunk writeChunk(OutputStream out, long position) throws IOException {
        closePage();
        long start = position;
        long uncompressed = 0;
        Long dictionaryOffset = null;
        List<Encoding> encodings = new ArrayList<>(List.of(Encoding.RLE));
        if (pages.stream().anyMatch(p -> p.encoding() == Encoding.RLE_DICTIONARY)) {
            byte[] page = compress(dictionaryValues);
            PageHeader h = new PageHeader(PageType.DICTIONARY_PAGE, dictionaryValues.size, page.length)
                    .setDictionary_page_header(new DictionaryPageHeader(dictionary.size(), Encoding.PLAIN));
            dictionaryOffset = position;
            long written = write(out, h, page);
            position += written;
            uncompressed += written - page.length + dictionaryValues.size;
            encodings.add(Encoding.PLAIN);
        }
        long dataOffset = position;
        for (Page p : pages) {
            PageHeader h = new PageHeader(PageType.DATA_PAGE, p.uncompressedSize(), p.bytes().length)
                    .setData_page_header(new DataPageHeader(p.values(), p.encoding(), Encoding.RLE, Encoding.RLE));
            long written = write(out, h, p.bytes());
            position += written;
            uncompressed += written - p.bytes().length + p.uncompressedSize();
            if (!encodings.contains(p.encoding())) {
                encodings.add(p.encoding());
            }
        }
        List<String> path = kind == Kind.LIST ? List.of(name, "list", "element") : List.of(name);
        ColumnMetaData meta = new ColumnMetaData(kind.physical, encodings, path, CompressionCodec.SNAPPY, chunkValues, uncompressed,
                position - start, dataOffset).setStatistics(statistics());
        if (dictionaryOffset != null) {
            meta.setDictionary_page_offset(dictionaryOffset);
        }
        startChunk();
        return new ColumnChunk(start).setMeta_data(meta);
    }

    private static long write(OutputStream out, PageHeader header, byte[] page) throws IOException {
        ByteArrayOutputStream h = new ByteArrayOutputStream(64);
        Util.writePageHeader(header, h);
        h.writeTo(out);
        out.write(page);
        return h.size() + (long) page.length;
    }

    private Statistics statistics() {
        Statistics s = new Statistics().setNull_count(nulls);
        if (any) {
            byte[] min;
            byte[] max;
            switch (kind) {
                case STRING, LIST -> {
                    min = minBytes;
                    max = maxBytes;
                }
                case DATE -> {
                    min = littleEndian(minLong, 4);
                    max = littleEndian(maxLong, 4);
                }
                case BOOLEAN -> {
                    min = new byte[] {(byte) minLong};
                    max = new byte[] {(byte) maxLong};
                }
                default -> {
                    min = littleEndian(minLong, 8);
                    max = littleEndian(maxLong, 8);
                }
            }
            if (min.length <= MAX_STATISTICS_BYTES && max.length <= MAX_STATISTICS_BYTES) {
                s.setMin_value(min).setMax_value(max);
            }
        }
        return s;
    }

    private static byte[] littleEndian(long v, int length) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (v >>> (8 * i));
        }
        return b;
    }
}
