package io.hotcrm.migration;

import java.util.Arrays;
import java.util.Locale;

/**
 * Where a migration run is: waiting for a worker, running (a step at a time), ended — well, with failed records or a
 * reconcile gap, failed, cancelled — stopped midway and resumable, or taken back by an undo.
 */
public enum MigrationState {
    QUEUED, RUNNING, SUCCEEDED, COMPLETED_WITH_FAILURES, FAILED, INTERRUPTED, CANCELLED, UNDONE;

    @com.fasterxml.jackson.annotation.JsonValue
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean ended() {
        return this == SUCCEEDED || this == COMPLETED_WITH_FAILURES || this == FAILED || this == CANCELLED || this == UNDONE;
    }

    /** A run that stopped before its last step: running it again goes on from the step it stopped in. */
    public boolean resumable() {
        return this == INTERRUPTED || this == FAILED || this == QUEUED;
    }

    @com.fasterxml.jackson.annotation.JsonCreator
    public static MigrationState of(String id) {
        return Arrays.stream(values()).filter(s -> s.id().equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown migration state " + id));
    }
}
