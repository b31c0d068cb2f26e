package io.hotcrm.jobs;

import java.util.Locale;

/**
 * Where a job is in its life. {@code queued → running → succeeded | failed | cancelled}; a failed attempt
 * with attempts left goes to {@code retrying} (and back to running after the backoff); a job run by a
 * command-line process that stopped midway becomes {@code interrupted}.
 */
public enum JobState {
    QUEUED, RUNNING, RETRYING, INTERRUPTED, SUCCEEDED, FAILED, CANCELLED;

    public boolean terminal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }

    /** It stopped by itself, not by a user: it may be run again ({@link Jobs#retry}). */
    public boolean retryable() {
        return this == FAILED || this == INTERRUPTED;
    }

    /** The stored and displayed form: lower case. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static JobState of(String id) {
        return valueOf(id.toUpperCase(Locale.ROOT));
    }
}
