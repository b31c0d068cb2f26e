package io.hotcrm.common;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * A record's value as text, the same way in every text format HotCRM writes (CSV, JSON Lines, Excel cells, the console):
 * ISO dates ({@code 2024-02-29}), date-times in UTC ({@code 2021-02-14T17:40:07Z}), plain decimals,
 * {@code true}/{@code false}, multi-picklists joined with {@code ;}; null stays null.
 */
public final class ValueText {
    private ValueText() {
    }

    public static String of(Object v) {
        if (v == null) {
            return null;
        }
        if (v instanceof BigDecimal b) {
            return b.toPlainString();
        }
        if (v instanceof OffsetDateTime t) {
            return instant(t);
        }
        if (v instanceof LocalDate d) {
            return d.toString();
        }
        if (v instanceof Picks p) {
            return p.joined();
        }
        if (v instanceof List<?> l) {
            StringBuilder b = new StringBuilder();
            for (Object x : l) {
                if (!b.isEmpty()) {
                    b.append(';');
                }
                b.append(x);
            }
            return b.toString();
        }
        return v.toString();
    }

    /**
     * {@code 2021-02-14T17:40:07Z}, with {@code .5}/{@code .123}/{@code .123456} when there is a fraction —
     * what {@link DateTimeFormatter#ISO_INSTANT} writes, without its cost per value (exports write millions).
     */
    static String instant(OffsetDateTime value) {
        OffsetDateTime t = value.getOffset().equals(ZoneOffset.UTC) ? value : value.withOffsetSameInstant(ZoneOffset.UTC);
        int year = t.getYear();
        if (year < 0 || year > 9999) {
            return DateTimeFormatter.ISO_INSTANT.format(t);
        }
        StringBuilder b = new StringBuilder(30);
        pad(b, year, 4).append('-');
        pad(b, t.getMonthValue(), 2).append('-');
        pad(b, t.getDayOfMonth(), 2).append('T');
        pad(b, t.getHour(), 2).append(':');
        pad(b, t.getMinute(), 2).append(':');
        pad(b, t.getSecond(), 2);
        int nano = t.getNano();
        if (nano > 0) {
            b.append('.');
            if (nano % 1_000_000 == 0) {
                pad(b, nano / 1_000_000, 3);
            } else if (nano % 1000 == 0) {
                pad(b, nano / 1000, 6);
            } else {
                pad(b, nano, 9);
            }
        }
        return b.append('Z').toString();
    }

    private static StringBuilder pad(StringBuilder b, int v, int width) {
        String s = Integer.toString(v);
        for (int i = s.length(); i < width; i++) {
            b.append('0');
        }
        return b.append(s);
    }
}
