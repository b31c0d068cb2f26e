package io.hotcrm.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hotcrm.common.Notices;
import io.hotcrm.importing.ImportListener;
import io.hotcrm.importing.ImportState;
import io.hotcrm.importing.ImportSummary;
import io.hotcrm.importing.Importer;
import io.hotcrm.jobs.Job;
import io.hotcrm.jobs.JobContext;
import io.hotcrm.jobs.JobHandler;
import java.io.IOException;
import java.util.UUID;

/**
 * The {@code import} job: runs a recorded import ({@code {"importId": "…"}}) with progress and
 * cancellation. A retry, or a run after the node died, continues after the import's last committed chunk.
 */
public final class ImportJob implements JobHandler {
    static final ObjectMapper JSON = new ObjectMapper().registerModule(new com.fasterxml.jackson.datatype.jsr310.JavaTimeModule())
            .disable(com.fasterxml.jackson.databind.SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    private final Importer importer;
    private final Notices notices;

    public ImportJob(Importer importer, Notices notices) {
        this.importer = importer;
        this.notices = notices;
    }

    @Override
    public String type() {
        return Importer.JOB_TYPE;
    }

    @Override
    public String run(JobContext ctx) throws IOException {
        UUID id = Importer.importOf(ctx.payload());
        ImportSummary s;
        try {
            s = importer.execute(id, ctx.jobId(), ctx.attempt(), listener(ctx));
        } catch (RuntimeException e) {
            if (ctx.lastAttempt() && importer.get(io.hotcrm.security.Principal.system(), id).partOf() == null) {
                tell(notices, ctx.createdBy(), "HotCRM import failed", "Your import " + id + " stopped: " + e.getMessage()
                        + "\n\nResume it (hotcrm import resume " + id + ") or undo it (hotcrm import undo " + id + ").");
            }
            throw e;
        }
        if (!s.dryRun() && s.partOf() == null) {
            tell(notices, ctx.createdBy(), "HotCRM import of " + s.fileName() + " " + s.stateText(), s.message()
                    + "\n\nObject: " + s.object() + "\nImport: " + s.id() + (s.errorFile() != null
                    ? "\nThe rows that failed are in the error file (download it from the import's page)." : ""));
        }
        if (s.state() == ImportState.CANCELLED) {
            ctx.checkCancelled();
        }
        ctx.message(s.message());
        return JSON.writeValueAsString(s.view());
    }

    /** The job's progress and cancellation, as an import hears them. */
    static ImportListener listener(JobContext ctx) {
        return new ImportListener() {
            private long knownTotal = -1;

            @Override
            public void progress(long done, long total, String message) {
                if (total > 0 && total != knownTotal) {
                    knownTotal = total;
                    ctx.total(total);
                }
                ctx.progress(done, message);
            }

            @Override
            public boolean cancelled() {
                return ctx.cancelRequested();
            }
        };
    }

    /** Users hear how their import ended (by email when SMTP is set up, and in the console). */
    static void tell(Notices notices, String email, String subject, String body) {
        if (email != null && email.contains("@")) {
            notices.tell(email, subject, body);
        }
    }

    /**
     * The import's job stopped without the import's code ending it: the import becomes resumable (and
     * undoable) while it waits for another attempt or its owner, failed when no attempt is left — then its
     * user is told, as when an attempt fails — or cancelled.
     */
    @Override
    public void stopped(Job job) {
        UUID id = Importer.importOf(job.payload());
        ImportState state = switch (job.state()) {
            case FAILED -> ImportState.FAILED;
            case CANCELLED -> ImportState.CANCELLED;
            default -> ImportState.INTERRUPTED;
        };
        String reason = job.message() == null ? "Its process stopped" : job.message();
        importer.stopped(id, state, reason).ifPresent(s -> {
            if (s.partOf() == null && (state == ImportState.FAILED || (state == ImportState.INTERRUPTED && job.inlineJob()))) {
                tell(notices, job.createdBy(), "HotCRM import " + state.id(), "Your import " + id + " of " + s.fileName()
                        + " stopped: " + s.message());
            }
        });
    }
}
