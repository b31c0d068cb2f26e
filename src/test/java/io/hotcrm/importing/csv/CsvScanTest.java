package io.hotcrm.importing.csv;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
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
            CsvScan ref = CsvScan.of(new ByteArrayInputStream(bytes), delim, false);
            String what = "round " + round + ": " + new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
            assertThat(fast.records).as(what).isEqualTo(ref.records);
            assertThat(fast.binary).as(what).isEqualTo(ref.binary);
            assertThat(fast.validUtf8).as(what).isEqualTo(ref.validUtf8);
            assertThat(fast.firstNonUtf8Line).as(what).isEqualTo(ref.firstNonUtf8Line);
            assertThat(fast.unclosedQuoteLine).as(what).isEqualTo(ref.unclosedQuoteLine);
        }
    }
}
