package io.hotcrm.migration.hubspot;

import io.hotcrm.common.HotCrmException;
import io.hotcrm.migration.CrmSource;
import io.hotcrm.migration.SourceKind;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * HubSpot as a source: a connection names the API's address ({@code https://api.hubapi.com}, EU portals
 * {@code https://api-eu1.hubapi.com}) and one grant — a private app's access token, or an OAuth app (client id and
 * secret) with the refresh token its authorization-code flow gave (from the console, or given).
 */
public final class HubSpotKind implements SourceKind {
    public static final String KIND = "hubspot";
    public static final String BASE_URL = HubSpotSettings.BASE_URL;
    public static final String TOKEN = HubSpotSettings.TOKEN;
    public static final String CLIENT_ID = HubSpotSettings.CLIENT_ID;
    public static final String CLIENT_SECRET = HubSpotSettings.CLIENT_SECRET;
    public static final String REFRESH_TOKEN = HubSpotSettings.REFRESH_TOKEN;
    public static final String RETRY_MILLIS = HubSpotSettings.RETRY_MILLIS;
    /** Where the browser signs in to HubSpot for the OAuth flow (default {@code https://app.hubspot.com}). */
    public static final String AUTHORIZE_URL = "authorizeUrl";
    /** How far before the last run a delta reads again, for the search index's lag (seconds, default 300). */
    public static final String LOOKBACK_SECONDS = "lookbackSeconds";

    /** HubSpot's API hosts, its sign-in pages, and the hosts its files API's signed URLs point at. */
    static final List<String> API_HOSTS = List.of("api.hubapi.com", "api-eu1.hubapi.com", "*.hubapi.com");
    static final List<String> SIGN_IN_HOSTS = List.of("app.hubspot.com", "app-eu1.hubspot.com", "*.hubspot.com");
    static final List<String> FILE_HOSTS = List.of("*.hubspotusercontent.com", "*.hubspotusercontent-na1.net",
            "*.hubspotusercontent-eu1.net", "*.hubspotusercontent.net", "*.hubspot.net", "*.hubspot.com", "*.hubapi.com");
    static final String SCOPES = "oauth crm.objects.contacts.read crm.objects.companies.read crm.objects.deals.read"
            + " crm.objects.owners.read";
    static final String OPTIONAL_SCOPES = "tickets e-commerce crm.objects.line_items.read crm.objects.quotes.read"
            + " crm.objects.products.read files crm.schemas.contacts.read crm.schemas.companies.read crm.schemas.deals.read"
            + " crm.objects.custom.read crm.schemas.custom.read";

    private final List<String> extraHosts;

    /** @param extraHosts hosts besides HubSpot's own an administrator allows ({@code HOTCRM_MIGRATION_HOSTS}) */
    public HubSpotKind(List<String> extraHosts) {
        this.extraHosts = List.copyOf(extraHosts);
    }

    /** Whether HotCRM may connect to the URL: https on one of the hosts, or (https or http) on one an administrator allowed. */
    boolean allowed(URI u, List<String> hosts) {
        return io.hotcrm.migration.SourceHosts.allowed(u, hosts, extraHosts);
    }

    private String require(String url, List<String> hosts, String what) {
        URI u;
        try {
            u = URI.create(url.trim());
        } catch (IllegalArgumentException e) {
            throw HotCrmException.invalid(what + " \"" + url + "\" is not a URL like https://api.hubapi.com.");
        }
        if (!allowed(u, hosts)) {
            throw HotCrmException.invalid(what + " " + url + " is not one of HubSpot's hosts (https://api.hubapi.com, EU portals"
                    + " https://api-eu1.hubapi.com). An administrator can allow another host with HOTCRM_MIGRATION_HOSTS.");
        }
        String s = url.trim();
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    private String baseUrl(Map<String, String> s) {
        String base = s.get(BASE_URL);
        return require(base == null || base.isBlank() ? HubSpotSettings.DEFAULT_BASE_URL : base, API_HOSTS, "The API address");
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public Set<String> secretSettings() {
        return Set.of(TOKEN, CLIENT_SECRET, REFRESH_TOKEN);
    }

    @Override
    public void check(Map<String, String> s) {
        baseUrl(s);
        if (blank(s.get(TOKEN)) && blank(s.get(CLIENT_ID))) {
            throw HotCrmException.invalid("A HubSpot connection needs a private app's access token (--token-env VAR), or an OAuth"
                    + " app: --client-id ID --client-secret-env VAR --refresh-token-env VAR.");
        }
        if (!blank(s.get(TOKEN)) && !blank(s.get(CLIENT_ID))) {
            throw HotCrmException.invalid("Give a HubSpot connection a private app token or an OAuth app, not both.");
        }
        if (!blank(s.get(CLIENT_ID)) && blank(s.get(CLIENT_SECRET))) {
            throw HotCrmException.invalid("The OAuth app needs its client secret (--client-secret-env VAR).");
        }
        if (s.get(AUTHORIZE_URL) != null) {
            require(s.get(AUTHORIZE_URL), SIGN_IN_HOSTS, "The sign-in address");
        }
        io.hotcrm.migration.SourceHosts.requireWholeNumbers(s, RETRY_MILLIS, LOOKBACK_SECONDS);
    }

    @Override
    public CrmSource open(Map<String, String> s, SettingsSaver saver) {
        String base = baseUrl(s);
        HubSpotAuth auth;
        if (!blank(s.get(TOKEN))) {
            auth = HubSpotAuth.privateApp(s.get(TOKEN));
        } else if (!blank(s.get(REFRESH_TOKEN))) {
            auth = HubSpotAuth.oauth(base, s.get(CLIENT_ID), s.get(CLIENT_SECRET), s.get(REFRESH_TOKEN), saver);
        } else {
            throw HotCrmException.invalid("The HubSpot connection has no refresh token yet: sign in to HubSpot from the console"
                    + " (Setup → Data → Migrate from HubSpot), or connect again with --refresh-token-env VAR.");
        }
        HubSpotClient client = new HubSpotClient(base, auth, number(s, RETRY_MILLIS, 1000));
        return new HubSpotSource(client, number(s, LOOKBACK_SECONDS, 300) * 1000, u -> allowed(u, FILE_HOSTS));
    }

    @Override
    public String authorizeUrl(Map<String, String> s, String redirectUri, String state, String codeChallenge) {
        String signIn = s.get(AUTHORIZE_URL) == null || s.get(AUTHORIZE_URL).isBlank() ? "https://app.hubspot.com"
                : require(s.get(AUTHORIZE_URL), SIGN_IN_HOSTS, "The sign-in address");
        if (blank(s.get(CLIENT_ID))) {
            throw HotCrmException.invalid("Signing in to HubSpot needs the OAuth app's client id.");
        }
        // HubSpot's authorization-code flow has no PKCE: the client secret, kept on the server, proves the app
        Map<String, String> q = new LinkedHashMap<>();
        q.put("client_id", s.get(CLIENT_ID));
        q.put("redirect_uri", redirectUri);
        q.put("scope", SCOPES);
        q.put("optional_scope", OPTIONAL_SCOPES);
        q.put("state", state);
        StringBuilder url = new StringBuilder(signIn).append("/oauth/authorize?");
        q.forEach((k, v) -> url.append(k).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)).append('&'));
        url.setLength(url.length() - 1);
        return url.toString();
    }

    @Override
    public Map<String, String> exchangeCode(Map<String, String> s, String code, String redirectUri, String codeVerifier) {
        String refresh = HubSpotAuth.oauth(baseUrl(s), s.get(CLIENT_ID), s.get(CLIENT_SECRET), null, SettingsSaver.NONE)
                .exchange(code, redirectUri);
        if (blank(refresh)) {
            throw HotCrmException.invalid("HubSpot granted no refresh token: connect again.");
        }
        return Map.of(REFRESH_TOKEN, refresh);
    }

    private static long number(Map<String, String> s, String name, long otherwise) {
        return io.hotcrm.migration.SourceHosts.number(s, name, otherwise);
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
