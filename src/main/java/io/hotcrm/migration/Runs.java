package io.hotcrm.migration;

import io.hotcrm.common.HotCrmException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/** The runs of migrations and their steps (one per planned object), as stored. */
final class Runs {
    private final Jdbi jdbi;

    record Run(UUID id, UUID migrationId, String mode, MigrationState state, String plan, UUID jobId, String createdBy,
               Instant createdAt, Instant finishedAt, Instant since, Instant highWater, String message, String report) {
    }

    record Step(UUID runId, int position, String source, String target, String state, UUID importId, long read,
                long deleted, String result) {
        static final String WAITING = "waiting";
        static final String STAGING = "staging";
        static final String IMPORTING = "importing";
        static final String DONE = "done";
    }

    Runs(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    void create(UUID id, UUID migrationId, String mode, String plan, String by, Instant since, List<String[]> steps) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        jdbi.useTransaction(h -> {
            h.createUpdate("insert into hc_migration_run (id, migration_id, mode, state, plan, created_by, created_at, since)"
                            + " values (:id, :m, :mode, :s, :plan, :by, :now, :since)")
                    .bind("id", id).bind("m", migrationId).bind("mode", mode).bind("s", MigrationState.QUEUED.id())
                    .bind("plan", plan).bind("by", by).bind("now", now)
                    .bind("since", since == null ? null : since.atOffset(ZoneOffset.UTC)).execute();
            for (int i = 0; i < steps.size(); i++) {
                h.createUpdate("insert into hc_migration_step (run_id, position, source_object, target_object, state)"
                                + " values (:r, :p, :s, :t, :st)").bind("r", id).bind("p", i).bind("s", steps.get(i)[0])
                        .bind("t", steps.get(i)[1]).bind("st", Step.WAITING).execute();
            }
        });
    }

    Optional<Run> find(UUID id) {
        return jdbi.withHandle(h -> h.createQuery("select * from hc_migration_run where id = :id").bind("id", id)
                .map((rs, c) -> new Run(rs.getObject("id", UUID.class), rs.getObject("migration_id", UUID.class),
                        rs.getString("mode"), MigrationState.of(rs.getString("state")), rs.getString("plan"),
                        rs.getObject("job_id", UUID.class), rs.getString("created_by"), t(rs.getObject("created_at", OffsetDateTime.class)),
                        t(rs.getObject("finished_at", OffsetDateTime.class)), t(rs.getObject("since", OffsetDateTime.class)),
                        t(rs.getObject("high_water", OffsetDateTime.class)), rs.getString("message"), rs.getString("report")))
                .findOne());
    }

    Run get(UUID id) {
        return find(id).orElseThrow(() -> HotCrmException.notFound("There is no migration run " + id + "; see hotcrm migrate show NAME."));
    }

    List<UUID> ofMigration(UUID migrationId, int limit) {
        return jdbi.withHandle(h -> h.createQuery("select id from hc_migration_run where migration_id = :m order by created_at desc")
                .bind("m", migrationId).setMaxRows(limit).mapTo(UUID.class).list());
    }

    List<Step> steps(UUID runId) {
        return jdbi.withHandle(h -> h.createQuery("select * from hc_migration_step where run_id = :r order by position")
                .bind("r", runId).map((rs, c) -> new Step(runId, rs.getInt("position"), rs.getString("source_object"),
                        rs.getString("target_object"), rs.getString("state"), rs.getObject("import_id", UUID.class),
                        rs.getLong("read_count"), rs.getLong("deleted"), rs.getString("result"))).list());
    }

    void jobId(UUID runId, UUID jobId) {
        jdbi.useHandle(h -> h.createUpdate("update hc_migration_run set job_id = :j where id = :id").bind("j", jobId).bind("id", runId).execute());
    }

    /** Moves a run to a state (a run that ended stays ended). */
    void state(UUID runId, MigrationState s, String message) {
        jdbi.useHandle(h -> h.createUpdate("update hc_migration_run set state = :s, message = coalesce(:m, message),"
                        + " finished_at = case when :ended then :now else finished_at end where id = :id")
                .bind("s", s.id()).bind("m", message).bind("ended", s.ended()).bind("now", OffsetDateTime.now(ZoneOffset.UTC))
                .bind("id", runId).execute());
    }

    void finish(UUID runId, MigrationState s, String message, Instant highWater, String report) {
        jdbi.useHandle(h -> h.createUpdate("update hc_migration_run set state = :s, message = :m, finished_at = :now,"
                        + " high_water = :hw, report = :r where id = :id")
                .bind("s", s.id()).bind("m", message).bind("now", OffsetDateTime.now(ZoneOffset.UTC))
                .bind("hw", highWater == null ? null : highWater.atOffset(ZoneOffset.UTC)).bind("r", report).bind("id", runId).execute());
    }

    void step(UUID runId, int position, String state, UUID importId, long read, long deleted, String result) {
        jdbi.useHandle(h -> h.createUpdate("update hc_migration_step set state = :s, import_id = coalesce(cast(:i as uuid), import_id),"
                        + " read_count = :read, deleted = :d, result = coalesce(:res, result) where run_id = :r and position = :p")
                .bind("s", state).bindByType("i", importId, UUID.class).bind("read", read).bind("d", deleted).bind("res", result)
                .bind("r", runId).bind("p", position).execute());
    }

    private static Instant t(OffsetDateTime o) {
        return o == null ? null : o.toInstant();
    }
}
