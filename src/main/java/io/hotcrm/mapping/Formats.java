package io.hotcrm.mapping;

import io.hotcrm.common.HotCrmException;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;

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

    /**
     * The formatter of a date pattern, strict: a day that does not exist in its month ({@code 31.04.2024},
     * {@code 30.02.2023}) is refused instead of being moved to the month's last day. Years are written
     * {@code yyyy} by users; strict resolving needs the proleptic year {@code uuuu}, so y/Y become u.
     */
    static DateTimeFormatter dateFormatter(String pattern) {
        try {
            return DateTimeFormatter.ofPattern(strictYears(pattern.replace("DD", "dd")))
                    .withResolverStyle(ResolverStyle.STRICT);
        } catch (IllegalArgumentException e) {
            throw HotCrmException.invalid("The date format '" + pattern + "' is not a valid pattern: " + e.getMessage()
                    + ". Use letters like dd.MM.yyyy or MM/dd/yyyy.");
        }
    }

    /** y and Y (year of era, week-based year) become u outside quoted text. */
    private static String strictYears(String pattern) {
        StringBuilder b = new StringBuilder(pattern.length());
        boolean quoted = false;
        for (char c : pattern.toCharArray()) {
            if (c == '\'') {
                quoted = !quoted;
            }
            b.append(!quoted && (c == 'y' || c == 'Y') ? 'u' : c);
        }
        return b.toString();
    }

    /**
     * Why a value that has the pattern's shape is not a date, when its day does not exist in its month
     * ("April 2024 has 30 days"); null when the value does not have the pattern's shape at all.
     */
    static String impossibleDay(String value, DateTimeFormatter formatter) {
        try {
            java.time.temporal.TemporalAccessor t = formatter.parseUnresolved(value, new java.text.ParsePosition(0));
            if (t == null || !t.isSupported(ChronoField.DAY_OF_MONTH) || !t.isSupported(ChronoField.MONTH_OF_YEAR)) {
                return null;
            }
            long day = t.getLong(ChronoField.DAY_OF_MONTH);
            long month = t.getLong(ChronoField.MONTH_OF_YEAR);
            Long year = t.isSupported(ChronoField.YEAR) ? Long.valueOf(t.getLong(ChronoField.YEAR)) : null;
            if (month < 1 || month > 12 || day < 1) {
                return month < 1 || month > 12 ? "there is no month " + month : "there is no day " + day;
            }
            java.time.Month m = java.time.Month.of((int) month);
            int length = year == null ? m.maxLength() : java.time.YearMonth.of((int) (long) year, m).lengthOfMonth();
            if (day > length) {
                String name = m.getDisplayName(java.time.format.TextStyle.FULL, java.util.Locale.ENGLISH);
                return name + (year == null ? "" : " " + year) + " has " + length + " days";
            }
            return null;
        } catch (RuntimeException e) {
            return null;
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
