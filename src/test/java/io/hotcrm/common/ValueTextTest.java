package io.hotcrm.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ValueTextTest {
    @Test
    void dateTimesAreWrittenExactlyAsIsoInstants() {
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < 20_000; i++) {
            long second = r.nextLong(-2_000_000_000L, 253_402_300_799L);
            int nano = switch (i % 4) {
                case 0 -> 0;
                case 1 -> r.nextInt(1000) * 1_000_000;
                case 2 -> r.nextInt(1_000_000) * 1000;
                default -> r.nextInt(1_000_000_000);
            };
            OffsetDateTime t = OffsetDateTime.ofInstant(java.time.Instant.ofEpochSecond(second, nano),
                    java.time.ZoneOffset.ofHours(i % 24 - 12));
            assertThat(ValueText.of(t)).isEqualTo(DateTimeFormatter.ISO_INSTANT.format(t));
        }
    }
}
