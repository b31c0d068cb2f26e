package io.hotcrm.importing.csv;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One fast pass over a CSV file's bytes before anything is imported: counts the records (quote-aware, so
 * newlines inside quoted fields do not count; empty lines are skipped as the reader skips them), finds a
 * quoted field that is never closed (and the line it opens on), notices binary content, and checks whether
 * the bytes are valid UTF-8. Works for UTF-8 and single-byte encodings, whose delimiters, quotes and
 * newlines are the same ASCII bytes.
 */
final class CsvScan {
    long records;
    boolean validUtf8 = true;
    boolean binary;
    long unclosedQuoteLine;
    /** The first line whose bytes are not UTF-8 (when {@link #validUtf8} is false). */
    long firstNonUtf8Line;

    static CsvScan of(Path file, long skipBytes, char delimiter) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            in.skipNBytes(skipBytes);
            return of(in, delimiter, true);
        }
    }

    /**
     * Scans the stream; with {@code skipPlainRuns} a run of plain ASCII bytes is passed over in one tight loop, without,
     * every byte goes through the state machine (the tests compare the two).
     */
    static CsvScan of(InputStream in, char delimiter, boolean skipPlainRuns) throws IOException {
        CsvScan s = new CsvScan();
        s.run(in, (byte) delimiter, skipPlainRuns);
        return s;
    }

    private void run(InputStream in, byte delim, boolean skipPlainRuns) throws IOException {
        byte[] buf = new byte[1 << 16];
        boolean inQuotes = false;
        boolean quotePending = false;
        boolean fieldStart = true;
        boolean lineHasContent = false;
        long line = 1;
        long quoteLine = 0;
        boolean afterCr = false;
        int need = 0;
        int n;
        boolean[] special = new boolean[256];
        for (int b : new int[] {0, '"', '\n', '\r', delim & 0xff}) {
            special[b] = true;
        }
        for (int b = 0x80; b < 256; b++) {
            special[b] = true;
        }
        while ((n = in.read(buf)) > 0) {
            for (int i = 0; i < n; i++) {
                if (skipPlainRuns && need == 0 && !quotePending && !special[buf[i] & 0xff]) {
                    // a run of plain ASCII: inside quotes it changes nothing, outside it is field content
                    int j = i + 1;
                    while (j < n && !special[buf[j] & 0xff]) {
                        j++;
                    }
                    afterCr = false;
                    if (!inQuotes) {
                        fieldStart = false;
                        lineHasContent = true;
                    }
                    i = j - 1;
                    continue;
                }
                int u = buf[i] & 0xff;
                if (u == 0) {
                    binary = true;
                    return;
                }
                if (validUtf8) {
                    if (need > 0) {
                        if ((u & 0xC0) != 0x80) {
                            nonUtf8(line);
                        } else {
                            need--;
                        }
                    } else if (u >= 0x80) {
                        if (u >= 0xC2 && u <= 0xDF) {
                            need = 1;
                        } else if (u >= 0xE0 && u <= 0xEF) {
                            need = 2;
                        } else if (u >= 0xF0 && u <= 0xF4) {
                            need = 3;
                        } else {
                            nonUtf8(line);
                        }
                    }
                }
                boolean crlf = afterCr && u == '\n';
                afterCr = u == '\r';
                if (inQuotes) {
                    if (quotePending) {
                        quotePending = false;
                        if (u == '"') {
                            continue;
                        }
                        inQuotes = false;
                    } else {
                        if (u == '"') {
                            quotePending = true;
                        } else if ((u == '\n' && !crlf) || u == '\r') {
                            line++;
                        }
                        continue;
                    }
                }
                if (u == delim) {
                    fieldStart = true;
                    lineHasContent = true;
                } else if (u == '\n' || u == '\r') {
                    if (crlf) {
                        continue;
                    }
                    if (lineHasContent) {
                        records++;
                    }
                    line++;
                    lineHasContent = false;
                    fieldStart = true;
                } else if (u == '"' && fieldStart) {
                    inQuotes = true;
                    quoteLine = line;
                    fieldStart = false;
                    lineHasContent = true;
                } else {
                    fieldStart = false;
                    lineHasContent = true;
                }
            }
        }
        if (need > 0 && validUtf8) {
            nonUtf8(line);
        }
        if (inQuotes && !quotePending) {
            unclosedQuoteLine = quoteLine;
        }
        if (lineHasContent) {
            records++;
        }
    }

    private void nonUtf8(long line) {
        validUtf8 = false;
        firstNonUtf8Line = line;
    }
}
