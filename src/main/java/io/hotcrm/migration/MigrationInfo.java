package io.hotcrm.migration;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A migration as people see it: its source kind and settings (secrets shown as "(set)"), whether it has a plan,
 * the high-water mark a delta starts from, and its latest runs.
 */
public record MigrationInfo(UUID id, String name, String kind, Map<String, String> settings, boolean planned,
                            Instant highWater, UUID lastRunId, String createdBy, Instant createdAt, List<UUID> recentRuns) {
}
