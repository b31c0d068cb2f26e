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

    void create(UUID id, ImportRequest r, String match, String settings, String createdBy, OffsetDateTime stamp,
                UUID jobId, String resultDir) {
        jdbi.useHandle(h -> h.createUpdate("insert into hc_import (id, object_name, mode, match_field, dry_run, file_name,"
                        + " source_path, settings, state, created_by, created_at, job_id, stamp, result_dir)"
                        + " values (:id, :o, :mode, :match, :dry, :file, :path, :settings, 'running', :by, :now, cast(:job as uuid), :stamp, :dir)")
                .bind("id", id).bind("o", r.object()).bind("mode", r.mode().id()).bind("match", match).bind("dry", r.dryRun())
                .bind("file", r.fileName()).bind("path", r.file().toAbsolutePath().toString()).bind("settings", settings)
                .bind("by", createdBy).bind("now", OffsetDateTime.now(ZoneOffset.UTC)).bind("job", jobId)
                .bind("stamp", stamp).bind("dir", resultDir).execute());
    }

    void total(UUID id, long rows) {
        jdbi.useHandle(h -> h.createUpdate("update hc_import set total_rows = :t where id = :id").bind("t", rows < 0 ? null : rows)
                .bind("id", id).execute());
    }

    /** Adds a chunk's counts and moves the checkpoint, in the chunk's transaction when {@code h} is given. */
    static void advance(Handle h, UUID id, Counts c) {
        h.createUpdate("update hc_import set rows_done = rows_done + :d, checkpoint_row = checkpoint_row + :d,"
                        + " created = created + :c, updated = updated + :u, unchanged = unchanged + :n,"
                        + " skipped = skipped + :s, failed = failed + :f where id = :id")
                .bind("d", c.done()).bind("c", c.created()).bind("u", c.updated()).bind("n", c.unchanged())
                .bind("s", c.skipped()).bind("f", c.failed()).bind("id", id).execute();
    }

    void advance(UUID id, Counts c) {
        jdbi.useHandle(h -> advance(h, id, c));
    }

    void finish(UUID id, String state, String message) {
        jdbi.useHandle(h -> h.createUpdate("update hc_import set state = :s, message = :m, finished_at = :now where id = :id")
                .bind("s", state).bind("m", message).bind("now", OffsetDateTime.now(ZoneOffset.UTC)).bind("id", id).execute());
    }

    void state(UUID id, String state, String message) {
        jdbi.useHandle(h -> h.createUpdate("update hc_import set state = :s, message = :m where id = :id")
                .bind("s", state).bind("m", message).bind("id", id).execute());
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
    record Row(UUID id, String object, ImportMode mode, String match, boolean dryRun, String fileName, String sourcePath,
               String settings, String state, String createdBy, OffsetDateTime createdAt, OffsetDateTime finishedAt,
               UUID jobId, OffsetDateTime stamp, Long totalRows, Counts counts, String resultDir, String message) {
        static Row of(java.sql.ResultSet rs) throws java.sql.SQLException {
            long total = rs.getLong("total_rows");
            Long totalOrNull = rs.wasNull() ? null : total;
            return new Row(rs.getObject("id", UUID.class), rs.getString("object_name"), ImportMode.of(rs.getString("mode")),
                    rs.getString("match_field"), rs.getBoolean("dry_run"), rs.getString("file_name"),
                    rs.getString("source_path"), rs.getString("settings"), rs.getString("state"), rs.getString("created_by"),
                    utc(rs.getObject("created_at", OffsetDateTime.class)), utc(rs.getObject("finished_at", OffsetDateTime.class)),
                    rs.getObject("job_id", UUID.class), utc(rs.getObject("stamp", OffsetDateTime.class)), totalOrNull,
                    new Counts(rs.getLong("rows_done"), rs.getLong("created"), rs.getLong("updated"), rs.getLong("unchanged"),
                            rs.getLong("skipped"), rs.getLong("failed")), rs.getString("result_dir"), rs.getString("message"));
        }

        ImportSummary summary(String source, List<String> ignored, List<RowProblem> problems,
                              List<ImportSummary.Change> changes) {
            String dir = resultDir;
            return new ImportSummary(id, object, mode, match, dryRun, state, fileName, source, createdBy, createdAt,
                    finishedAt, jobId, totalRows == null ? -1 : totalRows, counts.done(), counts.created(), counts.updated(),
                    counts.unchanged(), counts.skipped(), counts.failed(), ignored,
                    dir == null ? null : dir + java.io.File.separator + ResultFiles.RESULTS,
                    dir == null || counts.failed() == 0 ? null : dir + java.io.File.separator + ResultFiles.ERRORS, message,
                    problems, changes);
        }
    }

    private static OffsetDateTime utc(OffsetDateTime t) {
        return t == null ? null : t.withOffsetSameInstant(ZoneOffset.UTC);
    }
}
