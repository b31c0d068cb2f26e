package io.hotcrm.importing.csv;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pre-import scan, which skips runs of plain ASCII, finds what a byte-by-byte reading of the same file finds:
 * records (quote-aware), the line of a quote never closed, the first line that is not UTF-8, binary content.
 */
class CsvScanTest {
    private static final byte[][] PIECES = {"a".getBytes(), "bc d".getBytes(), ",".getBytes(), ";".getBytes(), "\"".getBytes(),
        "\"\"".getBytes(), "\r\n".getBytes(), "\n".getBytes(), "\r".getBytes(), "\u00e9".getBytes(java.nio.charset.StandardCharsets.UTF_8),
        "\u4e2d".getBytes(java.nio.charset.StandardCharsets.UTF_8), {(byte) 0xE9}, {(byte) 0xC3}, {0}};

    @TempDir
    Path dir;

    @Test
    void findsWhatAByteByByteReadingFinds() throws IOException {
        SplittableRandom r = new SplittableRandom(11);
        for (int round = 0; round < 3000; round++) {
            java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
            int pieces = r.nextInt(200);
            for (int i = 0; i < pieces; i++) {
                // binary and invalid UTF-8 rarely, so most files are scanned to their end
                int k = r.nextInt(PIECES.length * 20);
                byte[] p = k < 20 * (PIECES.length - 3) ? PIECES[k % (PIECES.length - 3)] : PIECES[r.nextInt(PIECES.length)];
                b.write(p, 0, p.length);
            }
            byte[] bytes = b.toByteArray();
            char delim = r.nextBoolean() ? ',' : ';';
            Path f = dir.resolve("f.csv");
            Files.write(f, bytes);
            CsvScan fast = CsvScan.of(f, 0, delim);
            Reference ref = new Reference();
            ref.run(new ByteArrayInputStream(bytes), (byte) delim);
            String what = "round " + round + ": " + new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
            assertThat(fast.records).as(what).isEqualTo(ref.records);
            assertThat(fast.binary).as(what).isEqualTo(ref.binary);
            assertThat(fast.validUtf8).as(what).isEqualTo(ref.validUtf8);
            assertThat(fast.firstNonUtf8Line).as(what).isEqualTo(ref.firstNonUtf8Line);
            assertThat(fast.unclosedQuoteLine).as(what).isEqualTo(ref.unclosedQuoteLine);
        }
    }

    /** The scan as it read every byte through its state machine. */
    private static final class Reference {
        long records;
        boolean validUtf8 = true;
        boolean binary;
        long unclosedQuoteLine;
        long firstNonUtf8Line;

        void run(InputStream in, byte delim) throws IOException {
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
            while ((n = in.read(buf)) > 0) {
                for (int i = 0; i < n; i++) {
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
}
