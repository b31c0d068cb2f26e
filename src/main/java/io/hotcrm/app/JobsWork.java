package io.hotcrm.app;

import io.hotcrm.common.Work;
import io.hotcrm.jobs.Job;
import io.hotcrm.jobs.Jobs;
import java.time.Instant;
import java.time.ZoneId;
import java.util.UUID;

/** {@link Work} on the job server: how features queue, run, cancel and schedule jobs without importing {@code jobs}. */
public final class JobsWork implements Work {
    private final Jobs jobs;

    public JobsWork(Jobs jobs) {
        this.jobs = jobs;
    }

    @Override
    public UUID submit(String type, String payload, String createdBy, String idempotencyKey) {
        return jobs.submit(type, payload, createdBy, idempotencyKey).id();
    }

    @Override
    public UUID runHere(String type, String payload, String createdBy, Progress progress) {
        return jobs.runHere(type, payload, createdBy, progress == null ? null
                : (Job j) -> progress.update(j.done(), j.total(), j.message())).id();
    }

    @Override
    public void cancel(UUID jobId, String by) {
        jobs.cancel(jobId, by);
    }

    @Override
    public void scheduleRecurring(String scheduleId, String cron, ZoneId zone, String type, String payload) {
        jobs.scheduleRecurring(scheduleId, cron, zone, type, payload);
    }

    @Override
    public void deleteRecurring(String scheduleId) {
        jobs.deleteRecurring(scheduleId);
    }

    @Override
    public Instant nextRun(String cron, ZoneId zone, Instant after) {
        return Jobs.nextRun(cron, zone, after);
    }
}
