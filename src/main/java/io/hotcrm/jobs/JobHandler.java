package io.hotcrm.jobs;

/**
 * The work of one job type. A handler must be safe to run again after a failed or interrupted attempt
 * (retries and orphaned work re-run it), must report progress through the context, and should call
 * {@link JobContext#checkCancelled()} between units of work so cancellation takes effect.
 */
public interface JobHandler {
    /** The job type, as stored and shown ({@code import}, {@code recycle-bin-purge}, …). */
    String type();

    /** Attempts before the job is failed for good (1 = no retry). */
    default int maxAttempts() {
        return 3;
    }

    /**
     * Runs the job. The returned text (usually JSON) is kept as the job's result; null for none. Throwing
     * fails this attempt; a {@link io.hotcrm.common.HotCrmException}'s message is shown to the user as is.
     */
    String run(JobContext context) throws Exception;

    /**
     * Called when the job stopped without its own code ending it, on whichever process noticed: the node or
     * command-line process running it died ({@code retrying} when another attempt follows, {@code interrupted}
     * for a command-line job, {@code failed} when no attempt is left), or it was cancelled while it was not
     * running. The feature brings its own records in step (an import becomes resumable, or failed, and its
     * user is told). The default does nothing.
     */
    default void stopped(Job job) {
    }
}
