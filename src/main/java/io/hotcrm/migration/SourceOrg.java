package io.hotcrm.migration;

import java.util.Map;

/**
 * The org or portal a connection reaches: its name and id, whether it is a sandbox, its time zone, its currency (ISO
 * code; null when the source does not say), and how much of its daily API allowance is used ({@code apiMax} 0 when the
 * source does not say). {@code details}: more a source shows about it, label → text, in order (a HubSpot portal's data
 * hosting location, the scopes its token lacks for the objects a migration reads).
 */
public record SourceOrg(String name, String id, boolean sandbox, String timeZone, String currency, long apiUsed, long apiMax,
                        String instanceUrl, Map<String, String> details) {
    public SourceOrg {
        details = details == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(details));
    }

    public SourceOrg(String name, String id, boolean sandbox, String timeZone, String currency, long apiUsed, long apiMax,
                     String instanceUrl) {
        this(name, id, sandbox, timeZone, currency, apiUsed, apiMax, instanceUrl, Map.of());
    }
}
