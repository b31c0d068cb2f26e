package io.hotcrm.common;

import static org.assertj.core.api.Assertions.assertThat;

import de.siegmar.fastcsv.writer.CsvWriter;
import de.siegmar.fastcsv.writer.LineDelimiter;
import java.io.ByteArrayOutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The byte writer of CSV exports and import results writes what FastCSV writes for the values as every text format
 * writes them ({@link ValueText#of}), byte for byte.
 */
class CsvBytesTest {
    private static final String PIECES = "ab ,\"\r\n#'=+-@\t;éØ€中\uD83D\uDE00\uD83D\uDC4D";

    @Test
    void randomRecordsAreWrittenAsFastCsvWritesThem() throws Exception {
        SplittableRandom r = new SplittableRandom(7);
        ByteArrayOutputStream ours = new ByteArrayOutputStream();
        ByteArrayOutputStream theirs = new ByteArrayOutputStream();
        CsvBytes bytes = new CsvBytes(ours);
        Writer w = new OutputStreamWriter(theirs, StandardCharsets.UTF_8);
        CsvWriter fast = CsvWriter.builder().lineDelimiter(LineDelimiter.CRLF).build(w);
        for (int row = 0; row < 20_000; row++) {
            List<Object> values = new ArrayList<>();
            int n = 1 + r.nextInt(8);
            for (int i = 0; i < n; i++) {
                values.add(value(r));
            }
            List<String> texts = new ArrayList<>();
            for (Object v : values) {
                bytes.value(v);
                texts.add(ValueText.of(v));
            }
            bytes.endRecord();
            fast.writeRecord(texts);
        }
        bytes.flush();
        fast.flush();
        w.flush();
        assertThat(ours.toByteArray()).isEqualTo(theirs.toByteArray());
    }

    private static Object value(SplittableRandom r) {
        return switch (r.nextInt(9)) {
            case 0 -> null;
            case 1 -> "";
            case 2 -> new UUID(r.nextLong(), r.nextLong());
            case 3 -> LocalDate.ofEpochDay(r.nextLong(-800_000, 2_950_000));
            case 4 -> OffsetDateTime.ofInstant(Instant.ofEpochSecond(r.nextLong(-70_000_000_000L, 253_402_300_799L),
                    r.nextInt(4) == 0 ? 0 : r.nextInt(2) == 0 ? r.nextInt(1_000_000) * 1000 : r.nextInt(1_000_000_000)),
                    r.nextInt(3) == 0 ? ZoneOffset.ofHours(5) : ZoneOffset.UTC);
            case 5 -> new BigDecimal(r.nextLong()).movePointLeft(r.nextInt(6));
            case 6 -> List.of("Cloud", "AI");
            case 7 -> r.nextBoolean();
            default -> {
                StringBuilder b = new StringBuilder();
                int len = r.nextInt(12);
                for (int i = 0; i < len; i++) {
                    // pieces include surrogate pairs; a random cut can leave a lone surrogate, written as '?'
                    b.append(PIECES.charAt(r.nextInt(PIECES.length())));
                }
                yield b.toString();
            }
        };
    }
}
