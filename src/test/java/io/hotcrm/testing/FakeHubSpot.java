package io.hotcrm.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A HubSpot portal over real HTTP, speaking HubSpot's wire formats (`reference/crm-apis.md`, part B): the OAuth
 * token endpoint (refresh and authorization-code grants, and their error body), the account's details (a recorded
 * answer), properties, pipelines, owners (active and archived), CRM objects listed with opaque {@code after} cursors
 * ({@code limit} at most 100, {@code archived=true} for archived ones with {@code archivedAt}), batch reads (a 207 naming
 * the ids it has not), associations v4 batch reads (a 207 with {@code NO_ASSOCIATIONS_FOUND} per record without any),
 * the search API with its 10,000 cap, the files API with signed URLs, custom-object schemas refused for a missing scope
 * (a recorded answer), and HubSpot's error bodies. Failures are injected on demand: 429s of the ten-second and the
 * daily policy, expired OAuth tokens, 502s, objects the token has no scope for.
 */
public final class FakeHubSpot implements AutoCloseable {
    public static final String PRIVATE_TOKEN = "pat-na1-11111111-2222-3333-4444-555555555555";
    public static final String CLIENT_ID = "fake-client-id";
    public static final String CLIENT_SECRET = "fake-client-secret";
    public static final String REFRESH_TOKEN = "6f18f21e-a743-4f58-8a6d-fake-refresh";
    public static final String AUTH_CODE = "fake-authorization-code";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A record of the portal: its id, properties, and stamps. */
    public static final class Rec {
        final long id;
        final Map<String, String> props = new ConcurrentHashMap<>();
        volatile Instant created;
        volatile Instant updated;
        volatile Instant archivedAt;

        Rec(long id, Instant created) {
            this.id = id;
            // HubSpot keeps milliseconds
            this.created = created.truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
            this.updated = this.created;
        }

        public String id() {
            return Long.toString(id);
        }

        public String get(String property) {
            return props.get(property);
        }
    }

    /** A file of the file manager. */
    private record StoredFile(String name, String extension, byte[] bytes) {
    }

    private final HttpServer server;
    private final Map<String, NavigableMap<Long, Rec>> objects = new ConcurrentHashMap<>();
    private final Map<String, ArrayNode> properties = new ConcurrentHashMap<>();
    private final Map<String, ArrayNode> pipelines = new ConcurrentHashMap<>();
    /** "from|to" → from id → associated ids (the first is the primary). */
    private final Map<String, Map<Long, List<Long>>> associations = new ConcurrentHashMap<>();
    private final Map<String, StoredFile> files = new ConcurrentHashMap<>();
    private final Map<String, Long> merged = new ConcurrentHashMap<>();
    private final List<ObjectNode> owners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Set<String> tokens = ConcurrentHashMap.newKeySet();
    private final Set<String> denied = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
    private final AtomicLong nextId = new AtomicLong(1000);
    private volatile int failNext;
    private volatile int failStatus;
    private volatile String failPolicy;

    static {
        // answer without Nagle's delay, as FakeSalesforce does (read once, when the first JDK server starts)
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    public FakeHubSpot() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.createContext("/", this::handle);
        server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(8));
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    // ------------------------------------------------------------------ the portal's data

    /** The property a type's last change is in: contacts name theirs differently. */
    static String modifiedProperty(String type) {
        return type.equals("contacts") ? "lastmodifieddate" : "hs_lastmodifieddate";
    }

    static String createdProperty(String type) {
        return type.equals("quotes") ? "hs_createdate" : "createdate";
    }

    private NavigableMap<Long, Rec> of(String type) {
        return objects.computeIfAbsent(type, k -> new ConcurrentSkipListMap<>());
    }

    /** A new record of the type, created at the instant, with the given properties (name, value, …). */
    public Rec add(String type, Instant created, String... props) {
        Rec r = new Rec(nextId.addAndGet(50), created);
        for (int i = 0; i < props.length; i += 2) {
            if (props[i + 1] != null) {
                r.props.put(props[i], props[i + 1]);
            }
        }
        of(type).put(r.id, r);
        return r;
    }

    /** Adds {@code n} contacts-like records of the type, each with an email, created a day apart from 2024 on. */
    public void generate(String type, int n) {
        int have = of(type).size();
        for (int i = 0; i < n; i++) {
            int k = have + i;
            add(type, Instant.parse("2024-01-01T09:00:00.000Z").plusSeconds(86_400L * k),
                    "email", type.equals("contacts") ? "person" + k + "@example.com" : null);
        }
    }

    public List<Rec> records(String type) {
        return of(type).values().stream().filter(r -> r.archivedAt == null).toList();
    }

    /** Defines a property of the type: name, label, type, fieldType, whether HubSpot defined it, options (value, label, …). */
    public void property(String type, String name, String label, String kind, String fieldType, boolean hubspotDefined, String... options) {
        ObjectNode p = properties.computeIfAbsent(type, k -> JSON.createArrayNode()).addObject().put("name", name).put("label", label)
                .put("type", kind).put("fieldType", fieldType).put("groupName", type.replaceAll("s$", "") + "information")
                .put("calculated", false).put("externalOptions", name.equals("dealstage") || name.equals("pipeline")
                        || name.equals("hs_pipeline_stage") || name.equals("hs_pipeline"))
                .put("hasUniqueValue", false).put("hidden", false).put("hubspotDefined", hubspotDefined).put("archived", false)
                .put("createdAt", "2019-10-30T03:30:17.883Z").put("updatedAt", "2023-01-01T00:00:00Z");
        p.putObject("modificationMetadata").put("archivable", !hubspotDefined).put("readOnlyDefinition", hubspotDefined)
                .put("readOnlyValue", false);
        ArrayNode o = p.putArray("options");
        for (int i = 0; i < options.length; i += 2) {
            o.addObject().put("label", options[i + 1]).put("value", options[i]).put("displayOrder", i / 2).put("hidden", false);
        }
    }

    /** A pipeline of deals or tickets: id, label, then its stages as id, label, metadata key, value, … per stage (3 strings each + 2 metadata). */
    public void pipeline(String type, String id, String label, String[]... stages) {
        ObjectNode p = pipelines.computeIfAbsent(type, k -> JSON.createArrayNode()).addObject().put("id", id).put("label", label)
                .put("displayOrder", pipelines.get(type).size() - 1).put("archived", false)
                .put("createdAt", "2023-01-01T00:00:00Z").put("updatedAt", "2023-01-01T00:00:00Z");
        ArrayNode s = p.putArray("stages");
        int order = 0;
        for (String[] st : stages) {
            ObjectNode stage = s.addObject().put("id", st[0]).put("label", st[1]).put("displayOrder", order++).put("archived", false)
                    .put("createdAt", "2023-01-01T00:00:00Z").put("updatedAt", "2023-01-01T00:00:00Z")
                    .put("writePermissions", "CRM_PERMISSIONS_ENFORCEMENT");
            ObjectNode m = stage.putObject("metadata");
            for (int i = 2; i < st.length; i += 2) {
                m.put(st[i], st[i + 1]);
            }
        }
    }

    /** Associates two records both ways; the first association of a record to a type is its primary one. */
    public void associate(String fromType, Rec from, String toType, Rec to) {
        associations.computeIfAbsent(fromType + "|" + toType, k -> new ConcurrentHashMap<>())
                .computeIfAbsent(from.id, k -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(to.id);
        associations.computeIfAbsent(toType + "|" + fromType, k -> new ConcurrentHashMap<>())
                .computeIfAbsent(to.id, k -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(from.id);
    }

    /** The ids of the records of {@code toType} associated with the record, the primary one first. */
    public List<String> associated(String fromType, Rec from, String toType) {
        return associations.getOrDefault(fromType + "|" + toType, Map.of()).getOrDefault(from.id, List.of()).stream()
                .map(String::valueOf).toList();
    }

    /** A file of the file manager; returns its id (for {@code hs_attachment_ids}). */
    public String file(String name, String extension, byte[] bytes) {
        String id = Long.toString(nextId.addAndGet(50));
        files.put(id, new StoredFile(name, extension, bytes));
        return id;
    }

    /** A user changed the record now: its properties (name, value, …) and last-modified stamp. */
    public void edit(String type, Rec r, Instant at, String... props) {
        for (int i = 0; i < props.length; i += 2) {
            if (props[i + 1] == null) {
                r.props.remove(props[i]);
            } else {
                r.props.put(props[i], props[i + 1]);
            }
        }
        r.updated = at.truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    }

    /** The record goes to HubSpot's recycle bin (archived). */
    public void archive(String type, Rec r, Instant at) {
        r.archivedAt = at.truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        r.updated = r.archivedAt;
    }

    /**
     * Merges {@code loser} into {@code survivor} as HubSpot does: the loser is gone (its id now answers as the survivor),
     * its associations move to the survivor, and the survivor lists it in {@code hs_merged_object_ids}.
     */
    public void merge(String type, Rec survivor, Rec loser, Instant at) {
        of(type).remove(loser.id);
        merged.put(type + "|" + loser.id, survivor.id);
        String ids = survivor.props.get("hs_merged_object_ids");
        survivor.props.put("hs_merged_object_ids", ids == null ? loser.id() : ids + ";" + loser.id());
        survivor.updated = at.truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        associations.forEach((key, map) -> {
            String[] k = key.split("\\|");
            if (k[0].equals(type)) {
                List<Long> moved = map.remove(loser.id);
                if (moved != null) {
                    for (Long to : moved) {
                        List<Long> mine = map.computeIfAbsent(survivor.id, x -> new java.util.concurrent.CopyOnWriteArrayList<>());
                        if (!mine.contains(to)) {
                            mine.add(to);
                        }
                    }
                }
            } else if (k[1].equals(type)) {
                map.values().forEach(list -> {
                    int i = list.indexOf(loser.id);
                    if (i >= 0) {
                        if (list.contains(survivor.id)) {
                            list.remove(i);
                        } else {
                            list.set(i, survivor.id);
                        }
                    }
                });
            }
        });
    }

    /** Adds an owner (a person or a queue); archived ones are users deactivated in HubSpot. Returns its owner id. */
    public String owner(String email, String first, String last, String type, boolean archived) {
        String id = Long.toString(41_629_779L + owners.size() * 7L);
        ObjectNode o = JSON.createObjectNode().put("id", id).put("email", email).put("type", type).put("firstName", first)
                .put("lastName", last).put("userId", 9_586_504L + owners.size()).put("userIdIncludingInactive", 9_586_504L + owners.size())
                .put("createdAt", "2023-01-01T00:00:00Z").put("updatedAt", "2024-01-01T00:00:00Z").put("archived", archived);
        o.putArray("teams");
        owners.add(o);
        return id;
    }

    /** Changes {@code count} records of the type from the {@code first}-th on at one instant (a bulk update). */
    public void touch(String type, int first, int count, Instant at) {
        List<Rec> list = new ArrayList<>(of(type).values());
        for (int i = first; i < first + count && i < list.size(); i++) {
            list.get(i).updated = at.truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        }
    }

    /** How many live records of the type were last changed in [from, until). */
    public long changedBetween(String type, Instant from, Instant until) {
        return records(type).stream().filter(r -> !r.updated.isBefore(from) && r.updated.isBefore(until)).count();
    }

    /** The token lacks the scope of the object type from now on (403 MISSING_SCOPES). */
    public void deny(String type) {
        denied.add(type);
    }

    /** The next {@code n} data calls fail: 429 of the policy ({@code TEN_SECONDLY_ROLLING}, {@code DAILY}), or 502. */
    public void failNext(int n, int status, String policy) {
        this.failStatus = status;
        this.failPolicy = policy;
        this.failNext = n;
    }

    /** Every OAuth access token issued so far expires. */
    public void expireTokens() {
        tokens.clear();
    }

    public int hits(String pathPart) {
        return hits.entrySet().stream().filter(e -> e.getKey().contains(pathPart)).mapToInt(e -> e.getValue().get()).sum();
    }

    // ------------------------------------------------------------------ the wire

    private void handle(HttpExchange x) throws IOException {
        try {
            String path = x.getRequestURI().getPath();
            hits.computeIfAbsent(path, k -> new AtomicInteger()).incrementAndGet();
            Map<String, String> q = FakeHttp.query(x.getRequestURI().getRawQuery());
            if (path.equals("/oauth/v1/token")) {
                token(x, FakeHttp.query(new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
                return;
            }
            if (path.startsWith("/signed/")) {
                // a signed URL: the signature in it is the grant, no token
                StoredFile f = files.get(path.substring("/signed/".length()));
                if (f == null || !"fake".equals(q.get("signature"))) {
                    send(x, 403, "<Error><Code>AccessDenied</Code></Error>");
                } else {
                    FakeHttp.send(x, 200, f.bytes(), "application/octet-stream");
                }
                return;
            }
            String auth = x.getRequestHeaders().getFirst("Authorization");
            String token = auth == null ? "" : auth.replaceFirst("^Bearer ", "");
            if (!token.equals(PRIVATE_TOKEN) && !tokens.contains(token)) {
                boolean issued = token.startsWith("CJSP");
                send(x, 401, error(issued ? "The OAuth token used to make this call expired 1 minute(s) ago."
                        : "Authentication credentials not found.", issued ? "EXPIRED_AUTHENTICATION" : "INVALID_AUTHENTICATION"));
                return;
            }
            if (failNext > 0) {
                failNext--;
                if (failStatus == 429) {
                    ObjectNode n = JSON.createObjectNode().put("status", "error").put("message", "You have reached your "
                            + failPolicy.toLowerCase(java.util.Locale.ROOT) + " limit.").put("errorType", "RATE_LIMIT")
                            .put("correlationId", UUID.randomUUID().toString()).put("policyName", failPolicy)
                            .put("groupName", "publicapi:private-app-api-calls");
                    x.getResponseHeaders().add("X-HubSpot-RateLimit-Interval-Milliseconds", "10000");
                    send(x, 429, n.toString());
                } else {
                    send(x, failStatus, "<html><body>502 Bad Gateway</body></html>");
                }
                return;
            }
            x.getResponseHeaders().add("X-HubSpot-RateLimit-Max", "190");
            x.getResponseHeaders().add("X-HubSpot-RateLimit-Interval-Milliseconds", "10000");
            String[] seg = path.split("/");
            if (path.equals("/account-info/v3/details")) {
                send(x, 200, FakeHttp.fixture("hubspot/amp-labs/test/post-auth/account-info.json"));
            } else if (path.equals("/crm/v3/schemas")) {
                send(x, 403, FakeHttp.fixture("hubspot/amp-labs/test/metadata-err-schemas-scope.json"));
            } else if (path.equals("/crm/v3/owners") || path.equals("/crm/v3/owners/")) {
                owners(x, q);
            } else if (path.startsWith("/crm/v3/properties/")) {
                ObjectNode n = JSON.createObjectNode();
                n.set("results", properties.getOrDefault(seg[4], JSON.createArrayNode()));
                send(x, 200, n.toString());
            } else if (path.startsWith("/crm/v3/pipelines/")) {
                ObjectNode n = JSON.createObjectNode();
                n.set("results", pipelines.getOrDefault(seg[4], JSON.createArrayNode()));
                send(x, 200, n.toString());
            } else if (path.startsWith("/crm/v3/objects/") && denied.contains(seg[4])) {
                ObjectNode n = (ObjectNode) JSON.readTree(error("This app hasn't been granted all required scopes to make this call.",
                        "MISSING_SCOPES"));
                n.putArray("errors").addObject().put("message", "One or more of the following scopes are required.")
                        .putObject("context").putArray("requiredGranularScopes").add(seg[4].equals("tickets") ? "tickets"
                                : "crm.objects." + seg[4] + ".read");
                send(x, 403, n.toString());
            } else if (path.matches("/crm/v3/objects/[a-z_]+/search")) {
                search(x, seg[4], JSON.readTree(x.getRequestBody()));
            } else if (path.matches("/crm/v3/objects/[a-z_]+/batch/read")) {
                batchRead(x, seg[4], JSON.readTree(x.getRequestBody()));
            } else if (path.matches("/crm/v3/objects/[a-z_]+")) {
                list(x, seg[4], q);
            } else if (path.matches("/crm/v4/associations/[a-z_]+/[a-z_]+/batch/read")) {
                associations(x, seg[4], seg[5], JSON.readTree(x.getRequestBody()));
            } else if (path.equals("/files/v3/files")) {
                send(x, 200, "{\"results\":[]}");
            } else if (path.matches("/files/v3/files/[0-9]+/signed-url")) {
                StoredFile f = files.get(seg[4]);
                send(x, f == null ? 404 : 200, f == null ? error("File not found", "OBJECT_NOT_FOUND")
                        : JSON.createObjectNode().put("url", url() + "/signed/" + seg[4] + "?signature=fake")
                        .put("expiresAt", Instant.now().plusSeconds(3600).toString()).put("name", f.name())
                        .put("extension", f.extension()).put("size", f.bytes().length).toString());
            } else if (path.matches("/files/v3/files/[0-9]+")) {
                StoredFile f = files.get(seg[4]);
                send(x, f == null ? 404 : 200, f == null ? error("File not found", "OBJECT_NOT_FOUND")
                        : JSON.createObjectNode().put("id", seg[4]).put("name", f.name()).put("extension", f.extension())
                        .put("size", f.bytes().length).put("access", "PRIVATE").put("archived", false).toString());
            } else {
                send(x, 404, error("Resource not found", "OBJECT_NOT_FOUND"));
            }
        } catch (RuntimeException e) {
            e.printStackTrace();
            send(x, 500, error(String.valueOf(e), "FAKE_FAILED"));
        }
    }

    private void token(HttpExchange x, Map<String, String> form) throws IOException {
        boolean refresh = "refresh_token".equals(form.get("grant_type")) && REFRESH_TOKEN.equals(form.get("refresh_token"));
        boolean code = "authorization_code".equals(form.get("grant_type")) && AUTH_CODE.equals(form.get("code"));
        if ((!refresh && !code) || !CLIENT_ID.equals(form.get("client_id")) || !CLIENT_SECRET.equals(form.get("client_secret"))) {
            String status = "authorization_code".equals(form.get("grant_type")) ? "BAD_AUTH_CODE" : "BAD_REFRESH_TOKEN";
            send(x, 400, "{\"status\":\"" + status + "\",\"message\":\"missing or unknown " + (status.equals("BAD_AUTH_CODE")
                    ? "auth code" : "refresh token") + "\",\"correlationId\":\"" + UUID.randomUUID() + "\"}");
            return;
        }
        String access = "CJSP" + UUID.randomUUID().toString().replace("-", "");
        tokens.add(access);
        send(x, 200, JSON.createObjectNode().put("token_type", "bearer").put("access_token", access)
                .put("refresh_token", REFRESH_TOKEN).put("expires_in", 1800).toString());
    }

    /** A record as the API shows it, with the properties asked (unset ones as null) and its stamps. */
    private ObjectNode json(String type, Rec r, Iterable<String> wanted, ObjectNode o) {
        o.put("id", r.id());
        ObjectNode props = o.putObject("properties");
        for (String p : wanted) {
            props.put(p, value(type, r, p));
        }
        props.put("hs_object_id", r.id());
        o.put("createdAt", r.created.toString()).put("updatedAt", r.updated.toString()).put("archived", r.archivedAt != null);
        if (r.archivedAt != null) {
            o.put("archivedAt", r.archivedAt.toString());
        }
        return o;
    }

    private static String value(String type, Rec r, String p) {
        if (p.equals(createdProperty(type))) {
            return r.created.toString();
        }
        if (p.equals(modifiedProperty(type)) || p.equals("hs_lastmodifieddate")) {
            return r.updated.toString();
        }
        if (p.equals("hs_object_id")) {
            return r.id();
        }
        return r.props.get(p);
    }

    /** A page of the type's records after the cursor (the id to start after), at most {@code limit} (≤ 100). */
    private void list(HttpExchange x, String type, Map<String, String> q) throws IOException {
        boolean archived = Boolean.parseBoolean(q.getOrDefault("archived", "false"));
        int limit = Math.min(100, Integer.parseInt(q.getOrDefault("limit", "10")));
        long after = q.containsKey("after") ? Long.parseLong(q.get("after")) : -1;
        List<String> wanted = q.containsKey("properties") && !q.get("properties").isEmpty() ? List.of(q.get("properties").split(","))
                : List.of(createdProperty(type));
        ObjectNode page = JSON.createObjectNode();
        ArrayNode results = page.putArray("results");
        Long last = null;
        boolean more = false;
        for (Rec r : of(type).tailMap(after, false).values()) {
            if ((r.archivedAt != null) != archived) {
                continue;
            }
            if (results.size() == limit) {
                more = true;
                break;
            }
            json(type, r, wanted, results.addObject());
            last = r.id;
        }
        if (more) {
            page.putObject("paging").putObject("next").put("after", Long.toString(last)).put("link", url() + "/crm/v3/objects/"
                    + type + "?after=" + last + "&limit=" + limit);
        }
        send(x, 200, page.toString());
    }

    private void batchRead(HttpExchange x, String type, JsonNode body) throws IOException {
        List<String> wanted = new ArrayList<>();
        body.path("properties").forEach(p -> wanted.add(p.asText()));
        ObjectNode answer = JSON.createObjectNode().put("status", "COMPLETE");
        ArrayNode results = answer.putArray("results");
        List<String> missing = new ArrayList<>();
        for (JsonNode in : body.path("inputs")) {
            Rec r = of(type).get(Long.parseLong(in.path("id").asText()));
            if (r == null || r.archivedAt != null) {
                missing.add(in.path("id").asText());
            } else {
                json(type, r, wanted, results.addObject());
            }
        }
        answer.put("requestedAt", Instant.now().toString()).put("startedAt", Instant.now().toString())
                .put("completedAt", Instant.now().toString());
        if (!missing.isEmpty()) {
            answer.put("numErrors", 1);
            ObjectNode e = answer.putArray("errors").addObject().put("status", "error").put("category", "OBJECT_NOT_FOUND")
                    .put("message", "Could not get some " + type.toUpperCase(java.util.Locale.ROOT).replaceAll("S$", "")
                            + " objects, they may be deleted or not exist.");
            ArrayNode ids = e.putObject("context").putArray("ids");
            missing.forEach(ids::add);
        }
        send(x, missing.isEmpty() ? 200 : 207, answer.toString());
    }

    private void associations(HttpExchange x, String from, String to, JsonNode body) throws IOException {
        Map<Long, List<Long>> map = associations.getOrDefault(from + "|" + to, Map.of());
        ObjectNode answer = JSON.createObjectNode().put("status", "COMPLETE");
        ArrayNode results = answer.putArray("results");
        ArrayNode errors = JSON.createArrayNode();
        for (JsonNode in : body.path("inputs")) {
            String id = in.path("id").asText();
            List<Long> list = map.getOrDefault(Long.parseLong(id), List.of()).stream()
                    .filter(t -> of(to).containsKey(t) && of(to).get(t).archivedAt == null).toList();
            if (list.isEmpty()) {
                ObjectNode e = errors.addObject().put("status", "error").put("category", "OBJECT_NOT_FOUND")
                        .put("subCategory", "crm.associations.NO_ASSOCIATIONS_FOUND")
                        .put("message", "No " + to.replaceAll("s$", "") + " is associated with " + from.replaceAll("s$", "") + " " + id + ".");
                e.putObject("context").putArray("fromObjectId").add(id);
                continue;
            }
            ObjectNode r = results.addObject();
            r.putObject("from").put("id", id);
            ArrayNode toArr = r.putArray("to");
            boolean first = true;
            for (Long t : list) {
                ObjectNode a = toArr.addObject().put("toObjectId", t);
                ArrayNode types = a.putArray("associationTypes");
                if (first && (to.equals("companies") || from.equals("companies"))) {
                    types.addObject().put("category", "HUBSPOT_DEFINED").put("typeId", 1).put("label", "Primary");
                }
                types.addObject().put("category", "HUBSPOT_DEFINED").put("typeId", 279).putNull("label");
                first = false;
            }
        }
        answer.put("startedAt", Instant.now().toString()).put("completedAt", Instant.now().toString());
        if (!errors.isEmpty()) {
            answer.put("numErrors", errors.size());
            answer.set("errors", errors);
        }
        send(x, errors.isEmpty() ? 200 : 207, answer.toString());
    }

    /**
     * The search API: one filter group of GTE/GT/LT/LTE filters (date-times as epoch milliseconds) and HAS_PROPERTY, one
     * sort, {@code limit} at most 200, the offset in {@code after}, the total; live records only; and its cap — a page
     * reaching past the 10,000th result is a 400.
     */
    private void search(HttpExchange x, String type, JsonNode body) throws IOException {
        List<Rec> rows = new ArrayList<>(records(type));
        for (JsonNode f : body.path("filterGroups").path(0).path("filters")) {
            String p = f.path("propertyName").asText();
            String op = f.path("operator").asText();
            if (op.equals("HAS_PROPERTY")) {
                rows.removeIf(r -> value(type, r, p) == null);
                continue;
            }
            long v = Long.parseLong(f.path("value").asText());
            rows.removeIf(r -> {
                String have = value(type, r, p);
                if (have == null) {
                    return true;
                }
                long h = p.equals("hs_object_id") ? Long.parseLong(have) : Instant.parse(have).toEpochMilli();
                return switch (op) {
                    case "GTE" -> h < v;
                    case "GT" -> h <= v;
                    case "LT" -> h >= v;
                    case "LTE" -> h > v;
                    default -> throw new IllegalArgumentException("operator " + op);
                };
            });
        }
        String sort = body.path("sorts").path(0).path("propertyName").asText("hs_object_id");
        rows.sort(Comparator.comparingLong((Rec r) -> sort.equals("hs_object_id") ? r.id
                : Instant.parse(value(type, r, sort)).toEpochMilli()).thenComparingLong(r -> r.id));
        int limit = body.path("limit").asInt(10);
        int from = body.hasNonNull("after") ? Integer.parseInt(body.get("after").asText()) : 0;
        if (limit > 200) {
            send(x, 400, error("limit must be at most 200", "VALIDATION_ERROR"));
            return;
        }
        if (from + limit > 10_000) {
            send(x, 400, error("There was a problem with the request.", "VALIDATION_ERROR"));
            return;
        }
        List<String> wanted = new ArrayList<>();
        body.path("properties").forEach(p -> wanted.add(p.asText()));
        ObjectNode page = JSON.createObjectNode().put("total", rows.size());
        ArrayNode results = page.putArray("results");
        int end = Math.min(rows.size(), from + limit);
        for (Rec r : rows.subList(Math.min(from, rows.size()), end)) {
            json(type, r, wanted, results.addObject());
        }
        if (end < rows.size()) {
            page.putObject("paging").putObject("next").put("after", Integer.toString(end));
        }
        send(x, 200, page.toString());
    }

    /** Owners, active or (with {@code archived=true}) archived only, {@code limit} per page, paged by position. */
    private void owners(HttpExchange x, Map<String, String> q) throws IOException {
        boolean archived = Boolean.parseBoolean(q.getOrDefault("archived", "false"));
        List<ObjectNode> wanted = owners.stream().filter(o -> o.path("archived").asBoolean() == archived).toList();
        int limit = Math.min(500, Integer.parseInt(q.getOrDefault("limit", "100")));
        int from = Integer.parseInt(q.getOrDefault("after", "0"));
        ObjectNode page = JSON.createObjectNode();
        ArrayNode results = page.putArray("results");
        wanted.subList(Math.min(from, wanted.size()), Math.min(wanted.size(), from + limit)).forEach(results::add);
        if (from + limit < wanted.size()) {
            page.putObject("paging").putObject("next").put("after", Integer.toString(from + limit))
                    .put("link", url() + "/crm/v3/owners?after=" + (from + limit));
        }
        send(x, 200, page.toString());
    }

    private static String error(String message, String category) {
        return JSON.createObjectNode().put("status", "error").put("message", message).put("correlationId",
                UUID.randomUUID().toString()).put("category", category).toString();
    }

    private static void send(HttpExchange x, int status, String body) throws IOException {
        FakeHttp.send(x, status, body.getBytes(StandardCharsets.UTF_8), "application/json");
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }

    /**
     * Serves a generated portal of {@code args[0]} contacts (and the rest around them) from a process of its own, for the
     * migration benchmark: prints its address and record counts as one JSON line, and serves until its input closes.
     */
    public static void main(String[] args) throws IOException {
        try (FakeHubSpot hs = new FakeHubSpot()) {
            HubSpotPortal portal = HubSpotPortal.generate(hs, Integer.parseInt(args[0]), 1, Instant.now().minus(1, java.time.temporal.ChronoUnit.DAYS));
            ObjectNode hello = JSON.createObjectNode().put("url", hs.url()).put("token", PRIVATE_TOKEN);
            ObjectNode counts = hello.putObject("records");
            hs.sizes().forEach(counts::put);
            counts.put("owners", portal.owners.size());
            counts.put("attachments", portal.files);
            System.out.println(hello);
            System.out.flush();
            while (System.in.read() >= 0) {
                // serve until the benchmark goes away
            }
        }
    }

    /** For a generated portal: how many records of each type it was made with. */
    public Map<String, Integer> sizes() {
        Map<String, Integer> out = new LinkedHashMap<>();
        objects.forEach((t, m) -> out.put(t, (int) m.values().stream().filter(r -> r.archivedAt == null).count()));
        return out;
    }
}
