package io.hotcrm.app;

import io.hotcrm.common.Notices;
import io.hotcrm.jobs.JobContext;
import io.hotcrm.jobs.JobHandler;
import io.hotcrm.migration.Migrations;
import io.hotcrm.migration.RunSummary;
import java.util.UUID;

/**
 * The {@code migration-undo} job: takes a migration run back (payload: its id), its imports last first. Run again after
 * a failure, it skips the imports already undone.
 */
public final class MigrationUndoJob implements JobHandler {
    private final Migrations migrations;
    private final Notices notices;

    public MigrationUndoJob(Migrations migrations, Notices notices) {
        this.migrations = migrations;
        this.notices = notices;
    }

    @Override
    public String type() {
        return Migrations.UNDO_JOB_TYPE;
    }

    @Override
    public String run(JobContext ctx) throws Exception {
        RunSummary s = migrations.executeUndo(UUID.fromString(ctx.payload().strip()), ctx.createdBy(), ctx);
        ImportJob.tell(notices, ctx.createdBy(), "HotCRM migration run undone", s.message() + "\n\nRun: " + s.id());
        ctx.message(s.message());
        return ImportJob.JSON.writeValueAsString(s);
    }
}
