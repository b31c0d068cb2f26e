package io.hotcrm.common;

import java.time.Instant;
import java.time.ZoneId;
import java.util.UUID;

/**
 * Background work as a feature sees it: queue a job, run one in this process, cancel one, schedule one on a
 * cron. Features name the job type and its payload; the composition root ({@code app}) wires this to the
 * job server and registers the handler that runs each type, so no feature depends on the job library.
 */
public interface Work {
    /**
     * Queues a job for any node's workers. With an idempotency key, the same key returns the job already
     * queued instead of a second one. Returns the job's id.
     */
    UUID submit(String type, String payload, String createdBy, String idempotencyKey);

    /**
     * Runs a job in the calling thread, recorded like any other (so it is listed, can be cancelled from
     * elsewhere, and is marked interrupted if this process dies). Returns the job's id once it ended;
     * a failure is recorded, then rethrown.
     */
    UUID runHere(String type, String payload, String createdBy, Progress progress);

    /** Asks a job to stop: at once when it waits, at its next progress report when it runs. */
    void cancel(UUID jobId, String by);

    /** Runs a job type with the payload on a cron schedule (one node fires it); the same id again replaces it. */
    void scheduleRecurring(String scheduleId, String cron, ZoneId zone, String type, String payload);

    void deleteRecurring(String scheduleId);

    /** The next time a cron expression fires after {@code after}, or an "invalid" error showing the expected form. */
    Instant nextRun(String cron, ZoneId zone, Instant after);

    /**
     * Where a piece of work runs: queued for the job server ({@link #inBackground}, what the API and the console
     * use), or here in the calling thread and recorded as a job ({@link #here}, what the command line uses).
     */
    record Run(boolean here, String idempotencyKey, Progress progress) {
        public static Run inBackground(String idempotencyKey) {
            return new Run(false, idempotencyKey, null);
        }

        public static Run here(Progress progress) {
            return new Run(true, null, progress == null ? Progress.NONE : progress);
        }
    }

    /** Runs a job as {@code run} says: queued, or here. Returns the job's id. */
    default UUID dispatch(Run run, String type, String payload, String createdBy) {
        return run.here() ? runHere(type, payload, createdBy, run.progress())
                : submit(type, payload, createdBy, run.idempotencyKey());
    }

    /** Hears a job run in this process: units done, the total when known (else null), what it does now. */
    @FunctionalInterface
    interface Progress {
        Progress NONE = (done, total, message) -> { };

        void update(long done, Long total, String message);
    }

    /** What a running job gives the feature doing its work: where to report, whether to stop. */
    interface Context {
        UUID jobId();

        /** 1 for the first attempt, 2 for the first retry, … */
        int attempt();

        /** Whether a failure of this attempt ends the job (no retry follows). */
        boolean lastAttempt();

        /** The number of units the job will process, when known. */
        void total(long total);

        /** Units done so far. */
        void progress(long done);

        /** A short line saying what the job does now. */
        void message(String message);

        /** Whether someone asked the job to stop. */
        boolean cancelRequested();
    }
}
