package io.hotcrm.importing;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.hotcrm.common.ErrorCode;
import io.hotcrm.common.HotCrmException;
import io.hotcrm.mapping.CompiledMapping.Target;
import io.hotcrm.mapping.RowProblem;
import io.hotcrm.metadata.FieldDef;
import io.hotcrm.security.Principal;
import io.hotcrm.store.Database;
import io.hotcrm.store.RecordBatch;
import io.hotcrm.store.RecordBatch.Change;
import io.hotcrm.store.RecordBatch.NewRecord;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The writing stage, on its own thread and connection: writes chunk N in one transaction — its records, its undo
 * journal, the import's checkpoint and what it found — while the pipeline looks up, matches and classifies chunk
 * N+1 (and stores that chunk's result rows). Chunks are written in order. A dry-run writes the checkpoint only.
 */
final class ChunkWriter implements Runnable {
    private static final Object DONE = new Object();

    /** A chunk looked up, matched and classified, ready to be written. */
    record Prepared(List<ImportRow> chunk, List<NewRecord> inserts, List<Change> updates, List<UUID> createdIds,
                    ArrayNode updatedJournal, ImportLog.Counts counts) {
    }

    private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(1);
    private final Database db;
    private final RecordBatch batch;
    private final ImportLog log;
    private final UUID importId;
    private final String runner;
    private final boolean dryRun;
    private final Principal principal;
    private final OffsetDateTime stamp;
    private final Classifier classifier;
    private final io.hotcrm.metadata.ObjectDef object;
    private final ImportListener listener;
    private final long totalRows;
    final Findings findings;
    private volatile ImportLog.Counts total;
    volatile Throwable failure;
    /**
     * Nanoseconds spent adding findings, inserting, updating, in transactions in all, writing the journal, writing
     * the checkpoint, and committing, for the log.
     */
    final long[] timing = new long[7];

    ChunkWriter(Database db, RecordBatch batch, ImportLog log, UUID importId, String runner, boolean dryRun, Principal principal,
                OffsetDateTime stamp, Classifier classifier, ImportListener listener,
                long totalRows, ImportLog.Counts before, Findings findings) {
        this.db = db;
        this.batch = batch;
        this.log = log;
        this.importId = importId;
        this.runner = runner;
        this.dryRun = dryRun;
        this.principal = principal;
        this.stamp = stamp;
        this.classifier = classifier;
        this.object = classifier.object();
        this.listener = listener;
        this.totalRows = totalRows;
        this.total = before;
        this.findings = findings;
    }

    ImportLog.Counts counts() {
        return total;
    }

    /** Hands a chunk over, waiting while the previous one is written (unless writing failed). */
    void put(Prepared p) {
        offer(p);
    }

    /** Says no chunk follows; the thread ends after the last one. */
    void finish() {
        offer(DONE);
    }

    private void offer(Object o) {
        try {
            while (failure == null && !queue.offer(o, 100, TimeUnit.MILLISECONDS)) {
                // wait for the writer, unless it failed
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            if (o != DONE) {
                throw new HotCrmException(ErrorCode.UNAVAILABLE, "The import was interrupted.");
            }
        }
    }

    @Override
    public void run() {
        try {
            while (true) {
                Object next = queue.take();
                if (next == DONE) {
                    return;
                }
                write((Prepared) next);
                long done = total.done();
                listener.progress(done, totalRows, (dryRun ? "Checked " : "Imported ") + done
                        + (totalRows > 0 ? " of " + totalRows : "") + " rows");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            failure = t;
        }
    }

    /**
     * Writes a prepared chunk (whose result rows are already stored, see {@link ResultFiles}) in one transaction with
     * the records, the undo journal and the checkpoint — so every committed chunk has its result rows, and a chunk
     * whose transaction did not commit is written again, part and all, by the resumed run.
     */
    private void write(Prepared prepared) {
        long t0 = System.nanoTime();
        List<ImportRow> chunk = prepared.chunk();
        findings.add(chunk, dryRun);
        String problems = findings.problemsJson();
        timing[0] += System.nanoTime() - t0;
        ImportLog.Counts c = prepared.counts();
        if (dryRun) {
            log.advance(importId, runner, c, problems, findings.changesJson());
        } else {
            List<FieldDef> insertColumns = classifier.insertColumns();
            long tx = System.nanoTime();
            long[] workEnd = new long[1];
            db.jdbi().useTransaction(h -> {
                long a = System.nanoTime();
                batch.insert(h, object, insertColumns, prepared.inserts(), stamp, principal.userId());
                long b = System.nanoTime();
                batch.update(h, object, classifier.columns, prepared.updates(), stamp, principal.userId());
                timing[1] += b - a;
                timing[2] += System.nanoTime() - b;
                long j0 = System.nanoTime();
                if (!prepared.createdIds().isEmpty() || !prepared.updatedJournal().isEmpty()) {
                    h.createUpdate("insert into hc_import_chunk (import_id, seq, first_row, last_row, created, updated)"
                                    + " values (:id, (select coalesce(max(seq), 0) + 1 from hc_import_chunk where import_id = :id),"
                                    + " :first, :last, :created, :updated)")
                            .bind("id", importId).bind("first", chunk.get(0).number).bind("last", chunk.get(chunk.size() - 1).number)
                            .bind("created", prepared.createdIds().isEmpty() ? null : join(prepared.createdIds()))
                            .bind("updated", prepared.updatedJournal().isEmpty() ? null : prepared.updatedJournal().toString())
                            .execute();
                }
                long j1 = System.nanoTime();
                ImportLog.advance(h, importId, runner, c, problems, null);
                timing[4] += j1 - j0;
                workEnd[0] = System.nanoTime();
                timing[5] += workEnd[0] - j1;
            });
            long end = System.nanoTime();
            timing[3] += end - tx;
            timing[6] += end - workEnd[0];
        }
        total = total.plus(c);
    }

    private static String join(List<UUID> ids) {
        StringBuilder b = new StringBuilder(ids.size() * 37);
        for (UUID u : ids) {
            if (b.length() > 0) {
                b.append(',');
            }
            b.append(u);
        }
        return b.toString();
    }
}
