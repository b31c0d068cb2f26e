package io.hotcrm.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hotcrm.importing.ImportListener;
import io.hotcrm.importing.ImportSummary;
import io.hotcrm.importing.Importer;
import io.hotcrm.jobs.JobContext;
import io.hotcrm.jobs.JobHandler;
import java.io.IOException;
import java.util.UUID;

/**
 * The {@code import} job: runs a recorded import ({@code {"importId": "…"}}) with progress and
 * cancellation. A retry, or a run after the node died, continues after the import's last committed chunk.
 */
final class ImportJob implements JobHandler {
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new com.fasterxml.jackson.datatype.jsr310.JavaTimeModule())
            .disable(com.fasterxml.jackson.databind.SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    private final Importer importer;

    ImportJob(Importer importer) {
        this.importer = importer;
    }

    @Override
    public String type() {
        return Importer.JOB_TYPE;
    }

    @Override
    public String run(JobContext ctx) throws IOException {
        UUID id = Importer.importOf(ctx.payload());
        ImportSummary s = importer.execute(id, new ImportListener() {
            private long knownTotal = -1;

            @Override
            public void progress(long done, long total, String message) {
                if (total > 0 && total != knownTotal) {
                    knownTotal = total;
                    ctx.total(total);
                }
                ctx.progress(done);
                ctx.message(message);
            }

            @Override
            public boolean cancelled() {
                return ctx.cancelRequested();
            }
        });
        if ("cancelled".equals(s.state())) {
            ctx.checkCancelled();
        }
        ctx.message(s.message());
        return JSON.writeValueAsString(s.view());
    }
}
