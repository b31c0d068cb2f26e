package io.hotcrm.migration.hubspot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hotcrm.common.ErrorCode;
import io.hotcrm.common.HotCrmException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * HubSpot's CRM API over HTTP, as a migration reads it: every call with the portal's access token (a private app's,
 * or an OAuth one refreshed before it expires and once more on 401 {@code EXPIRED_AUTHENTICATION}); 429s wait for the
 * ten-second window to roll (HubSpot sends no {@code Retry-After}), 5xx are retried with back-off, and the daily
 * limit stops the run with when to go on. List endpoints are paged with their opaque {@code after} cursors.
 */
final class HubSpotClient {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final int ATTEMPTS = 6;

    private final String baseUrl;
    private final HubSpotAuth auth;
    private final long retryBaseMillis;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(20))
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private final java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();

    HubSpotClient(String baseUrl, HubSpotAuth auth, long retryBaseMillis) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.auth = auth;
        this.retryBaseMillis = retryBaseMillis;
    }

    /** Calls made (each counts against the portal's limits). */
    int calls() {
        return calls.get();
    }

    JsonNode get(String path) {
        return send("GET", path, null);
    }

    /** A POST with a JSON body; a 207 (a batch with some records in error) is an answer like a 200. */
    JsonNode post(String path, String json) {
        return send("POST", path, json);
    }

    /**
     * Every page of a list endpoint ({@code /crm/v3/objects/contacts?limit=100&properties=…}), each result to
     * {@code each}, following {@code paging.next.after} until a page has none. Returns the results read.
     */
    long list(String path, Consumer<JsonNode> each) {
        long n = 0;
        java.util.concurrent.Future<JsonNode> next = AHEAD.submit(() -> get(path));
        while (next != null) {
            JsonNode page = io.hotcrm.migration.Waits.await(next, "reading HubSpot");
            JsonNode cursor = page.path("paging").path("next").path("after");
            String after = cursor.isMissingNode() || cursor.isNull() || cursor.asText().isEmpty() ? null : cursor.asText();
            // the next page is asked for before this one is handed on: HubSpot prepares it while HotCRM works
            next = after == null ? null : AHEAD.submit(() -> get(path + (path.contains("?") ? "&" : "?") + "after="
                    + URLEncoder.encode(after, StandardCharsets.UTF_8)));
            try {
                for (JsonNode r : page.path("results")) {
                    each.accept(r);
                    n++;
                }
            } catch (RuntimeException e) {
                if (next != null) {
                    next.cancel(true);
                }
                throw e;
            }
        }
        return n;
    }

    /** Pages asked for ahead of their turn, and other calls a read makes side by side. */
    static final java.util.concurrent.ExecutorService AHEAD = java.util.concurrent.Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "hotcrm-hubspot-ahead");
        t.setDaemon(true);
        return t;
    });

    /**
     * The bytes at a signed URL HubSpot's files API handed out (no token: the URL itself grants access), streamed;
     * 5xx and broken connections retried.
     */
    java.io.InputStream download(URI url) {
        for (int attempt = 1; ; attempt++) {
            try {
                HttpResponse<java.io.InputStream> r = http.send(HttpRequest.newBuilder(url).timeout(Duration.ofMinutes(10)).GET().build(),
                        HttpResponse.BodyHandlers.ofInputStream());
                if (r.statusCode() == 200) {
                    return r.body();
                }
                r.body().close();
                if (r.statusCode() < 500 || attempt >= ATTEMPTS) {
                    throw new HubSpotException(r.statusCode(), "", "HubSpot's file store answered " + r.statusCode() + " for a file's"
                            + " signed URL; run the migration again to fetch it anew.");
                }
            } catch (IOException e) {
                if (attempt >= ATTEMPTS) {
                    throw new HotCrmException(ErrorCode.UNAVAILABLE, "A file could not be downloaded from HubSpot: " + e.getMessage(), e);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new HotCrmException(ErrorCode.UNAVAILABLE, "Stopped while downloading a file from HubSpot.", e);
            }
            pause(retryBaseMillis * (1L << (attempt - 1)));
        }
    }

    private JsonNode send(String method, String path, String body) {
        boolean refreshed = false;
        for (int attempt = 1; ; attempt++) {
            String token = auth.accessToken();
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofMinutes(2))
                    .header("Authorization", "Bearer " + token).header("Accept", "application/json");
            if (body != null) {
                b.header("Content-Type", "application/json");
            }
            b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
            HttpResponse<byte[]> r;
            try {
                calls.incrementAndGet();
                // parsed from the bytes: no copy of the page as text first
                r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (IOException e) {
                if (attempt < ATTEMPTS) {
                    pause(retryBaseMillis * (1L << (attempt - 1)));
                    continue;
                }
                throw new HotCrmException(ErrorCode.UNAVAILABLE, "HubSpot at " + baseUrl + " cannot be reached: " + e.getMessage()
                        + ". Check the network and run the migration again; it goes on where it stopped.", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new HotCrmException(ErrorCode.UNAVAILABLE, "Stopped while waiting for HubSpot.", e);
            }
            int status = r.statusCode();
            if (status >= 200 && status < 300) {
                return read(r.body());
            }
            JsonNode error = readQuietly(r.body());
            String category = error.path("category").asText(error.path("errorType").asText(""));
            if (status == 401 && !refreshed && auth.canRefresh()) {
                // the access token expired (or was revoked): one new one, then the same call once more
                refreshed = true;
                auth.refresh(token);
                attempt--;
                continue;
            }
            if (status == 429) {
                String policy = error.path("policyName").asText("");
                if (policy.equals("DAILY")) {
                    throw new HubSpotException(status, "RATE_LIMITS", "HubSpot refuses more API calls today (the portal's daily"
                            + " limit is used up). Run the migration again tomorrow — it goes on where it stopped.");
                }
                if (attempt < ATTEMPTS) {
                    // the ten-second window rolls: wait for it, a little longer each time
                    long window = r.headers().firstValue("X-HubSpot-RateLimit-Interval-Milliseconds").map(Long::parseLong)
                            .orElse(10_000L);
                    pause(Math.min(window, retryBaseMillis * (1L << (attempt - 1))));
                    continue;
                }
            }
            if (status >= 500 && attempt < ATTEMPTS) {
                pause(retryBaseMillis * (1L << (attempt - 1)));
                continue;
            }
            throw new HubSpotException(status, category, message(status, category, error), scopes(error));
        }
    }

    /** The scopes a 403 says are missing: in the error's context, or its first sub-error's. */
    private static java.util.List<String> scopes(JsonNode error) {
        JsonNode scopes = error.path("context").path("requiredGranularScopes");
        if (!scopes.isArray() || scopes.isEmpty()) {
            scopes = error.path("errors").path(0).path("context").path("requiredGranularScopes");
        }
        java.util.List<String> out = new java.util.ArrayList<>();
        scopes.forEach(s -> out.add(s.asText()));
        return out;
    }

    private static String message(int status, String category, JsonNode error) {
        String text = error.path("message").asText("HTTP " + status);
        if (status == 401) {
            return "HubSpot refused the token (" + text + "): give a valid private app token, or connect again.";
        }
        if (status == 403 && category.equals("MISSING_SCOPES")) {
            java.util.List<String> scopes = scopes(error);
            return "HubSpot says the token lacks scopes" + (scopes.isEmpty() ? "" : " " + scopes) + ": add them"
                    + " to the private app (or the OAuth app's scopes) and connect again.";
        }
        return "HubSpot answered " + status + (category.isEmpty() ? "" : " " + category) + ": " + text;
    }

    private static JsonNode read(byte[] body) {
        try {
            return body == null || body.length == 0 ? JSON.createObjectNode() : JSON.readTree(body);
        } catch (IOException e) {
            throw new HotCrmException(ErrorCode.UNAVAILABLE, "HubSpot's answer could not be read: " + e.getMessage(), e);
        }
    }

    private static JsonNode readQuietly(byte[] bytes) {
        String body = bytes == null ? "" : new String(bytes, StandardCharsets.UTF_8);
        try {
            return body.isBlank() ? JSON.createObjectNode() : JSON.readTree(body);
        } catch (IOException e) {
            return JSON.createObjectNode().put("message", body.length() > 300 ? body.substring(0, 300) + "…" : body);
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(Math.min(60_000, millis));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HotCrmException(ErrorCode.UNAVAILABLE, "Stopped while waiting to retry a HubSpot call.", e);
        }
    }
}
