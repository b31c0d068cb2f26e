package io.hotcrm.app;

import io.hotcrm.exporting.ExportSchedules;
import io.hotcrm.jobs.JobContext;
import io.hotcrm.jobs.JobHandler;

/** The {@code scheduled-export} job: one run of a schedule; failures are retried by the job system with backoff. */
public final class ScheduledExportJob implements JobHandler {
    private final ExportSchedules schedules;

    public ScheduledExportJob(ExportSchedules schedules) {
        this.schedules = schedules;
    }

    @Override
    public String type() {
        return ExportSchedules.JOB_TYPE;
    }

    @Override
    public String run(JobContext ctx) {
        ExportSchedules.Run run = schedules.execute(ctx.payload(), ctx);
        if (run == null) {
            return "{\"skipped\":\"the schedule is paused\"}";
        }
        return "{\"run\":\"" + run.id() + "\",\"rows\":" + run.rows() + ",\"bytes\":" + run.bytes()
                + ",\"file\":" + (run.file() == null ? "null" : "\"" + run.file().replace("\"", "\\\"") + "\"") + "}";
    }
}
