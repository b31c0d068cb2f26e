package io.hotcrm.migration;

import java.util.Map;
import java.util.Set;

/**
 * A kind of source (Salesforce, …): the settings a connection to it needs, which of them are secrets (stored
 * encrypted, never shown), how to open it, and its OAuth authorization-code flow for the console.
 */
public interface SourceKind {
    /** The name connections use ({@code salesforce}). */
    String kind();

    /** The settings that are secrets (encrypted at rest, never returned). */
    Set<String> secretSettings();

    /**
     * Settings that name files the user uploaded (their upload ids, comma-separated): the engine keeps a copy of each
     * in the file store for the connection and hands the source the copies' keys instead (a Data Export's ZIP files).
     */
    default Set<String> fileSettings() {
        return Set.of();
    }

    /** Checks a connection's settings before they are saved: what is missing or malformed, and what to give. */
    void check(Map<String, String> settings);

    /**
     * Opens the source with a connection's settings (secrets decrypted). {@code saver} keeps settings the source
     * changes while it runs (a rotated refresh token).
     */
    CrmSource open(Map<String, String> settings, SettingsSaver saver);

    /** Where to send a browser to authorise HotCRM (OAuth 2.0 authorization code with PKCE, S256). */
    String authorizeUrl(Map<String, String> settings, String redirectUri, String state, String codeChallenge);

    /** Exchanges the code from the callback; returns the settings to add to the connection (the refresh token). */
    Map<String, String> exchangeCode(Map<String, String> settings, String code, String redirectUri, String codeVerifier);

    /** Keeps settings a running source changed. */
    @FunctionalInterface
    interface SettingsSaver {
        SettingsSaver NONE = changed -> { };

        void save(Map<String, String> changed);
    }
}
