package io.hotcrm.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A Salesforce org over real HTTP, speaking Salesforce's wire formats: the OAuth token endpoint (refresh-token,
 * JWT bearer and authorization-code grants, with their error bodies), the authorize redirect, describeGlobal and
 * describe (real recorded describes for Account with Person Accounts, Contact, Lead, Opportunity, Case, Event and
 * Task; the others written from the spec), SOQL query/queryAll with {@code nextRecordsUrl} paging and
 * {@code COUNT()}, Bulk API 2.0 query jobs with {@code Sforce-Locator} pages, {@code /limits}, getDeleted, and
 * {@code Sforce-Limit-Info} on every answer. It serves a generated org (users, a queue, accounts with Person
 * Accounts, contacts reporting to contacts, leads, products and price book entries, opportunities and line items,
 * campaigns and members, contracts, cases with parent cases, tasks and events linked polymorphically, custom fields,
 * non-ASCII text, deleted records) that tests change between runs. Failures are injected on demand: an expired
 * session, 503s, {@code REQUEST_LIMIT_EXCEEDED}, expiring query cursors.
 */
public final class FakeSalesforce implements AutoCloseable {
    public static final String CLIENT_ID = "3MVG9fake.consumer.key";
    public static final String VERSION = "v62.0";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final String url;
    public final KeyPair jwtKey;
    private final Map<String, List<Map<String, Object>>> data = new LinkedHashMap<>();
    private final Map<String, Map<String, Object>> byId = new ConcurrentHashMap<>();
    private final Map<String, ObjectNode> describes = new LinkedHashMap<>();
    private final Map<String, String> prefixes = new LinkedHashMap<>();
    private final Set<String> tokens = ConcurrentHashMap.newKeySet();
    private final Map<String, String> codes = new ConcurrentHashMap<>();
    private final Map<String, Cursor> cursors = new ConcurrentHashMap<>();
    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    private final AtomicInteger counter = new AtomicInteger();
    private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
    public volatile String refreshToken = "5Aep861fake.refresh.token";
    public volatile int pageSize = 500;
    public volatile long apiUsed = 100;
    public volatile long apiMax = 15000;
    /** Milliseconds every data call waits before it answers (a slow org, so a test can stop a run midway). */
    public volatile long delayMillis;
    private volatile int failNext;
    private volatile int failStatus;
    private volatile String failCode;
    private volatile boolean expireCursors;
    private volatile Instant deletionsKeptSince = Instant.parse("2000-01-01T00:00:00Z");
    private final Map<String, Instant> deletedAt = new ConcurrentHashMap<>();
    /** Objects the Bulk API will not query (job creation answers 400), as it refuses some of Salesforce's objects. */
    public final Set<String> bulkRefused = ConcurrentHashMap.newKeySet();

    static {
        // answer without Nagle's delay: the JDK server writes headers and body apart, and the client's delayed ACK
        // would hold every response ~40 ms — a wait no real Salesforce adds (read once, when the first server starts)
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    /** A query's matching records, each projected to the query's fields as its page is written. */
    private record Cursor(Soql soql, List<Map<String, Object>> rows) {
    }

    private record Job(String id, String object, Cursor cursor, AtomicInteger polls) {
        List<Map<String, Object>> rows() {
            return cursor.rows();
        }

        List<String> fields() {
            return cursor.soql().fields();
        }
    }

    public FakeSalesforce(int scale) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            this.jwtKey = g.generateKeyPair();
            this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        this.url = "http://127.0.0.1:" + server.getAddress().getPort();
        loadDescribes();
        new OrgGenerator(this, scale).generate();
        server.createContext("/", this::handle);
        server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4));
        server.start();
    }

    public String url() {
        return url;
    }

    /**
     * The fake org in a process of its own (the migration benchmark's source, so its records and its work do not
     * share the migrating JVM's heap): {@code FakeSalesforce SCALE PAGE_SIZE [EXPORT_DIR]}. Prints one line of JSON
     * (url, private key, live records per object, and the Data Export's ZIP files when a directory is given) and serves
     * until its standard input closes.
     */
    public static void main(String[] args) throws IOException {
        try (FakeSalesforce sf = new FakeSalesforce(Integer.parseInt(args[0]))) {
            sf.pageSize = args.length > 1 ? Integer.parseInt(args[1]) : sf.pageSize;
            ObjectNode hello = JSON.createObjectNode().put("url", sf.url()).put("privateKey", sf.privateKeyPem());
            ObjectNode counts = hello.putObject("records");
            for (String object : sf.data.keySet()) {
                counts.put(object, sf.live(object).size());
            }
            if (args.length > 2) {
                com.fasterxml.jackson.databind.node.ArrayNode zips = hello.putArray("export");
                DataExport.write(sf, java.nio.file.Path.of(args[2]), StandardCharsets.UTF_8, 2).forEach(z -> zips.add(z.toString()));
            }
            System.out.println(hello);
            System.out.flush();
            while (System.in.read() >= 0) {
                // serve until the benchmark goes away
            }
        }
    }

    /** The connected app's private key in PKCS #8 PEM, as an admin downloads it. */
    public String privateKeyPem() {
        return "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(jwtKey.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n";
    }

    // ------------------------------------------------------------------ what tests change

    /** The next {@code n} data calls fail with {@code status} and Salesforce's error {@code code}. */
    public void failNext(int n, int status, String code) {
        this.failStatus = status;
        this.failCode = code;
        this.failNext = n;
    }

    /** Every session issued so far expires (the next data call gets 401 INVALID_SESSION_ID). */
    public void expireSessions() {
        tokens.clear();
    }

    /** Query cursors expire after their first page ({@code INVALID_QUERY_LOCATOR}), as idle ones do. */
    public void expireCursors(boolean on) {
        this.expireCursors = on;
        if (on) {
            cursors.clear();
        }
    }

    /** getDeleted's earliestDateAvailable: deletions before it are forgotten. */
    public void keepDeletionsSince(Instant t) {
        this.deletionsKeptSince = t;
    }

    public int hits(String pathPart) {
        return hits.entrySet().stream().filter(e -> e.getKey().contains(pathPart)).mapToInt(e -> e.getValue().get()).sum();
    }

    public synchronized List<Map<String, Object>> records(String object) {
        return data.computeIfAbsent(object, k -> new ArrayList<>());
    }

    /** Live (not deleted) records of the object. */
    public synchronized List<Map<String, Object>> live(String object) {
        return records(object).stream().filter(r -> !Boolean.TRUE.equals(r.get("IsDeleted"))).toList();
    }

    /** Changes a record's field as a user would (SystemModstamp moves on). */
    public synchronized void update(String object, String id, String field, Object value) {
        Map<String, Object> r = java.util.Objects.requireNonNull(find(object, id), id);
        r.put(field, value);
        r.put("LastModifiedDate", Instant.now().truncatedTo(ChronoUnit.MILLIS));
        r.put("SystemModstamp", Instant.now().truncatedTo(ChronoUnit.MILLIS));
    }

    /** Deletes a record as a user would: it goes to the recycle bin (IsDeleted, seen by queryAll and getDeleted). */
    public synchronized void delete(String object, String id) {
        Map<String, Object> r = java.util.Objects.requireNonNull(find(object, id), id);
        r.put("IsDeleted", true);
        r.put("SystemModstamp", Instant.now().truncatedTo(ChronoUnit.MILLIS));
        deletedAt.put(id, Instant.now());
    }

    /** Adds a record; fills Id, audit fields and stamps. Returns its id. */
    public synchronized String insert(String object, Map<String, Object> fields) {
        Map<String, Object> r = new LinkedHashMap<>(fields);
        String id = r.containsKey("Id") ? (String) r.get("Id") : newId(object);
        r.put("Id", id);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        r.putIfAbsent("IsDeleted", false);
        r.putIfAbsent("CreatedDate", now);
        r.putIfAbsent("LastModifiedDate", now);
        r.putIfAbsent("SystemModstamp", now);
        records(object).add(r);
        byId.put(object + "/" + id, r);
        return id;
    }

    /** A new 18-character id with the object's key prefix. */
    public String newId(String object) {
        String prefix = prefixes.get(object);
        String body = String.format("%012d", counter.incrementAndGet());
        String id15 = prefix + "Rz" + body.substring(2);
        return id15 + checksum(id15);
    }

    /** Salesforce's 3-character case-safe suffix of a 15-character id. */
    static String checksum(String id15) {
        String chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";
        StringBuilder s = new StringBuilder();
        for (int block = 0; block < 3; block++) {
            int bits = 0;
            for (int i = 0; i < 5; i++) {
                char c = id15.charAt(block * 5 + i);
                if (c >= 'A' && c <= 'Z') {
                    bits |= 1 << i;
                }
            }
            s.append(chars.charAt(bits));
        }
        return s.toString();
    }

    void prefix(String object, String prefix) {
        prefixes.put(object, prefix);
    }

    ObjectNode describe(String object) {
        return describes.get(object);
    }

    // ------------------------------------------------------------------ describes

    private void loadDescribes() {
        String[][] real = {{"Account", "cumulusci/GET_sobjects_Account_PersonAccount_describe.json"},
            {"Contact", "cumulusci/GET_sobjects_Contact_describe.json"}, {"Lead", "cumulusci/GET_sobjects_Lead_describe.json"},
            {"Opportunity", "cumulusci/GET_sobjects_Opportunity_describe.json"}, {"Case", "cumulusci/GET_sobjects_Case_describe.json"},
            {"Event", "cumulusci/GET_sobjects_Event_describe.json"}, {"Task", "swiftlysalesforce/DescribeTaskResult.json"}};
        for (String[] r : real) {
            try (InputStream in = FakeSalesforce.class.getResourceAsStream("/fixtures/salesforce/" + r[1])) {
                describes.put(r[0], (ObjectNode) JSON.readTree(in));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        String[][] prefixList = {{"Account", "001"}, {"Contact", "003"}, {"Lead", "00Q"}, {"Opportunity", "006"}, {"Case", "500"},
            {"Event", "00U"}, {"Task", "00T"}, {"User", "005"}, {"Group", "00G"}, {"Product2", "01t"}, {"Pricebook2", "01s"},
            {"PricebookEntry", "01u"}, {"OpportunityLineItem", "00k"}, {"Campaign", "701"}, {"CampaignMember", "00v"},
            {"Contract", "800"}, {"Organization", "00D"}, {"Asset", "02i"}, {"Note", "002"}, {"Attachment", "00P"},
            {"ContentVersion", "068"}, {"ContentDocument", "069"}, {"ContentDocumentLink", "06A"}, {"Quote", "0Q0"},
            {"QuoteLineItem", "0QL"}, {"ContentNote", "069"}};
        for (String[] p : prefixList) {
            prefix(p[0], p[1]);
        }
        // the others, written from the spec: name, type, [referenceTo | picklist values]
        spec("User", "Username:string", "FirstName:string", "LastName:string", "Name:string", "Email:email", "Alias:string",
                "IsActive:boolean", "Title:string", "Department:string", "Phone:phone", "TimeZoneSidKey:picklist:America/Los_Angeles,Europe/Berlin",
                "UserType:picklist:Standard,Guest");
        spec("Group", "Name:string", "Type:picklist:Queue,Regular");
        spec("Product2", "Name:string", "ProductCode:string", "Description:textarea", "IsActive:boolean",
                "Family:picklist:Hardware,Software,Services", "QuantityUnitOfMeasure:picklist:Each,Hour", "OwnerId:reference:User");
        spec("Pricebook2", "Name:string", "IsActive:boolean", "IsStandard:boolean", "Description:textarea");
        spec("PricebookEntry", "Pricebook2Id:reference:Pricebook2", "Product2Id:reference:Product2", "UnitPrice:currency", "IsActive:boolean");
        spec("OpportunityLineItem", "OpportunityId:reference:Opportunity", "PricebookEntryId:reference:PricebookEntry",
                "Product2Id:reference:Product2", "Quantity:double", "UnitPrice:currency", "ListPrice:currency", "TotalPrice:currency",
                "Discount:percent", "ServiceDate:date", "Description:string");
        spec("Campaign", "Name:string", "Type:picklist:Webinar,Email,Conference,Other", "Status:picklist:Planned,In Progress,Completed,Aborted",
                "StartDate:date", "EndDate:date", "BudgetedCost:currency", "ActualCost:currency", "ExpectedRevenue:currency",
                "IsActive:boolean", "Description:textarea", "ParentId:reference:Campaign", "OwnerId:reference:User");
        spec("CampaignMember", "CampaignId:reference:Campaign", "LeadId:reference:Lead", "ContactId:reference:Contact",
                "Status:picklist:Sent,Responded", "HasResponded:boolean");
        spec("Contract", "AccountId:reference:Account", "ContractNumber:string", "Status:picklist:Draft,In Approval Process,Activated",
                "StartDate:date", "EndDate:date", "ContractTerm:int", "Description:textarea", "OwnerId:reference:User");
        spec("Organization", "Name:string", "IsSandbox:boolean", "TimeZoneSidKey:string", "DefaultCurrencyIsoCode:string");
        spec("Quote", "Name:string", "QuoteNumber:string", "OpportunityId:reference:Opportunity", "AccountId:reference:Account",
                "ContactId:reference:Contact", "Pricebook2Id:reference:Pricebook2",
                "Status:picklist:Draft,Needs Review,In Review,Approved,Rejected,Presented,Accepted,Denied", "ExpirationDate:date",
                "ShippingHandling:currency", "Tax:currency", "GrandTotal:currency", "IsSyncing:boolean", "Description:textarea",
                "BillingStreet:textarea", "BillingCity:string", "BillingPostalCode:string", "BillingCountry:string",
                "Email:email", "Phone:phone", "OwnerId:reference:User");
        spec("QuoteLineItem", "QuoteId:reference:Quote", "PricebookEntryId:reference:PricebookEntry", "Product2Id:reference:Product2",
                "LineNumber:string", "Quantity:double", "UnitPrice:currency", "ListPrice:currency", "TotalPrice:currency",
                "Discount:percent", "ServiceDate:date", "Description:string");
        spec("Asset", "Name:string", "AccountId:reference:Account");
        spec("Note", "ParentId:reference:Account", "Title:string", "Body:textarea", "IsPrivate:boolean", "OwnerId:reference:User");
        spec("Attachment", "ParentId:reference:Account", "Name:string", "ContentType:string", "BodyLength:int", "Body:base64",
                "Description:textarea", "OwnerId:reference:User");
        spec("ContentVersion", "ContentDocumentId:reference:ContentDocument", "Title:string", "PathOnClient:string",
                "VersionData:base64", "IsLatest:boolean", "ContentSize:int", "FileType:string", "Description:textarea",
                "OwnerId:reference:User");
        spec("ContentNote", "Title:string", "Content:base64", "TextPreview:string", "FileType:string", "ContentSize:int",
                "LatestPublishedVersionId:reference:ContentVersion", "OwnerId:reference:User");
        spec("ContentDocumentLink", "ContentDocumentId:reference:ContentDocument", "LinkedEntityId:reference:Account",
                "ShareType:picklist:V,C,I");
        addField("Contact", "Loyalty_Tier__c", "Loyalty Tier", "picklist", List.of("Gold", "Silver", "Bronze"));
        addField("Opportunity", "Renewal_Date__c", "Renewal Date", "date", List.of());
    }

    private void spec(String object, String... fields) {
        ObjectNode d = JSON.createObjectNode().put("name", object).put("label", object).put("keyPrefix", prefixes.get(object))
                .put("custom", false).put("queryable", true).put("retrieveable", true);
        ArrayNode fs = d.putArray("fields");
        fs.add(field("Id", "Record ID", "id", List.of(), List.of()));
        fs.add(field("IsDeleted", "Deleted", "boolean", List.of(), List.of()));
        for (String f : fields) {
            String[] p = f.split(":", 3);
            List<String> refs = p[1].equals("reference") ? List.of(p[2]) : List.of();
            List<String> values = p[1].equals("picklist") ? List.of(p[2].split(",")) : List.of();
            fs.add(field(p[0], p[0], p[1], refs, values));
        }
        for (String[] a : new String[][] {{"CreatedDate", "datetime"}, {"CreatedById", "reference"}, {"LastModifiedDate", "datetime"},
            {"LastModifiedById", "reference"}, {"SystemModstamp", "datetime"}}) {
            fs.add(field(a[0], a[0], a[1], a[1].equals("reference") ? List.of("User") : List.of(), List.of()));
        }
        describes.put(object, d);
    }

    private void addField(String object, String name, String label, String type, List<String> values) {
        ObjectNode f = field(name, label, type, List.of(), values);
        f.put("custom", true);
        ((ArrayNode) describes.get(object).get("fields")).add(f);
    }

    private static ObjectNode field(String name, String label, String type, List<String> refs, List<String> values) {
        ObjectNode f = JSON.createObjectNode().put("name", name).put("label", label).put("type", type).put("custom", false)
                .put("calculated", false).put("autoNumber", false).put("createable", !type.equals("id")).put("nillable", true)
                .put("length", type.equals("string") ? 255 : 0);
        ArrayNode r = f.putArray("referenceTo");
        refs.forEach(r::add);
        f.put("relationshipName", refs.isEmpty() ? null : name.replaceAll("Id$", ""));
        ArrayNode pv = f.putArray("picklistValues");
        for (String v : values) {
            pv.addObject().put("active", true).put("defaultValue", false).put("label", v).put("value", v);
        }
        return f;
    }

    /** A field's declared type in the describe the fake serves. */
    String typeOf(String object, String field) {
        for (JsonNode f : describes.get(object).path("fields")) {
            if (f.path("name").asText().equals(field)) {
                return f.path("type").asText();
            }
        }
        return null;
    }

    /** A picklist's values as the describe the fake serves lists them. */
    public List<String> values(String object, String field) {
        for (JsonNode f : describes.get(object).path("fields")) {
            if (f.path("name").asText().equals(field)) {
                List<String> out = new ArrayList<>();
                f.path("picklistValues").forEach(v -> {
                    if (v.path("active").asBoolean(true)) {
                        out.add(v.path("value").asText());
                    }
                });
                return out;
            }
        }
        return List.of();
    }

    // ------------------------------------------------------------------ HTTP

    private void handle(HttpExchange x) throws IOException {
        // the exchange is closed after an error is answered (a try-with-resources would close it before its catch ran)
        try (x) {
            answer(x);
        }
    }

    private void answer(HttpExchange x) throws IOException {
        try {
            String path = x.getRequestURI().getPath();
            hits.computeIfAbsent(path.replaceAll("/[0-9A-Za-z]{15,18}(?=/|$)", "/ID"), k -> new AtomicInteger()).incrementAndGet();
            Map<String, String> q = query(x.getRequestURI().getRawQuery());
            if (path.equals("/services/oauth2/token")) {
                token(x, query(new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
                return;
            }
            if (path.equals("/services/oauth2/authorize")) {
                String code = "aPrx" + counter.incrementAndGet();
                codes.put(code, q.get("code_challenge"));
                x.getResponseHeaders().add("Location", q.get("redirect_uri") + "?code=" + code + "&state=" + q.get("state"));
                x.sendResponseHeaders(302, -1);
                return;
            }
            String auth = x.getRequestHeaders().getFirst("Authorization");
            if (auth == null || !tokens.contains(auth.replaceFirst("^Bearer ", ""))) {
                send(x, 401, fixture("restforce/expired_session_response.json"), "application/json");
                return;
            }
            synchronized (this) {
                apiUsed++;
            }
            if (delayMillis > 0) {
                try {
                    Thread.sleep(delayMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            x.getResponseHeaders().add("Sforce-Limit-Info", "api-usage=" + apiUsed + "/" + apiMax);
            if (failNext > 0) {
                failNext--;
                send(x, failStatus, "[{\"message\":\"" + (failCode.equals("REQUEST_LIMIT_EXCEEDED") ? "TotalRequests Limit exceeded."
                        : "Service unavailable, try again") + "\",\"errorCode\":\"" + failCode + "\"}]", "application/json");
                return;
            }
            String base = "/services/data/" + VERSION;
            if (!path.startsWith(base)) {
                send(x, 404, "[{\"errorCode\":\"NOT_FOUND\",\"message\":\"The requested resource does not exist\"}]", "application/json");
                return;
            }
            String rest = path.substring(base.length());
            if (rest.equals("/sobjects") || rest.equals("/sobjects/")) {
                describeGlobal(x);
            } else if (rest.matches("/sobjects/\\w+/describe/?")) {
                String object = rest.split("/")[2];
                ObjectNode d = describes.get(object);
                if (d == null) {
                    send(x, 404, "[{\"errorCode\":\"NOT_FOUND\",\"message\":\"The requested resource does not exist\"}]", "application/json");
                } else {
                    send(x, 200, d.toString(), "application/json");
                }
            } else if (rest.matches("/sobjects/\\w+/\\w{15,18}/(Body|VersionData|Content)")) {
                String[] parts = rest.split("/");
                Map<String, Object> r = find(parts[2], parts[3]);
                if (r == null || !(r.get(parts[4]) instanceof byte[] bytes)) {
                    send(x, 404, "[{\"errorCode\":\"NOT_FOUND\",\"message\":\"The requested resource does not exist\"}]", "application/json");
                } else {
                    x.getResponseHeaders().add("Content-Type", "application/octetstream");
                    x.sendResponseHeaders(200, bytes.length);
                    try (OutputStream out = x.getResponseBody()) {
                        out.write(bytes);
                    }
                }
            } else if (rest.matches("/sobjects/\\w+/deleted/?")) {
                deleted(x, rest.split("/")[2], q);
            } else if (rest.equals("/limits") || rest.equals("/limits/")) {
                send(x, 200, "{\"DailyApiRequests\":{\"Max\":" + apiMax + ",\"Remaining\":" + (apiMax - apiUsed) + "},"
                        + "\"DailyBulkV2QueryJobs\":{\"Max\":10000,\"Remaining\":9990}}", "application/json");
            } else if (rest.equals("/query") || rest.equals("/queryAll")) {
                startQuery(x, q.get("q"), rest.equals("/queryAll"));
            } else if (rest.startsWith("/query/")) {
                nextPage(x, rest.substring("/query/".length()));
            } else if (rest.equals("/jobs/query") && x.getRequestMethod().equals("POST")) {
                createJob(x, JSON.readTree(x.getRequestBody()));
            } else if (rest.matches("/jobs/query/[^/]+")) {
                jobInfo(x, jobs.get(rest.substring("/jobs/query/".length())));
            } else if (rest.matches("/jobs/query/[^/]+/results")) {
                results(x, jobs.get(rest.split("/")[3]), q);
            } else {
                send(x, 404, "[{\"errorCode\":\"NOT_FOUND\",\"message\":\"The requested resource does not exist\"}]", "application/json");
            }
        } catch (IllegalArgumentException e) {
            send(x, 400, "[{\"errorCode\":\"MALFORMED_QUERY\",\"message\":" + JSON.writeValueAsString(String.valueOf(e.getMessage())) + "}]",
                    "application/json");
        } catch (RuntimeException | Error e) {
            // a fault of the fake itself: say so loudly, as a 500 Salesforce would never send
            e.printStackTrace();
            send(x, 500, "[{\"errorCode\":\"FAKE_FAILED\",\"message\":" + JSON.writeValueAsString(String.valueOf(e)) + "}]",
                    "application/json");
        }
    }

    private void token(HttpExchange x, Map<String, String> form) throws IOException {
        String grant = form.getOrDefault("grant_type", "");
        boolean ok;
        String refresh = null;
        switch (grant) {
            case "refresh_token" -> ok = refreshToken.equals(form.get("refresh_token")) && CLIENT_ID.equals(form.get("client_id"));
            case "urn:ietf:params:oauth:grant-type:jwt-bearer" -> ok = validJwt(form.get("assertion"));
            case "authorization_code" -> {
                String challenge = codes.remove(form.getOrDefault("code", ""));
                ok = challenge != null && challenge.equals(s256(form.getOrDefault("code_verifier", "")))
                        && CLIENT_ID.equals(form.get("client_id"));
                refresh = refreshToken;
            }
            default -> {
                send(x, 400, "{\"error\":\"unsupported_grant_type\",\"error_description\":\"grant type not supported\"}", "application/json");
                return;
            }
        }
        if (!ok) {
            send(x, 400, fixture("restforce/auth_error_response.json"), "application/json");
            return;
        }
        String token = "00Dfake!" + counter.incrementAndGet();
        tokens.add(token);
        ObjectNode n = JSON.createObjectNode().put("access_token", token).put("signature", "c2lnbmF0dXJl")
                .put("scope", "api refresh_token").put("instance_url", url)
                .put("id", url + "/id/00DRz0000000001AAA/005Rz0000000001AAA").put("token_type", "Bearer")
                .put("issued_at", Long.toString(System.currentTimeMillis()));
        if (refresh != null) {
            n.put("refresh_token", refresh);
        }
        send(x, 200, n.toString(), "application/json");
    }

    private boolean validJwt(String jwt) {
        try {
            String[] parts = jwt.split("\\.");
            Signature s = Signature.getInstance("SHA256withRSA");
            s.initVerify(jwtKey.getPublic());
            s.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            if (!s.verify(Base64.getUrlDecoder().decode(parts[2]))) {
                return false;
            }
            JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
            return CLIENT_ID.equals(claims.path("iss").asText()) && url.equals(claims.path("aud").asText())
                    && claims.path("exp").asLong() > Instant.now().getEpochSecond() && !claims.path("sub").asText().isBlank();
        } catch (Exception e) {
            return false;
        }
    }

    /** The PKCE code challenge of a verifier (S256: base64url of its SHA-256). */
    public static String s256(String verifier) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(MessageDigest.getInstance("SHA-256")
                    .digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void describeGlobal(HttpExchange x) throws IOException {
        ObjectNode n = JSON.createObjectNode().put("encoding", "UTF-8").put("maxBatchSize", 200);
        ArrayNode a = n.putArray("sobjects");
        for (String name : describes.keySet()) {
            a.addObject().put("name", name).put("label", describes.get(name).path("label").asText(name))
                    .put("keyPrefix", prefixes.get(name)).put("custom", false).put("customSetting", false).put("queryable", true)
                    .put("retrieveable", true).put("deprecatedAndHidden", false);
        }
        send(x, 200, n.toString(), "application/json");
    }

    private void deleted(HttpExchange x, String object, Map<String, String> q) throws IOException {
        Instant start = Instant.parse(q.get("start").replace("+00:00", "Z"));
        ObjectNode n = JSON.createObjectNode();
        ArrayNode a = n.putArray("deletedRecords");
        synchronized (this) {
            for (Map<String, Object> r : records(object)) {
                Instant at = deletedAt.get((String) r.get("Id"));
                if (Boolean.TRUE.equals(r.get("IsDeleted")) && at != null && !at.isBefore(start) && !at.isBefore(deletionsKeptSince)) {
                    a.addObject().put("id", (String) r.get("Id")).put("deletedDate", stamp(at, "+0000"));
                }
            }
        }
        n.put("earliestDateAvailable", stamp(deletionsKeptSince, "+0000")).put("latestDateCovered", stamp(Instant.now(), "+0000"));
        send(x, 200, n.toString(), "application/json");
    }

    // ------------------------------------------------------------------ SOQL

    private static final Pattern SOQL = Pattern.compile("(?is)SELECT\\s+(.+?)\\s+FROM\\s+(\\w+)(?:\\s+WHERE\\s+(.+?))?"
            + "(?:\\s+ORDER\\s+BY\\s+(\\w+))?(?:\\s+LIMIT\\s+(\\d+))?\\s*");
    private static final Pattern CONDITION = Pattern.compile("(?i)\\s*(\\w+)\\s*(>=|<=|!=|=|>|<|\\s+IN\\s+)\\s*(\\(.*?\\)|'[^']*'|\\S+)\\s*");

    record Soql(List<String> fields, String object, Predicate<Map<String, Object>> where, boolean count, String orderBy) {
    }

    Soql parse(String soql, boolean all) {
        Matcher m = SOQL.matcher(soql.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("unexpected token in: " + soql);
        }
        String object = m.group(2);
        if (!describes.containsKey(object)) {
            throw new IllegalArgumentException("sObject type '" + object + "' is not supported.");
        }
        if (object.equals("ContentDocumentLink") && (m.group(3) == null || !m.group(3).matches("(?is).*(ContentDocumentId|LinkedEntityId)\\s*(=|IN).*"))) {
            throw new IllegalArgumentException("Implementation restriction: ContentDocumentLink requires a filter by a single Id on"
                    + " ContentDocumentId or LinkedEntityId using the equals operator or multiple Id's using the IN operator.");
        }
        boolean count = m.group(1).strip().equalsIgnoreCase("COUNT()");
        List<String> fields = count ? List.of() : List.of(m.group(1).split("\\s*,\\s*"));
        for (String f : fields) {
            if (!f.contains(".") && typeOf(object, f) == null) {
                throw new IllegalArgumentException("No such column '" + f + "' on entity '" + object + "'.");
            }
        }
        Predicate<Map<String, Object>> where = r -> all || !Boolean.TRUE.equals(r.get("IsDeleted"));
        if (m.group(3) != null) {
            for (String c : m.group(3).split("(?i)\\s+AND\\s+")) {
                where = where.and(condition(c));
            }
        }
        return new Soql(fields, object, where, count, m.group(4));
    }

    private static Predicate<Map<String, Object>> condition(String c) {
        Matcher m = CONDITION.matcher(c);
        if (!m.matches()) {
            throw new IllegalArgumentException("unexpected condition: " + c);
        }
        String field = m.group(1);
        String op = m.group(2).strip().toUpperCase(java.util.Locale.ROOT);
        String literal = m.group(3);
        if (op.equals("IN")) {
            Set<String> ids = java.util.Arrays.stream(literal.replaceAll("[()']", "").split("\\s*,\\s*")).collect(Collectors.toSet());
            return r -> ids.contains(String.valueOf(r.get(field)));
        }
        Object value = literal.startsWith("'") ? literal.substring(1, literal.length() - 1)
                : literal.equalsIgnoreCase("true") || literal.equalsIgnoreCase("false") ? Boolean.valueOf(literal)
                : Instant.parse(literal);
        return r -> {
            Object v = r.get(field);
            if (v == null) {
                return false;
            }
            @SuppressWarnings({"unchecked", "rawtypes"})
            int cmp = ((Comparable) v).compareTo(value);
            return switch (op) {
                case ">" -> cmp > 0;
                case ">=" -> cmp >= 0;
                case "<" -> cmp < 0;
                case "<=" -> cmp <= 0;
                case "!=" -> cmp != 0;
                default -> cmp == 0;
            };
        };
    }

    private synchronized List<Map<String, Object>> select(Soql s) {
        List<Map<String, Object>> rows = records(s.object()).stream().filter(s.where())
                .collect(Collectors.toCollection(ArrayList::new));
        if ("Id".equalsIgnoreCase(s.orderBy())) {
            rows.sort((a, b) -> ((String) a.get("Id")).compareTo((String) b.get("Id")));
        }
        return rows;
    }

    private void startQuery(HttpExchange x, String soql, boolean all) throws IOException {
        Soql s = parse(soql, all);
        List<Map<String, Object>> rows = select(s);
        if (s.count()) {
            send(x, 200, "{\"totalSize\":" + rows.size() + ",\"done\":true,\"records\":[]}", "application/json");
            return;
        }
        String cursor = "01gRz" + counter.incrementAndGet();
        cursors.put(cursor, new Cursor(s, rows));
        page(x, cursor, 0, s.object());
    }

    private void nextPage(HttpExchange x, String locator) throws IOException {
        int dash = locator.lastIndexOf('-');
        String cursor = locator.substring(0, dash);
        if (expireCursors || !cursors.containsKey(cursor)) {
            send(x, 400, "[{\"message\":\"invalid query locator\",\"errorCode\":\"INVALID_QUERY_LOCATOR\"}]", "application/json");
            return;
        }
        page(x, cursor, Integer.parseInt(locator.substring(dash + 1)), null);
    }

    private void page(HttpExchange x, String cursor, int offset, String object) throws IOException {
        Cursor c = cursors.get(cursor);
        List<Map<String, Object>> rows = c.rows();
        int end = Math.min(rows.size(), offset + pageSize);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(1 << 20);
        Map<String, Map<String, Object>> parentsSeen = new HashMap<>();
        try (com.fasterxml.jackson.core.JsonGenerator g = JSON.getFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeNumberField("totalSize", rows.size());
            g.writeBooleanField("done", end >= rows.size());
            if (end < rows.size()) {
                g.writeStringField("nextRecordsUrl", "/services/data/" + VERSION + "/query/" + cursor + "-" + end);
            }
            g.writeArrayFieldStart("records");
            for (Map<String, Object> stored : rows.subList(offset, end)) {
                Map<String, Object> r = project(c.soql(), stored, parentsSeen);
                String type = (String) r.get("@type");
                g.writeStartObject();
                g.writeObjectFieldStart("attributes");
                g.writeStringField("type", type);
                g.writeStringField("url", "/services/data/" + VERSION + "/sobjects/" + type + "/" + r.get("Id"));
                g.writeEndObject();
                Map<String, Map<String, Object>> parents = new LinkedHashMap<>();
                for (Map.Entry<String, Object> e : r.entrySet()) {
                    String k = e.getKey();
                    if (k.startsWith("@")) {
                        continue;
                    }
                    int dot = k.indexOf('.');
                    if (dot > 0) {
                        parents.computeIfAbsent(k.substring(0, dot), p -> new LinkedHashMap<>()).put(k.substring(dot + 1), e.getValue());
                    } else {
                        g.writeFieldName(k);
                        write(g, e.getValue());
                    }
                }
                // a parent relationship: an object with its own attributes, or null when the lookup is empty
                for (Map.Entry<String, Map<String, Object>> rel : parents.entrySet()) {
                    g.writeFieldName(rel.getKey());
                    if (rel.getValue().values().stream().allMatch(java.util.Objects::isNull)) {
                        g.writeNull();
                        continue;
                    }
                    g.writeStartObject();
                    g.writeObjectFieldStart("attributes");
                    g.writeStringField("type", rel.getKey());
                    g.writeEndObject();
                    for (Map.Entry<String, Object> f : rel.getValue().entrySet()) {
                        g.writeFieldName(f.getKey());
                        write(g, f.getValue());
                    }
                    g.writeEndObject();
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        if (end >= rows.size()) {
            cursors.remove(cursor);
        }
        send(x, 200, out.toByteArray(), "application/json");
    }

    private static void write(com.fasterxml.jackson.core.JsonGenerator g, Object v) throws IOException {
        if (v == null) {
            g.writeNull();
        } else if (v instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (v instanceof BigDecimal d) {
            g.writeNumber(d);
        } else if (v instanceof Integer i) {
            g.writeNumber(i);
        } else if (v instanceof Instant t) {
            g.writeString(stamp(t, "+0000"));
        } else if (v instanceof byte[]) {
            g.writeString("(binary: fetch it from its own URL)");
        } else {
            g.writeString(v.toString());
        }
    }

    /** The row as the query asks for it: its fields, relationship paths ({@code PricebookEntry.Product2Id}) followed. */
    private Map<String, Object> project(Soql s, Map<String, Object> r, Map<String, Map<String, Object>> parentsSeen) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("@type", s.object());
        for (String f : s.fields()) {
            if (f.contains(".")) {
                String rel = f.substring(0, f.indexOf('.'));
                Object parentId = r.get(rel + "Id");
                Map<String, Object> parent = parentId == null ? null : parentsSeen.computeIfAbsent(rel + "/" + parentId, k -> find(rel, (String) parentId));
                out.put(f, parent == null ? null : parent.get(f.substring(f.indexOf('.') + 1)));
            } else {
                out.put(f, r.get(f));
            }
        }
        return out;
    }

    private Map<String, Object> find(String object, String id) {
        return byId.get(object + "/" + id);
    }

    // ------------------------------------------------------------------ Bulk API 2.0

    private void createJob(HttpExchange x, JsonNode body) throws IOException {
        Soql s = parse(body.path("query").asText(), body.path("operation").asText().equals("queryAll"));
        if (s.count()) {
            send(x, 400, "[{\"errorCode\":\"API_ERROR\",\"message\":\"Aggregate queries are not supported by the Bulk API\"}]", "application/json");
            return;
        }
        if (bulkRefused.contains(s.object())) {
            send(x, 400, "[{\"errorCode\":\"INVALIDENTITY\",\"message\":\"Entity '" + s.object()
                    + "' is not supported by the Bulk API.\"}]", "application/json");
            return;
        }
        String id = "750Rz" + String.format("%010d", counter.incrementAndGet()) + "AAA";
        Job j = new Job(id, s.object(), new Cursor(s, select(s)), new AtomicInteger());
        jobs.put(id, j);
        send(x, 200, jobNode(j, "UploadComplete").toString(), "application/json");
    }

    private ObjectNode jobNode(Job j, String state) {
        ObjectNode n = JSON.createObjectNode().put("id", j.id()).put("operation", "query").put("object", j.object())
                .put("createdById", "005Rz0000000001AAA").put("createdDate", stamp(Instant.now(), "+0000"))
                .put("state", state).put("concurrencyMode", "Parallel").put("contentType", "CSV").put("apiVersion", 62.0)
                .put("lineEnding", "LF").put("columnDelimiter", "COMMA").put("jobType", "V2Query");
        if (state.equals("JobComplete")) {
            n.put("numberRecordsProcessed", j.rows().size()).put("retries", 0).put("totalProcessingTime", 120);
        }
        return n;
    }

    private void jobInfo(HttpExchange x, Job j) throws IOException {
        if (j == null) {
            send(x, 404, "[{\"errorCode\":\"NOT_FOUND\",\"message\":\"The requested resource does not exist\"}]", "application/json");
            return;
        }
        send(x, 200, jobNode(j, j.polls().incrementAndGet() < 2 ? "InProgress" : "JobComplete").toString(), "application/json");
    }

    private void results(HttpExchange x, Job j, Map<String, String> q) throws IOException {
        if (j == null || j.polls().get() < 2) {
            send(x, 400, "[{\"errorCode\":\"JOB_NOT_COMPLETE\",\"message\":\"The job is not complete\"}]", "application/json");
            return;
        }
        int offset = q.containsKey("locator") ? Integer.parseInt(new String(Base64.getDecoder().decode(q.get("locator")), StandardCharsets.UTF_8)) : 0;
        int max = Math.min(Integer.parseInt(q.getOrDefault("maxRecords", "50000")), pageSize * 3);
        int end = Math.min(j.rows().size(), offset + max);
        StringBuilder csv = new StringBuilder(1 << 20);
        csv.append(j.fields().stream().map(f -> "\"" + f + "\"").collect(Collectors.joining(","))).append('\n');
        Map<String, Map<String, Object>> parentsSeen = new HashMap<>();
        for (Map<String, Object> stored : j.rows().subList(offset, end)) {
            Map<String, Object> r = project(j.cursor().soql(), stored, parentsSeen);
            boolean first = true;
            for (String f : j.fields()) {
                if (!first) {
                    csv.append(',');
                }
                first = false;
                String v = csvValue(r.get(f));
                csv.append('"');
                if (v.indexOf('"') >= 0) {
                    csv.append(v.replace("\"", "\"\""));
                } else {
                    csv.append(v);
                }
                csv.append('"');
            }
            csv.append('\n');
        }
        x.getResponseHeaders().add("Sforce-NumberOfRecords", Integer.toString(end - offset));
        x.getResponseHeaders().add("Sforce-Locator", end >= j.rows().size() ? "null"
                : Base64.getEncoder().encodeToString(Integer.toString(end).getBytes(StandardCharsets.UTF_8)));
        send(x, 200, csv.toString(), "text/csv");
    }

    /** An instant as Salesforce writes it, to the millisecond in UTC: {@code 2024-05-01T09:30:00.000} and the zone's suffix. */
    static String stamp(Instant t, String zone) {
        java.time.LocalDateTime d = java.time.LocalDateTime.ofEpochSecond(t.getEpochSecond(), t.getNano(), ZoneOffset.UTC);
        StringBuilder b = new StringBuilder(28);
        b.append(d.getYear()).append('-');
        two(b, d.getMonthValue()).append('-');
        two(b, d.getDayOfMonth()).append('T');
        two(b, d.getHour()).append(':');
        two(b, d.getMinute()).append(':');
        two(b, d.getSecond()).append('.');
        int ms = d.getNano() / 1_000_000;
        b.append((char) ('0' + ms / 100)).append((char) ('0' + ms / 10 % 10)).append((char) ('0' + ms % 10));
        return b.append(zone).toString();
    }

    private static StringBuilder two(StringBuilder b, int v) {
        return b.append((char) ('0' + v / 10)).append((char) ('0' + v % 10));
    }

    private static String csvValue(Object v) {
        if (v == null) {
            return "";
        }
        if (v instanceof Instant t) {
            return stamp(t, "Z");
        }
        if (v instanceof BigDecimal d && d.compareTo(BigDecimal.valueOf(100_000_000)) >= 0) {
            return String.format(java.util.Locale.ROOT, "%.6E", d).replaceAll("\\.?0+E", "E").replace("E+", "E");
        }
        return v.toString();
    }

    // ------------------------------------------------------------------ plumbing

    private static String fixture(String name) {
        return FakeHttp.fixture("salesforce/" + name);
    }

    private static Map<String, String> query(String raw) {
        return FakeHttp.query(raw);
    }

    private static void send(HttpExchange x, int status, String body, String type) throws IOException {
        send(x, status, body.getBytes(StandardCharsets.UTF_8), type);
    }

    private static void send(HttpExchange x, int status, byte[] b, String type) throws IOException {
        FakeHttp.send(x, status, b, type);
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }

    /** A fixed instant of the generated org's history, days before now. */
    static Instant daysAgo(SplittableRandom r, int max) {
        return Instant.now().minus(1 + r.nextInt(max), ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
    }

    static LocalDate day(SplittableRandom r) {
        return LocalDate.of(2024, 1, 1).plusDays(r.nextInt(900));
    }
}
