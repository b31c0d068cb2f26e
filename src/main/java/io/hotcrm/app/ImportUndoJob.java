package io.hotcrm.app;

import io.hotcrm.common.Notices;
import io.hotcrm.importing.ImportState;
import io.hotcrm.importing.ImportSummary;
import io.hotcrm.importing.Importer;
import io.hotcrm.jobs.Job;
import io.hotcrm.jobs.JobContext;
import io.hotcrm.jobs.JobHandler;
import java.io.IOException;

/**
 * The {@code import-undo} job: takes an import back in one transaction, with progress per journal chunk; a
 * cancelled, failed or dead undo changes nothing and gives the import its earlier state back. Its user hears
 * how it ended.
 */
public final class ImportUndoJob implements JobHandler {
    private final Importer importer;
    private final Notices notices;

    public ImportUndoJob(Importer importer, Notices notices) {
        this.importer = importer;
        this.notices = notices;
    }

    @Override
    public String type() {
        return Importer.UNDO_JOB_TYPE;
    }

    @Override
    public String run(JobContext ctx) throws IOException {
        ImportSummary s = importer.executeUndo(ctx.payload(), ctx.jobId(), ImportJob.listener(ctx));
        if (s.state() != ImportState.UNDONE) {
            ctx.checkCancelled();
        }
        if (s.partOf() == null) {
            // an import that is a step of a migration: the migration's undo tells its user once
            ImportJob.tell(notices, ctx.createdBy(), "HotCRM import of " + s.fileName() + " undone", s.message());
        }
        ctx.message(s.message());
        return ImportJob.JSON.writeValueAsString(s.view());
    }

    @Override
    public void stopped(Job job) {
        importer.undoStopped(job.payload());
    }
}
