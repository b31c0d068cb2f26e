package io.hotcrm.importing;

import io.hotcrm.common.HotCrmException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** The {@code hc_import} rows: one per import, with its settings, state, counts and checkpoint. */
final class ImportLog {
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
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
                String sourceKey, String sourcePath, String resultKey, long totalRows, String requestKey) {
        jdbi.useHandle(h -> h.createUpdate("insert into hc_import (id, object_name, mode, match_field, dry_run, file_name,"
                        + " source_key, source_path, settings, state, created_by, created_at, stamp, result_key, total_rows, request_key)"
                        + " values (:id, :o, :mode, :match, :dry, :file, :key, :path, :settings, 'queued', :by, :now, :stamp, :rkey,"
                        + " :total, :rk)")
                .bind("id", id).bind("o", r.object()).bind("mode", r.mode().id()).bind("match", match).bind("dry", r.dryRun())
                .bind("file", r.fileName()).bind("key", sourceKey).bind("path", sourcePath).bind("settings", settings)
                .bind("by", createdBy).bind("now", OffsetDateTime.now(ZoneOffset.UTC))
                .bind("stamp", stamp).bind("rkey", resultKey).bind("total", totalRows < 0 ? null : totalRows)
                .bind("rk", requestKey).execute());
    }

    /** The import a caller started with this idempotency key, if any. */
    Optional<Row> byRequestKey(String createdBy, String requestKey) {
        return jdbi.withHandle(h -> h.createQuery("select * from hc_import where created_by = :by and request_key = :k")
                .bind("by", createdBy).bind("k", requestKey).map((rs, c) -> Row.of(rs)).findOne());
    }

    /**
     * Makes {@code runner} (a job's attempt) the one run of the import: allowed when the import waits (queued),
     * stopped midway (interrupted, failed), or is already this job's (an earlier attempt of it died). False when
     * another run holds it or it has ended.
     */
    boolean claim(UUID id, UUID jobId, String runner, String message) {
        return jdbi.withHandle(h -> h.createUpdate("update hc_import set state = 'running', runner = :runner,"
                        + " job_id = coalesce(cast(:job as uuid), job_id), message = :m, finished_at = null where id = :id"
                        + " and (state in (" + ImportState.fromSql(ImportState.RUNNING) + ")"
                        + " or (state = 'running' and job_id = cast(:job as uuid)))")
                .bind("runner", runner).bind("job", jobId).bind("m", message).bind("id", id).execute()) == 1;
    }

    /** Marks the import as being undone by {@code runner}, if it is still in the state it was read in. */
    boolean claimForUndo(UUID id, String runner, ImportState from) {
        return jdbi.withHandle(h -> h.createUpdate("update hc_import set state = 'undoing', runner = :runner where id = :id"
                + " and state = :from").bind("runner", runner).bind("id", id).bind("from", from.id()).execute()) == 1;
    }

    /** Gives an import back its earlier state after an undo that failed or was cancelled. */
    void release(UUID id, String runner, ImportState state) {
        jdbi.useHandle(h -> h.createUpdate("update hc_import set state = :s where id = :id and runner = :runner and state = 'undoing'")
                .bind("s", state.id()).bind("id", id).bind("runner", runner).execute());
    }

    /** The job undoing the import, recorded once it exists. */
    void undoJob(UUID id, String runner, UUID jobId) {
        jdbi.useHandle(h -> h.createUpdate("update hc_import set undo_job_id = cast(:j as uuid) where id = :id and runner = :runner")
                .bind("j", jobId).bind("id", id).bind("runner", runner).execute());
    }

    /** Ends an undo: state undone, with what it did. */
    boolean undone(UUID id, String runner, String message, String result) {
        return jdbi.withHandle(h -> h.createUpdate("update hc_import set state = 'undone', message = :m, undo_result = :r,"
                        + " finished_at = :now where id = :id and runner = :runner and state = 'undoing'")
                .bind("m", message).bind("r", result).bind("now", OffsetDateTime.now(ZoneOffset.UTC)).bind("id", id)
                .bind("runner", runner).execute()) == 1;
    }

    /**
     * Adds a chunk's counts and moves the checkpoint, in the chunk's transaction, if {@code runner} still owns
     * the import; otherwise throws, which rolls the chunk back: another run took the import over.
     */
    static void advance(Handle h, UUID id, String runner, Counts c, String problems, String changes) {
        int n = h.createUpdate("update hc_import set rows_done = rows_done + :d, checkpoint_row = checkpoint_row + :d,"
                        + " created = created + :c, updated = updated + :u, unchanged = unchanged + :n,"
                        + " skipped = skipped + :s, failed = failed + :f, problems = :p"
                        + (changes == null ? "" : ", changes = :ch")
                        + " where id = :id and runner = :runner and state = 'running'")
                .bind("d", c.done()).bind("c", c.created()).bind("u", c.updated()).bind("n", c.unchanged())
                .bind("s", c.skipped()).bind("f", c.failed()).bind("p", problems).bind("ch", changes)
                .bind("id", id).bind("runner", runner).execute();
        if (n != 1) {
            throw new HotCrmException(io.hotcrm.common.ErrorCode.CONFLICT, "Import " + id + " is no longer this run's: it was"
                    + " resumed, cancelled or undone elsewhere, so this run stops without writing more.");
        }
    }

    void advance(UUID id, String runner, Counts c, String problems, String changes) {
        jdbi.useHandle(h -> advance(h, id, runner, c, problems, changes));
    }

    /**
     * Ends the run of {@code runner} with a state (and what it found, when given); false if the import is not (or
     * no longer) its.
     */
    boolean finish(UUID id, String runner, ImportState state, String message, String problems) {
        return jdbi.withHandle(h -> h.createUpdate("update hc_import set state = :s, message = :m, finished_at = :now"
                        + (problems == null ? "" : ", problems = :p") + " where id = :id and runner = :runner and state = 'running'")
                .bind("s", state.id()).bind("m", message).bind("p", problems).bind("now", OffsetDateTime.now(ZoneOffset.UTC))
                .bind("id", id).bind("runner", runner).execute()) == 1;
    }

    /** Records how a run that stopped without ending it left the import, unless the import has ended. */
    boolean stopped(UUID id, ImportState state, String message) {
        return jdbi.withHandle(h -> h.createUpdate("update hc_import set state = :s, message = :m"
                        + (state == ImportState.INTERRUPTED ? "" : ", finished_at = :now")
                        + " where id = :id and state in ('queued', 'running', 'interrupted')")
                .bind("s", state.id()).bind("m", message).bind("now", OffsetDateTime.now(ZoneOffset.UTC)).bind("id", id)
                .execute()) == 1;
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

    List<Row> list(String createdBy, String object, java.util.Collection<ImportState> states, int limit) {
        StringBuilder sql = new StringBuilder("select * from hc_import where 1 = 1");
        if (createdBy != null) {
            sql.append(" and created_by = :by");
        }
        if (object != null) {
            sql.append(" and object_name = :object");
        }
        if (!states.isEmpty()) {
            sql.append(" and state in (<states>)");
        }
        sql.append(" order by created_at desc limit :limit");
        return jdbi.withHandle(h -> {
            var q = h.createQuery(sql.toString()).bind("by", createdBy).bind("object", object).bind("limit", limit);
            if (!states.isEmpty()) {
                q.bindList("states", states.stream().map(ImportState::id).toList());
            }
            return q.map((rs, c) -> Row.of(rs)).list();
        });
    }

    /** Who has run imports, for a filter. */
    List<String> runners() {
        return jdbi.withHandle(h -> h.createQuery("select distinct created_by from hc_import order by created_by").mapTo(String.class).list());
    }

    /** One stored import. */
    record Row(UUID id, String object, ImportMode mode, String match, boolean dryRun, String fileName, String sourceKey,
               String sourcePath, String settings, ImportState state, String createdBy, OffsetDateTime createdAt,
               OffsetDateTime finishedAt, UUID jobId, OffsetDateTime stamp, Long totalRows, Counts counts, String resultKey,
               String message, String problems, String changes, String undoResult, UUID undoJobId) {
        static Row of(java.sql.ResultSet rs) throws java.sql.SQLException {
            long total = rs.getLong("total_rows");
            Long totalOrNull = rs.wasNull() ? null : total;
            return new Row(rs.getObject("id", UUID.class), rs.getString("object_name"), ImportMode.of(rs.getString("mode")),
                    rs.getString("match_field"), rs.getBoolean("dry_run"), rs.getString("file_name"), rs.getString("source_key"),
                    rs.getString("source_path"), rs.getString("settings"), ImportState.of(rs.getString("state")),
                    rs.getString("created_by"),
                    utc(rs.getObject("created_at", OffsetDateTime.class)), utc(rs.getObject("finished_at", OffsetDateTime.class)),
                    rs.getObject("job_id", UUID.class), utc(rs.getObject("stamp", OffsetDateTime.class)), totalOrNull,
                    new Counts(rs.getLong("rows_done"), rs.getLong("created"), rs.getLong("updated"), rs.getLong("unchanged"),
                            rs.getLong("skipped"), rs.getLong("failed")), rs.getString("result_key"), rs.getString("message"),
                    rs.getString("problems"), rs.getString("changes"), rs.getString("undo_result"),
                    rs.getObject("undo_job_id", UUID.class));
        }

        /** The import's result file's key (there once a run ended), and its error file's when a row failed. */
        String resultFile() {
            return resultKey == null ? null : resultKey + "/" + ResultFiles.RESULTS;
        }

        String errorFile() {
            return resultKey == null || counts.failed() == 0 ? null : resultKey + "/" + ResultFiles.ERRORS;
        }

        /** The import as the front door returns it, with what it found and what its undo did. */
        ImportSummary summary() {
            Findings f = Findings.parse(problems, changes);
            com.fasterxml.jackson.databind.JsonNode asked = settingsJson();
            List<String> ignored = new java.util.ArrayList<>();
            asked.path("ignoredColumns").forEach(n -> ignored.add(n.asText()));
            String source = asked.hasNonNull("source") ? asked.get("source").asText() : null;
            return new ImportSummary(id, object, mode, match, dryRun, state, fileName, source, createdBy, createdAt,
                    finishedAt, jobId, totalRows == null ? -1 : totalRows, counts.done(), counts.created(), counts.updated(),
                    counts.unchanged(), counts.skipped(), counts.failed(), ignored, resultFile(), errorFile(), message,
                    f.groups(), f.first(), f.changes(), ImportSummary.UndoResult.parse(undoResult), undoJobId,
                    asked.hasNonNull("partOf") ? asked.get("partOf").asText() : null);
        }

        /** How the import was asked for: mapping, read options, blanks, source description, ignored columns. */
        com.fasterxml.jackson.databind.JsonNode settingsJson() {
            try {
                return JSON.readTree(settings);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    private static OffsetDateTime utc(OffsetDateTime t) {
        return t == null ? null : t.withOffsetSameInstant(ZoneOffset.UTC);
    }
}
