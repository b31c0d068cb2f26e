package io.hotcrm.metadata;

import io.hotcrm.common.Texts;

import io.hotcrm.common.Problem;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Turns values given by API clients (JSON scalars and arrays) into the Java value a field stores, or a
 * {@link Problem} that says what was expected and what was found. Stored types: String for text and picklists,
 * {@code List<String>} for multi-picklists, BigDecimal for numbers, LocalDate, OffsetDateTime (UTC), Boolean, UUID.
 */
public final class ValueConverter {
    static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");
    private static final Pattern URL = Pattern.compile("(?i)(https?://|www\\.)?[^\\s/$.?#][^\\s]*\\.[^\\s]{2,}.*");

    private ValueConverter() {
    }

    /** Result of one conversion: a value (possibly null) or a problem. */
    public record Converted(Object value, Problem problem) {
        public boolean ok() {
            return problem == null;
        }
    }

    public static Converted convert(FieldDef f, Object raw) {
        return convert(f, raw, true);
    }

    /**
     * Converts a value to compare against (a filter or a keyset position): the type must fit, but length,
     * scale and range limits do not apply.
     */
    public static Converted convertForComparison(FieldDef f, Object raw) {
        return convert(f, raw, false);
    }

    private static Converted convert(FieldDef f, Object raw, boolean strict) {
        if (raw == null || (raw instanceof String s && s.isBlank())) {
            return new Converted(null, null);
        }
        try {
            return new Converted(strict ? convertNonNull(f, raw) : loose(f, raw), null);
        } catch (IllegalArgumentException | DateTimeParseException | ArithmeticException e) {
            return new Converted(null, new Problem(f.name(), "invalid_value", e.getMessage()));
        }
    }

    private static Object convertNonNull(FieldDef f, Object raw) {
        return switch (f.type()) {
            case TEXT, TEXTAREA, PHONE -> text(f, raw);
            case EMAIL -> email(f, raw);
            case URL -> url(f, raw);
            case NUMBER, CURRENCY, PERCENT -> number(f, raw);
            case DATE -> date(f, raw);
            case DATETIME -> dateTime(f, raw);
            case BOOLEAN -> bool(f, raw);
            case PICKLIST -> picklist(f, raw);
            case MULTI_PICKLIST -> multiPicklist(f, raw);
            case LOOKUP, OWNER -> reference(f, raw);
        };
    }

    private static Object loose(FieldDef f, Object raw) {
        return switch (f.type()) {
            case TEXT, TEXTAREA, PHONE, URL -> scalarText(f, raw);
            case EMAIL -> scalarText(f, raw).trim().toLowerCase(Locale.ROOT);
            case NUMBER, CURRENCY, PERCENT -> parseNumber(f, raw);
            default -> convertNonNull(f, raw);
        };
    }

    private static String scalarText(FieldDef f, Object raw) {
        if (raw instanceof Collection<?> || raw instanceof java.util.Map<?, ?>) {
            throw new IllegalArgumentException(f.label() + ": expected a single value, found a list or object.");
        }
        return raw.toString();
    }

    private static String text(FieldDef f, Object raw) {
        String s = scalarText(f, raw);
        if (s.length() > f.maxLength()) {
            throw new IllegalArgumentException(f.label() + ": at most " + f.maxLength() + " characters allowed, found "
                    + s.length() + ".");
        }
        return s;
    }

    private static String email(FieldDef f, Object raw) {
        String s = text(f, raw).trim();
        if (!EMAIL.matcher(s).matches()) {
            throw new IllegalArgumentException(f.label() + ": " + Texts.quote(s) + " is not an email address.");
        }
        return s.toLowerCase(Locale.ROOT);
    }

    private static String url(FieldDef f, Object raw) {
        String s = text(f, raw).trim();
        if (!URL.matcher(s).matches()) {
            throw new IllegalArgumentException(f.label() + ": " + Texts.quote(s) + " is not a web address.");
        }
        return s;
    }

    /** Parses a number and checks scale, precision (18 digits) and the field's bounds. */
    public static BigDecimal number(FieldDef f, Object raw) {
        BigDecimal d = parseNumber(f, raw).stripTrailingZeros();
        if (d.scale() < 0) {
            d = d.setScale(0);
        }
        if (d.scale() > f.scale()) {
            throw new IllegalArgumentException(f.label() + ": at most " + f.scale() + " decimal places allowed, found "
                    + d.toPlainString() + ".");
        }
        if (d.precision() - d.scale() > 18 - f.scale()) {
            throw new IllegalArgumentException(f.label() + ": " + d.toPlainString() + " is too large.");
        }
        if (f.min() != null && d.compareTo(f.min()) < 0 || f.max() != null && d.compareTo(f.max()) > 0) {
            throw new IllegalArgumentException(f.label() + ": " + d.toPlainString() + " is outside "
                    + (f.min() == null ? "" : f.min().toPlainString()) + ".." + (f.max() == null ? "" : f.max().toPlainString()) + ".");
        }
        return d;
    }

    private static BigDecimal parseNumber(FieldDef f, Object raw) {
        if (raw instanceof BigDecimal b) {
            return b;
        }
        if (raw instanceof Number n) {
            return new BigDecimal(n.toString());
        }
        String s = scalarText(f, raw).trim().replace("_", "");
        try {
            return new BigDecimal(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(f.label() + ": " + Texts.quote(s) + " is not a number.");
        }
    }

    private static LocalDate date(FieldDef f, Object raw) {
        String s = scalarText(f, raw).trim();
        try {
            return LocalDate.parse(s);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(f.label() + ": " + Texts.quote(s) + " is not a date; expected YYYY-MM-DD.");
        }
    }

    private static OffsetDateTime dateTime(FieldDef f, Object raw) {
        String s = scalarText(f, raw).trim();
        try {
            return OffsetDateTime.parse(s).withOffsetSameInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(f.label() + ": " + Texts.quote(s)
                    + " is not a date-time; expected ISO 8601 with an offset, like 2026-03-01T09:30:00Z.");
        }
    }

    private static Boolean bool(FieldDef f, Object raw) {
        if (raw instanceof Boolean b) {
            return b;
        }
        String s = scalarText(f, raw).trim().toLowerCase(Locale.ROOT);
        return switch (s) {
            case "true", "yes", "y", "1" -> Boolean.TRUE;
            case "false", "no", "n", "0" -> Boolean.FALSE;
            default -> throw new IllegalArgumentException(f.label() + ": " + Texts.quote(s) + " is not a boolean; expected true or false.");
        };
    }

    private static String picklist(FieldDef f, Object raw) {
        String s = scalarText(f, raw);
        return f.picklistValue(s).map(PicklistValue::value).orElseThrow(() -> unknownValue(f, s));
    }

    private static List<String> multiPicklist(FieldDef f, Object raw) {
        List<String> parts = new ArrayList<>();
        if (raw instanceof Collection<?> c) {
            c.forEach(x -> parts.add(String.valueOf(x)));
        } else {
            for (String p : raw.toString().split(";")) {
                parts.add(p);
            }
        }
        List<String> out = new ArrayList<>();
        for (String p : parts) {
            if (!p.isBlank()) {
                String v = f.picklistValue(p).map(PicklistValue::value).orElseThrow(() -> unknownValue(f, p.trim()));
                if (!out.contains(v)) {
                    out.add(v);
                }
            }
        }
        return List.copyOf(out);
    }

    private static IllegalArgumentException unknownValue(FieldDef f, String s) {
        return new IllegalArgumentException(f.label() + ": " + Texts.quote(s) + " is not one of the allowed values ("
                + String.join(", ", f.values().stream().map(PicklistValue::value).toList()) + ").");
    }

    private static UUID reference(FieldDef f, Object raw) {
        String s = scalarText(f, raw).trim();
        try {
            return UUID.fromString(s);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(f.label() + ": " + Texts.quote(s) + " is not a " + f.target() + " record id.");
        }
    }
}
