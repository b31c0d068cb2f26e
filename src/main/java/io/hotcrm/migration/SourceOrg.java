package io.hotcrm.migration;

/**
 * The org or portal a connection reaches: its name and id, whether it is a sandbox, its time zone, its currency (ISO
 * code; null when the source does not say), and how much of its daily API allowance is used ({@code apiMax} 0 when the
 * source does not say).
 */
public record SourceOrg(String name, String id, boolean sandbox, String timeZone, String currency, long apiUsed, long apiMax,
                        String instanceUrl) {
}
