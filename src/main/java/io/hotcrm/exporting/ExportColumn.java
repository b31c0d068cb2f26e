package io.hotcrm.exporting;

import io.hotcrm.metadata.FieldDef;
import io.hotcrm.metadata.FieldType;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * One column of an export: its header and the field definition that types its values (Java types as
 * {@code ValueConverter} produces them: String, BigDecimal, LocalDate, OffsetDateTime, Boolean, UUID, List).
 */
public record ExportColumn(String name, FieldDef def) {

    public FieldType type() {
        return def.type();
    }

    /**
     * A value as text, the same way in every text format: ISO dates ({@code 2024-02-29}), date-times in UTC
     * ({@code 2021-02-14T17:40:07Z}), plain decimals, {@code true}/{@code false}, multi-picklists joined with
     * {@code ;}; null stays null.
     */
    public static String text(Object v) {
        if (v == null) {
            return null;
        }
        if (v instanceof BigDecimal b) {
            return b.toPlainString();
        }
        if (v instanceof OffsetDateTime t) {
            return DateTimeFormatter.ISO_INSTANT.format(t.withOffsetSameInstant(ZoneOffset.UTC));
        }
        if (v instanceof LocalDate d) {
            return d.toString();
        }
        if (v instanceof List<?> l) {
            return String.join(";", l.stream().map(String::valueOf).toList());
        }
        return v.toString();
    }
}
