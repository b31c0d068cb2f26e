package io.hotcrm.migration.salesforce;

import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import io.hotcrm.common.HotCrmException;
import io.hotcrm.migration.CrmSource;
import io.hotcrm.migration.Slice;
import io.hotcrm.migration.SourceDefaults;
import io.hotcrm.migration.SourceField;
import io.hotcrm.migration.SourceField.SourceType;
import io.hotcrm.migration.SourceObject;
import io.hotcrm.migration.SourceOrg;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * A Salesforce org as its weekly Data Export left it: no API, only the export's ZIP files. The CSVs' headers are
 * API names, so the plan is the one a live org gets; what a describe would say, the data says: each column's kind is
 * what all its values are (ids of one object's key prefix are a reference to it, {@code true}/{@code false} a
 * checkbox, numbers, dates, date-times), a picklist's values are the values used, and a custom text column with few
 * distinct values is offered as a picklist. Counts and reconciles are against the rows of the export; records the
 * export marks deleted are left out. A file's bytes come from the export's folders ({@code Attachments/<Id>},
 * {@code ContentVersion/<Id>}); a file belongs to the record it was first shared with ({@code FirstPublishLocationId})
 * or, when the export holds {@code ContentDocumentLink.csv}, to its first linked record that is not a user.
 */
final class SalesforceExportSource implements CrmSource {
    private static final Pattern ID = Pattern.compile("[0-9A-Za-z]{15}|[0-9A-Za-z]{18}");
    private static final Pattern DATE = Pattern.compile("\\d{4}-\\d\\d-\\d\\d");
    private static final Pattern DATETIME = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?(Z|[+-]\\d\\d:?\\d\\d)");
    private static final Pattern INTEGER = Pattern.compile("-?\\d{1,18}");
    private static final Pattern DECIMAL = Pattern.compile("-?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");
    /** Distinct values kept per column for picklists; a column with more is no picklist. */
    private static final int VALUES = 200;
    /** A custom text column with at most this many distinct values (each used more than once) is offered as a picklist. */
    private static final int PICKLIST_VALUES = 30;

    private final ExportArchive archive;
    /** The export read before this one, or null. */
    private final SalesforceExportSource before;
    private final Map<String, SourceObject> described = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, String> prefixes;
    private final Map<String, Map<String, String>> parents = new java.util.concurrent.ConcurrentHashMap<>();
    /** Rows a whole read takes, per object, counted while its columns were inferred (one pass fewer for a plan). */
    private final Map<String, Long> counted = new java.util.concurrent.ConcurrentHashMap<>();
    private Instant highWater;

    SalesforceExportSource(ExportArchive archive, ExportArchive before) {
        this.archive = archive;
        this.before = before == null ? null : new SalesforceExportSource(before, null);
        Map<String, String> p = new HashMap<>();
        for (String o : archive.objects()) {
            String first = firstId(o);
            if (first != null && !p.containsKey(first.substring(0, 3))) {
                p.put(first.substring(0, 3), o);
            }
        }
        this.prefixes = p;
    }

    @Override
    public SourceOrg org() {
        String currency = null;
        if (archive.has("Organization")) {
            List<Map<String, String>> org = new ArrayList<>();
            rows("Organization", r -> true, org::add, 1);
            currency = org.isEmpty() ? null : blankToNull(org.get(0).get("DefaultCurrencyIsoCode"));
        }
        return new SourceOrg("Salesforce Data Export" + (archive.orgId() == null ? "" : " of " + archive.orgId()),
                archive.orgId() == null ? "" : archive.orgId(), false, "", currency, 0, 0, "");
    }

    @Override
    public List<SourceObject> objects() {
        List<SourceObject> out = new ArrayList<>();
        Map<String, String> byObject = new HashMap<>();
        prefixes.forEach((prefix, object) -> byObject.put(object, prefix));
        for (String o : archive.objects()) {
            out.add(new SourceObject(o, o, byObject.get(o), o.endsWith("__c"), List.of()));
        }
        return out;
    }

    @Override
    public SourceObject describe(String object) {
        if (!archive.has(object)) {
            throw HotCrmException.notFound("The Data Export has no " + object + ".csv; the object was not exported.");
        }
        return described.computeIfAbsent(object, this::infer);
    }

    /** What each column is, from all its values. */
    private SourceObject infer(String object) {
        Map<String, Column> columns = new LinkedHashMap<>();
        Predicate<Map<String, String>> taken = inSlice(object, Slice.ALL);
        long[] n = {0};
        rows(object, r -> true, r -> {
            r.forEach((name, value) -> columns.computeIfAbsent(name, Column::new).see(value));
            if (!"true".equalsIgnoreCase(r.get("IsDeleted")) && taken.test(r)) {
                n[0]++;
            }
        }, Long.MAX_VALUE, true);
        counted.put(object, n[0]);
        List<SourceField> fields = new ArrayList<>();
        for (Column c : columns.values()) {
            fields.add(c.field(prefixes));
        }
        if (SalesforceSource.documentField(object) != null) {
            fields.add(SalesforceSource.linkedField());
        }
        String prefix = prefixes.entrySet().stream().filter(e -> e.getValue().equals(object)).map(Map.Entry::getKey).findFirst()
                .orElse(null);
        return new SourceObject(object, object, prefix, object.endsWith("__c"), fields);
    }

    /** A column's values seen so far, and what they all are. */
    private static final class Column {
        final String name;
        long filled;
        boolean ids = true;
        boolean booleans = true;
        boolean integers = true;
        boolean decimals = true;
        boolean dates = true;
        boolean dateTimes = true;
        boolean emails = true;
        boolean multiline;
        int longest;
        final Set<String> prefixesSeen = new HashSet<>();
        final Map<String, Integer> values = new LinkedHashMap<>();
        boolean tooMany;

        Column(String name) {
            this.name = name;
        }

        void see(String v) {
            if (v == null) {
                return;
            }
            filled++;
            longest = Math.max(longest, v.length());
            multiline |= v.indexOf('\n') >= 0 || v.indexOf('\r') >= 0;
            if (ids && ID.matcher(v).matches() && v.chars().anyMatch(Character::isDigit)) {
                prefixesSeen.add(v.substring(0, 3));
            } else {
                ids = false;
            }
            booleans &= v.equals("true") || v.equals("false") || v.equals("1") || v.equals("0");
            integers &= INTEGER.matcher(v).matches();
            decimals &= DECIMAL.matcher(v).matches();
            dates &= DATE.matcher(v).matches();
            dateTimes &= DATETIME.matcher(v).matches();
            emails &= EMAIL.matcher(v).matches();
            if (!tooMany) {
                values.merge(v, 1, Integer::sum);
                if (values.size() > VALUES) {
                    tooMany = true;
                    values.clear();
                }
            }
        }

        SourceField field(Map<String, String> prefixes) {
            boolean custom = name.endsWith("__c");
            SourceType type;
            List<String> refs = List.of();
            List<SourceField.Value> picklist = List.of();
            if (name.equals("Id")) {
                type = SourceType.ID;
            } else if (filled == 0) {
                type = SourceType.TEXT;
            } else if (booleans && !integers) {
                type = SourceType.BOOLEAN;
            } else if (booleans && (name.startsWith("Is") || name.startsWith("Has"))) {
                type = SourceType.BOOLEAN;
            } else if (ids && !integers && prefixesSeen.stream().allMatch(prefixes::containsKey)) {
                type = SourceType.REFERENCE;
                refs = prefixesSeen.stream().map(prefixes::get).distinct().sorted().toList();
            } else if (dateTimes) {
                type = SourceType.DATETIME;
            } else if (dates) {
                type = SourceType.DATE;
            } else if (integers) {
                type = SourceType.INTEGER;
            } else if (decimals) {
                type = SourceType.DECIMAL;
            } else if (emails) {
                type = SourceType.EMAIL;
            } else {
                boolean few = !tooMany && values.size() <= PICKLIST_VALUES && filled >= 2L * values.size() && longest <= 80;
                type = custom && few && !multiline ? SourceType.PICKLIST : multiline || longest > 255 ? SourceType.TEXTAREA
                        : SourceType.TEXT;
            }
            if (!tooMany && (type == SourceType.TEXT || type == SourceType.PICKLIST)) {
                picklist = new TreeSet<>(values.keySet()).stream().map(v -> new SourceField.Value(v, v, true)).toList();
            }
            return new SourceField(name, name, type, Math.max(longest, 1), 0, custom, false, false, refs, picklist);
        }
    }

    @Override
    public long count(String object, Slice slice) {
        if (slice == null || Slice.ALL.equals(slice)) {
            Long known = counted.get(object);
            if (known != null) {
                return known;
            }
        }
        long[] n = {0};
        rows(object, inSlice(object, slice), r -> n[0]++, Long.MAX_VALUE);
        return n[0];
    }

    @Override
    public long read(String object, List<String> fields, Slice slice, RecordSink sink) {
        SourceObject d = describe(object);
        Map<String, String> links = linksOf(object, fields);
        long[] n = {0};
        boolean[] stop = {false};
        rows(object, inSlice(object, slice), r -> {
            if (stop[0]) {
                return;
            }
            n[0]++;
            stamp(r.get("SystemModstamp"));
            if (!sink.accept(record(d, r, fields, links))) {
                stop[0] = true;
            }
        }, Long.MAX_VALUE);
        sink.done();
        return n[0];
    }

    @Override
    public List<Map<String, String>> byIds(String object, List<String> fields, List<String> ids) {
        SourceObject d = describe(object);
        Set<String> wanted = new HashSet<>(ids);
        Map<String, String> links = linksOf(object, fields);
        List<Map<String, String>> out = new ArrayList<>();
        rows(object, r -> wanted.contains(r.get("Id")), r -> out.add(record(d, r, fields, links)), Long.MAX_VALUE);
        return out;
    }

    /**
     * Records deleted since the export read before: those it had that this one has not, and those this one marks
     * deleted. Without an earlier export only the marked ones are known, so the answer says it is not complete.
     */
    @Override
    public Deletions deletedSince(String object, Instant since) {
        Set<String> ids = new java.util.TreeSet<>();
        Set<String> here = new HashSet<>();
        rows(object, r -> true, r -> {
            if ("true".equalsIgnoreCase(r.get("IsDeleted"))) {
                ids.add(r.get("Id"));
            } else {
                here.add(r.get("Id"));
            }
        }, Long.MAX_VALUE, true);
        if (before == null || !before.archive.has(object)) {
            return new Deletions(new ArrayList<>(ids), false, null);
        }
        before.rows(object, r -> !here.contains(r.get("Id")), r -> ids.add(r.get("Id")), Long.MAX_VALUE);
        return new Deletions(new ArrayList<>(ids), true, null);
    }

    @Override
    public InputStream content(String object, String id, String field) {
        String folder = switch (object) {
            case "Attachment" -> "Attachments";
            case "Document" -> "Documents";
            default -> object;
        };
        InputStream in = archive.binary(folder, id);
        if (in == null) {
            throw HotCrmException.notFound("The Data Export holds no " + folder + "/" + id + ": export again with \"Include"
                    + " images, documents, and attachments\" (and Salesforce Files) ticked.");
        }
        if (object.equals(SalesforceSource.CONTENT_NOTE)) {
            try {
                return SalesforceSource.noteBody(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return in;
    }

    @Override
    public SourceDefaults defaults() {
        return SalesforceDefaults.DEFAULTS;
    }

    @Override
    public synchronized Instant highWater() {
        return highWater;
    }

    @Override
    public void close() {
        archive.close();
        if (before != null) {
            before.close();
        }
    }

    // ------------------------------------------------------------------ rows and values

    private synchronized void stamp(String modstamp) {
        if (modstamp != null && DATETIME.matcher(modstamp).matches()) {
            Instant t = SalesforceSource.instant(modstamp);
            if (highWater == null || t.isAfter(highWater)) {
                highWater = t;
            }
        }
    }

    /** The fields asked, in the engine's normal form; a file's linked record from the links or its first location. */
    private Map<String, String> record(SourceObject d, Map<String, String> row, List<String> fields, Map<String, String> links) {
        Map<String, String> rec = new LinkedHashMap<>();
        rec.put("Id", row.get("Id"));
        for (String f : fields) {
            if (f.equals(SalesforceSource.LINKED)) {
                String doc = row.get(SalesforceSource.documentField(d.name()));
                String linked = links == null ? null : links.get(doc);
                rec.put(f, linked != null ? linked : row.get("FirstPublishLocationId"));
                continue;
            }
            int dot = f.indexOf('.');
            String value = dot < 0 ? row.get(f) : parentValue(row, f.substring(0, dot), f.substring(dot + 1));
            rec.put(f, SalesforceSource.normalise(d.field(f).orElse(null), value, f));
        }
        return rec;
    }

    /**
     * A field of the record a row points at ({@code PricebookEntry.Product2Id}): the row's own column of that name when
     * the export has one (a line item's {@code Product2Id}), else the parent's row in its own CSV.
     */
    private String parentValue(Map<String, String> row, String relation, String field) {
        if (row.containsKey(field)) {
            return row.get(field);
        }
        String parentId = row.get(relation + "Id");
        if (parentId == null || !archive.has(relation)) {
            return null;
        }
        Map<String, String> byId = parents.computeIfAbsent(relation + "." + field, k -> {
            Map<String, String> m = new HashMap<>();
            rows(relation, r -> true, r -> m.put(r.get("Id"), r.get(field)), Long.MAX_VALUE, true);
            return m;
        });
        return byId.get(parentId);
    }

    /** Document id → its first linked record that is not a user, when the export holds the links and they are asked. */
    private Map<String, String> linksOf(String object, List<String> fields) {
        if (SalesforceSource.documentField(object) == null || !fields.contains(SalesforceSource.LINKED)
                || !archive.has("ContentDocumentLink")) {
            return null;
        }
        Map<String, String> links = new HashMap<>();
        rows("ContentDocumentLink", r -> true, r -> SalesforceSource.link(links, r.get("ContentDocumentId"), r.get("LinkedEntityId")),
                Long.MAX_VALUE);
        return links;
    }

    /** The rows a read takes: the slice's, and of a file only its latest version (the export holds them all). */
    private static Predicate<Map<String, String>> inSlice(String object, Slice slice) {
        Predicate<Map<String, String>> latest = object.equals(SalesforceSource.CONTENT_VERSION)
                ? r -> !"false".equalsIgnoreCase(r.get("IsLatest")) : r -> true;
        if (slice == null || (slice.from() == null && slice.until() == null && slice.changedSince() == null)) {
            return latest;
        }
        String field = Slice.MODIFIED.equals(slice.field()) ? "SystemModstamp" : "CreatedDate";
        return latest.and(r -> {
            Instant t = time(r.get(field));
            Instant changed = time(r.get("SystemModstamp"));
            return (slice.from() == null || t != null && !t.isBefore(slice.from()))
                    && (slice.until() == null || t != null && t.isBefore(slice.until()))
                    && (slice.changedSince() == null || changed != null && changed.isAfter(slice.changedSince()));
        });
    }

    private static Instant time(String v) {
        return v != null && DATETIME.matcher(v).matches() ? SalesforceSource.instant(v) : null;
    }

    /**
     * The object's first id (its key prefix), read without finding out the encoding first: headers and ids are ASCII,
     * the same in either of an export's encodings, and finding it out reads the whole CSV.
     */
    private String firstId(String object) {
        List<Map<String, String>> first = new ArrayList<>();
        rows(object, r -> r.get("Id") != null, first::add, 1, true, java.nio.charset.StandardCharsets.ISO_8859_1);
        return first.isEmpty() || first.get(0).get("Id").length() < 3 ? null : first.get(0).get("Id");
    }

    private void rows(String object, Predicate<Map<String, String>> which, java.util.function.Consumer<Map<String, String>> each,
                      long max) {
        rows(object, which, each, max, false);
    }

    /**
     * The object's rows in order, part after part: column → value (null for empty); rows marked deleted are left out
     * unless {@code deletedToo}.
     */
    private void rows(String object, Predicate<Map<String, String>> which, java.util.function.Consumer<Map<String, String>> each,
                      long max, boolean deletedToo) {
        rows(object, which, each, max, deletedToo, archive.charset(object));
    }

    private void rows(String object, Predicate<Map<String, String>> which, java.util.function.Consumer<Map<String, String>> each,
                      long max, boolean deletedToo, java.nio.charset.Charset charset) {
        long n = 0;
        for (int part = 0; part < archive.parts(object); part++) {
            try (Reader in = archive.csv(object, part, charset)) {
                List<String> header = null;
                for (CsvRecord rec : CsvReader.builder().ofCsvRecord(in)) {
                    if (header == null) {
                        header = rec.getFields().stream().map(h -> h.replace("\uFEFF", "").strip()).toList();
                        continue;
                    }
                    if (rec.isComment() || rec.getFieldCount() == 1 && rec.getField(0).isEmpty()) {
                        continue;
                    }
                    Map<String, String> row = io.hotcrm.migration.CsvRows.of(header, rec);
                    if (!deletedToo && "true".equalsIgnoreCase(row.get("IsDeleted"))) {
                        continue;
                    }
                    if (which.test(row)) {
                        each.accept(row);
                        if (++n >= max) {
                            return;
                        }
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (de.siegmar.fastcsv.reader.CsvParseException e) {
                throw HotCrmException.invalid("The Data Export's " + object + ".csv cannot be read as CSV: " + e.getMessage()
                        + ". Download the export again; a ZIP file may be cut short.");
            }
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
