package io.hotcrm.mapping;

import io.hotcrm.common.HotCrmException;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * How a file writes values: a date pattern (null = ISO {@code yyyy-MM-dd}), the time zone of date-times
 * written without an offset (default UTC), and whether numbers use a decimal comma ({@code 1.234,5}).
 * Date-only values are never shifted by a time zone: {@code 2026-03-01} is stored as that calendar day.
 */
public record Formats(String dateFormat, ZoneId timeZone, boolean decimalComma) {
    public static final Formats DEFAULT = new Formats(null, ZoneOffset.UTC, false);

    public Formats {
        if (timeZone == null) {
            timeZone = ZoneOffset.UTC;
        }
        if (dateFormat != null && dateFormat.isBlank()) {
            dateFormat = null;
        }
        if (dateFormat != null) {
            dateFormatter(dateFormat);
        }
    }

    /** Parses a zone id ("Europe/Berlin", "UTC", "+02:00") with a message naming the setting. */
    public static ZoneId zone(String id) {
        if (id == null || id.isBlank()) {
            return ZoneOffset.UTC;
        }
        try {
            return ZoneId.of(id.trim());
        } catch (DateTimeException e) {
            throw HotCrmException.invalid("Unknown time zone '" + id + "'; use a region like Europe/Berlin or"
                    + " America/New_York, or an offset like +02:00.");
        }
    }

    static DateTimeFormatter dateFormatter(String pattern) {
        try {
            return DateTimeFormatter.ofPattern(pattern.replace("yyyy", "uuuu").replace("YYYY", "uuuu")
                    .replace("DD", "dd"));
        } catch (IllegalArgumentException e) {
            throw HotCrmException.invalid("The date format '" + pattern + "' is not a valid pattern: " + e.getMessage()
                    + ". Use letters like dd.MM.yyyy or MM/dd/yyyy.");
        }
    }

    /**
     * Format settings given for one import on top of its mapping's (the command line's --date-format,
     * --time-zone, --decimal-comma; the REST request's fields): null keeps the mapping's setting.
     */
    public record Overrides(String dateFormat, ZoneId timeZone, Boolean decimalComma) {
        /** Every setting of the formats, overriding all of the mapping's. */
        public static Overrides all(Formats f) {
            return new Overrides(f.dateFormat(), f.timeZone(), f.decimalComma());
        }

        public Formats applyTo(Formats f) {
            return f.with(dateFormat, timeZone, decimalComma);
        }
    }

    /** Settings given on top of these (null keeps ours). */
    public Formats with(String dateFormat, ZoneId timeZone, Boolean decimalComma) {
        return new Formats(dateFormat != null ? dateFormat : this.dateFormat, timeZone != null ? timeZone : this.timeZone,
                decimalComma != null ? decimalComma : this.decimalComma);
    }
}
