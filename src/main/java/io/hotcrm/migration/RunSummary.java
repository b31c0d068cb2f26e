package io.hotcrm.migration;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A migration run as people see it: its mode ({@code dry-run}, {@code run}, {@code delta}), state, and per planned
 * object what was read from the source and what the import made of it, with the reconcile report of a run.
 */
public record RunSummary(UUID id, String migration, String mode, MigrationState state, String createdBy, Instant createdAt,
                         Instant finishedAt, UUID jobId, String message, Instant highWater, List<Step> steps,
                         ReconcileReport reconcile) {

    /**
     * One object of the run. {@code skipped}: source records left out on purpose (users HotCRM already has);
     * {@code queueOwned}/{@code unmatchedOwners}: records given the fallback owner; {@code orphans}: references the
     * plan cannot keep, by field and target type; {@code deleted}: records a delta sent to the recycle bin;
     * {@code readMillis}/{@code importMillis}: how long reading it from the source and importing it took.
     */
    public record Step(int position, String source, String target, String state, UUID importId, long read, long created,
                       long updated, long unchanged, long failed, long skipped, long queueOwned, long unmatchedOwners,
                       Map<String, Long> orphans, long deleted, String errorFile, String message, long readMillis,
                       long importMillis) {
    }

    public long failed() {
        return steps.stream().mapToLong(Step::failed).sum();
    }

    /** Whether all went well: every record in, and (for a run) no reconcile gap nor spot-check difference. */
    public boolean clean() {
        return state == MigrationState.SUCCEEDED && (reconcile == null || reconcile.clean());
    }
}
