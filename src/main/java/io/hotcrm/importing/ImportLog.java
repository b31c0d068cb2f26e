package io.hotcrm.importing;

import io.hotcrm.common.HotCrmException;
import io.hotcrm.mapping.RowProblem;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** The {@code hc_import} rows: one per import, with its settings, state, counts and checkpoint. */
final class ImportLog {
    private final Jdbi jdbi;

    ImportLog(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Counts and checkpoint of an import so far. */
    record Counts(long done, long created, long updated, long unchanged, long skipped, long failed) {
        Counts plus(Counts c) {
            return new Counts(done + c.done, created + c.created, updated + c.updated, unchanged + c.unchanged,
                    skipped + c.skipped, failed + c.failed);
        }
    }

    /** Records a new import (state queued) reading the upload's key or the command line's file. */
    void create(UUID id, ImportRequest r, String match, String settings, String createdBy, OffsetDateTime stamp,
                String sourceKey, String sourcePath, String resultKey) {
        jdbi.useHandle(h -> h.createUpdate("insert into hc_import (id, object_name, mode, match_field, dry_run, file_name,"
                        + " source_key, source_path, settings, state, created_by, created_at, stamp, result_key)"
                        + " values (:id, :o, :mode, :match, :dry, :file, :key, :path, :settings, 'queued', :by, :now, :stamp, :rkey)")
                .bind("id", id).bind("o", r.object()).bind("mode", r.mode().id()).bind("match", match).bind("dry", r.dryRun())
                .bind("file", r.fileName()).bind("key", sourceKey).bind("path", sourcePath).bind("settings", settings)
                .bind("by", createdBy).bind("now", OffsetDateTime.now(ZoneOffset.UTC))
                .bind("stamp", stamp).bind("rkey", resultKey).execute());
    }

    /**
     * Makes {@code runner} (a job's attempt) the one run of the import: allowed when the import waits (queued),
     * stopped midway (interrupted, failed), or is already this job's (an earlier attempt of it died). False when
     * another run holds it or it has ended.
     */
    boolean claim(UUID id, UUID jobId, String runner, String message) {
        return jdbi.withHandle(h -> h.createUpdate("update hc_import set state = 'running', runner = :runner,"
                        + " job_id = coalesce(cast(:job as uuid), job_id), message = :m, finished_at = null where id = :id"
                        + " and (state in ('queued', 'interrupted', 'failed') or (state = 'running' and job_id = cast(:job as uuid)))")
                .bind("runner", runner).bind("job", jobId).bind("m", message).bind("id", id).execute()) == 1;
    }

    void total(UUID id, long rows) {
        jdbi.useHandle(h -> h.createUpdate("update hc_import set total_rows = :t where id = :id").bind("t", rows < 0 ? null : rows)
                .bind("id", id).execute());
    }

    /** Marks the import as being undone by {@code runner}, if it is still in the state it was read in. */
    boolean claimForUndo(UUID id, String runner, String from) {
        return jdbi.withHandle(h -> h.createUpdate("update hc_import set state = 'undoing', runner = :runner where id = :id"
                + " and state = :from").bind("runner", runner).bind("id", id).bind("from", from).execute()) == 1;
    }

    /** Gives an import back its earlier state after an undo that failed. */
    void release(UUID id, String runner, String state) {
        jdbi.useHandle(h -> h.createUpdate("update hc_import set state = :s where id = :id and runner = :runner")
                .bind("s", state).bind("id", id).bind("runner", runner).execute());
    }

    /**
     * Adds a chunk's counts and moves the checkpoint, in the chunk's transaction, if {@code runner} still owns
     * the import; otherwise throws, which rolls the chunk back: another run took the import over.
     */
    static void advance(Handle h, UUID id, String runner, Counts c) {
        int n = h.createUpdate("update hc_import set rows_done = rows_done + :d, checkpoint_row = checkpoint_row + :d,"
                        + " created = created + :c, updated = updated + :u, unchanged = unchanged + :n,"
                        + " skipped = skipped + :s, failed = failed + :f where id = :id and runner = :runner and state = 'running'")
                .bind("d", c.done()).bind("c", c.created()).bind("u", c.updated()).bind("n", c.unchanged())
                .bind("s", c.skipped()).bind("f", c.failed()).bind("id", id).bind("runner", runner).execute();
        if (n != 1) {
            throw new HotCrmException(io.hotcrm.common.ErrorCode.CONFLICT, "Import " + id + " is no longer this run's: it was"
                    + " resumed, cancelled or undone elsewhere, so this run stops without writing more.");
        }
    }

    void advance(UUID id, String runner, Counts c) {
        jdbi.useHandle(h -> advance(h, id, runner, c));
    }

    /** Ends the run of {@code runner} with a state; false if the import is not (or no longer) its. */
    boolean finish(UUID id, String runner, String state, String message) {
        return jdbi.withHandle(h -> h.createUpdate("update hc_import set state = :s, message = :m, finished_at = :now where id = :id"
                        + " and runner = :runner and state in ('running', 'undoing')")
                .bind("s", state).bind("m", message).bind("now", OffsetDateTime.now(ZoneOffset.UTC)).bind("id", id)
                .bind("runner", runner).execute()) == 1;
    }

    /** Records how a run that stopped without ending it left the import, unless the import has ended. */
    boolean stopped(UUID id, String state, String message) {
        return jdbi.withHandle(h -> h.createUpdate("update hc_import set state = :s, message = :m"
                        + (state.equals("interrupted") ? "" : ", finished_at = :now")
                        + " where id = :id and state in ('queued', 'running', 'interrupted')")
                .bind("s", state).bind("m", message).bind("now", OffsetDateTime.now(ZoneOffset.UTC)).bind("id", id).execute()) == 1;
    }

    void jobId(UUID id, UUID jobId) {
        jdbi.useHandle(h -> h.createUpdate("update hc_import set job_id = cast(:j as uuid) where id = :id").bind("j", jobId).bind("id", id)
                .execute());
    }

    Optional<Row> find(UUID id) {
        return jdbi.withHandle(h -> h.createQuery("select * from hc_import where id = :id").bind("id", id)
                .map((rs, c) -> Row.of(rs)).findOne());
    }

    Row get(UUID id) {
        return find(id).orElseThrow(() -> HotCrmException.notFound("There is no import with id " + id + "."));
    }

    List<Row> list(String createdBy, int limit) {
        return jdbi.withHandle(h -> h.createQuery("select * from hc_import" + (createdBy == null ? "" : " where created_by = :by")
                        + " order by created_at desc limit :limit").bind("by", createdBy).bind("limit", limit)
                .map((rs, c) -> Row.of(rs)).list());
    }

    /** One stored import. */
    record Row(UUID id, String object, ImportMode mode, String match, boolean dryRun, String fileName, String sourceKey,
               String sourcePath, String settings, String state, String createdBy, OffsetDateTime createdAt,
               OffsetDateTime finishedAt, UUID jobId, OffsetDateTime stamp, Long totalRows, Counts counts, String resultKey,
               String message) {
        static Row of(java.sql.ResultSet rs) throws java.sql.SQLException {
            long total = rs.getLong("total_rows");
            Long totalOrNull = rs.wasNull() ? null : total;
            return new Row(rs.getObject("id", UUID.class), rs.getString("object_name"), ImportMode.of(rs.getString("mode")),
                    rs.getString("match_field"), rs.getBoolean("dry_run"), rs.getString("file_name"), rs.getString("source_key"),
                    rs.getString("source_path"), rs.getString("settings"), rs.getString("state"), rs.getString("created_by"),
                    utc(rs.getObject("created_at", OffsetDateTime.class)), utc(rs.getObject("finished_at", OffsetDateTime.class)),
                    rs.getObject("job_id", UUID.class), utc(rs.getObject("stamp", OffsetDateTime.class)), totalOrNull,
                    new Counts(rs.getLong("rows_done"), rs.getLong("created"), rs.getLong("updated"), rs.getLong("unchanged"),
                            rs.getLong("skipped"), rs.getLong("failed")), rs.getString("result_key"), rs.getString("message"));
        }

        /** The import's result file's key (there once a run ended), and its error file's when a row failed. */
        String resultFile() {
            return resultKey == null ? null : resultKey + "/" + ResultFiles.RESULTS;
        }

        String errorFile() {
            return resultKey == null || counts.failed() == 0 ? null : resultKey + "/" + ResultFiles.ERRORS;
        }

        ImportSummary summary(String source, List<String> ignored, List<RowProblem> problems,
                              List<ImportSummary.Change> changes) {
            return new ImportSummary(id, object, mode, match, dryRun, state, fileName, source, createdBy, createdAt,
                    finishedAt, jobId, totalRows == null ? -1 : totalRows, counts.done(), counts.created(), counts.updated(),
                    counts.unchanged(), counts.skipped(), counts.failed(), ignored, resultFile(), errorFile(), message,
                    problems, changes);
        }
    }

    private static OffsetDateTime utc(OffsetDateTime t) {
        return t == null ? null : t.withOffsetSameInstant(ZoneOffset.UTC);
    }
}
