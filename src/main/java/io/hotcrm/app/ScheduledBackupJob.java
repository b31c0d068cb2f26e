package io.hotcrm.app;

import io.hotcrm.backup.Backups;
import io.hotcrm.jobs.JobContext;
import io.hotcrm.jobs.JobHandler;

/** The {@code scheduled-backup} job: one run of a backup schedule — backup, verification, pruning. */
final class ScheduledBackupJob implements JobHandler {
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper()
            .registerModule(new com.fasterxml.jackson.datatype.jsr310.JavaTimeModule())
            .disable(com.fasterxml.jackson.databind.SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    private final Backups backups;

    ScheduledBackupJob(Backups backups) {
        this.backups = backups;
    }

    @Override
    public String type() {
        return Backups.SCHEDULE_JOB;
    }

    @Override
    public String run(JobContext ctx) {
        Backups.ScheduledRun run = backups.runSchedule(ctx.payload(), (done, total, message) -> {
            ctx.checkCancelled();
            if (total != null) {
                ctx.total(total);
            }
            ctx.progress(done, message);
        });
        if (run == null) {
            return "{\"skipped\":\"the schedule is paused\"}";
        }
        ctx.message("Backed up to " + run.backup().archive() + "; verified; pruned " + run.pruned().deleted().size() + " old backup(s)");
        try {
            return JSON.writeValueAsString(run);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return "{}";
        }
    }
}
