package io.hotcrm.migration.hubspot;

/** The settings of a HubSpot connection: the API's address, and a private app token or an OAuth app's refresh token. */
final class HubSpotSettings {
    /** {@code https://api.hubapi.com} (EU portals: {@code https://api-eu1.hubapi.com}); another address only for tests. */
    static final String BASE_URL = "baseUrl";
    static final String DEFAULT_BASE_URL = "https://api.hubapi.com";
    /** A private app's access token (secret). */
    static final String TOKEN = "token";
    static final String CLIENT_ID = "clientId";
    /** The OAuth app's client secret (secret). */
    static final String CLIENT_SECRET = "clientSecret";
    /** The OAuth refresh token (secret; HubSpot's do not expire until the app is uninstalled). */
    static final String REFRESH_TOKEN = "refreshToken";
    /** First wait between retries, in milliseconds (doubling). */
    static final String RETRY_MILLIS = "retryMillis";

    private HubSpotSettings() {
    }
}
