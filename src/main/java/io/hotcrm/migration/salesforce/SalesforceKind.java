package io.hotcrm.migration.salesforce;

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
 * Salesforce as a source: a connection names its login host (production {@code https://login.salesforce.com},
 * sandbox {@code https://test.salesforce.com}, a My Domain, or any URL), the connected app's consumer key, and one
 * grant — JWT bearer (username + private key) or refresh token (from the console's web-server flow or given).
 */
public final class SalesforceKind implements SourceKind {
    public static final String KIND = "salesforce";
    public static final String LOGIN_URL = "loginUrl";
    public static final String CLIENT_ID = "clientId";
    public static final String CLIENT_SECRET = "clientSecret";
    public static final String FLOW = "flow";
    public static final String USERNAME = "username";
    public static final String PRIVATE_KEY = "privateKey";
    public static final String REFRESH_TOKEN = "refreshToken";
    public static final String API_VERSION = "apiVersion";
    /** The JWT bearer flow's audience, when it is not login.salesforce.com / test.salesforce.com as the login URL implies. */
    public static final String AUDIENCE = "audience";
    /** API calls left to the org's other users: the migration stops before the daily allowance falls under it. */
    public static final String API_RESERVE = "apiReserve";
    /**
     * Objects with more records than this are read with Bulk API 2.0 query jobs; smaller ones with SOQL paging.
     * Salesforce's own guidance: operations on more than 2,000 records are candidates for Bulk API 2.0.
     */
    public static final String BULK_THRESHOLD = "bulkThreshold";
    /** First wait between retries and Bulk API polls, in milliseconds (doubling). */
    public static final String RETRY_MILLIS = "retryMillis";

    static final String DEFAULT_VERSION = "62.0";
    static final long DEFAULT_BULK_THRESHOLD = 2_000;
    /** Salesforce's own hosts: login and sandbox login, My Domains, instances, Experience Cloud sites. */
    static final List<String> SALESFORCE_HOSTS = List.of("login.salesforce.com", "test.salesforce.com", "*.salesforce.com",
            "*.force.com", "*.cloudforce.com", "*.site.com", "*.salesforce.mil", "*.cloudforce.mil");

    private final List<String> extraHosts;

    /** @param extraHosts hosts besides Salesforce's own an administrator allows ({@code HOTCRM_MIGRATION_HOSTS}) */
    public SalesforceKind(List<String> extraHosts) {
        this.extraHosts = List.copyOf(extraHosts);
    }

    public SalesforceKind() {
        this(List.of());
    }

    /**
     * Whether HotCRM may connect to the URL: https on one of Salesforce's hosts, or a host an administrator allowed
     * (for those, http too). No user picks a network target an administrator has not allowed.
     */
    boolean allowed(URI u) {
        return io.hotcrm.migration.SourceHosts.allowed(u, SALESFORCE_HOSTS, extraHosts);
    }

    void requireAllowed(String url, String what) {
        URI u;
        try {
            u = URI.create(url.trim());
        } catch (IllegalArgumentException e) {
            throw HotCrmException.invalid(what + " \"" + url + "\" is not a URL like https://login.salesforce.com.");
        }
        if (!allowed(u)) {
            throw HotCrmException.invalid(what + " " + url + " is not one of Salesforce's hosts (https://login.salesforce.com,"
                    + " https://test.salesforce.com, a My Domain …my.salesforce.com). An administrator can allow another host"
                    + " with HOTCRM_MIGRATION_HOSTS.");
        }
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public Set<String> secretSettings() {
        return Set.of(CLIENT_SECRET, PRIVATE_KEY, REFRESH_TOKEN);
    }

    @Override
    public void check(Map<String, String> s) {
        String login = s.get(LOGIN_URL);
        if (login == null || login.isBlank()) {
            throw HotCrmException.invalid("A Salesforce connection needs its login host (--login-url): https://login.salesforce.com"
                    + " for production, https://test.salesforce.com for a sandbox, or the org's My Domain URL.");
        }
        requireAllowed(login, "The login host");
        if (blank(s.get(CLIENT_ID))) {
            throw HotCrmException.invalid("A Salesforce connection needs the connected app's consumer key (--client-id).");
        }
        String flow = s.getOrDefault(FLOW, SalesforceAuth.FLOW_REFRESH);
        if (flow.equals(SalesforceAuth.FLOW_JWT)) {
            if (blank(s.get(USERNAME)) || blank(s.get(PRIVATE_KEY))) {
                throw HotCrmException.invalid("The JWT bearer flow needs the Salesforce username (--username) and the connected"
                        + " app's private key (--jwt-key FILE).");
            }
            SalesforceAuth.privateKey(s.get(PRIVATE_KEY));
        } else if (!flow.equals(SalesforceAuth.FLOW_REFRESH)) {
            throw HotCrmException.invalid("The Salesforce flow is \"jwt\" or \"refresh-token\", not \"" + flow + "\".");
        }
        io.hotcrm.migration.SourceHosts.requireWholeNumbers(s, API_RESERVE, BULK_THRESHOLD, RETRY_MILLIS);
    }

    @Override
    public CrmSource open(Map<String, String> settings, SettingsSaver saver) {
        requireAllowed(settings.get(LOGIN_URL), "The login host");
        SalesforceAuth auth = new SalesforceAuth(settings, saver, url -> requireAllowed(url, "The instance Salesforce named"));
        SalesforceClient client = new SalesforceClient(auth, settings.getOrDefault(API_VERSION, DEFAULT_VERSION),
                number(settings, API_RESERVE, 1000), number(settings, RETRY_MILLIS, 1000));
        return new SalesforceSource(client, number(settings, BULK_THRESHOLD, DEFAULT_BULK_THRESHOLD), number(settings, RETRY_MILLIS, 1000));
    }

    @Override
    public String authorizeUrl(Map<String, String> settings, String redirectUri, String state, String codeChallenge) {
        requireAllowed(settings.get(LOGIN_URL), "The login host");
        Map<String, String> q = new LinkedHashMap<>();
        q.put("response_type", "code");
        q.put("client_id", settings.get(CLIENT_ID));
        q.put("redirect_uri", redirectUri);
        q.put("scope", "api refresh_token offline_access");
        q.put("state", state);
        q.put("prompt", "login consent");
        q.put("code_challenge", codeChallenge);
        q.put("code_challenge_method", "S256");
        StringBuilder url = new StringBuilder(SalesforceAuth.trimSlash(settings.get(LOGIN_URL))).append("/services/oauth2/authorize?");
        q.forEach((k, v) -> url.append(k).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)).append('&'));
        url.setLength(url.length() - 1);
        return url.toString();
    }

    @Override
    public Map<String, String> exchangeCode(Map<String, String> settings, String code, String redirectUri, String codeVerifier) {
        requireAllowed(settings.get(LOGIN_URL), "The login host");
        SalesforceAuth.Session s = new SalesforceAuth(settings, SettingsSaver.NONE, url -> requireAllowed(url, "The instance"
                + " Salesforce named")).exchange(code, redirectUri, codeVerifier);
        if (s.refreshToken() == null) {
            throw HotCrmException.invalid("Salesforce granted no refresh token: give the connected app the \"refresh_token,"
                    + " offline_access\" scope and connect again.");
        }
        return Map.of(REFRESH_TOKEN, s.refreshToken(), FLOW, SalesforceAuth.FLOW_REFRESH);
    }

    private static long number(Map<String, String> s, String name, long otherwise) {
        return io.hotcrm.migration.SourceHosts.number(s, name, otherwise);
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
