package io.hotcrm.app;

import io.hotcrm.common.Notices;
import io.hotcrm.jobs.Job;
import io.hotcrm.jobs.JobContext;
import io.hotcrm.jobs.JobHandler;
import io.hotcrm.migration.MigrationState;
import io.hotcrm.migration.Migrations;
import io.hotcrm.migration.RunSummary;
import java.util.UUID;

/**
 * The {@code migration} job: runs a recorded migration run (payload: its id) step by step. A retry, or a run after
 * the node died, goes on from the step it stopped in; steps that ended are not done again, and a step redone finds
 * the records it wrote before by their source id.
 */
public final class MigrationJob implements JobHandler {
    private final Migrations migrations;
    private final Notices notices;

    public MigrationJob(Migrations migrations, Notices notices) {
        this.migrations = migrations;
        this.notices = notices;
    }

    @Override
    public String type() {
        return Migrations.JOB_TYPE;
    }

    @Override
    public String run(JobContext ctx) throws Exception {
        UUID runId = UUID.fromString(ctx.payload().strip());
        RunSummary s;
        try {
            s = migrations.execute(runId, ctx);
        } catch (RuntimeException e) {
            if (ctx.lastAttempt()) {
                ImportJob.tell(notices, ctx.createdBy(), "HotCRM migration stopped", "Your migration run " + runId + " stopped: "
                        + e.getMessage() + "\n\nRun it again (hotcrm migrate resume " + runId + ") — it goes on where it stopped —"
                        + " or undo it (hotcrm migrate undo " + runId + ").");
            }
            throw e;
        }
        ImportJob.tell(notices, ctx.createdBy(), "HotCRM migration " + s.migration() + " (" + s.mode() + ") "
                + s.state().id().replace('_', ' '), s.message() + "\n\nRun: " + s.id());
        if (s.state() == MigrationState.CANCELLED) {
            ctx.checkCancelled();
        }
        ctx.message(s.message());
        return ImportJob.JSON.writeValueAsString(s);
    }

    @Override
    public void stopped(Job job) {
        MigrationState state = switch (job.state()) {
            case FAILED -> MigrationState.FAILED;
            case CANCELLED -> MigrationState.CANCELLED;
            default -> MigrationState.INTERRUPTED;
        };
        migrations.stopped(UUID.fromString(job.payload().strip()), state, job.message() == null ? "Its process stopped" : job.message());
    }
}
