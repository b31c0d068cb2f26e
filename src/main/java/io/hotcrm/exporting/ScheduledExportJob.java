package io.hotcrm.exporting;

import io.hotcrm.jobs.JobContext;
import io.hotcrm.jobs.JobHandler;
import java.util.UUID;

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
        String[] p = ExportSchedules.parsePayload(ctx.payload());
        ExportSchedules.Run run = schedules.execute(UUID.fromString(p[0]), p[1], ctx);
        if (run == null) {
            return "{\"skipped\":\"the schedule is paused\"}";
        }
        return "{\"run\":\"" + run.id() + "\",\"rows\":" + run.rows() + ",\"bytes\":" + run.bytes()
                + ",\"file\":" + (run.file() == null ? "null" : "\"" + run.file().replace("\"", "\\\"") + "\"") + "}";
    }
}
