package io.hotcrm.importing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.hotcrm.common.ErrorCode;
import io.hotcrm.common.HotCrmException;
import io.hotcrm.security.Principal;
import io.hotcrm.store.RecordBatch.Change;
import io.hotcrm.store.RecordBatch.Existing;
import io.hotcrm.store.RecordBatch.NewRecord;
import java.io.IOException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * One execution of an import (a dry-run or a commit; a resumed commit continues where the last one stopped),
 * as a pipeline of stages, each in its own file:
 * <ol>
 * <li>{@link Reading} streams and converts rows on its own thread and hands over chunks;</li>
 * <li>{@link Keys} finds rows without a key and duplicates within the file;</li>
 * <li>{@link UserRows} checks roles (user imports only);</li>
 * <li>{@link References} turns lookups and owners into record ids;</li>
 * <li>{@link Classifier} matches the chunk against existing records and classifies each row, and the chunk's
 * result rows are stored ({@link ResultFiles});</li>
 * <li>{@link ChunkWriter} writes the chunk — records, undo journal, checkpoint — on its own thread, while this
 * thread prepares the next chunk.</li>
 * </ol>
 * Each chunk is one transaction, so a killed import never leaves a chunk half-written and resumes exactly after
 * the last committed chunk. A dry-run takes the same path with the writes left out, so the two always agree.
 */
final class ImportRun {
    static final int CHUNK = 10_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final UUID id;
    private final boolean dryRun;
    private final Principal principal;
    private final OffsetDateTime stamp;
    private final Keys keys;
    private final UserRows users;
    private final References references;
    private final Classifier classifier;
    private final ChunkWriter writer;
    private final ResultFiles results;
    private final List<io.hotcrm.mapping.CompiledMapping.Target> targets;
    /** Rows handed to the writer so far (with those of earlier runs): where the next chunk's result part starts. */
    private long prepared;
    /** Nanoseconds waiting for rows, in lookups, matching, classifying, storing result rows; for the log. */
    private final long[] timing = new long[5];

    /**
     * @param users the role check of user imports, or null
     */
    ImportRun(UUID id, boolean dryRun, Principal principal, OffsetDateTime stamp, Keys keys, UserRows users,
              References references, Classifier classifier, ChunkWriter writer, ResultFiles results) {
        this.id = id;
        this.dryRun = dryRun;
        this.principal = principal;
        this.stamp = stamp;
        this.keys = keys;
        this.users = users;
        this.references = references;
        this.classifier = classifier;
        this.writer = writer;
        this.results = results;
        this.targets = classifier.mapping().targets();
    }

    ImportLog.Counts counts() {
        return writer.counts();
    }

    /**
     * Runs the import over the source, skipping the first {@code skip} rows (already imported by an earlier,
     * interrupted run; their keys still count for duplicates). Returns true if the listener cancelled it.
     */
    boolean run(Source source, long skip, ImportListener listener) throws IOException {
        prepared = skip;
        BlockingQueue<Object> queue = new ArrayBlockingQueue<>(2);
        Thread reader = new Thread(new Reading(source, classifier.mapping(), keys, skip, CHUNK, queue), "hotcrm-import-reader-" + id);
        reader.setDaemon(true);
        reader.start();
        Thread writing = new Thread(writer, "hotcrm-import-writer-" + id);
        writing.setDaemon(true);
        writing.start();
        boolean cancelled = false;
        try {
            while (true) {
                long w0 = System.nanoTime();
                Object next = take(queue);
                timing[0] += System.nanoTime() - w0;
                if (next == Reading.END) {
                    break;
                }
                rethrow(next);
                @SuppressWarnings("unchecked")
                List<ImportRow> chunk = (List<ImportRow>) next;
                writer.put(prepare(chunk));
                if (writer.failure != null || listener.cancelled()) {
                    cancelled = writer.failure == null;
                    break;
                }
            }
        } finally {
            reader.interrupt();
            writer.finish();
            try {
                writing.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        rethrow(writer.failure);
        if (!cancelled && !dryRun) {
            references.linkDeferred(stamp, principal, writer.findings::add);
        }
        return cancelled;
    }

    /** A chunk through the keys, references and classifying stages. */
    private ChunkWriter.Prepared prepare(List<ImportRow> chunk) {
        List<ImportRow> nonBlank = new ArrayList<>(chunk.size());
        for (ImportRow row : chunk) {
            if (row.blank) {
                row.status = RowStatus.SKIPPED;
                row.note = "blank row";
                continue;
            }
            nonBlank.add(row);
            if (users != null) {
                users.check(row);
            }
            if (!row.problems.isEmpty()) {
                row.status = RowStatus.FAILED;
            } else {
                keys.check(row);
            }
        }
        long t0 = System.nanoTime();
        references.resolve(nonBlank);
        timing[1] += System.nanoTime() - t0;
        t0 = System.nanoTime();
        List<ImportRow> pending = new ArrayList<>(nonBlank.size());
        for (ImportRow row : nonBlank) {
            if (row.status == null) {
                pending.add(row);
            }
        }
        Map<Object, List<Existing>> existing = classifier.match(pending);
        timing[2] += System.nanoTime() - t0;
        t0 = System.nanoTime();
        List<NewRecord> inserts = new ArrayList<>();
        List<Change> updates = new ArrayList<>();
        ArrayNode updatedJournal = JSON.createArrayNode();
        List<UUID> createdIds = new ArrayList<>();
        for (ImportRow row : pending) {
            classifier.classify(row, existing);
            if (row.status == RowStatus.CREATED) {
                inserts.add(new NewRecord(row.recordId, classifier.insertValues(row)));
                createdIds.add(row.recordId);
            } else if (row.status == RowStatus.UPDATED) {
                updates.add(new Change(row.recordId, row.finalValues, row.changedMask));
                updatedJournal.add(classifier.beforeImage(row));
            }
        }
        references.deferWritten(pending);
        timing[3] += System.nanoTime() - t0;
        t0 = System.nanoTime();
        storeResults(chunk);
        timing[4] += System.nanoTime() - t0;
        return new ChunkWriter.Prepared(chunk, inserts, updates, createdIds, updatedJournal, count(chunk));
    }

    /**
     * Stores the chunk's result rows as a part, before the chunk's transaction can commit: every committed chunk then
     * has its part, and the part of a chunk that never commits is dropped by the resumed run.
     */
    private void storeResults(List<ImportRow> chunk) {
        List<ResultFiles.Line> lines = new ArrayList<>(chunk.size());
        for (ImportRow row : chunk) {
            lines.add(new ResultFiles.Line(row.number, row.raw, row.status.id(dryRun) + (row.note == null ? "" : " (" + row.note + ")"),
                    row.recordId == null ? null : row.recordId.toString(), errors(row), changes(row)));
        }
        results.chunk(prepared, lines);
        prepared += chunk.size();
    }

    /** A row's problems, left to right, each once prefixed by its column. */
    private String errors(ImportRow row) {
        if (row.problems.isEmpty()) {
            return null;
        }
        if (row.problems.size() > 1) {
            row.problems.sort(java.util.Comparator.comparingInt(this::columnOrder));
        }
        List<String> parts = new ArrayList<>(row.problems.size());
        for (io.hotcrm.mapping.RowProblem p : row.problems) {
            parts.add(p.column() == null || p.message().startsWith(p.column() + ":") ? p.message() : p.column() + ": " + p.message());
        }
        return String.join("; ", parts);
    }

    private static String changes(ImportRow row) {
        return row.changes == null ? null : String.join("; ", row.changes.stream()
                .map(ch -> ch.field() + ": " + show(ch.before()) + " → " + show(ch.after())).toList());
    }

    /** Where a problem's column is in the file, so a row's problems read left to right. */
    private int columnOrder(io.hotcrm.mapping.RowProblem p) {
        if (p.column() == null) {
            return Integer.MAX_VALUE;
        }
        for (io.hotcrm.mapping.CompiledMapping.Target t : targets) {
            if (p.column().equals(t.header())) {
                return t.column();
            }
        }
        return Integer.MAX_VALUE - 1;
    }

    private static String show(String s) {
        return s == null ? "(blank)" : s;
    }

    private static ImportLog.Counts count(List<ImportRow> chunk) {
        long created = 0, updated = 0, unchanged = 0, skipped = 0, failed = 0;
        for (ImportRow r : chunk) {
            switch (r.status) {
                case CREATED -> created++;
                case UPDATED -> updated++;
                case UNCHANGED -> unchanged++;
                case SKIPPED -> skipped++;
                case FAILED -> failed++;
            }
        }
        return new ImportLog.Counts(chunk.size(), created, updated, unchanged, skipped, failed);
    }

    /** Time spent per stage, for the log. */
    String timings() {
        String[] names = {"waiting for rows", "lookups", "matching", "classifying", "result files"};
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < names.length; i++) {
            b.append(i == 0 ? "" : ", ").append(names[i]).append(' ').append(timing[i] / 1_000_000).append(" ms");
        }
        return b.append(", findings ").append(writer.timing[0] / 1_000_000).append(" ms, inserting ")
                .append(writer.timing[1] / 1_000_000).append(" ms, updating ").append(writer.timing[2] / 1_000_000)
                .append(" ms, transactions in all ").append(writer.timing[3] / 1_000_000).append(" ms (journal ")
                .append(writer.timing[4] / 1_000_000).append(", checkpoint ").append(writer.timing[5] / 1_000_000)
                .append(", commit ").append(writer.timing[6] / 1_000_000).append(")")
                .toString();
    }

    private static Object take(BlockingQueue<Object> q) {
        try {
            return q.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HotCrmException(ErrorCode.UNAVAILABLE, "The import was interrupted.");
        }
    }

    private static void rethrow(Object failure) throws IOException {
        if (failure instanceof Throwable t) {
            if (t instanceof IOException io) {
                throw io;
            }
            if (t instanceof RuntimeException re) {
                throw re;
            }
            if (t instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(t);
        }
    }
}
