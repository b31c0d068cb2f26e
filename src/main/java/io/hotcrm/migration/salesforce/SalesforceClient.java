package io.hotcrm.migration.salesforce;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import de.siegmar.fastcsv.reader.CsvReader;
import io.hotcrm.common.ErrorCode;
import io.hotcrm.common.HotCrmException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * Salesforce's REST and Bulk API 2.0 over HTTP, as a migration reads them: logs in with the connection's grant,
 * sends every call with the session, logs in again once when the session expired (401 {@code INVALID_SESSION_ID}),
 * backs off on 429, 503 and {@code REQUEST_LIMIT_EXCEEDED}, and stops before the org's daily API allowance falls
 * under the connection's reserve ({@code Sforce-Limit-Info}), saying when to go on.
 */
final class SalesforceClient {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern USAGE = Pattern.compile("api-usage=(\\d+)/(\\d+)");
    private static final int ATTEMPTS = 6;

    private final SalesforceAuth auth;
    private final String apiVersion;
    private final long reserve;
    private final long retryBaseMillis;
    private final HttpClient http;
    // a migration copies files on a few threads at once: the session and the usage figures are shared
    private volatile SalesforceAuth.Session session;
    private volatile long apiUsed;
    private volatile long apiMax;
    private final java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();

    SalesforceClient(SalesforceAuth auth, String apiVersion, long reserve, long retryBaseMillis) {
        this.auth = auth;
        this.apiVersion = apiVersion;
        this.reserve = reserve;
        this.retryBaseMillis = retryBaseMillis;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(20)).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** The path prefix of data calls: {@code /services/data/v62.0}. */
    String base() {
        return "/services/data/v" + apiVersion;
    }

    String instanceUrl() {
        return session().instanceUrl();
    }

    long apiUsed() {
        return apiUsed;
    }

    long apiMax() {
        return apiMax;
    }

    /** Data calls made by this client (each one counts against the org's daily allowance). */
    int calls() {
        return calls.get();
    }

    private synchronized SalesforceAuth.Session session() {
        if (session == null) {
            session = auth.login();
        }
        return session;
    }

    /** Logs in again unless another thread already did since {@code expired} was sent. */
    private synchronized void loginAgain(SalesforceAuth.Session expired) {
        if (session == expired) {
            session = auth.login();
        }
    }

    /** GET of a data path ({@code /services/data/…}) or of a {@code nextRecordsUrl}; the JSON answer. */
    JsonNode get(String path) {
        return send("GET", path, null, null, r -> readJson(r));
    }

    JsonNode post(String path, String json) {
        return send("POST", path, json, "application/json", this::readJson);
    }

    JsonNode patch(String path, String json) {
        return send("PATCH", path, json, "application/json", this::readJson);
    }

    /** GET of a body to read as a stream (a Bulk API results page, a file's bytes), handed to {@code body} with the headers. */
    <T> T getStream(String path, Function<HttpResponse<InputStream>, T> body) {
        return send("GET", path, null, null, body);
    }

    /**
     * Pages through a SOQL query ({@code queryAll}: deleted and archived records too), each record to {@code each} as
     * it is parsed from the page: field → text, a parent's fields as {@code Parent.Field}, numbers written out plainly,
     * null for null. The next page is asked for as soon as a page names it, and prepared by Salesforce while this one
     * is read. Returns {@code totalSize} as Salesforce reported it.
     */
    long query(String soql, boolean all, Consumer<Map<String, String>> each) {
        String first = base() + (all ? "/queryAll" : "/query") + "?q=" + URLEncoder.encode(soql, StandardCharsets.UTF_8);
        CompletableFuture<HttpResponse<InputStream>> next = CompletableFuture.completedFuture(getStream(first, r -> r));
        long total = -1;
        while (next != null) {
            HttpResponse<InputStream> r = await(next);
            next = null;
            String nextUrl = null;
            boolean done = true;
            try (InputStream in = body(r); JsonParser p = JSON.getFactory().createParser(in)) {
                if (p.nextToken() != JsonToken.START_OBJECT) {
                    throw new IOException("the answer is not a JSON object");
                }
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    JsonToken t = p.nextToken();
                    switch (name) {
                        case "totalSize" -> total = total < 0 ? p.getLongValue() : total;
                        case "done" -> done = t == JsonToken.VALUE_TRUE;
                        case "nextRecordsUrl" -> {
                            nextUrl = p.getValueAsString();
                            String url = nextUrl;
                            next = ahead(() -> getStream(url, page -> page));
                        }
                        case "records" -> {
                            while (p.nextToken() == JsonToken.START_OBJECT) {
                                Map<String, String> rec = new HashMap<>();
                                flatten(p, "", rec);
                                each.accept(rec);
                            }
                        }
                        default -> p.skipChildren();
                    }
                }
            } catch (IOException e) {
                drop(next);
                throw new HotCrmException(ErrorCode.UNAVAILABLE, "A page of a Salesforce query broke off or could not be read: "
                        + e.getMessage() + ". Run the migration again; it goes on where it stopped.", e);
            } catch (RuntimeException e) {
                drop(next);
                throw e;
            }
            if (done || nextUrl == null) {
                drop(next);
                return Math.max(total, 0);
            }
        }
        return Math.max(total, 0);
    }

    /** A record object of a query page, its parents' fields under {@code Parent.}; the parser stands on its start. */
    private static void flatten(JsonParser p, String prefix, Map<String, String> into) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            if (name.equals("attributes") || t == JsonToken.START_ARRAY) {
                p.skipChildren();
            } else if (t == JsonToken.START_OBJECT) {
                flatten(p, prefix + name + ".", into);
            } else {
                into.put(prefix + name, switch (t) {
                    case VALUE_NULL -> null;
                    case VALUE_NUMBER_FLOAT -> p.getDecimalValue().toPlainString();
                    default -> p.getText();
                });
            }
        }
    }

    /** Pages asked for ahead of the one being read: one per read at a time, so at most a page each is held. */
    private static final ExecutorService AHEAD = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "hotcrm-salesforce-ahead");
        t.setDaemon(true);
        return t;
    });

    private static <T> CompletableFuture<T> ahead(java.util.function.Supplier<T> call) {
        return CompletableFuture.supplyAsync(call, AHEAD);
    }

    /** The page asked for ahead; its failure is thrown as it was (a Salesforce error, a stop). */
    private static <T> T await(CompletableFuture<T> next) {
        try {
            return next.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    private <T> T send(String method, String path, String body, String contentType, Function<HttpResponse<InputStream>, T> reader) {
        boolean loggedInAgain = false;
        for (int attempt = 1; ; attempt++) {
            SalesforceAuth.Session used = session();
            if (path.startsWith("http") && !URI.create(path).getHost().equalsIgnoreCase(URI.create(used.instanceUrl()).getHost())) {
                throw new HotCrmException(ErrorCode.UNAVAILABLE, "Salesforce pointed to " + URI.create(path).getHost()
                        + ", another host than its instance " + used.instanceUrl() + "; HotCRM does not follow it.");
            }
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(path.startsWith("http") ? path : used.instanceUrl() + path))
                    .timeout(Duration.ofMinutes(5))
                    .header("Authorization", "Bearer " + used.accessToken())
                    .header("Accept-Encoding", "gzip")
                    .header("Sforce-Query-Options", "batchSize=2000");
            b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
            if (contentType != null) {
                b.header("Content-Type", contentType);
            }
            HttpResponse<InputStream> r;
            try {
                calls.incrementAndGet();
                r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
            } catch (IOException e) {
                if (attempt < ATTEMPTS) {
                    pause(attempt);
                    continue;
                }
                throw new HotCrmException(ErrorCode.UNAVAILABLE, "Salesforce at " + instanceUrl() + " cannot be reached: "
                        + e.getMessage() + ". Check the network and run the migration again; it goes on where it stopped.", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new HotCrmException(ErrorCode.UNAVAILABLE, "Stopped while waiting for Salesforce.", e);
            }
            track(r);
            int status = r.statusCode();
            if (status >= 200 && status < 300) {
                checkReserve();
                return reader.apply(r);
            }
            SalesforceException error = error(r);
            if (status == 401 && !loggedInAgain) {
                // the session expired or was revoked: one new login, then the same call once more
                loggedInAgain = true;
                loginAgain(used);
                attempt--;
                continue;
            }
            boolean busy = status == 429 || status == 503 || error.errorCode().equals("REQUEST_LIMIT_EXCEEDED")
                    || error.errorCode().equals("SERVER_UNAVAILABLE");
            if (busy && attempt < ATTEMPTS) {
                pause(attempt);
                continue;
            }
            if (error.errorCode().equals("REQUEST_LIMIT_EXCEEDED")) {
                throw new SalesforceException(status, error.errorCode(), "Salesforce refuses more API calls today ("
                        + error.getMessage() + "). The org's allowance is used up; run the migration again when it has"
                        + " recovered (it is counted over the last 24 hours) — it goes on where it stopped.");
            }
            throw error;
        }
    }

    private void track(HttpResponse<?> r) {
        r.headers().firstValue("Sforce-Limit-Info").ifPresent(v -> {
            Matcher m = USAGE.matcher(v);
            if (m.find()) {
                apiUsed = Long.parseLong(m.group(1));
                apiMax = Long.parseLong(m.group(2));
            }
        });
    }

    private void checkReserve() {
        if (apiMax > 0 && apiMax - apiUsed < reserve) {
            throw new SalesforceException(403, "HOTCRM_API_RESERVE", "The org has used " + apiUsed + " of its " + apiMax
                    + " API calls of the last 24 hours; the migration stops here to leave the connection's reserve of "
                    + reserve + " calls to the org's other users. Run it again later (the allowance recovers over 24 hours)"
                    + " — it goes on where it stopped — or lower the reserve (--api-reserve).");
        }
    }

    private void pause(int attempt) {
        try {
            Thread.sleep(Math.min(60_000, retryBaseMillis * (1L << (attempt - 1))));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HotCrmException(ErrorCode.UNAVAILABLE, "Stopped while waiting to retry a Salesforce call.", e);
        }
    }

    private JsonNode readJson(HttpResponse<InputStream> r) {
        try (InputStream in = body(r)) {
            byte[] bytes = in.readAllBytes();
            return bytes.length == 0 ? JSON.createObjectNode() : JSON.readTree(bytes);
        } catch (IOException e) {
            throw new HotCrmException(ErrorCode.UNAVAILABLE, "Salesforce's answer could not be read: " + e.getMessage(), e);
        }
    }

    /** The response body, unzipped when Salesforce sent it gzipped. */
    static InputStream body(HttpResponse<InputStream> r) throws IOException {
        boolean gzip = r.headers().firstValue("Content-Encoding").map(v -> v.equalsIgnoreCase("gzip")).orElse(false);
        return gzip ? new GZIPInputStream(r.body(), 65536) : r.body();
    }

    /** Salesforce's error array ({@code [{"message":…,"errorCode":…}]}) as an exception with its first entry. */
    static SalesforceException error(HttpResponse<InputStream> r) {
        String text;
        try (InputStream in = body(r)) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            text = "";
        }
        String code = "";
        String message = "HTTP " + r.statusCode();
        try {
            JsonNode n = JSON.readTree(text);
            JsonNode first = n.isArray() && !n.isEmpty() ? n.get(0) : n;
            if (first.hasNonNull("errorCode")) {
                code = first.get("errorCode").asText();
            } else if (first.hasNonNull("error")) {
                code = first.get("error").asText();
            }
            if (first.hasNonNull("message")) {
                message = first.get("message").asText();
            } else if (first.hasNonNull("error_description")) {
                message = first.get("error_description").asText();
            }
        } catch (IOException | RuntimeException e) {
            if (!text.isBlank()) {
                message = text.length() > 300 ? text.substring(0, 300) + "…" : text;
            }
        }
        return new SalesforceException(r.statusCode(), code, code.isEmpty() ? message : code + ": " + message);
    }

    // ------------------------------------------------------------------ Bulk API 2.0 query jobs

    /** A finished Bulk API 2.0 query job: its id and the records it says it processed. */
    record BulkJob(String id, long records) {
    }

    /**
     * Runs a Bulk API 2.0 query job to completion (created, polled with back-off until {@code JobComplete}); a job
     * that fails or is aborted throws with Salesforce's reason.
     */
    BulkJob bulkQuery(String soql, boolean all, long pollMillis) {
        JsonNode job = post(base() + "/jobs/query", JSON.createObjectNode().put("operation", all ? "queryAll" : "query")
                .put("query", soql).put("contentType", "CSV").put("columnDelimiter", "COMMA").put("lineEnding", "LF").toString());
        String id = job.path("id").asText();
        long wait = pollMillis;
        while (true) {
            String state = job.path("state").asText();
            switch (state) {
                case "JobComplete":
                    return new BulkJob(id, job.path("numberRecordsProcessed").asLong(-1));
                case "Failed":
                case "Aborted":
                    throw new SalesforceException(400, "BULK_JOB_" + state.toUpperCase(java.util.Locale.ROOT),
                            "Salesforce's Bulk API query job " + id + " " + state.toLowerCase(java.util.Locale.ROOT) + ": "
                                    + job.path("errorMessage").asText("no reason given") + " (query: " + soql + ").");
                default:
                    try {
                        Thread.sleep(wait);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new HotCrmException(ErrorCode.UNAVAILABLE, "Stopped while waiting for a Bulk API job.", e);
                    }
                    wait = Math.min(wait * 2, 30_000);
                    job = get(base() + "/jobs/query/" + id);
            }
        }
    }

    /**
     * Reads every page of a finished job's results ({@code Sforce-Locator} until the literal {@code null}), each row
     * to {@code each} as column → value ("" becomes null). Returns the rows read; it must equal the pages'
     * {@code Sforce-NumberOfRecords} summed, or the read fails.
     */
    long bulkResults(BulkJob job, Consumer<Map<String, String>> each) {
        long rows = 0;
        long announced = 0;
        CompletableFuture<HttpResponse<InputStream>> next = CompletableFuture.completedFuture(resultsPage(job, null));
        while (next != null) {
            HttpResponse<InputStream> r = await(next);
            long said = r.headers().firstValue("Sforce-NumberOfRecords").map(Long::parseLong).orElse(-1L);
            String locator = r.headers().firstValue("Sforce-Locator").filter(v -> !v.isBlank() && !v.equals("null")).orElse(null);
            // the next page is asked for as soon as this one's locator is known, and prepared while this one is read
            next = locator == null ? null : ahead(() -> resultsPage(job, locator));
            long read;
            try (Reader in = new InputStreamReader(body(r), StandardCharsets.UTF_8)) {
                read = readCsv(in, each);
            } catch (IOException | RuntimeException e) {
                drop(next);
                if (e instanceof RuntimeException re) {
                    throw re;
                }
                throw new HotCrmException(ErrorCode.UNAVAILABLE, "A page of Bulk API job " + job.id()
                        + "'s results broke off: " + e.getMessage() + ". Run the migration again.", e);
            }
            if (said >= 0 && said != read) {
                drop(next);
                throw new HotCrmException(ErrorCode.UNAVAILABLE, "A page of Bulk API job " + job.id() + " announced "
                        + said + " records but held " + read + "; nothing of it is used. Run the migration again.");
            }
            rows += read;
            announced += Math.max(0, said);
        }
        if (job.records() >= 0 && job.records() != rows) {
            throw new HotCrmException(ErrorCode.UNAVAILABLE, "Bulk API job " + job.id() + " processed " + job.records()
                    + " records but its results held " + rows + " (pages announced " + announced + "); the object is read"
                    + " again on the next run.");
        }
        return rows;
    }

    /** A page of a job's results, its body not read yet (the caller reads and closes it). */
    private HttpResponse<InputStream> resultsPage(BulkJob job, String locator) {
        return getStream(base() + "/jobs/query/" + job.id() + "/results?maxRecords=50000"
                + (locator == null ? "" : "&locator=" + URLEncoder.encode(locator, StandardCharsets.UTF_8)), r -> r);
    }

    /** A page asked for ahead that will not be read: its connection is given back. */
    private static void drop(CompletableFuture<HttpResponse<InputStream>> next) {
        if (next != null) {
            next.thenAccept(r -> {
                try {
                    r.body().close();
                } catch (IOException ignored) {
                    // the connection is dropped either way
                }
            });
        }
    }

    private static long readCsv(Reader in, Consumer<Map<String, String>> each) {
        long n = 0;
        List<String> header = null;
        for (de.siegmar.fastcsv.reader.CsvRecord rec : CsvReader.builder().ofCsvRecord(in)) {
            if (header == null) {
                header = rec.getFields();
                continue;
            }
            each.accept(io.hotcrm.migration.CsvRows.of(header, rec));
            n++;
        }
        return n;
    }
}
