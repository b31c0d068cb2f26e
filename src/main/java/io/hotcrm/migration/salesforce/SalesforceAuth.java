package io.hotcrm.migration.salesforce;

import com.fasterxml.jackson.databind.JsonNode;
import io.hotcrm.common.ErrorCode;
import io.hotcrm.common.HotCrmException;
import io.hotcrm.migration.SourceKind;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Salesforce's OAuth 2.0 token endpoint ({@code POST {login host}/services/oauth2/token}): the refresh-token grant,
 * the JWT bearer grant for unattended runs (RS256, signed here with the connected app's private key), and the
 * authorization-code exchange (with its PKCE verifier) that ends the console's web-server flow. The session it
 * returns has no expiry: an expired one shows as a 401, and {@link SalesforceClient} logs in again.
 */
final class SalesforceAuth {
    static final String FLOW_JWT = "jwt";
    static final String FLOW_REFRESH = "refresh-token";

    private final Map<String, String> settings;
    private final SourceKind.SettingsSaver saver;
    private final java.util.function.Consumer<String> instanceCheck;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(20)).build();

    /** An access token and the instance that serves the org's data. */
    record Session(String accessToken, String instanceUrl, String refreshToken) {
    }

    /** @param instanceCheck refuses an instance URL HotCRM may not connect to (a token answer names where data lives) */
    SalesforceAuth(Map<String, String> settings, SourceKind.SettingsSaver saver, java.util.function.Consumer<String> instanceCheck) {
        this.settings = new LinkedHashMap<>(settings);
        this.saver = saver;
        this.instanceCheck = instanceCheck;
    }

    SalesforceAuth(Map<String, String> settings, SourceKind.SettingsSaver saver) {
        this(settings, saver, url -> { });
    }

    String loginUrl() {
        return trimSlash(settings.get(SalesforceKind.LOGIN_URL));
    }

    /** Logs in with the connection's grant. */
    Session login() {
        String flow = settings.getOrDefault(SalesforceKind.FLOW, FLOW_REFRESH);
        Map<String, String> form = new LinkedHashMap<>();
        if (flow.equals(FLOW_JWT)) {
            form.put("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer");
            form.put("assertion", jwt());
        } else {
            String refresh = settings.get(SalesforceKind.REFRESH_TOKEN);
            if (refresh == null || refresh.isBlank()) {
                throw new HotCrmException(ErrorCode.CONFIGURATION, "The Salesforce connection has no refresh token:"
                        + " connect it again (from the console, or with --refresh-token-env VAR or --jwt-key FILE).");
            }
            form.put("grant_type", "refresh_token");
            form.put("refresh_token", refresh);
            form.put("client_id", settings.get(SalesforceKind.CLIENT_ID));
            putSecret(form);
        }
        JsonNode n = token(form);
        Session s = session(n);
        instanceCheck.accept(s.instanceUrl());
        if (s.refreshToken() != null && !s.refreshToken().equals(settings.get(SalesforceKind.REFRESH_TOKEN))) {
            // refresh-token rotation: the old token is dead now, keep the new one
            settings.put(SalesforceKind.REFRESH_TOKEN, s.refreshToken());
            saver.save(Map.of(SalesforceKind.REFRESH_TOKEN, s.refreshToken()));
        }
        return s;
    }

    /** The authorization-code exchange of the web-server flow. */
    Session exchange(String code, String redirectUri, String verifier) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "authorization_code");
        form.put("code", code);
        form.put("client_id", settings.get(SalesforceKind.CLIENT_ID));
        form.put("redirect_uri", redirectUri);
        form.put("code_verifier", verifier);
        putSecret(form);
        Session s = session(token(form));
        instanceCheck.accept(s.instanceUrl());
        return s;
    }

    private void putSecret(Map<String, String> form) {
        String secret = settings.get(SalesforceKind.CLIENT_SECRET);
        if (secret != null && !secret.isBlank()) {
            form.put("client_secret", secret);
        }
    }

    private static Session session(JsonNode n) {
        if (!n.hasNonNull("access_token") || !n.hasNonNull("instance_url")) {
            throw new HotCrmException(ErrorCode.CONFIGURATION, "Salesforce's token answer has no access token or instance URL.");
        }
        return new Session(n.get("access_token").asText(), trimSlash(n.get("instance_url").asText()),
                n.hasNonNull("refresh_token") ? n.get("refresh_token").asText() : null);
    }

    private JsonNode token(Map<String, String> form) {
        String body = form.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue() == null ? "" : e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
        HttpRequest req = HttpRequest.newBuilder(URI.create(loginUrl() + "/services/oauth2/token"))
                .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<InputStream> r;
        try {
            r = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new HotCrmException(ErrorCode.UNAVAILABLE, "Salesforce's login host " + loginUrl() + " cannot be reached: "
                    + e.getMessage() + ". Check --login-url and the network.", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HotCrmException(ErrorCode.UNAVAILABLE, "Stopped while logging in to Salesforce.", e);
        }
        if (r.statusCode() != 200) {
            SalesforceException e = SalesforceClient.error(r);
            throw new HotCrmException(ErrorCode.CONFIGURATION, "Salesforce refused the login at " + loginUrl() + ": "
                    + e.getMessage() + ". " + hint(e.errorCode()));
        }
        try (InputStream in = SalesforceClient.body(r)) {
            return SalesforceClient.JSON.readTree(in);
        } catch (IOException e) {
            throw new HotCrmException(ErrorCode.UNAVAILABLE, "Salesforce's token answer could not be read: " + e.getMessage(), e);
        }
    }

    private static String hint(String code) {
        return switch (code) {
            case "invalid_grant" -> "The refresh token expired or was revoked, the user has not approved the connected app,"
                    + " or the JWT's audience/subject is wrong: connect again.";
            case "invalid_client_id", "invalid_client" -> "Check the connected app's consumer key (--client-id) and secret.";
            case "redirect_uri_mismatch" -> "The connected app's callback URL must be this HotCRM's /setup/migrate/salesforce/callback.";
            case "inactive_user", "inactive_org" -> "The Salesforce user or org is inactive.";
            default -> "Check the connection's settings and connect again.";
        };
    }

    /**
     * The JWT bearer assertion: header {@code {"alg":"RS256"}}, claims iss (consumer key), sub (username), aud (the
     * login host: login.salesforce.com, test.salesforce.com, or the URL given) and exp (now + 3 minutes), signed
     * with the connected app's private key (PKCS #8 PEM).
     */
    String jwt() {
        String username = settings.get(SalesforceKind.USERNAME);
        String pem = settings.get(SalesforceKind.PRIVATE_KEY);
        if (username == null || pem == null) {
            throw new HotCrmException(ErrorCode.CONFIGURATION, "The JWT flow needs --username and --jwt-key FILE.");
        }
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String header = b64.encodeToString("{\"alg\":\"RS256\"}".getBytes(StandardCharsets.UTF_8));
        String claims = b64.encodeToString(SalesforceClient.JSON.createObjectNode()
                .put("iss", settings.get(SalesforceKind.CLIENT_ID)).put("sub", username).put("aud", audience())
                .put("exp", Instant.now().plusSeconds(180).getEpochSecond()).toString().getBytes(StandardCharsets.UTF_8));
        try {
            Signature sig = Signature.getInstance("SHA256withRSA");
            sig.initSign(privateKey(pem));
            sig.update((header + "." + claims).getBytes(StandardCharsets.US_ASCII));
            return header + "." + claims + "." + b64.encodeToString(sig.sign());
        } catch (GeneralSecurityException e) {
            throw new HotCrmException(ErrorCode.CONFIGURATION, "The JWT could not be signed: " + e.getMessage(), e);
        }
    }

    /**
     * The JWT's audience: login.salesforce.com or test.salesforce.com — never a My Domain, which Salesforce refuses as
     * an audience even when the token is requested there — or the login URL itself for any other host (an Experience
     * Cloud site, a test server); {@code audience} in the settings overrides it.
     */
    String audience() {
        String given = settings.get(SalesforceKind.AUDIENCE);
        if (given != null && !given.isBlank()) {
            return trimSlash(given);
        }
        String host = java.net.URI.create(loginUrl()).getHost().toLowerCase(java.util.Locale.ROOT);
        if (host.endsWith(".sandbox.my.salesforce.com") || host.equals("test.salesforce.com")) {
            return "https://test.salesforce.com";
        }
        if (host.endsWith(".my.salesforce.com") || host.equals("login.salesforce.com")) {
            return "https://login.salesforce.com";
        }
        return loginUrl();
    }

    /** A PKCS #8 PEM private key ({@code -----BEGIN PRIVATE KEY-----}); an RSA-only PKCS #1 key is refused with the fix. */
    static PrivateKey privateKey(String pem) {
        if (pem.contains("BEGIN RSA PRIVATE KEY")) {
            throw new HotCrmException(ErrorCode.CONFIGURATION, "The key is in PKCS #1 form (BEGIN RSA PRIVATE KEY); convert it"
                    + " with: openssl pkcs8 -topk8 -nocrypt -in server.key -out server-pkcs8.key");
        }
        String b64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        try {
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(b64)));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new HotCrmException(ErrorCode.CONFIGURATION, "The JWT key is not an RSA private key in PEM form (PKCS #8,"
                    + " -----BEGIN PRIVATE KEY-----): " + e.getMessage());
        }
    }

    static String trimSlash(String url) {
        if (url == null) {
            return null;
        }
        String u = url.trim();
        while (u.endsWith("/")) {
            u = u.substring(0, u.length() - 1);
        }
        return u;
    }
}
