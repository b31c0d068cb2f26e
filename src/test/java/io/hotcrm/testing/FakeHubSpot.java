package io.hotcrm.testing;

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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A HubSpot portal over real HTTP, speaking HubSpot's wire formats (`reference/crm-apis.md`, part B): the OAuth
 * token endpoint (refresh grant and its error body), the account's details (a recorded answer), CRM objects listed
 * with opaque {@code after} cursors and {@code limit} at most 100, and HubSpot's error bodies. Failures are injected on
 * demand: 429s of the ten-second and the daily policy, expired OAuth tokens, 502s.
 */
public final class FakeHubSpot implements AutoCloseable {
    public static final String PRIVATE_TOKEN = "pat-na1-11111111-2222-3333-4444-555555555555";
    public static final String CLIENT_ID = "fake-client-id";
    public static final String CLIENT_SECRET = "fake-client-secret";
    public static final String REFRESH_TOKEN = "6f18f21e-a743-4f58-8a6d-fake-refresh";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final Map<String, List<Map<String, String>>> objects = new ConcurrentHashMap<>();
    private final List<ObjectNode> owners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Set<String> tokens = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
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
        server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4));
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Adds {@code n} records of the object type, each with the given properties and its id, created a day apart. */
    public void generate(String type, int n) {
        List<Map<String, String>> list = objects.computeIfAbsent(type, k -> new ArrayList<>());
        for (int i = 0; i < n; i++) {
            Map<String, String> r = new LinkedHashMap<>();
            String id = Long.toString(1000L + list.size() * 50L);
            r.put("hs_object_id", id);
            r.put("createdate", Instant.parse("2024-01-01T09:00:00.000Z").plusSeconds(86_400L * list.size()).toString());
            r.put("lastmodifieddate", r.get("createdate"));
            r.put("email", type.equals("contacts") ? "person" + list.size() + "@example.com" : null);
            list.add(r);
        }
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
        List<Map<String, String>> list = objects.get(type);
        for (int i = first; i < first + count && i < list.size(); i++) {
            list.get(i).put("lastmodifieddate", at.toString());
        }
    }

    /** How many records of the type were last changed in [from, until). */
    public long changedBetween(String type, Instant from, Instant until) {
        return objects.getOrDefault(type, List.of()).stream().map(r -> Instant.parse(r.get("lastmodifieddate")))
                .filter(t -> !t.isBefore(from) && t.isBefore(until)).count();
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

    private void handle(HttpExchange x) throws IOException {
        try {
            String path = x.getRequestURI().getPath();
            hits.computeIfAbsent(path, k -> new AtomicInteger()).incrementAndGet();
            Map<String, String> q = query(x.getRequestURI().getRawQuery());
            if (path.equals("/oauth/v1/token")) {
                token(x, query(new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
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
            if (path.equals("/account-info/v3/details")) {
                send(x, 200, fixture("amp-labs/test/post-auth/account-info.json"));
            } else if (path.equals("/crm/v3/owners") || path.equals("/crm/v3/owners/")) {
                owners(x, q);
            } else if (path.matches("/crm/v3/objects/[a-z_]+/search")) {
                search(x, path.split("/")[4], JSON.readTree(x.getRequestBody()));
            } else if (path.matches("/crm/v3/objects/[a-z_]+")) {
                list(x, path.substring("/crm/v3/objects/".length()), q);
            } else {
                send(x, 404, error("Resource not found", "OBJECT_NOT_FOUND"));
            }
        } catch (RuntimeException e) {
            e.printStackTrace();
            send(x, 500, error(String.valueOf(e), "FAKE_FAILED"));
        }
    }

    private void token(HttpExchange x, Map<String, String> form) throws IOException {
        if (!"refresh_token".equals(form.get("grant_type")) || !CLIENT_ID.equals(form.get("client_id"))
                || !CLIENT_SECRET.equals(form.get("client_secret")) || !REFRESH_TOKEN.equals(form.get("refresh_token"))) {
            send(x, 400, "{\"status\":\"BAD_REFRESH_TOKEN\",\"message\":\"missing or unknown refresh token\",\"correlationId\":\""
                    + UUID.randomUUID() + "\"}");
            return;
        }
        String access = "CJSP" + UUID.randomUUID().toString().replace("-", "");
        tokens.add(access);
        send(x, 200, JSON.createObjectNode().put("token_type", "bearer").put("access_token", access)
                .put("refresh_token", REFRESH_TOKEN).put("expires_in", 1800).toString());
    }

    /** A page of the object's records after the cursor (the id to start after), at most {@code limit} (≤ 100). */
    private void list(HttpExchange x, String type, Map<String, String> q) throws IOException {
        List<Map<String, String>> all = objects.getOrDefault(type, List.of());
        int limit = Math.min(100, Integer.parseInt(q.getOrDefault("limit", "10")));
        long after = q.containsKey("after") ? Long.parseLong(q.get("after")) : -1;
        List<String> wanted = q.containsKey("properties") ? List.of(q.get("properties").split(",")) : List.of("createdate");
        ObjectNode page = JSON.createObjectNode();
        ArrayNode results = page.putArray("results");
        int i = 0;
        while (i < all.size() && Long.parseLong(all.get(i).get("hs_object_id")) <= after) {
            i++;
        }
        int end = Math.min(all.size(), i + limit);
        for (Map<String, String> r : all.subList(i, end)) {
            ObjectNode o = results.addObject().put("id", r.get("hs_object_id"));
            ObjectNode props = o.putObject("properties");
            for (String p : wanted) {
                props.put(p, r.get(p));
            }
            props.put("hs_object_id", r.get("hs_object_id"));
            o.put("createdAt", r.get("createdate")).put("updatedAt", r.get("createdate")).put("archived", false);
        }
        if (end < all.size()) {
            String next = all.get(end - 1).get("hs_object_id");
            page.putObject("paging").putObject("next").put("after", next).put("link", url() + "/crm/v3/objects/" + type
                    + "?after=" + next + "&limit=" + limit);
        }
        send(x, 200, page.toString());
    }

    /**
     * The search API as far as a delta uses it: one filter group of GTE/LT/GT filters (date-times as epoch milliseconds),
     * one sort, {@code limit} at most 200, the offset in {@code after}, the total; and its cap — a page reaching past
     * the 10,000th result is a 400.
     */
    private void search(HttpExchange x, String type, com.fasterxml.jackson.databind.JsonNode body) throws IOException {
        List<Map<String, String>> rows = new ArrayList<>(objects.getOrDefault(type, List.of()));
        for (com.fasterxml.jackson.databind.JsonNode f : body.path("filterGroups").path(0).path("filters")) {
            String p = f.path("propertyName").asText();
            String op = f.path("operator").asText();
            long v = Long.parseLong(f.path("value").asText());
            rows.removeIf(r -> {
                long have = p.equals("hs_object_id") ? Long.parseLong(r.get(p)) : Instant.parse(r.get(p)).toEpochMilli();
                return switch (op) {
                    case "GTE" -> have < v;
                    case "GT" -> have <= v;
                    case "LT" -> have >= v;
                    case "LTE" -> have > v;
                    default -> throw new IllegalArgumentException("operator " + op);
                };
            });
        }
        String sort = body.path("sorts").path(0).path("propertyName").asText("hs_object_id");
        rows.sort(java.util.Comparator.comparingLong((Map<String, String> r) -> sort.equals("hs_object_id")
                ? Long.parseLong(r.get(sort)) : Instant.parse(r.get(sort)).toEpochMilli())
                .thenComparingLong(r -> Long.parseLong(r.get("hs_object_id"))));
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
        ObjectNode page = JSON.createObjectNode().put("total", rows.size());
        ArrayNode results = page.putArray("results");
        int end = Math.min(rows.size(), from + limit);
        for (Map<String, String> r : rows.subList(Math.min(from, rows.size()), end)) {
            ObjectNode o = results.addObject().put("id", r.get("hs_object_id"));
            ObjectNode props = o.putObject("properties");
            body.path("properties").forEach(p -> props.put(p.asText(), r.get(p.asText())));
            props.put("hs_object_id", r.get("hs_object_id"));
            o.put("createdAt", r.get("createdate")).put("updatedAt", r.get("lastmodifieddate")).put("archived", false);
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

    private static String fixture(String name) {
        return FakeHttp.fixture("hubspot/" + name);
    }

    private static Map<String, String> query(String raw) {
        return FakeHttp.query(raw);
    }

    private static void send(HttpExchange x, int status, String body) throws IOException {
        FakeHttp.send(x, status, body.getBytes(StandardCharsets.UTF_8), "application/json");
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
