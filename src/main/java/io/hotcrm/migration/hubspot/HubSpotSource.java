package io.hotcrm.migration.hubspot;

import static io.hotcrm.migration.hubspot.HubSpotDefaults.ASSOCIATED;
import static io.hotcrm.migration.hubspot.HubSpotDefaults.ASSOCIATIONS;
import static io.hotcrm.migration.hubspot.HubSpotDefaults.ATTACHMENTS;
import static io.hotcrm.migration.hubspot.HubSpotDefaults.CONTENT;
import static io.hotcrm.migration.hubspot.HubSpotDefaults.CREATED;
import static io.hotcrm.migration.hubspot.HubSpotDefaults.ENGAGEMENTS;
import static io.hotcrm.migration.hubspot.HubSpotDefaults.ID;
import static io.hotcrm.migration.hubspot.HubSpotDefaults.LIBRARY;
import static io.hotcrm.migration.hubspot.HubSpotDefaults.OWNERS;
import static io.hotcrm.migration.hubspot.HubSpotDefaults.PARENT;
import static io.hotcrm.migration.hubspot.HubSpotDefaults.UPDATED;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hotcrm.common.ErrorCode;
import io.hotcrm.common.HotCrmException;
import io.hotcrm.migration.CrmSource;
import io.hotcrm.migration.Html;
import io.hotcrm.migration.Slice;
import io.hotcrm.migration.SourceDefaults;
import io.hotcrm.migration.SourceField;
import io.hotcrm.migration.SourceField.SourceType;
import io.hotcrm.migration.SourceObject;
import io.hotcrm.migration.SourceOrg;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A HubSpot portal as a migration reads it. Full reads page the list endpoints with their {@code after} cursors
 * (never the search API, which stops at 10,000 results); deltas and slices read the search API in time windows split
 * under its cap, starting a lookback before the last run for the search index's lag. Each page's associations are
 * read with one associations v4 batch call per associated type and become lookups (the primary one first; the rest
 * counted). Archived records, and records merged into others ({@code hs_merged_object_ids} of the survivor), are
 * deletions. Files attached to notes and engagements ({@code hs_attachment_ids}) are records of their own,
 * {@code engagement/id/file}, their bytes fetched through the files API's signed URLs.
 */
final class HubSpotSource implements CrmSource {
    /** The CRM object types a migration reads, in HubSpot's path names. */
    static final List<String> TYPES = List.of("products", "companies", "contacts", "deals", "line_items", "quotes", "tickets",
            "notes", "tasks", "calls", "emails", "meetings");
    private static final Map<String, String> LABELS = Map.ofEntries(Map.entry("products", "Products"),
            Map.entry("companies", "Companies"), Map.entry("contacts", "Contacts"), Map.entry("deals", "Deals"),
            Map.entry("line_items", "Line items"), Map.entry("quotes", "Quotes"), Map.entry("tickets", "Tickets"),
            Map.entry("notes", "Notes"), Map.entry("tasks", "Tasks"), Map.entry("calls", "Calls"), Map.entry("emails", "Emails"),
            Map.entry("meetings", "Meetings"), Map.entry(OWNERS, "Owners"), Map.entry(LIBRARY, "Product library"),
            Map.entry(ATTACHMENTS, "Attached files"));
    /** Object types HotCRM has no object for: listed when the portal has them, so the plan says they are left out. */
    static final List<String> LEFT_OUT = List.of("communications", "postal_mail");
    /** Types HubSpot merges (the survivor lists the ids it absorbed). */
    private static final Set<String> MERGEABLE = Set.of("contacts", "companies", "deals", "tickets");
    private static final String MERGED = "hs_merged_object_ids";
    private static final String LIBRARY_ID = "library";
    /** HubSpot keeps archived records this long; older deletions are gone from the API. */
    private static final long ARCHIVE_DAYS = 90;
    private static final int BATCH = 100;
    /** The longest property list a list call carries in its URL; longer ones are read with batch reads. */
    static final int MAX_LISTED_PROPERTIES = 3_000;

    private final HubSpotClient client;
    private final HubSpotSearch search;
    private final long lookbackMillis;
    private final Predicate<URI> downloadAllowed;
    private final Map<String, SourceObject> described = new ConcurrentHashMap<>();
    private final Map<String, Map<String, String>> pipelineLabels = new ConcurrentHashMap<>();
    private volatile Map<String, List<String>> missing;
    private volatile JsonNode account;
    private volatile List<HubSpotOwners.Owner> owners;
    private Instant highWater;

    HubSpotSource(HubSpotClient client, long lookbackMillis, Predicate<URI> downloadAllowed) {
        this.client = client;
        this.search = new HubSpotSearch(client);
        this.lookbackMillis = lookbackMillis;
        this.downloadAllowed = downloadAllowed;
    }

    // ------------------------------------------------------------------ the portal and its objects

    private JsonNode account() {
        if (account == null) {
            account = client.get("/account-info/v3/details");
        }
        return account;
    }

    private ZoneId zone() {
        try {
            return ZoneId.of(account().path("timeZone").asText("UTC"));
        } catch (java.time.DateTimeException e) {
            return ZoneOffset.UTC;
        }
    }

    @Override
    public SourceOrg org() {
        JsonNode a = account();
        String type = a.path("accountType").asText("STANDARD");
        Map<String, String> details = new LinkedHashMap<>();
        details.put("Data hosting", a.path("dataHostingLocation").asText("na1"));
        details.put("Account type", type.toLowerCase(Locale.ROOT).replace('_', ' '));
        Map<String, List<String>> lacking = new LinkedHashMap<>(missing());
        LEFT_OUT.forEach(lacking::remove);
        if (!lacking.isEmpty()) {
            List<String> parts = new ArrayList<>();
            lacking.forEach((object, scopes) -> parts.add(object + " (" + String.join(", ", scopes) + ")"));
            details.put("Missing scopes", String.join("; ", parts) + " — add them to the app to migrate these objects");
        }
        return new SourceOrg("HubSpot portal " + a.path("portalId").asText(), a.path("portalId").asText(),
                type.contains("SANDBOX") || type.contains("DEVELOPER"), a.path("timeZone").asText(""),
                a.path("companyCurrency").asText(null), 0, 0, "https://" + a.path("uiDomain").asText("app.hubspot.com"), details);
    }

    /** The objects the token cannot read, with the scopes HubSpot says they need (one cheap call per object, once). */
    private Map<String, List<String>> missing() {
        if (missing == null) {
            Map<String, List<String>> out = new LinkedHashMap<>();
            Map<String, String> probes = new LinkedHashMap<>();
            probes.put(OWNERS, "/crm/v3/owners?limit=1");
            TYPES.forEach(t -> probes.put(t, "/crm/v3/objects/" + t + "?limit=1"));
            LEFT_OUT.forEach(t -> probes.put(t, "/crm/v3/objects/" + t + "?limit=1"));
            probes.put(ATTACHMENTS, "/files/v3/files?limit=1");
            probes.forEach((object, path) -> {
                try {
                    client.get(path);
                } catch (HubSpotException e) {
                    if (e.status() == 403) {
                        out.put(object, e.scopes().isEmpty() ? List.of("?") : e.scopes());
                    } else if (e.status() == 404) {
                        out.put(object, List.of("not in this portal's subscription"));
                    } else {
                        throw e;
                    }
                }
            });
            missing = out;
        }
        return missing;
    }

    @Override
    public List<SourceObject> objects() {
        Map<String, List<String>> lacking = missing();
        List<SourceObject> out = new ArrayList<>();
        for (String t : List.of(OWNERS, LIBRARY)) {
            if (!lacking.containsKey(t.equals(LIBRARY) ? "products" : t)) {
                out.add(new SourceObject(t, LABELS.get(t), null, false, List.of()));
            }
        }
        for (String t : TYPES) {
            if (!lacking.containsKey(t)) {
                out.add(new SourceObject(t, LABELS.get(t), null, false, List.of()));
            }
        }
        for (String t : LEFT_OUT) {
            if (!lacking.containsKey(t)) {
                out.add(new SourceObject(t, t.equals("postal_mail") ? "Postal mail" : "Communications (SMS, WhatsApp, LinkedIn)",
                        null, false, List.of()));
            }
        }
        if (!lacking.containsKey(ATTACHMENTS) && ENGAGEMENTS.stream().anyMatch(e -> !lacking.containsKey(e))) {
            out.add(new SourceObject(ATTACHMENTS, LABELS.get(ATTACHMENTS), null, false, List.of()));
        }
        try {
            for (JsonNode s : client.get("/crm/v3/schemas").path("results")) {
                out.add(new SourceObject(s.path("objectTypeId").asText(s.path("name").asText()),
                        s.path("labels").path("plural").asText(s.path("name").asText()), null, true, List.of()));
            }
        } catch (HubSpotException e) {
            // custom objects need a scope of their own (and an Enterprise portal): without it there are none to list
            if (e.status() != 403 && e.status() != 404) {
                throw e;
            }
        }
        return out;
    }

    @Override
    public SourceObject describe(String object) {
        return described.computeIfAbsent(object, this::load);
    }

    private SourceObject load(String object) {
        List<SourceField> fields = new ArrayList<>();
        fields.add(field(ID, "Record ID", SourceType.ID, List.of()));
        switch (object) {
            case OWNERS -> {
                fields.add(field("email", "Email", SourceType.EMAIL, List.of()));
                fields.add(field("name", "Name", SourceType.TEXT, List.of()));
                fields.add(field("active", "Active", SourceType.BOOLEAN, List.of()));
            }
            case LIBRARY -> {
                fields.add(field("name", "Name", SourceType.TEXT, List.of()));
                fields.add(field("is_active", "Active", SourceType.BOOLEAN, List.of()));
                fields.add(field("is_standard", "Standard", SourceType.BOOLEAN, List.of()));
                String currency = account().path("companyCurrency").asText("USD");
                fields.add(new SourceField("currency", "Currency", SourceType.PICKLIST, 0, 0, false, false, false, List.of(),
                        List.of(new SourceField.Value(currency, currency, true))));
            }
            case ATTACHMENTS -> {
                fields.add(field("name", "File name", SourceType.TEXT, List.of()));
                fields.add(field("content_type", "Content type", SourceType.TEXT, List.of()));
                fields.add(field(PARENT, "Attached to", SourceType.REFERENCE, ENGAGEMENTS));
                fields.add(field(CONTENT, "Content", SourceType.OTHER, List.of()));
                fields.add(field(CREATED, "Create date", SourceType.DATETIME, List.of()));
                fields.add(field(UPDATED, "Last modified date", SourceType.DATETIME, List.of()));
            }
            default -> {
                if (!TYPES.contains(object)) {
                    throw HotCrmException.invalid("HotCRM reads no HubSpot object \"" + object + "\"; it reads " + TYPES + ".");
                }
                for (SourceField f : HubSpotProperties.fields(client.get("/crm/v3/properties/" + object))) {
                    fields.add(adjust(object, f));
                }
                fields.add(field(CREATED, "Create date", SourceType.DATETIME, List.of()));
                fields.add(field(UPDATED, "Last modified date", SourceType.DATETIME, List.of()));
                for (String a : ASSOCIATIONS.getOrDefault(object, List.of())) {
                    fields.add(field(a, "Associated " + LABELS.get(ASSOCIATED.get(a)).toLowerCase(Locale.ROOT)
                            .replaceAll("ies$", "y").replaceAll("s$", ""), SourceType.REFERENCE, List.of(ASSOCIATED.get(a))));
                }
                if (object.equals("notes")) {
                    fields.add(field("title", "Title (the body's first line)", SourceType.TEXT, List.of()));
                    fields.add(field(PARENT, "Associated record", SourceType.REFERENCE, HubSpotDefaults.NOTE_PARENTS));
                }
                if (object.equals("quotes")) {
                    fields.add(field(LIBRARY, "Product library", SourceType.REFERENCE, List.of(LIBRARY)));
                }
            }
        }
        return new SourceObject(object, LABELS.getOrDefault(object, object), null, false, fields);
    }

    private static SourceField field(String name, String label, SourceType type, List<String> refs) {
        return new SourceField(name, label, type, 0, 0, false, false, false, refs, List.of());
    }

    /**
     * A property as a migration sees it: a date-time that holds a day read as a date; a link by id as a reference;
     * options that come from pipelines filled in from them (a pipeline by its label); standard enumerations with what
     * their values mean in HotCRM; properties worth keeping that HotCRM has no field for proposed as custom fields.
     */
    private SourceField adjust(String object, SourceField f) {
        String name = f.name();
        SourceType type = f.type();
        List<String> refs = f.referenceTo();
        List<SourceField.Value> values = f.values();
        if (HubSpotDefaults.DAYS.getOrDefault(object, Set.of()).contains(name)) {
            type = SourceType.DATE;
        }
        if (name.equals("hs_product_id")) {
            type = SourceType.REFERENCE;
            refs = List.of("products");
        } else if (name.equals("hs_parent_company_id")) {
            type = SourceType.REFERENCE;
            refs = List.of("companies");
        }
        String pipelines = switch (object + "." + name) {
            case "deals.dealstage", "deals.pipeline" -> "deals";
            case "tickets.hs_pipeline_stage", "tickets.hs_pipeline" -> "tickets";
            default -> null;
        };
        if (pipelines != null) {
            JsonNode answer = client.get("/crm/v3/pipelines/" + pipelines);
            if (name.equals("pipeline") || name.equals("hs_pipeline")) {
                Map<String, String> labels = new LinkedHashMap<>();
                values = new ArrayList<>();
                for (SourceField.Value v : HubSpotPipelines.pipelines(answer)) {
                    labels.put(v.value(), v.label());
                    values.add(new SourceField.Value(v.label(), v.label(), v.active()));
                }
                pipelineLabels.put(object, labels);
                type = SourceType.PICKLIST;
            } else {
                values = stageHints(pipelines, answer, HubSpotPipelines.stages(answer));
                type = SourceType.PICKLIST;
            }
        }
        Map<String, String> hints = HubSpotDefaults.HINTS.get(object + "." + name);
        if (hints != null) {
            List<SourceField.Value> hinted = new ArrayList<>();
            for (SourceField.Value v : values) {
                hinted.add(new SourceField.Value(v.value(), v.label(), v.active(), hints.get(v.value())));
            }
            values = hinted;
        }
        boolean custom = f.custom() || HubSpotDefaults.KEEP.contains(name);
        return new SourceField(name, f.label(), type, f.length(), f.scale(), custom, f.readOnly(), f.compound(), refs, values);
    }

    /**
     * What each stage most likely is in HotCRM: a deal stage by whether it is closed and its probability (closed at 1 is
     * won), a ticket stage by its state (closed, or the pipeline's first open stage is new).
     */
    private static List<SourceField.Value> stageHints(String pipelines, JsonNode answer, List<SourceField.Value> stages) {
        Map<String, String> hints = new HashMap<>();
        for (JsonNode p : answer.path("results")) {
            boolean first = true;
            for (JsonNode s : p.path("stages")) {
                JsonNode m = s.path("metadata");
                String hint;
                if (pipelines.equals("deals")) {
                    double probability = number(m.path("probability").asText("0"));
                    boolean closed = m.path("isClosed").asText("false").equals("true");
                    hint = closed ? (probability >= 1 ? "Closed Won" : "Closed Lost") : probability < 0.2 ? "Prospecting"
                            : probability < 0.4 ? "Qualification" : probability < 0.6 ? "Needs Analysis" : probability < 0.8
                            ? "Proposal" : "Negotiation";
                } else {
                    String label = s.path("label").asText("").toLowerCase(Locale.ROOT);
                    hint = m.path("ticketState").asText("OPEN").equals("CLOSED") ? "Closed" : first ? "New"
                            : label.contains("contact") || label.contains("customer") ? "Waiting on Customer" : "In Progress";
                    first = false;
                }
                hints.put(s.path("id").asText(), hint);
            }
        }
        List<SourceField.Value> out = new ArrayList<>();
        stages.forEach(v -> out.add(new SourceField.Value(v.value(), v.label(), v.active(), hints.get(v.value()))));
        return out;
    }

    private static double number(String s) {
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    // ------------------------------------------------------------------ counting and reading

    /** The property a slice's "created" and "modified" (and a delta) filter on: contacts name theirs differently. */
    private static String property(String object, String sliceField) {
        if (Slice.MODIFIED.equals(sliceField)) {
            return object.equals("contacts") ? "lastmodifieddate" : "hs_lastmodifieddate";
        }
        return object.equals("quotes") ? "hs_createdate" : "createdate";
    }

    @Override
    public long count(String object, Slice slice) {
        switch (object) {
            case OWNERS:
                return owners().size();
            case LIBRARY:
                return 1;
            case ATTACHMENTS:
                return read(object, List.of(), slice, r -> true);
            default:
                break;
        }
        ObjectNode body = HubSpotClient.JSON.createObjectNode();
        ArrayNode filters = body.putArray("filterGroups").addObject().putArray("filters");
        if (slice.bounded()) {
            String p = property(object, slice.field());
            if (slice.from() != null) {
                filters.addObject().put("propertyName", p).put("operator", "GTE").put("value", Long.toString(slice.from().toEpochMilli()));
            }
            if (slice.until() != null) {
                filters.addObject().put("propertyName", p).put("operator", "LT").put("value", Long.toString(slice.until().toEpochMilli()));
            }
        }
        if (slice.changedSince() != null) {
            filters.addObject().put("propertyName", property(object, Slice.MODIFIED)).put("operator", "GTE")
                    .put("value", Long.toString(slice.changedSince().toEpochMilli() - lookbackMillis));
        }
        if (filters.isEmpty()) {
            body.remove("filterGroups");
        }
        body.put("limit", 1);
        return client.post("/crm/v3/objects/" + object + "/search", body.toString()).path("total").asLong();
    }

    private List<HubSpotOwners.Owner> owners() {
        if (owners == null) {
            owners = HubSpotOwners.read(client);
        }
        return owners;
    }

    @Override
    public long read(String object, List<String> fields, Slice slice, RecordSink sink) {
        long n;
        switch (object) {
            case OWNERS -> {
                n = 0;
                for (HubSpotOwners.Owner o : owners()) {
                    n++;
                    if (!sink.accept(owner(o))) {
                        break;
                    }
                }
            }
            case LIBRARY -> {
                sink.accept(library());
                n = 1;
            }
            case ATTACHMENTS -> n = attachments(slice, fields.contains("name") || fields.contains("content_type"), sink);
            default -> {
                SourceObject d = describe(object);
                List<String> properties = properties(d, fields);
                List<JsonNode> page = new ArrayList<>(BATCH);
                long[] count = {0};
                boolean[] stop = {false};
                Consumer<JsonNode> each = r -> {
                    if (stop[0] || !inSlice(r, slice)) {
                        return;
                    }
                    page.add(r);
                    count[0]++;
                    if (page.size() >= BATCH) {
                        stop[0] = !deliver(d, fields, page, sink);
                    }
                };
                if (slice.changedSince() != null || slice.bounded()) {
                    // a part of the object: the search API, in windows each under its cap
                    Instant from = slice.changedSince() != null ? slice.changedSince().minusMillis(lookbackMillis)
                            : slice.from() == null ? Instant.EPOCH : slice.from();
                    Instant until = slice.changedSince() == null && slice.until() != null ? slice.until()
                            : Instant.now().plus(1, ChronoUnit.MINUTES);
                    String p = property(object, slice.changedSince() != null ? Slice.MODIFIED : slice.field());
                    Set<String> seen = new java.util.HashSet<>();
                    search.changed(object, p, from, until, properties, r -> {
                        seen.add(r.path("id").asText());
                        each.accept(r);
                    });
                    if (slice.changedSince() != null) {
                        mergedInto(object, from, properties, seen).forEach(each);
                    }
                } else if (String.join(",", properties).length() <= MAX_LISTED_PROPERTIES) {
                    client.list("/crm/v3/objects/" + object + "?limit=100&archived=false&properties="
                            + String.join(",", properties), each);
                } else {
                    // more properties than a URL carries safely: the list gives the ids, batch reads (a POST body) the rest
                    List<String> ids = new ArrayList<>(BATCH);
                    client.list("/crm/v3/objects/" + object + "?limit=100&archived=false&properties=hs_object_id", r -> {
                        ids.add(r.path("id").asText());
                        if (ids.size() == BATCH) {
                            batchRead(object, properties, ids).forEach(each);
                            ids.clear();
                        }
                    });
                    batchRead(object, properties, ids).forEach(each);
                }
                if (!stop[0]) {
                    deliver(d, fields, page, sink);
                }
                n = count[0];
            }
        }
        sink.done();
        return n;
    }

    /**
     * The records of {@code object} associated with records that absorbed others in a merge since {@code from}: HubSpot
     * moves a merged record's associations to the survivor without marking the associated records changed, so a delta
     * reads them again to point them at the survivor. Records already read ({@code seen}) are left out.
     */
    private List<JsonNode> mergedInto(String object, Instant from, List<String> properties, Set<String> seen) {
        Set<String> types = new LinkedHashSet<>();
        ASSOCIATIONS.getOrDefault(object, List.of()).forEach(a -> types.add(ASSOCIATED.get(a)));
        if (object.equals("notes")) {
            types.addAll(HubSpotDefaults.NOTE_PARENTS);
        }
        types.retainAll(MERGEABLE);
        Set<String> ids = new LinkedHashSet<>();
        for (String type : types) {
            List<String> survivors = survivors(type, from);
            if (!survivors.isEmpty()) {
                associations(type, object, survivors).values().forEach(ids::addAll);
            }
        }
        ids.removeAll(seen);
        return batchRead(object, properties, new ArrayList<>(ids));
    }

    /** The records of a type that absorbed others in a merge since {@code from} (they list the ids they absorbed). */
    private List<String> survivors(String type, Instant from) {
        List<String> out = new ArrayList<>();
        merges(type, from, r -> out.add(r.path("id").asText()));
        return out;
    }

    /** Each record of the type changed since {@code from} that lists merged ids, with {@code hs_merged_object_ids}. */
    private void merges(String type, Instant from, Consumer<JsonNode> each) {
        ObjectNode body = HubSpotClient.JSON.createObjectNode();
        ArrayNode filters = body.putArray("filterGroups").addObject().putArray("filters");
        filters.addObject().put("propertyName", property(type, Slice.MODIFIED)).put("operator", "GTE")
                .put("value", Long.toString(from.toEpochMilli()));
        filters.addObject().put("propertyName", MERGED).put("operator", "HAS_PROPERTY");
        body.putArray("properties").add(MERGED);
        body.put("limit", 200);
        String after = null;
        do {
            if (after != null) {
                body.put("after", after);
            }
            JsonNode page = client.post("/crm/v3/objects/" + type + "/search", body.toString());
            page.path("results").forEach(each);
            JsonNode next = page.path("paging").path("next").path("after");
            after = next.isMissingNode() || next.isNull() ? null : next.asText();
        } while (after != null && Integer.parseInt(after) < HubSpotSearch.CAP);
    }

    /** Records by id through the batch read API, 100 a call; a 207 names the ids HubSpot no longer has among its errors. */
    private List<JsonNode> batchRead(String object, List<String> properties, List<String> ids) {
        List<JsonNode> out = new ArrayList<>();
        for (int i = 0; i < ids.size(); i += BATCH) {
            ObjectNode body = HubSpotClient.JSON.createObjectNode();
            ArrayNode props = body.putArray("properties");
            properties.forEach(props::add);
            ArrayNode inputs = body.putArray("inputs");
            ids.subList(i, Math.min(ids.size(), i + BATCH)).forEach(id -> inputs.addObject().put("id", id));
            client.post("/crm/v3/objects/" + object + "/batch/read?archived=false", body.toString()).path("results").forEach(out::add);
        }
        return out;
    }

    /** The properties to ask HubSpot for: the fields asked that are properties, and what derived fields are made of. */
    private static List<String> properties(SourceObject d, List<String> fields) {
        Set<String> out = new LinkedHashSet<>();
        out.add("hs_object_id");
        for (String f : fields) {
            if (f.equals("title") && d.name().equals("notes")) {
                out.add("hs_note_body");
            } else if (!f.equals(ID) && !f.equals(CREATED) && !f.equals(UPDATED) && !f.equals(PARENT) && !f.equals(LIBRARY)
                    && !ASSOCIATED.containsKey(f) && d.field(f).isPresent()) {
                out.add(f);
            }
        }
        return new ArrayList<>(out);
    }

    /** Whether a record found by a delta's window also lies in the slice's own bounds. */
    private boolean inSlice(JsonNode r, Slice slice) {
        if (!slice.bounded() || slice.changedSince() == null) {
            return true;
        }
        Instant t = instant(Slice.MODIFIED.equals(slice.field()) ? r.path("updatedAt").asText() : r.path("createdAt").asText());
        return (slice.from() == null || !t.isBefore(slice.from())) && (slice.until() == null || t.isBefore(slice.until()));
    }

    /** A page of records in normal form, their associations looked up, handed on; false when the sink wants no more. */
    private boolean deliver(SourceObject d, List<String> fields, List<JsonNode> page, RecordSink sink) {
        if (page.isEmpty()) {
            return true;
        }
        List<Map<String, String>> records = records(d, fields, page);
        page.clear();
        for (Map<String, String> r : records) {
            if (!sink.accept(r)) {
                return false;
            }
        }
        return true;
    }

    private List<Map<String, String>> records(SourceObject d, List<String> fields, List<JsonNode> page) {
        ZoneId zone = zone();
        Set<String> days = HubSpotDefaults.DAYS.getOrDefault(d.name(), Set.of());
        List<Map<String, String>> out = new ArrayList<>(page.size());
        List<String> ids = new ArrayList<>(page.size());
        // each field asked looked up once per page, not once per record
        Map<String, SourceField> types = new HashMap<>();
        for (String f : fields) {
            d.field(f).ifPresent(sf -> types.put(f, sf));
        }
        for (JsonNode r : page) {
            Map<String, String> rec = new LinkedHashMap<>();
            String id = r.path("id").asText();
            ids.add(id);
            rec.put(ID, id);
            rec.put(CREATED, time(r.path("createdAt").asText(null)));
            String updated = time(r.path("updatedAt").asText(null));
            rec.put(UPDATED, updated);
            stamp(updated);
            JsonNode props = r.path("properties");
            for (String f : fields) {
                if (f.equals(ID) || f.equals(CREATED) || f.equals(UPDATED) || f.equals(PARENT) || ASSOCIATED.containsKey(f)) {
                    continue;
                }
                if (f.equals(LIBRARY)) {
                    rec.put(f, LIBRARY_ID);
                } else if (f.equals("title") && d.name().equals("notes")) {
                    rec.put(f, title(props.path("hs_note_body").asText(null)));
                } else {
                    SourceField sf = types.get(f);
                    String v = props.hasNonNull(f) ? props.get(f).asText() : null;
                    rec.put(f, value(d.name(), sf, v, days.contains(f), zone));
                }
            }
            out.add(rec);
        }
        associate(d.name(), fields, ids, out);
        return out;
    }

    /** The value in the engine's normal form: see {@link CrmSource}. */
    private String value(String object, SourceField f, String v, boolean day, ZoneId zone) {
        if (v == null || v.isEmpty() || f == null) {
            return v == null || v.isEmpty() ? null : v;
        }
        try {
            return switch (f.type()) {
                case DATETIME -> instant(v).toString();
                case DATE -> day ? instant(v).atZone(zone).toLocalDate().toString()
                        : v.length() == 10 ? v : v.chars().allMatch(Character::isDigit)
                        ? Instant.ofEpochMilli(Long.parseLong(v)).atZone(ZoneOffset.UTC).toLocalDate().toString()
                        // a date property is midnight UTC of its day, whatever the portal's time zone
                        : instant(v).atZone(ZoneOffset.UTC).toLocalDate().toString();
                case DECIMAL, INTEGER, CURRENCY, PERCENT -> plain(new BigDecimal(v.trim()));
                case BOOLEAN -> Boolean.toString(v.equalsIgnoreCase("true"));
                case PICKLIST -> pipelineLabels.containsKey(object) && (f.name().equals("pipeline") || f.name().equals("hs_pipeline"))
                        ? pipelineLabels.get(object).getOrDefault(v, v) : v;
                case TEXTAREA -> HubSpotDefaults.HTML.contains(f.name()) ? emptyToNull(Html.text(v)) : v;
                default -> HubSpotDefaults.HTML.contains(f.name()) ? emptyToNull(Html.text(v)) : v;
            };
        } catch (NumberFormatException | java.time.DateTimeException e) {
            throw new HotCrmException(ErrorCode.UNAVAILABLE, "HubSpot sent \"" + v + "\" for " + object + "." + f.name()
                    + ", which is not a " + f.type().name().toLowerCase(Locale.ROOT) + ".");
        }
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    /** A note's title: its body's first line, at most 80 characters. */
    private static String title(String html) {
        String text = html == null ? "" : Html.text(html);
        String line = text.lines().map(String::strip).filter(l -> !l.isEmpty()).findFirst().orElse("");
        if (line.isEmpty()) {
            return "Note";
        }
        return line.length() <= 80 ? line : line.substring(0, 79) + "…";
    }

    private static String plain(BigDecimal d) {
        BigDecimal s = d.stripTrailingZeros();
        return (s.scale() < 0 ? s.setScale(0) : s).toPlainString();
    }

    private static String time(String v) {
        return v == null || v.isEmpty() ? null : instant(v).toString();
    }

    /** An ISO-8601 date-time (HubSpot's {@code …Z}, or with an offset) or epoch milliseconds. */
    static Instant instant(String v) {
        if (v.chars().allMatch(Character::isDigit)) {
            return Instant.ofEpochMilli(Long.parseLong(v));
        }
        if (v.length() == 10) {
            return java.time.LocalDate.parse(v).atStartOfDay().toInstant(ZoneOffset.UTC);
        }
        return OffsetDateTime.parse(v).toInstant();
    }

    private synchronized void stamp(String updated) {
        if (updated != null) {
            Instant t = Instant.parse(updated);
            if (highWater == null || t.isAfter(highWater)) {
                highWater = t;
            }
        }
    }

    /**
     * Fills the association fields asked of a page: one associations v4 batch read per associated type. A field gets
     * the primary association (labelled "Primary") or else the first; how many more there were is noted beside it.
     */
    private void associate(String object, List<String> fields, List<String> ids, List<Map<String, String>> records) {
        Map<String, Map<String, String>> byId = new HashMap<>();
        for (int i = 0; i < ids.size(); i++) {
            byId.put(ids.get(i), records.get(i));
        }
        for (String f : fields) {
            if (ASSOCIATED.containsKey(f) && ASSOCIATIONS.getOrDefault(object, List.of()).contains(f)) {
                Map<String, List<String>> found = associations(object, ASSOCIATED.get(f), ids);
                found.forEach((id, to) -> {
                    Map<String, String> rec = byId.get(id);
                    rec.put(f, to.get(0));
                    if (to.size() > 1) {
                        rec.put(MORE + f, Integer.toString(to.size() - 1));
                    }
                });
            } else if (f.equals(PARENT) && object.equals("notes")) {
                Map<String, Integer> total = new HashMap<>();
                for (String type : HubSpotDefaults.NOTE_PARENTS) {
                    associations(object, type, ids).forEach((id, to) -> {
                        Map<String, String> rec = byId.get(id);
                        rec.putIfAbsent(PARENT, type + "/" + to.get(0));
                        total.merge(id, to.size(), Integer::sum);
                    });
                }
                total.forEach((id, n) -> {
                    if (n > 1) {
                        byId.get(id).put(MORE + PARENT, Integer.toString(n - 1));
                    }
                });
            }
        }
    }

    /** Record id → the ids of its associated records of {@code to}, the primary one first; ids without any left out. */
    private Map<String, List<String>> associations(String from, String to, List<String> ids) {
        Map<String, List<String>> out = new HashMap<>();
        for (int i = 0; i < ids.size(); i += BATCH) {
            ObjectNode body = HubSpotClient.JSON.createObjectNode();
            ArrayNode inputs = body.putArray("inputs");
            ids.subList(i, Math.min(ids.size(), i + BATCH)).forEach(id -> inputs.addObject().put("id", id));
            // a 207 lists the records with no associations of the type (NO_ASSOCIATIONS_FOUND) among its errors
            JsonNode answer = client.post("/crm/v4/associations/" + from + "/" + to + "/batch/read", body.toString());
            for (JsonNode r : answer.path("results")) {
                List<String> primary = new ArrayList<>();
                List<String> rest = new ArrayList<>();
                for (JsonNode a : r.path("to")) {
                    boolean isPrimary = false;
                    for (JsonNode t : a.path("associationTypes")) {
                        isPrimary |= "primary".equalsIgnoreCase(t.path("label").asText(""));
                    }
                    (isPrimary ? primary : rest).add(a.path("toObjectId").asText());
                }
                primary.addAll(rest);
                if (!primary.isEmpty()) {
                    out.put(r.path("from").path("id").asText(), primary);
                }
            }
        }
        return out;
    }

    private static Map<String, String> owner(HubSpotOwners.Owner o) {
        Map<String, String> rec = new LinkedHashMap<>();
        rec.put(ID, o.id());
        rec.put("email", o.email());
        String name = ((o.firstName() == null ? "" : o.firstName()) + " " + (o.lastName() == null ? "" : o.lastName())).strip();
        rec.put("name", name.isEmpty() ? o.email() : name);
        rec.put("active", Boolean.toString(o.active()));
        return rec;
    }

    private Map<String, String> library() {
        Map<String, String> rec = new LinkedHashMap<>();
        rec.put(ID, LIBRARY_ID);
        rec.put("name", "HubSpot product library");
        rec.put("is_active", "true");
        rec.put("is_standard", "true");
        rec.put("currency", account().path("companyCurrency").asText("USD"));
        return rec;
    }

    /**
     * Files attached to the engagements of the slice, one record per engagement and file (with its name when asked):
     * the engagements are read side by side, the files' details eight at a time.
     */
    private long attachments(Slice slice, boolean details, RecordSink sink) {
        Map<String, List<String>> lacking = missing();
        List<java.util.concurrent.Future<List<Map<String, String>>>> reads = new ArrayList<>();
        for (String e : ENGAGEMENTS) {
            if (!lacking.containsKey(e)) {
                reads.add(HubSpotClient.AHEAD.submit(() -> {
                    List<Map<String, String>> found = new ArrayList<>();
                    read(e, List.of("hs_attachment_ids"), slice, rec -> {
                        found.addAll(attachments(e, rec));
                        return true;
                    });
                    return found;
                }));
            }
        }
        List<Map<String, String>> found = new ArrayList<>();
        try {
            for (java.util.concurrent.Future<List<Map<String, String>>> r : reads) {
                found.addAll(io.hotcrm.migration.Waits.await(r, "reading HubSpot's engagements"));
            }
        } finally {
            reads.forEach(r -> r.cancel(true));
        }
        if (details) {
            List<java.util.concurrent.Future<?>> calls = new ArrayList<>();
            java.util.concurrent.Semaphore slots = new java.util.concurrent.Semaphore(8);
            for (Map<String, String> a : found) {
                slots.acquireUninterruptibly();
                calls.add(HubSpotClient.AHEAD.submit(() -> {
                    try {
                        fileDetails(a);
                    } finally {
                        slots.release();
                    }
                }));
            }
            calls.forEach(c -> io.hotcrm.migration.Waits.await(c, "reading HubSpot's files"));
        }
        long n = 0;
        for (Map<String, String> a : found) {
            n++;
            if (!sink.accept(a)) {
                break;
            }
        }
        return n;
    }

    private List<Map<String, String>> attachments(String engagement, Map<String, String> rec) {
        String list = rec.get("hs_attachment_ids");
        List<Map<String, String>> out = new ArrayList<>();
        if (list == null || list.isBlank()) {
            return out;
        }
        for (String fileId : list.split(";")) {
            if (fileId.isBlank()) {
                continue;
            }
            Map<String, String> a = new LinkedHashMap<>();
            a.put(ID, engagement + "/" + rec.get(ID) + "/" + fileId.strip());
            a.put(PARENT, engagement + "/" + rec.get(ID));
            a.put(CREATED, rec.get(CREATED));
            a.put(UPDATED, rec.get(UPDATED));
            out.add(a);
        }
        return out;
    }

    /** A file's name and type from the files API (a file deleted from HubSpot keeps its id as its name). */
    private void fileDetails(Map<String, String> a) {
        String fileId = a.get(ID).substring(a.get(ID).lastIndexOf('/') + 1);
        try {
            JsonNode f = client.get("/files/v3/files/" + fileId);
            String name = f.path("name").asText(fileId);
            String ext = f.path("extension").asText("");
            String full = ext.isEmpty() || name.endsWith("." + ext) ? name : name + "." + ext;
            a.put("name", full);
            String type = java.net.URLConnection.guessContentTypeFromName(full);
            a.put("content_type", type == null ? "application/octet-stream" : type);
        } catch (HubSpotException e) {
            if (e.status() != 404) {
                throw e;
            }
            a.put("name", "file " + fileId);
            a.put("content_type", "application/octet-stream");
        }
    }

    @Override
    public List<Map<String, String>> byIds(String object, List<String> fields, List<String> ids) {
        List<Map<String, String>> out = new ArrayList<>();
        if (ids.isEmpty()) {
            return out;
        }
        Set<String> wanted = new java.util.HashSet<>(ids);
        switch (object) {
            case OWNERS -> owners().stream().filter(o -> wanted.contains(o.id())).forEach(o -> out.add(owner(o)));
            case LIBRARY -> {
                if (wanted.contains(LIBRARY_ID)) {
                    out.add(library());
                }
            }
            case ATTACHMENTS -> {
                Map<String, List<String>> byEngagement = new LinkedHashMap<>();
                for (String id : ids) {
                    String[] parts = id.split("/");
                    if (parts.length == 3) {
                        byEngagement.computeIfAbsent(parts[0], k -> new ArrayList<>()).add(parts[1]);
                    }
                }
                byEngagement.forEach((e, engagementIds) -> {
                    for (Map<String, String> rec : byIds(e, List.of("hs_attachment_ids"), engagementIds)) {
                        for (Map<String, String> a : attachments(e, rec)) {
                            if (wanted.contains(a.get(ID))) {
                                if (fields.contains("name") || fields.contains("content_type")) {
                                    fileDetails(a);
                                }
                                out.add(a);
                            }
                        }
                    }
                });
            }
            default -> {
                SourceObject d = describe(object);
                List<JsonNode> found = batchRead(object, properties(d, fields), ids);
                for (int i = 0; i < found.size(); i += BATCH) {
                    out.addAll(records(d, fields, found.subList(i, Math.min(found.size(), i + BATCH))));
                }
            }
        }
        return out;
    }

    @Override
    public Deletions deletedSince(String object, Instant since) {
        if (object.equals(OWNERS) || object.equals(LIBRARY)) {
            return new Deletions(List.of(), true, null);
        }
        Instant from = since.minusMillis(lookbackMillis);
        Instant kept = Instant.now().minus(ARCHIVE_DAYS, ChronoUnit.DAYS);
        List<String> ids = new ArrayList<>();
        if (object.equals(ATTACHMENTS)) {
            for (String e : ENGAGEMENTS) {
                if (!missing().containsKey(e)) {
                    archived(e, from, "&properties=hs_attachment_ids", r -> {
                        Map<String, String> rec = new HashMap<>();
                        rec.put(ID, r.path("id").asText());
                        rec.put("hs_attachment_ids", r.path("properties").path("hs_attachment_ids").asText(null));
                        attachments(e, rec).forEach(a -> ids.add(a.get(ID)));
                    });
                }
            }
        } else {
            archived(object, from, "", r -> ids.add(r.path("id").asText()));
            if (MERGEABLE.contains(object)) {
                // a merge keeps one record and lists the ids it absorbed: those records are gone
                merges(object, from, r -> {
                    for (String m : r.path("properties").path(MERGED).asText("").split(";")) {
                        if (!m.isBlank()) {
                            ids.add(m.strip());
                        }
                    }
                });
            }
        }
        return new Deletions(ids, !since.isBefore(kept), kept);
    }

    /** Archived records of the type archived since {@code from}. */
    private void archived(String object, Instant from, String extra, Consumer<JsonNode> each) {
        client.list("/crm/v3/objects/" + object + "?limit=100&archived=true" + extra, r -> {
            String at = r.path("archivedAt").asText(null);
            if (at == null || !instant(at).isBefore(from)) {
                each.accept(r);
            }
        });
    }

    @Override
    public java.io.InputStream content(String object, String id, String field) {
        if (!object.equals(ATTACHMENTS)) {
            throw HotCrmException.invalid("HubSpot's " + object + " have no file contents.");
        }
        String fileId = id.substring(id.lastIndexOf('/') + 1);
        String url = client.get("/files/v3/files/" + fileId + "/signed-url").path("url").asText(null);
        URI u = url == null ? null : URI.create(url);
        if (u == null || !downloadAllowed.test(u)) {
            throw new HotCrmException(ErrorCode.CONFIGURATION, "HubSpot handed out a download address for file " + fileId + " on "
                    + (u == null ? "no host" : u.getHost()) + ", which is not one of HubSpot's file hosts; an administrator can"
                    + " allow it with HOTCRM_MIGRATION_HOSTS.");
        }
        return client.download(u);
    }

    @Override
    public SourceDefaults defaults() {
        return HubSpotDefaults.DEFAULTS;
    }

    @Override
    public synchronized Instant highWater() {
        return highWater;
    }

    @Override
    public void close() {
        // the JDK's HTTP client holds nothing a migration must give back
    }
}
