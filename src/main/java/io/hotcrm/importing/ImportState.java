package io.hotcrm.importing;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * Where an import stands, and where it may go from there:
 * <pre>
 * queued ──► running ──► succeeded | completed_with_failures | cancelled | failed | interrupted
 * interrupted, failed ──► running (resumed)
 * succeeded, completed_with_failures, cancelled, failed, interrupted ──► undoing ──► undone
 * undoing ──► (its state before, when the undo failed or was cancelled)
 * </pre>
 */
public enum ImportState {
    QUEUED, RUNNING, SUCCEEDED, COMPLETED_WITH_FAILURES, CANCELLED, FAILED, INTERRUPTED, UNDOING, UNDONE;

    /** The state as stored and shown in the API: {@code queued}, {@code completed_with_failures}, … */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ImportState of(String id) {
        return valueOf(id.toUpperCase(Locale.ROOT));
    }

    /** A run of the import has ended (whatever an undo may do later). */
    public boolean ended() {
        return this == SUCCEEDED || this == COMPLETED_WITH_FAILURES || this == CANCELLED || this == UNDOING || this == UNDONE;
    }

    /** A run may take the import up: it waits, or stopped midway. */
    public boolean resumable() {
        return this == QUEUED || this == INTERRUPTED || this == FAILED;
    }

    /** Its writes may be taken back: a run is over and no undo is under way or done. */
    public boolean undoable() {
        return this == SUCCEEDED || this == COMPLETED_WITH_FAILURES || this == CANCELLED || this == FAILED || this == INTERRUPTED;
    }

    /** The states this one may move to. */
    public Set<ImportState> next() {
        return switch (this) {
            case QUEUED -> EnumSet.of(RUNNING, CANCELLED, FAILED, INTERRUPTED);
            case RUNNING -> EnumSet.of(SUCCEEDED, COMPLETED_WITH_FAILURES, CANCELLED, FAILED, INTERRUPTED);
            case INTERRUPTED, FAILED -> EnumSet.of(RUNNING, UNDOING, CANCELLED, FAILED);
            case SUCCEEDED, COMPLETED_WITH_FAILURES, CANCELLED -> EnumSet.of(UNDOING);
            case UNDOING -> EnumSet.of(UNDONE, SUCCEEDED, COMPLETED_WITH_FAILURES, CANCELLED, FAILED, INTERRUPTED);
            case UNDONE -> EnumSet.noneOf(ImportState.class);
        };
    }

    /** The states from which an import may move to {@code to}, as SQL: {@code 'queued', 'running'}. */
    static String fromSql(ImportState to) {
        StringBuilder b = new StringBuilder();
        for (ImportState s : values()) {
            if (s.next().contains(to)) {
                b.append(b.length() == 0 ? "" : ", ").append('\'').append(s.id()).append('\'');
            }
        }
        return b.toString();
    }

    /** How the state reads for people: "completed with 8 failed rows", "succeeded", … */
    public String describe(long failed) {
        return this == COMPLETED_WITH_FAILURES ? "completed with " + failed + " failed row" + (failed == 1 ? "" : "s")
                : id().replace('_', ' ');
    }
}
