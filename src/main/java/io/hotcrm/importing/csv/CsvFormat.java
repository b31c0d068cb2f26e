package io.hotcrm.importing.csv;

import de.siegmar.fastcsv.reader.CsvParseException;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import de.siegmar.fastcsv.reader.FieldMismatchStrategy;
import io.hotcrm.common.HotCrmException;
import io.hotcrm.importing.Headers;
import io.hotcrm.importing.Source;
import io.hotcrm.importing.SourceFormat;
import io.hotcrm.importing.SourceOptions;
import io.hotcrm.importing.SourceRow;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * CSV files (RFC 4180): the delimiter ({@code , ; tab |}) and the encoding (UTF-8 with or without BOM,
 * UTF-16 with BOM, otherwise Windows-1252) are detected unless given; quoted fields may hold delimiters,
 * quotes and newlines. A scan of the whole file first counts the rows and rejects what cannot be read
 * (binary data, a quote never closed) before a single row is imported.
 */
public final class CsvFormat implements SourceFormat {
    static final int SAMPLE = 1 << 16;
    private static final char[] DELIMITERS = {',', ';', '\t', '|'};
    private static final Charset WINDOWS_1252 = Charset.forName("windows-1252");

    @Override
    public String name() {
        return "CSV";
    }

    @Override
    public boolean accepts(String fileName, byte[] head) {
        boolean zip = head.length >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4;
        boolean ole2 = head.length >= 4 && (head[0] & 0xff) == 0xD0 && (head[1] & 0xff) == 0xCF && (head[2] & 0xff) == 0x11
                && (head[3] & 0xff) == 0xE0;
        return !zip && !ole2;
    }

    @Override
    public Source open(Path file, String fileName, SourceOptions options) throws IOException {
        byte[] head = readHead(file, SAMPLE);
        if (head.length == 0) {
            throw HotCrmException.invalid("The file " + fileName + " is empty: there is nothing to import.");
        }
        Path readFrom = file;
        Path temp = null;
        String encodingNote;
        Charset charset;
        long skip = 0;
        Charset bomCharset = bom(head);
        if (bomCharset == StandardCharsets.UTF_16LE || bomCharset == StandardCharsets.UTF_16BE
                || (options.encoding() != null && options.encoding().name().startsWith("UTF-16"))) {
            Charset from = bomCharset != null ? bomCharset : options.encoding();
            temp = transcode(file, from, bomCharset != null ? 2 : 0);
            readFrom = temp;
            charset = StandardCharsets.UTF_8;
            encodingNote = from.name() + (bomCharset != null ? " with BOM" : "");
            head = readHead(readFrom, SAMPLE);
        } else if (bomCharset == StandardCharsets.UTF_8) {
            charset = StandardCharsets.UTF_8;
            skip = 3;
            encodingNote = "UTF-8 with BOM";
        } else {
            charset = options.encoding();
            encodingNote = charset == null ? null : charset.name();
        }
        try {
            char delimiter = options.delimiter() != null ? options.delimiter()
                    : detectDelimiter(new String(head, (int) skip, head.length - (int) skip,
                    charset == null ? StandardCharsets.UTF_8 : charset));
            CsvScan scan = CsvScan.of(readFrom, skip, delimiter);
            if (scan.binary) {
                throw HotCrmException.invalid("The file " + fileName + " is not a CSV file: it contains binary data."
                        + " Save it as CSV (UTF-8) or as an Excel workbook (.xlsx) and import that.");
            }
            if (scan.unclosedQuoteLine > 0) {
                throw HotCrmException.invalid("The file " + fileName + " has a quoted value that is never closed: it"
                        + " opens with \" on line " + scan.unclosedQuoteLine + " and runs to the end of the file. Add the"
                        + " closing quote (a quote inside a value is written as two quotes \"\").");
            }
            if (charset == null) {
                charset = scan.validUtf8 ? StandardCharsets.UTF_8 : WINDOWS_1252;
                encodingNote = scan.validUtf8 ? "UTF-8" : "Windows-1252 (detected: line " + scan.firstNonUtf8Line
                        + " is not UTF-8)";
            } else if (charset.equals(StandardCharsets.UTF_8) && !scan.validUtf8) {
                throw HotCrmException.invalid("The file " + fileName + " is not UTF-8: line " + scan.firstNonUtf8Line
                        + " has bytes that UTF-8 does not allow. Import it with the encoding it was saved in,"
                        + " for example --encoding windows-1252.");
            }
            return new CsvSource(readFrom, temp, fileName, charset, skip > 0, delimiter, scan.records, encodingNote);
        } catch (RuntimeException | IOException e) {
            if (temp != null) {
                Files.deleteIfExists(temp);
            }
            throw e;
        }
    }

    static byte[] readHead(Path file, int max) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(max);
        }
    }

    private static Charset bom(byte[] h) {
        if (h.length >= 3 && (h[0] & 0xff) == 0xEF && (h[1] & 0xff) == 0xBB && (h[2] & 0xff) == 0xBF) {
            return StandardCharsets.UTF_8;
        }
        if (h.length >= 2 && (h[0] & 0xff) == 0xFF && (h[1] & 0xff) == 0xFE) {
            return StandardCharsets.UTF_16LE;
        }
        if (h.length >= 2 && (h[0] & 0xff) == 0xFE && (h[1] & 0xff) == 0xFF) {
            return StandardCharsets.UTF_16BE;
        }
        return null;
    }

    /** UTF-16 is read by converting it to a temporary UTF-8 file once; everything after works on bytes. */
    private static Path transcode(Path file, Charset from, int skipBytes) throws IOException {
        Path temp = Files.createTempFile("hotcrm-import-", ".csv");
        try (InputStream in = Files.newInputStream(file)) {
            in.skipNBytes(skipBytes);
            try (Reader r = new java.io.InputStreamReader(in, from); Writer w = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
                r.transferTo(w);
            }
        }
        return temp;
    }

    /**
     * The delimiter that splits the first lines into the same number of fields (at least two), preferring the
     * one giving the most fields; a comma when none does (a one-column file).
     */
    static char detectDelimiter(String sample) {
        int cut = sample.lastIndexOf('\n');
        String text = cut > 0 && sample.length() >= SAMPLE - 4 ? sample.substring(0, cut) : sample;
        char best = ',';
        int bestFields = 1;
        double bestShare = 0;
        for (char d : DELIMITERS) {
            List<Integer> counts = new ArrayList<>();
            try (CsvReader<CsvRecord> r = CsvReader.builder().fieldSeparator(d)
                    .extraFieldStrategy(FieldMismatchStrategy.IGNORE).missingFieldStrategy(FieldMismatchStrategy.IGNORE)
                    .allowUnclosedQuote(true).ofCsvRecord(text)) {
                Iterator<CsvRecord> it = r.iterator();
                while (it.hasNext() && counts.size() < 50) {
                    counts.add(it.next().getFieldCount());
                }
            } catch (IOException | CsvParseException | UncheckedIOException e) {
                continue;
            }
            if (counts.isEmpty()) {
                continue;
            }
            Map<Integer, Integer> freq = new HashMap<>();
            counts.forEach(c -> freq.merge(c, 1, Integer::sum));
            Map.Entry<Integer, Integer> mode = freq.entrySet().stream()
                    .max(Map.Entry.<Integer, Integer>comparingByValue().thenComparing(Map.Entry.comparingByKey())).orElseThrow();
            double share = (double) mode.getValue() / counts.size();
            int fields = mode.getKey();
            if (fields >= 2 && share >= 0.8 && (share > bestShare + 0.1 || (share >= bestShare - 0.1 && fields > bestFields))) {
                best = d;
                bestFields = fields;
                bestShare = share;
            }
        }
        return best;
    }

    static String delimiterName(char d) {
        return switch (d) {
            case ',' -> "comma";
            case ';' -> "semicolon";
            case '\t' -> "tab";
            case '|' -> "pipe";
            default -> "'" + d + "'";
        };
    }

    /** An open CSV file: the header read, rows streamed by FastCSV. */
    static final class CsvSource implements Source {
        private final Path temp;
        private final String description;
        private final CsvReader<CsvRecord> reader;
        private final Iterator<CsvRecord> it;
        private final List<String> headers;
        private final long rows;
        private final String fileName;

        CsvSource(Path file, Path temp, String fileName, Charset charset, boolean bom, char delimiter, long records,
                  String encodingNote) throws IOException {
            this.temp = temp;
            this.fileName = fileName;
            this.reader = CsvReader.builder().fieldSeparator(delimiter).skipEmptyLines(true)
                    .extraFieldStrategy(FieldMismatchStrategy.IGNORE).missingFieldStrategy(FieldMismatchStrategy.IGNORE)
                    .detectBomHeader(bom)
                    .maxBufferSize(64 * 1024 * 1024).ofCsvRecord(file, charset);
            this.it = reader.iterator();
            try {
                if (!it.hasNext()) {
                    throw HotCrmException.invalid("The file " + fileName + " is empty: there is nothing to import.");
                }
                this.headers = Headers.of("The file " + fileName, it.next().getFields());
            } catch (RuntimeException e) {
                reader.close();
                throw e;
            }
            this.rows = Math.max(0, records - 1);
            if (rows == 0) {
                reader.close();
                throw HotCrmException.invalid("The file " + fileName + " has a header but no rows to import.");
            }
            this.description = "CSV, " + encodingNote + ", " + delimiterName(delimiter) + "-separated, " + headers.size()
                    + " columns, " + rows + " rows";
        }

        @Override
        public String description() {
            return description;
        }

        @Override
        public List<String> headers() {
            return headers;
        }

        @Override
        public long rows() {
            return rows;
        }

        @Override
        public SourceRow next() throws IOException {
            try {
                if (!it.hasNext()) {
                    return null;
                }
                CsvRecord r = it.next();
                String[] values = r.getFields().toArray(new String[0]);
                for (int i = 0; i < values.length; i++) {
                    values[i] = unneutralise(values[i]);
                }
                return new SourceRow(r.getStartingLineNumber(), values);
            } catch (CsvParseException e) {
                throw HotCrmException.invalid("The file " + fileName + " cannot be read as CSV: " + e.getMessage()
                        + (e.getCause() != null ? " (" + e.getCause().getMessage() + ")" : ""));
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
        }

        /**
         * Spreadsheet-safe exports (HotCRM's, and most CRMs') put an apostrophe before a value starting with
         * {@code = + - @}, tab or carriage return so that spreadsheets show it rather than run it; the
         * apostrophe is not part of the value.
         */
        static String unneutralise(String v) {
            if (v.length() < 2 || v.charAt(0) != '\'') {
                return v;
            }
            char c = v.charAt(1);
            return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r' ? v.substring(1) : v;
        }

        @Override
        public void close() throws IOException {
            reader.close();
            if (temp != null) {
                Files.deleteIfExists(temp);
            }
        }
    }
}
