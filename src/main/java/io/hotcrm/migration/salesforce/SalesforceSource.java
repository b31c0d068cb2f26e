package io.hotcrm.migration.salesforce;

import com.fasterxml.jackson.databind.JsonNode;
import io.hotcrm.common.ErrorCode;
import io.hotcrm.common.HotCrmException;
import io.hotcrm.migration.CrmSource;
import io.hotcrm.migration.Slice;
import io.hotcrm.migration.SourceDefaults;
import io.hotcrm.migration.SourceField;
import io.hotcrm.migration.SourceField.SourceType;
import io.hotcrm.migration.SourceObject;
import io.hotcrm.migration.SourceOrg;
import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A Salesforce org as a migration source: describeGlobal and describe for the objects and fields, SOQL
 * {@code query} with {@code nextRecordsUrl} paging for small objects and Bulk API 2.0 query jobs for large ones,
 * {@code COUNT()} for reconciling, {@code getDeleted} for deltas. Every record read is checked against what
 * Salesforce said it would send; a cursor that expires mid-read continues after the last id read.
 */
final class SalesforceSource implements CrmSource {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SalesforceSource.class);
    static final String CONTENT_VERSION = "ContentVersion";
    /** A note of Lightning Notes: a document of its own (its id is the document's), its body an HTML blob. */
    static final String CONTENT_NOTE = "ContentNote";
    /** The virtual field of a file version: the first record (not a user) its document is linked to. */
    static final String LINKED = "LinkedEntityId";
    private static final DateTimeFormatter SF_DATETIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXX");
    private final SalesforceClient client;
    private final long bulkThreshold;
    private final long pollMillis;
    private final Map<String, SourceObject> described = new java.util.concurrent.ConcurrentHashMap<>();
    private Instant highWater;

    SalesforceSource(SalesforceClient client, long bulkThreshold, long pollMillis) {
        this.client = client;
        this.bulkThreshold = bulkThreshold;
        this.pollMillis = Math.max(1, pollMillis);
    }

    @Override
    public SourceOrg org() {
        List<Map<String, String>> org = new ArrayList<>();
        client.query("SELECT Id, Name, IsSandbox, TimeZoneSidKey, DefaultCurrencyIsoCode FROM Organization", false, org::add);
        Map<String, String> o = org.isEmpty() ? Map.of() : org.get(0);
        JsonNode limits = client.get(client.base() + "/limits").path("DailyApiRequests");
        long max = limits.path("Max").asLong(client.apiMax());
        long used = limits.has("Remaining") ? max - limits.path("Remaining").asLong() : client.apiUsed();
        return new SourceOrg(o.getOrDefault("Name", ""), o.getOrDefault("Id", ""), "true".equals(o.get("IsSandbox")),
                o.getOrDefault("TimeZoneSidKey", ""), o.get("DefaultCurrencyIsoCode"), used, max, client.instanceUrl());
    }

    @Override
    public List<SourceObject> objects() {
        List<SourceObject> out = new ArrayList<>();
        for (JsonNode s : client.get(client.base() + "/sobjects/").path("sobjects")) {
            if (s.path("queryable").asBoolean(false) && s.path("retrieveable").asBoolean(true)
                    && !s.path("deprecatedAndHidden").asBoolean(false) && !s.path("customSetting").asBoolean(false)) {
                out.add(new SourceObject(s.path("name").asText(), s.path("label").asText(), s.path("keyPrefix").asText(null),
                        s.path("custom").asBoolean(false), List.of()));
            }
        }
        return out;
    }

    @Override
    public SourceObject describe(String object) {
        return described.computeIfAbsent(object, o -> {
            JsonNode d = client.get(client.base() + "/sobjects/" + enc(o) + "/describe");
            List<SourceField> fields = new ArrayList<>();
            for (JsonNode f : d.path("fields")) {
                fields.add(field(f));
            }
            if (documentField(o) != null) {
                fields.add(linkedField());
            }
            return new SourceObject(d.path("name").asText(o), d.path("label").asText(o), d.path("keyPrefix").asText(null),
                    d.path("custom").asBoolean(false), fields);
        });
    }

    private static SourceField field(JsonNode f) {
        String t = f.path("type").asText();
        SourceType type = switch (t) {
            case "id" -> SourceType.ID;
            case "string", "combobox", "encryptedstring" -> SourceType.TEXT;
            case "textarea" -> SourceType.TEXTAREA;
            case "email" -> SourceType.EMAIL;
            case "phone" -> SourceType.PHONE;
            case "url" -> SourceType.URL;
            case "picklist" -> SourceType.PICKLIST;
            case "multipicklist" -> SourceType.MULTI_PICKLIST;
            case "reference" -> SourceType.REFERENCE;
            case "boolean" -> SourceType.BOOLEAN;
            case "int", "long" -> SourceType.INTEGER;
            case "double" -> SourceType.DECIMAL;
            case "currency" -> SourceType.CURRENCY;
            case "percent" -> SourceType.PERCENT;
            case "date" -> SourceType.DATE;
            case "datetime" -> SourceType.DATETIME;
            case "time" -> SourceType.TIME;
            default -> SourceType.OTHER;
        };
        List<String> refs = new ArrayList<>();
        f.path("referenceTo").forEach(r -> refs.add(r.asText()));
        List<SourceField.Value> values = new ArrayList<>();
        f.path("picklistValues").forEach(v -> values.add(new SourceField.Value(v.path("value").asText(),
                v.path("label").asText(v.path("value").asText()), v.path("active").asBoolean(true))));
        boolean compound = t.equals("address") || t.equals("location");
        return new SourceField(f.path("name").asText(), f.path("label").asText(), type, f.path("length").asInt(0),
                f.path("scale").asInt(0), f.path("custom").asBoolean(false),
                f.path("calculated").asBoolean(false) || f.path("autoNumber").asBoolean(false), compound, refs, values);
    }

    @Override
    public long count(String object, Slice slice) {
        return client.query("SELECT COUNT() FROM " + object + where(object, slice, null), false, r -> { });
    }

    @Override
    public long read(String object, List<String> fields, Slice slice, RecordSink given) {
        SourceObject d = describe(object);
        Selection selection = select(object, fields, given);
        Set<String> select = selection.fields();
        RecordSink sink = selection.sink();
        boolean stamped = d.field("SystemModstamp").isPresent();
        if (stamped) {
            select.add("SystemModstamp");
        }
        long expected = count(object, slice);
        long read = expected > bulkThreshold ? readBulk(d, select, slice, sink, stamped) : readRest(d, select, slice, sink, stamped);
        sink.done();
        if (read < expected) {
            throw new HotCrmException(ErrorCode.UNAVAILABLE, "Salesforce counted " + expected + " " + object + " records but sent "
                    + read + "; the object is read again on the next run.");
        }
        return read;
    }

    /** The fields a query selects (the id first) and the sink its records go to. */
    private record Selection(Set<String> fields, RecordSink sink) {
    }

    /**
     * What to select for the fields asked: the id and the fields; a file version's linked record is not a field of its
     * own, so its document is selected instead and the records pass through {@link #linked} on their way.
     */
    private Selection select(String object, List<String> fields, RecordSink sink) {
        Set<String> select = new LinkedHashSet<>();
        select.add("Id");
        select.addAll(fields);
        String document = documentField(object);
        if (document != null && select.remove(LINKED)) {
            select.add(document);
            return new Selection(select, linked(sink, document));
        }
        return new Selection(select, sink);
    }

    /**
     * The virtual field of a file version or note: a file or note belongs to the records it is shared with
     * (ContentDocumentLink), not to a field of its own.
     */
    static SourceField linkedField() {
        return new SourceField(LINKED, "Linked record", SourceType.REFERENCE, 18, 0, false, true, false, List.of(), List.of());
    }

    /** A document's link to a record: the first record it is shared with that is not a user (by id, for a stable answer). */
    static void link(Map<String, String> links, String document, String entity) {
        if (entity != null && !entity.startsWith("005")) {
            links.merge(document, entity, (a, b) -> a.compareTo(b) <= 0 ? a : b);
        }
    }

    /** A note's HTML body as the text HotCRM's notes hold. */
    static java.io.InputStream noteBody(java.io.InputStream html) throws java.io.IOException {
        try (html) {
            return new java.io.ByteArrayInputStream(io.hotcrm.migration.Html.text(new String(html.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8))
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    /** The field holding the document id of a file version or a note (a note is its document), else null. */
    static String documentField(String object) {
        return object.equals(CONTENT_VERSION) ? "ContentDocumentId" : object.equals(CONTENT_NOTE) ? "Id" : null;
    }

    /**
     * Adds each file version's linked record: ContentDocumentLink can only be queried by document ids, so the versions
     * are passed on in batches of 200 with one query for their links.
     */
    private RecordSink linked(RecordSink sink, String document) {
        List<Map<String, String>> batch = new ArrayList<>();
        return new RecordSink() {
            @Override
            public boolean accept(Map<String, String> rec) {
                batch.add(rec);
                if (batch.size() >= 200) {
                    return flush();
                }
                return true;
            }

            @Override
            public boolean done() {
                return flush();
            }

            private boolean flush() {
                if (batch.isEmpty()) {
                    return true;
                }
                String in = batch.stream().map(r -> literal(r.get(document))).distinct().collect(Collectors.joining(", "));
                Map<String, String> links = new HashMap<>();
                client.query("SELECT ContentDocumentId, LinkedEntityId FROM ContentDocumentLink WHERE ContentDocumentId IN (" + in + ")",
                        false, l -> link(links, l.get("ContentDocumentId"), l.get("LinkedEntityId")));
                boolean go = true;
                for (Map<String, String> r : batch) {
                    r.put(LINKED, links.get(r.get(document)));
                    go = go && sink.accept(r);
                }
                batch.clear();
                return go;
            }
        };
    }

    /** SOQL paging in id order; an expired cursor ({@code INVALID_QUERY_LOCATOR}) continues after the last id read. */
    private long readRest(SourceObject d, Set<String> select, Slice slice, RecordSink sink, boolean stamped) {
        Map<String, SourceField> types = types(d, select);
        String[] lastId = {null};
        long[] read = {0};
        boolean[] stop = {false};
        while (true) {
            String soql = "SELECT " + String.join(", ", select) + " FROM " + d.name() + where(d.name(), slice, lastId[0]) + " ORDER BY Id";
            try {
                client.query(soql, false, r -> {
                    if (stop[0]) {
                        return;
                    }
                    Map<String, String> rec = normalise(types, select, r);
                    lastId[0] = rec.get("Id");
                    read[0]++;
                    stamp(rec, stamped);
                    if (!sink.accept(rec)) {
                        stop[0] = true;
                    }
                });
                return read[0];
            } catch (SalesforceException e) {
                if (!e.errorCode().equals("INVALID_QUERY_LOCATOR") || lastId[0] == null) {
                    throw e;
                }
                // the cursor expired: a new query for the records after the last one read
            }
        }
    }

    private long readBulk(SourceObject d, Set<String> select, Slice slice, RecordSink sink, boolean stamped) {
        String soql = "SELECT " + String.join(", ", select) + " FROM " + d.name() + where(d.name(), slice, null);
        SalesforceClient.BulkJob job;
        try {
            job = client.bulkQuery(soql, false, pollMillis);
        } catch (SalesforceException e) {
            if (e.status() != 400) {
                throw e;
            }
            // the Bulk API does not serve every object (nor every query); SOQL pages do, only with more calls
            LOG.info("Salesforce refused a Bulk API query job for {} ({}); it is read with SOQL pages instead.", d.name(), e.getMessage());
            return readRest(d, select, slice, sink, stamped);
        }
        Map<String, SourceField> types = types(d, select);
        return client.bulkResults(job, row -> {
            Map<String, String> rec = normalise(types, select, row);
            stamp(rec, stamped);
            sink.accept(rec);
        });
    }

    private synchronized void stamp(Map<String, String> rec, boolean stamped) {
        if (stamped && rec.get("SystemModstamp") != null) {
            Instant t = instant(rec.get("SystemModstamp"));
            if (highWater == null || t.isAfter(highWater)) {
                highWater = t;
            }
        }
    }

    @Override
    public List<Map<String, String>> byIds(String object, List<String> fields, List<String> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        SourceObject d = describe(object);
        List<Map<String, String>> out = new ArrayList<>();
        Selection selection = select(object, fields, out::add);
        Set<String> select = selection.fields();
        RecordSink to = selection.sink();
        Map<String, SourceField> types = types(d, select);
        for (int i = 0; i < ids.size(); i += 200) {
            String in = ids.subList(i, Math.min(ids.size(), i + 200)).stream().map(SalesforceSource::literal)
                    .collect(Collectors.joining(", "));
            client.query("SELECT " + String.join(", ", select) + " FROM " + object + " WHERE Id IN (" + in + ")", false,
                    r -> to.accept(normalise(types, select, r)));
        }
        to.done();
        return out;
    }

    @Override
    public Deletions deletedSince(String object, Instant since) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Instant start = since.isBefore(now.minus(29, ChronoUnit.DAYS)) ? now.minus(29, ChronoUnit.DAYS) : since;
        JsonNode n;
        try {
            n = client.get(client.base() + "/sobjects/" + enc(object) + "/deleted/?start=" + enc(sfTime(start)) + "&end="
                    + enc(sfTime(now.plus(1, ChronoUnit.MINUTES))));
        } catch (SalesforceException e) {
            // objects getDeleted does not serve: the recycle bin through queryAll
            List<String> ids = new ArrayList<>();
            client.query("SELECT Id FROM " + object + " WHERE IsDeleted = true AND SystemModstamp > " + soqlTime(since), true,
                    r -> ids.add(r.get("Id")));
            return new Deletions(ids, !since.isBefore(now.minus(15, ChronoUnit.DAYS)), null);
        }
        List<String> ids = new ArrayList<>();
        n.path("deletedRecords").forEach(r -> ids.add(r.path("id").asText()));
        Instant earliest = n.hasNonNull("earliestDateAvailable") ? instant(n.get("earliestDateAvailable").asText()) : null;
        boolean complete = !start.isAfter(since) && (earliest == null || !earliest.isAfter(since));
        return new Deletions(ids, complete, earliest);
    }

    @Override
    public java.io.InputStream content(String object, String id, String field) {
        if (object.equals(CONTENT_NOTE)) {
            try {
                return noteBody(blob(object, id, field));
            } catch (java.io.IOException e) {
                throw new HotCrmException(ErrorCode.UNAVAILABLE, "The body of note " + id + " could not be read: " + e.getMessage(), e);
            }
        }
        return blob(object, id, field);
    }

    private java.io.InputStream blob(String object, String id, String field) {
        return client.getStream(client.base() + "/sobjects/" + enc(object) + "/" + literal(id).replace("'", "") + "/" + enc(field), r -> {
            try {
                return SalesforceClient.body(r);
            } catch (java.io.IOException e) {
                throw new HotCrmException(ErrorCode.UNAVAILABLE, "The content of " + object + " " + id + " could not be read: "
                        + e.getMessage(), e);
            }
        });
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
        // the JDK's HTTP client holds no resource a migration must give back
    }

    // ------------------------------------------------------------------ SOQL and values

    private String where(String object, Slice slice, String afterId) {
        List<String> c = new ArrayList<>();
        if (slice != null) {
            String field = Slice.MODIFIED.equals(slice.field()) ? "SystemModstamp" : "CreatedDate";
            if (slice.from() != null) {
                c.add(field + " >= " + soqlTime(slice.from()));
            }
            if (slice.until() != null) {
                c.add(field + " < " + soqlTime(slice.until()));
            }
            if (slice.changedSince() != null) {
                c.add("SystemModstamp > " + soqlTime(slice.changedSince()));
            }
        }
        if (object.equals(CONTENT_VERSION)) {
            c.add("IsLatest = true");
        }
        if (afterId != null) {
            c.add("Id > " + literal(afterId));
        }
        return c.isEmpty() ? "" : " WHERE " + String.join(" AND ", c);
    }

    /** The fields of a select, looked up in the describe once per read (not once per record). */
    private static Map<String, SourceField> types(SourceObject d, Set<String> select) {
        Map<String, SourceField> out = new HashMap<>();
        for (String name : select) {
            d.field(name).ifPresent(f -> out.put(name, f));
        }
        return out;
    }

    /** The selected fields of a record as the wire gave them (a query page's or a Bulk API row's), in normal form. */
    private static Map<String, String> normalise(Map<String, SourceField> types, Set<String> select, Map<String, String> row) {
        Map<String, String> rec = new LinkedHashMap<>();
        for (String name : select) {
            rec.put(name, normalise(types.get(name), row.get(name), name));
        }
        return rec;
    }

    /** A value in the engine's normal form (see {@link CrmSource}), whatever the wire gave. */
    static String normalise(SourceField f, String text, String name) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        if (f == null) {
            return text;
        }
        try {
            return switch (f.type()) {
                case DATETIME -> instant(text).toString();
                case DATE -> text.length() > 10 ? text.substring(0, 10) : text;
                case INTEGER, DECIMAL, CURRENCY, PERCENT -> plain(new BigDecimal(text));
                case BOOLEAN -> Boolean.toString(text.equalsIgnoreCase("true") || text.equals("1"));
                default -> text;
            };
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new HotCrmException(ErrorCode.UNAVAILABLE, "Salesforce sent \"" + text + "\" for " + name + ", which is not a "
                    + f.type().name().toLowerCase(Locale.ROOT) + ".");
        }
    }

    private static String plain(BigDecimal d) {
        BigDecimal s = d.stripTrailingZeros();
        return (s.scale() < 0 ? s.setScale(0) : s).toPlainString();
    }

    /**
     * {@code 2011-07-07T00:37:00.000+0000} (REST) or {@code 2011-07-07T00:37:00.000Z} (Bulk API) as an instant. Read by
     * hand: three date-times per record, and a formatter's parse cost a quarter of reading an object.
     */
    static Instant instant(String text) {
        int n = text.length();
        if (n >= 20 && text.charAt(4) == '-' && text.charAt(7) == '-' && text.charAt(10) == 'T' && text.charAt(13) == ':'
                && text.charAt(16) == ':') {
            int i = 19;
            int nanos = 0;
            if (text.charAt(i) == '.') {
                int scale = 100_000_000;
                for (i++; i < n && Character.isDigit(text.charAt(i)); i++) {
                    nanos += (text.charAt(i) - '0') * scale;
                    scale /= 10;
                }
            }
            int offsetSeconds = 0;
            boolean ok = i < n;
            if (ok && text.charAt(i) == 'Z' && i == n - 1) {
                offsetSeconds = 0;
            } else if (ok && (text.charAt(i) == '+' || text.charAt(i) == '-')) {
                String off = text.substring(i + 1).replace(":", "");
                ok = off.length() == 4 && off.chars().allMatch(Character::isDigit);
                if (ok) {
                    offsetSeconds = (text.charAt(i) == '-' ? -1 : 1) * (Integer.parseInt(off.substring(0, 2)) * 3600
                            + Integer.parseInt(off.substring(2)) * 60);
                }
            } else {
                ok = false;
            }
            if (ok) {
                try {
                    long epoch = java.time.LocalDateTime.of(num(text, 0, 4), num(text, 5, 7), num(text, 8, 10), num(text, 11, 13),
                            num(text, 14, 16), num(text, 17, 19)).toEpochSecond(ZoneOffset.ofTotalSeconds(offsetSeconds));
                    return Instant.ofEpochSecond(epoch, nanos);
                } catch (java.time.DateTimeException e) {
                    // not a valid date-time: the formatter below says why
                }
            }
        }
        try {
            return OffsetDateTime.parse(text, SF_DATETIME).toInstant();
        } catch (DateTimeParseException e) {
            return OffsetDateTime.parse(text).toInstant();
        }
    }

    private static int num(String s, int from, int to) {
        int v = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                throw new DateTimeParseException("not a date-time", s, i);
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    static String soqlTime(Instant t) {
        return t.truncatedTo(ChronoUnit.SECONDS).atOffset(ZoneOffset.UTC).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME)
                .replace("+00:00", "Z");
    }

    private static String sfTime(Instant t) {
        return t.truncatedTo(ChronoUnit.SECONDS).atOffset(ZoneOffset.UTC).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
    }

    private static String literal(String id) {
        if (!id.matches("[A-Za-z0-9]{15,18}")) {
            throw HotCrmException.invalid("\"" + id + "\" is not a Salesforce id.");
        }
        return "'" + id + "'";
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
