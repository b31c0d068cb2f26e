package io.hotcrm.jobs;

import java.util.UUID;
import org.jobrunr.server.JobActivator;

/**
 * What JobRunr runs: one public entry point per kind of JobRunr job. JobRunr stores these as method
 * signatures ({@code io.hotcrm.jobs.JobWorker.execute(java.util.UUID)}), so renaming a method or this class
 * strands jobs already queued: keep them stable.
 */
public final class JobWorker {
    private final Jobs jobs;

    JobWorker(Jobs jobs) {
        this.jobs = jobs;
    }

    /** Runs one attempt of a HotCRM job; a failure is rethrown so JobRunr retries it with backoff. */
    public void execute(UUID jobId) {
        jobs.execute(jobId, null);
    }

    /** Fired by a recurring schedule: records a new job of the type and queues it. */
    public void runScheduled(String type, String payload) {
        jobs.submitScheduled(type, payload);
    }

    /** Hands JobRunr this node's worker. */
    static final class Activator implements JobActivator {
        private final JobWorker worker;

        Activator(JobWorker worker) {
            this.worker = worker;
        }

        @Override
        public <T> T activateJob(Class<T> type) {
            return type == JobWorker.class ? type.cast(worker) : null;
        }
    }
}
