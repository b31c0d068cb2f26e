package io.hotcrm.app;

import io.hotcrm.backup.Backups;
import io.hotcrm.jobs.JobContext;
import io.hotcrm.jobs.JobHandler;

/** The {@code scheduled-backup} job: one run of a backup schedule — backup, verification, pruning. */
final class ScheduledBackupJob implements JobHandler {
    private final Backups backups;

    ScheduledBackupJob(Backups backups) {
        this.backups = backups;
    }

    @Override
    public String type() {
        return Backups.SCHEDULE_JOB;
    }

    @Override
    public String run(JobContext ctx) throws Exception {
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
        return ImportJob.JSON.writeValueAsString(run);
    }
}
