package io.hotcrm.mapping;

import io.hotcrm.common.HotCrmException;
import io.hotcrm.common.Texts;
import io.hotcrm.common.Problem;
import io.hotcrm.metadata.Catalogue;
import io.hotcrm.metadata.FieldDef;
import io.hotcrm.metadata.FieldType;
import io.hotcrm.metadata.ObjectDef;
import io.hotcrm.metadata.PicklistValue;
import io.hotcrm.metadata.SystemField;
import io.hotcrm.metadata.ValueConverter;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * A mapping checked against an object and a file's headers, ready to convert rows fast: one converter per
 * mapped column, built once; targets are in the file's column order, constants last. {@link #convert} turns a row of text into one value per target (in
 * {@link #targets()} order): typed field values, {@link Ref}s for lookups and owners, and the external id
 * as text; every problem is collected with its row, column, value and the form that was expected.
 */
public final class CompiledMapping {
    /** The pseudo-field a column of HotCRM record ids maps to (matching existing records by id). */
    public static final String ID = "id";
    private static final Pattern UUID_TEXT = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Pattern THOUSANDS = Pattern.compile("[+-]?\\d{1,3}(,\\d{3})+(\\.\\d+)?");
    private static final Pattern THOUSANDS_COMMA = Pattern.compile("[+-]?\\d{1,3}(\\.\\d{3})+(,\\d+)?");

    /** One field the import writes, with where its value comes from (a column, or a constant). */
    public record Target(FieldDef field, int column, String header, LookupBy by, Object constant, int[] joined) {
        public Target(FieldDef field, int column, String header, LookupBy by, Object constant) {
            this(field, column, header, by, constant, null);
        }

        public String name() {
            return field.name();
        }

        /** The columns after {@link #column} whose values are joined into this field ({@code compose}), or null. */
        public int[] joined() {
            return joined;
        }

        public boolean fromColumn() {
            return column >= 0;
        }
    }

    private final ObjectDef object;
    private final List<Target> targets;
    private final Converter[] converters;
    private final List<String> ignored;

    private interface Converter {
        Object convert(String raw) throws BadValue;
    }

    /** A value that does not convert; cheap to throw (no stack trace). */
    static final class BadValue extends Exception {
        BadValue(String message) {
            super(message, null, false, false);
        }
    }

    private CompiledMapping(ObjectDef object, List<Target> targets, Converter[] converters, List<String> ignored) {
        this.object = object;
        this.targets = List.copyOf(targets);
        this.converters = converters;
        this.ignored = List.copyOf(ignored);
    }

    /**
     * Checks the mapping against the object and the headers: every mapped column exists in the file, every
     * field exists and is writable, no field is filled twice, lookup keys fit their targets, constants
     * convert. All problems are reported at once.
     */
    public static CompiledMapping compile(Catalogue catalogue, ObjectDef o, Mapping m, List<String> headers) {
        return compile(catalogue, o, m, headers, false);
    }

    /** The audit fields a migration may fill: when a record was created in the source, and by whom. */
    public static final java.util.Set<String> AUDIT_FIELDS = java.util.Set.of(SystemField.CREATED_AT, SystemField.CREATED_BY);

    /**
     * As {@link #compile(Catalogue, ObjectDef, Mapping, List)}; with {@code migration} the mapping may also fill
     * {@code created_at}, {@code created_by} (a user, by email, external id or id) and read-only fields.
     */
    public static CompiledMapping compile(Catalogue catalogue, ObjectDef o, Mapping m, List<String> headers, boolean migration) {
        List<String> errors = new ArrayList<>();
        Map<String, Integer> headerIndex = new HashMap<>();
        Map<String, Integer> lowerIndex = new HashMap<>();
        for (int i = 0; i < headers.size(); i++) {
            String h = headers.get(i) == null ? "" : headers.get(i).trim();
            headerIndex.putIfAbsent(h, i);
            lowerIndex.putIfAbsent(h.toLowerCase(Locale.ROOT), i);
        }
        List<Target> targets = new ArrayList<>();
        List<Converter> converters = new ArrayList<>();
        Map<String, String> filled = new LinkedHashMap<>();
        java.util.Set<Integer> usedColumns = new java.util.HashSet<>();
        for (ColumnMapping c : m.columns()) {
            if (c.ignored()) {
                continue;
            }
            Integer idx = headerIndex.get(c.column().trim());
            if (idx == null) {
                idx = lowerIndex.get(c.column().trim().toLowerCase(Locale.ROOT));
            }
            if (idx == null) {
                errors.add("The mapping uses the column \"" + c.column() + "\", which the file does not have.");
                continue;
            }
            FieldDef f = field(o, c.field(), errors, migration);
            if (f == null) {
                continue;
            }
            if (filled.containsKey(f.name())) {
                errors.add("The field " + f.name() + " is mapped twice: from \"" + filled.get(f.name()) + "\" and from \""
                        + c.column() + "\". Map one of them.");
                continue;
            }
            LookupBy by = lookupBy(catalogue, f, c.by(), errors);
            filled.put(f.name(), c.column());
            usedColumns.add(idx);
            Formats formats = c.dateFormat() == null ? m.formats() : m.formats().with(c.dateFormat(), null, null);
            targets.add(new Target(f, idx, headers.get(idx), by, null));
            converters.add(converter(f, by, formats, c.ifUnknown()));
        }
        for (Map.Entry<String, List<String>> e : m.compose().entrySet()) {
            FieldDef f = field(o, e.getKey(), errors, migration);
            if (f == null) {
                continue;
            }
            if (f.type() != FieldType.TEXT && f.type() != FieldType.TEXTAREA) {
                errors.add("Only text fields can be composed from several columns; " + f.name() + " is "
                        + f.type().name().toLowerCase(Locale.ROOT) + ".");
                continue;
            }
            if (filled.containsKey(f.name())) {
                errors.add("The field " + f.name() + " is composed and also mapped from \"" + filled.get(f.name()) + "\"; keep one.");
                continue;
            }
            List<Integer> idx = new ArrayList<>();
            for (String col : e.getValue()) {
                Integer i = headerIndex.get(col.trim());
                if (i == null) {
                    i = lowerIndex.get(col.trim().toLowerCase(Locale.ROOT));
                }
                if (i == null) {
                    errors.add("The mapping composes " + f.name() + " from the column \"" + col + "\", which the file does not have.");
                } else {
                    idx.add(i);
                }
            }
            if (idx.size() != e.getValue().size()) {
                continue;
            }
            filled.put(f.name(), String.join(" + ", e.getValue()));
            usedColumns.addAll(idx);
            int[] more = idx.subList(1, idx.size()).stream().mapToInt(Integer::intValue).toArray();
            targets.add(new Target(f, idx.get(0), String.join(" + ", idx.stream().map(headers::get).toList()), null, null, more));
            converters.add(converter(f, null, m.formats(), Unknown.FAIL));
        }
        for (Map.Entry<String, String> e : m.constants().entrySet()) {
            FieldDef f = field(o, e.getKey(), errors, migration);
            if (f == null) {
                continue;
            }
            if (filled.containsKey(f.name())) {
                errors.add("The field " + f.name() + " has a constant and is also mapped from \"" + filled.get(f.name())
                        + "\"; keep one.");
                continue;
            }
            LookupBy by = isReference(f) ? lookupBy(catalogue, f, null, errors) : null;
            Object value = null;
            if (e.getValue() != null && !e.getValue().isBlank()) {
                try {
                    value = converter(f, by, m.formats(), Unknown.FAIL).convert(e.getValue());
                } catch (BadValue bad) {
                    errors.add("The constant for " + f.name() + " is not valid: " + bad.getMessage());
                    continue;
                }
            }
            filled.put(f.name(), "constant");
            targets.add(new Target(f, -1, null, by, value));
            converters.add(null);
        }
        if (!errors.isEmpty()) {
            throw HotCrmException.invalid("The mapping does not fit " + o.name() + " and this file: "
                    + String.join(" ", errors) + " The file's columns are: " + String.join(", ", headers) + ".");
        }
        Integer[] order = new Integer[targets.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, java.util.Comparator.comparingInt(i -> targets.get(i).fromColumn()
                ? targets.get(i).column() : Integer.MAX_VALUE));
        List<Target> sortedTargets = new ArrayList<>();
        List<Converter> sortedConverters = new ArrayList<>();
        for (int i : order) {
            sortedTargets.add(targets.get(i));
            sortedConverters.add(converters.get(i));
        }
        List<String> ignored = new ArrayList<>();
        for (int i = 0; i < headers.size(); i++) {
            if (!usedColumns.contains(i)) {
                ignored.add(headers.get(i));
            }
        }
        return new CompiledMapping(o, sortedTargets, sortedConverters.toArray(new Converter[0]), ignored);
    }

    private static FieldDef field(ObjectDef o, String name, List<String> errors, boolean migration) {
        if (name == null || name.isBlank()) {
            return null;
        }
        String n = name.trim();
        if (n.equals(SystemField.EXTERNAL_ID)) {
            return externalIdField();
        }
        if (AUDIT_FIELDS.contains(n)) {
            if (!migration) {
                errors.add(n + " is set by HotCRM; only a migration (the --migration option, for roles allowed to migrate)"
                        + " keeps the source's value.");
                return null;
            }
            return auditField(n);
        }
        if (n.equals(ID)) {
            return new FieldDef(ID, "Record ID", FieldType.TEXT, false, true, 36, 0, null, null, null, List.of(), null,
                    false, false, "");
        }
        FieldDef f = o.field(n).orElse(null);
        if (f == null) {
            errors.add(o.label() + " has no field \"" + n + "\"." + io.hotcrm.metadata.Suggestions.didYouMean(n,
                    o.fields().stream().map(FieldDef::name).toList()));
            return null;
        }
        if (f.computed() && !migration) {
            errors.add(o.label() + "." + n + " is calculated by HotCRM and cannot be imported (a migration may fill it).");
            return null;
        }
        return f;
    }

    /** {@code created_at} (a date-time) or {@code created_by} (a user) as a field a migration fills. */
    public static FieldDef auditField(String name) {
        return name.equals(SystemField.CREATED_AT)
                ? new FieldDef(name, "Created Date", FieldType.DATETIME, false, false, 0, 0, null, null, null, List.of(), null,
                false, false, "")
                : new FieldDef(name, "Created By", FieldType.LOOKUP, false, false, 0, 0, null, null, "user", List.of(), null,
                false, false, "");
    }

    /** The external id as a field: text, unique, 255 characters. */
    public static FieldDef externalIdField() {
        return new FieldDef(SystemField.EXTERNAL_ID, "External ID", FieldType.TEXT, false, true, 255, 0, null, null, null,
                List.of(), null, false, false, "");
    }

    private static LookupBy lookupBy(Catalogue catalogue, FieldDef f, LookupBy given, List<String> errors) {
        if (!isReference(f)) {
            return null;
        }
        if (f.type() == FieldType.OWNER) {
            LookupBy by = given == null ? LookupBy.EMAIL : given;
            if (by == LookupBy.NAME) {
                errors.add("Owners (" + f.name() + ") are found by email, external_id or id, not by name.");
            }
            return by;
        }
        LookupBy by = given == null ? LookupBy.EXTERNAL_ID : given;
        ObjectDef target = catalogue.find(f.target()).orElse(null);
        if (target == null) {
            errors.add(f.name() + " points at an unknown object " + f.target() + ".");
        } else if (by == LookupBy.NAME && nameField(target) == null) {
            errors.add(target.label() + " records have no name to find them by (" + f.name() + "); use external_id or id.");
        } else if (by == LookupBy.EMAIL && target.field("email").isEmpty()) {
            errors.add(target.label() + " records have no email to find them by (" + f.name() + "); use external_id or id.");
        }
        return by;
    }

    /** The field a record is found by when a lookup gives its name: {@code name}, {@code subject} or a number. */
    public static FieldDef nameField(ObjectDef o) {
        return o.nameField().orElse(null);
    }

    private static boolean isReference(FieldDef f) {
        return f.type() == FieldType.LOOKUP || f.type() == FieldType.OWNER;
    }

    public ObjectDef object() {
        return object;
    }

    /** The fields written, in the order {@link #convert} fills its output. */
    public List<Target> targets() {
        return targets;
    }

    /** The file's columns that no field uses. */
    public List<String> ignoredColumns() {
        return ignored;
    }

    /** The position of a target field, or -1. */
    public int indexOf(String field) {
        for (int i = 0; i < targets.size(); i++) {
            if (targets.get(i).name().equals(field)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Converts one row into {@code out} (one slot per target); adds a problem per bad value and returns
     * whether the row converted cleanly. Blank cells give null.
     */
    public boolean convert(long rowNumber, String[] row, Object[] out, List<RowProblem> problems) {
        boolean ok = true;
        for (int i = 0; i < converters.length; i++) {
            Target t = targets.get(i);
            if (!t.fromColumn()) {
                out[i] = t.constant();
                continue;
            }
            String raw = t.joined() == null ? (t.column() < row.length ? row[t.column()] : null) : joined(t, row);
            if (raw == null || raw.isBlank()) {
                out[i] = null;
                continue;
            }
            try {
                int max = maxInput(t.field());
                if (raw.length() > max && raw.strip().length() > max) {
                    throw tooLong(t.field(), max, raw.strip().length());
                }
                out[i] = converters[i].convert(raw);
            } catch (BadValue e) {
                out[i] = null;
                ok = false;
                problems.add(new RowProblem(rowNumber, t.header(), t.name(), clip(raw), e.getMessage()));
            }
        }
        return ok;
    }

    /** The non-blank cells of a composed field's columns, stripped and joined by a space. */
    private static String joined(Target t, String[] row) {
        StringBuilder b = new StringBuilder();
        for (int k = -1; k < t.joined().length; k++) {
            int c = k < 0 ? t.column() : t.joined()[k];
            String v = c < row.length ? row[c] : null;
            if (v != null && !v.isBlank()) {
                b.append(b.length() == 0 ? "" : " ").append(v.strip());
            }
        }
        return b.toString();
    }

    private static String clip(String s) {
        return Texts.clip(s, Texts.SHOWN);
    }

    /**
     * The most characters a cell may hold for the field, checked before any conversion: text fields their
     * length; numbers, dates, yes/no values and references far less. An oversized value is refused at once,
     * named by its length, and never reaches a message, a job result or the store whole.
     */
    static int maxInput(FieldDef f) {
        return switch (f.type()) {
            case TEXT, TEXTAREA, EMAIL, PHONE, URL, PICKLIST, MULTI_PICKLIST -> f.maxLength();
            case NUMBER, CURRENCY, PERCENT, DATE, DATETIME -> 100;
            case BOOLEAN -> 40;
            case LOOKUP, OWNER -> 1000;
        };
    }

    // ------------------------------------------------------------------ converters per field type

    private static Converter converter(FieldDef f, LookupBy by, Formats formats, Unknown ifUnknown) {
        if (f.name().equals(ID)) {
            return raw -> uuid(raw.trim(), "a HotCRM record id (a UUID)");
        }
        return switch (f.type()) {
            case TEXT, TEXTAREA, PHONE -> raw -> text(f, raw);
            case EMAIL, URL -> raw -> viaValueConverter(f, raw.trim());
            case NUMBER, CURRENCY, PERCENT -> raw -> number(f, raw, formats.decimalComma());
            case DATE -> date(f, formats);
            case DATETIME -> dateTime(f, formats);
            case BOOLEAN -> raw -> bool(f, raw, ifUnknown);
            case PICKLIST -> raw -> picklist(f, raw, ifUnknown);
            case MULTI_PICKLIST -> raw -> multiPicklist(f, raw, ifUnknown);
            case LOOKUP, OWNER -> raw -> reference(f, by, raw.trim());
        };
    }

    private static BadValue tooLong(FieldDef f, int max, int found) {
        return new BadValue("Too long: at most " + max + " characters fit " + f.label() + ", found " + found + ".");
    }

    private static String text(FieldDef f, String raw) throws BadValue {
        String s = raw.strip();
        if (s.length() > f.maxLength()) {
            throw tooLong(f, f.maxLength(), s.length());
        }
        return s;
    }

    private static Object viaValueConverter(FieldDef f, String s) throws BadValue {
        ValueConverter.Converted c = ValueConverter.convert(f, s);
        if (!c.ok()) {
            String m = c.problem().message();
            String label = f.label() + ": ";
            throw new BadValue(m.startsWith(label) ? m.substring(label.length()) : m);
        }
        return c.value();
    }

    private static BigDecimal number(FieldDef f, String raw, boolean decimalComma) throws BadValue {
        String s = raw.strip().replace(" ", "").replace("\u00a0", "").replace("'", "");
        if (!s.isEmpty() && "$€£¥".indexOf(s.charAt(0)) >= 0) {
            s = s.substring(1);
        }
        if (s.endsWith("%")) {
            s = s.substring(0, s.length() - 1);
        }
        if (decimalComma) {
            if (THOUSANDS_COMMA.matcher(s).matches()) {
                s = s.replace(".", "");
            }
            s = s.replace(',', '.');
        } else if (THOUSANDS.matcher(s).matches()) {
            s = s.replace(",", "");
        } else if (s.indexOf(',') >= 0) {
            throw new BadValue(Texts.quote(raw) + " is not a number: expected digits with a decimal point like 1234.50"
                    + " (for 1.234,50 import with the decimal-comma option).");
        }
        try {
            return ValueConverter.number(f, new BigDecimal(s));
        } catch (NumberFormatException e) {
            throw new BadValue(Texts.quote(raw) + " is not a number: expected digits like 1234.50.");
        } catch (IllegalArgumentException e) {
            throw new BadValue(e.getMessage());
        }
    }

    private static Converter date(FieldDef f, Formats formats) {
        DateTimeFormatter given = formats.dateFormat() == null ? null : Formats.dateFormatter(formats.dateFormat());
        String expected = formats.dateFormat() == null ? "YYYY-MM-DD" : formats.dateFormat();
        return raw -> {
            String s = raw.strip();
            try {
                if (given != null) {
                    return LocalDate.parse(s, given);
                }
                if (s.length() > 10 && (s.charAt(10) == 'T' || s.charAt(10) == ' ')) {
                    s = s.substring(0, 10);
                }
                return LocalDate.parse(s);
            } catch (DateTimeParseException e) {
                impossibleDay(raw, s, given);
                throw new BadValue(Texts.quote(raw) + " is not a date: expected " + expected + (given == null
                        ? " (give the file's format with the date-format option, e.g. dd.MM.yyyy)" : "") + ".");
            }
        };
    }

    private static Converter dateTime(FieldDef f, Formats formats) {
        DateTimeFormatter givenDate = formats.dateFormat() == null ? null : Formats.dateFormatter(formats.dateFormat());
        DateTimeFormatter givenDateTime = formats.dateFormat() == null ? null
                : Formats.dateFormatter(formats.dateFormat() + " HH:mm[:ss]");
        return raw -> {
            String s = raw.strip();
            try {
                if (givenDateTime != null) {
                    try {
                        return LocalDateTime.parse(s, givenDateTime).atZone(formats.timeZone()).toOffsetDateTime()
                                .withOffsetSameInstant(ZoneOffset.UTC);
                    } catch (DateTimeParseException e) {
                        return LocalDate.parse(s, givenDate).atStartOfDay(formats.timeZone()).toOffsetDateTime()
                                .withOffsetSameInstant(ZoneOffset.UTC);
                    }
                }
                String iso = s.length() > 10 && s.charAt(10) == ' ' ? s.substring(0, 10) + 'T' + s.substring(11) : s;
                if (iso.length() == 10) {
                    return LocalDate.parse(iso).atStartOfDay(formats.timeZone()).toOffsetDateTime()
                            .withOffsetSameInstant(ZoneOffset.UTC);
                }
                if (hasOffset(iso)) {
                    return OffsetDateTime.parse(iso).withOffsetSameInstant(ZoneOffset.UTC);
                }
                return LocalDateTime.parse(iso).atZone(formats.timeZone()).toOffsetDateTime()
                        .withOffsetSameInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException e) {
                impossibleDay(raw, s, givenDate);
                throw new BadValue(Texts.quote(raw) + " is not a date-time: expected "
                        + (givenDateTime == null ? "ISO 8601 like 2026-03-01T09:30:00Z (without an offset, the import's"
                        + " time zone " + formats.timeZone().getId() + " applies)" : formats.dateFormat() + " HH:mm") + ".");
            }
        };
    }

    /** Throws when the value has a date's shape but a day its month does not have (the file's format, else ISO). */
    private static void impossibleDay(String raw, String value, DateTimeFormatter given) throws BadValue {
        String why = Formats.impossibleDay(value, given != null ? given : DateTimeFormatter.ISO_LOCAL_DATE);
        if (why != null) {
            throw new BadValue(Texts.quote(raw) + " is not a real date: " + why + ". Correct the day in the file.");
        }
    }

    private static boolean hasOffset(String iso) {
        if (iso.endsWith("Z") || iso.endsWith("z")) {
            return true;
        }
        int t = iso.indexOf('T');
        return t > 0 && (iso.indexOf('+', t) > 0 || iso.indexOf('-', t) > 0);
    }

    private static Object bool(FieldDef f, String raw, Unknown ifUnknown) throws BadValue {
        switch (raw.strip().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "y", "1", "t", "x", "on", "ja", "oui", "sí", "si" -> {
                return Boolean.TRUE;
            }
            case "false", "no", "n", "0", "f", "off", "nein", "non" -> {
                return Boolean.FALSE;
            }
            default -> {
                return unknown(f, raw, ifUnknown, "true/false, yes/no or 1/0");
            }
        }
    }

    private static Object picklist(FieldDef f, String raw, Unknown ifUnknown) throws BadValue {
        String s = raw.strip();
        for (PicklistValue v : f.values()) {
            if (v.matches(s)) {
                return v.value();
            }
        }
        return unknown(f, raw, ifUnknown, "one of " + allowed(f));
    }

    private static Object multiPicklist(FieldDef f, String raw, Unknown ifUnknown) throws BadValue {
        List<String> out = new ArrayList<>();
        for (String part : raw.split(";")) {
            String p = part.strip();
            if (p.isEmpty()) {
                continue;
            }
            String v = f.picklistValue(p).map(PicklistValue::value).orElse(null);
            if (v == null) {
                Object replaced = unknown(f, p, ifUnknown, "values from " + allowed(f) + ", separated by ;");
                v = replaced == null ? null : replaced.toString();
            }
            if (v != null && !out.contains(v)) {
                out.add(v);
            }
        }
        return out.isEmpty() ? null : List.copyOf(out);
    }

    private static Object unknown(FieldDef f, String raw, Unknown ifUnknown, String expected) throws BadValue {
        return switch (ifUnknown.policy()) {
            case FAIL -> throw new BadValue(Texts.quote(raw.strip()) + " is not allowed in " + f.label() + ": expected "
                    + expected + ".");
            case BLANK -> null;
            case DEFAULT -> {
                if (f.type() == FieldType.BOOLEAN) {
                    yield Boolean.valueOf(ifUnknown.defaultValue().trim());
                }
                yield f.picklistValue(ifUnknown.defaultValue()).map(PicklistValue::value).orElseThrow(() -> new BadValue(
                        "The default \"" + ifUnknown.defaultValue() + "\" is not allowed in " + f.label() + " either."));
            }
        };
    }

    private static String allowed(FieldDef f) {
        List<String> values = f.values().stream().map(PicklistValue::value).toList();
        return values.size() <= 12 ? String.join(", ", values) : String.join(", ", values.subList(0, 12)) + ", …";
    }

    private static Ref reference(FieldDef f, LookupBy by, String key) throws BadValue {
        if (by == LookupBy.ID) {
            uuid(key, "a " + f.target() + " record id (a UUID)");
        }
        if (by == LookupBy.EMAIL) {
            return new Ref(by, key.toLowerCase(Locale.ROOT));
        }
        return new Ref(by, key);
    }

    private static UUID uuid(String s, String expected) throws BadValue {
        if (!UUID_TEXT.matcher(s).matches()) {
            throw new BadValue(Texts.quote(s) + " is not " + expected + ".");
        }
        return UUID.fromString(s);
    }
}
