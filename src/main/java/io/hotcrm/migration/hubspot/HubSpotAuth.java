package io.hotcrm.migration.hubspot;

import com.fasterxml.jackson.databind.JsonNode;
import io.hotcrm.common.ErrorCode;
import io.hotcrm.common.HotCrmException;
import io.hotcrm.migration.SourceKind;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * A portal's access token: a private app's (it never expires and cannot be refreshed), or an OAuth app's, obtained
 * with the refresh token (kept encrypted with the connection) a minute before it expires and again when HubSpot says
 * it did. HubSpot's refresh tokens do not rotate, but a new one in the answer is kept.
 */
final class HubSpotAuth {
    private final String baseUrl;
    private final String privateToken;
    private final String clientId;
    private final String clientSecret;
    private final SourceKind.SettingsSaver saver;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(20)).build();
    private String refreshToken;
    private String accessToken;
    private Instant expires = Instant.EPOCH;

    private HubSpotAuth(String baseUrl, String privateToken, String clientId, String clientSecret, String refreshToken,
                        SourceKind.SettingsSaver saver) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.privateToken = privateToken;
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        this.refreshToken = refreshToken;
        this.saver = saver;
    }

    static HubSpotAuth privateApp(String token) {
        return new HubSpotAuth("", token, null, null, null, SourceKind.SettingsSaver.NONE);
    }

    static HubSpotAuth oauth(String baseUrl, String clientId, String clientSecret, String refreshToken, SourceKind.SettingsSaver saver) {
        return new HubSpotAuth(baseUrl, null, clientId, clientSecret, refreshToken, saver);
    }

    boolean canRefresh() {
        return privateToken == null;
    }

    synchronized String accessToken() {
        if (privateToken != null) {
            return privateToken;
        }
        if (accessToken == null || Instant.now().isAfter(expires.minusSeconds(60))) {
            refresh(accessToken);
        }
        return accessToken;
    }

    /** A new access token unless another thread already got one since {@code expired} was used. */
    synchronized void refresh(String expired) {
        if (privateToken != null || (accessToken != null && !accessToken.equals(expired) && Instant.now().isBefore(expires))) {
            return;
        }
        JsonNode n = token("grant_type=refresh_token&client_id=" + enc(clientId) + "&client_secret=" + enc(clientSecret)
                + "&refresh_token=" + enc(refreshToken), "renew the access token", "connect the portal again (the app may have been"
                + " uninstalled)");
        accessToken = n.get("access_token").asText();
        expires = Instant.now().plusSeconds(n.path("expires_in").asLong(1800));
        String renewed = n.path("refresh_token").asText(null);
        if (renewed != null && !renewed.equals(refreshToken)) {
            refreshToken = renewed;
            saver.save(Map.of(HubSpotSettings.REFRESH_TOKEN, renewed));
        }
    }

    /**
     * Exchanges the code of the console's OAuth callback for tokens; returns the refresh token (HubSpot's OAuth has no
     * PKCE: the client secret proves the app).
     */
    String exchange(String code, String redirectUri) {
        JsonNode n = token("grant_type=authorization_code&client_id=" + enc(clientId) + "&client_secret=" + enc(clientSecret)
                + "&redirect_uri=" + enc(redirectUri) + "&code=" + enc(code), "grant access", "start the sign-in again");
        synchronized (this) {
            accessToken = n.get("access_token").asText();
            expires = Instant.now().plusSeconds(n.path("expires_in").asLong(1800));
            refreshToken = n.path("refresh_token").asText(null);
        }
        return refreshToken;
    }

    /** A call to HubSpot's token endpoint; a refusal says what HubSpot said and what to do. */
    private JsonNode token(String form, String what, String todo) {
        HttpResponse<String> r;
        try {
            r = http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/oauth/v1/token")).timeout(Duration.ofSeconds(60))
                    .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form))
                    .build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new HotCrmException(ErrorCode.UNAVAILABLE, "HubSpot's token endpoint cannot be reached: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HotCrmException(ErrorCode.UNAVAILABLE, "Stopped while waiting for HubSpot.", e);
        }
        JsonNode n;
        try {
            n = HubSpotClient.JSON.readTree(r.body());
        } catch (IOException e) {
            n = HubSpotClient.JSON.createObjectNode();
        }
        if (r.statusCode() != 200 || !n.hasNonNull("access_token")) {
            throw new HubSpotException(r.statusCode(), n.path("status").asText(""), "HubSpot refused to " + what + " ("
                    + n.path("status").asText("HTTP " + r.statusCode()) + ": " + n.path("message").asText("") + "): " + todo + ".");
        }
        return n;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s == null ? "" : s, StandardCharsets.UTF_8);
    }
}
