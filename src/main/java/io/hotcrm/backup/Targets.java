package io.hotcrm.backup;

import io.hotcrm.common.HotCrmException;
import io.hotcrm.common.Ids;
import io.hotcrm.common.Secrets;
import io.hotcrm.common.Work;
import io.hotcrm.destinations.Destination;
import io.hotcrm.destinations.Destinations;
import io.hotcrm.store.Database;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Where backups go besides a local directory, and when they are made: named destinations (any kind the destinations
 * package knows, their secret settings encrypted as export schedules' are) and cron schedules. {@link Backups} is the
 * front door; this class keeps the rows.
 */
final class Targets {
    /** The job type a backup schedule fires. */
    static final String JOB_TYPE = "scheduled-backup";
    private static final String NAME = "[A-Za-z0-9][A-Za-z0-9._-]{0,119}";

    private final Database db;
    private final Destinations destinations;
    private final Secrets secrets;
    private final Work work;

    Targets(Database db, Destinations destinations, Secrets secrets, Work work) {
        this.db = db;
        this.destinations = destinations;
        this.secrets = secrets;
        this.work = work;
    }

    private record Stored(Backups.Place place, Map<String, String> plain) {
    }

    static String checkName(String name, String what) {
        if (name == null || !name.trim().matches(NAME)) {
            throw HotCrmException.invalid("A " + what + " needs a name of 1 to 120 letters, digits, '.', '_' or '-' (found \"" + name
                    + "\").");
        }
        return name.trim();
    }

    Backups.Place saveDestination(String by, String name, String type, Map<String, String> given, boolean test) {
        String n = checkName(name, "backup destination");
        String kind = destinations.kind(type).type();
        Optional<Stored> old = find(n);
        Map<String, String> settings = destinations.merge(kind, given, old.filter(o -> o.place.type().equals(kind))
                .map(Stored::plain).orElse(null));
        String where;
        try (Destination d = destinations.open(kind, settings)) {
            if (test) {
                d.test();
            }
            where = d.describe();
        }
        String stored = destinations.store(kind, settings, secrets);
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        db.jdbi().useTransaction(h -> {
            h.createUpdate("delete from hc_backup_destination where name = :n").bind("n", n).execute();
            h.createUpdate("insert into hc_backup_destination (name, destination_type, settings, location, created_by, updated_at)"
                    + " values (:n, :t, :s, :loc, :by, :at)").bind("loc", where).bind("n", n).bind("t", kind).bind("s", stored).bind("by", by).bind("at", now).execute();
        });
        return new Backups.Place(n, kind, Destinations.read(stored, secrets).shown(), where);
    }

    List<Backups.Place> destinations() {
        return db.jdbi().withHandle(h -> h.createQuery("select * from hc_backup_destination order by name").map((rs, c) -> read(rs)
                .place).list());
    }

    Backups.Place destination(String name) {
        return stored(name).place;
    }

    void deleteDestination(String name) {
        Backups.Place p = destination(name);
        List<String> using = schedules().stream().filter(s -> p.name().equals(s.destination())).map(Backups.Schedule::name).toList();
        if (!using.isEmpty()) {
            throw new HotCrmException(io.hotcrm.common.ErrorCode.CONFLICT, "The backup destination \"" + p.name() + "\" is used by the schedule(s) " + String.join(", ",
                    using) + ": change or delete them first.");
        }
        db.jdbi().useHandle(h -> h.createUpdate("delete from hc_backup_destination where name = :n").bind("n", p.name()).execute());
    }

    /** Opens the named destination. */
    Destination open(String name) {
        Stored s = stored(name);
        return destinations.open(s.place.type(), s.plain);
    }

    private Stored stored(String name) {
        return find(name == null ? "" : name.trim()).orElseThrow(() -> HotCrmException.notFound("There is no backup destination \""
                + name + "\". Add one with: hotcrm backup destination save NAME --type s3 --set bucket=… (see docs/operations.md)."));
    }

    private Optional<Stored> find(String name) {
        return db.jdbi().withHandle(h -> h.createQuery("select * from hc_backup_destination where name = :n").bind("n", name)
                .map((rs, c) -> read(rs)).findOne());
    }

    private Stored read(java.sql.ResultSet rs) throws java.sql.SQLException {
        Destinations.Saved saved = Destinations.read(rs.getString("settings"), secrets);
        return new Stored(new Backups.Place(rs.getString("name"), rs.getString("destination_type"), saved.shown(),
                rs.getString("location")), saved.plain());
    }

    // ---------------------------------------------------------------- schedules

    Backups.Schedule saveSchedule(String by, String name, String cron, String timeZone, String destination, Backups.Retention keep) {
        String n = checkName(name, "backup schedule");
        ZoneId zone;
        try {
            zone = ZoneId.of(timeZone == null || timeZone.isBlank() ? "UTC" : timeZone.trim());
        } catch (RuntimeException e) {
            throw HotCrmException.invalid("\"" + timeZone + "\" is not a time zone; use a name like Europe/Berlin or UTC.");
        }
        if (cron == null || cron.isBlank()) {
            throw HotCrmException.invalid("A backup schedule needs --cron, e.g. \"0 2 * * *\" for 02:00 every day.");
        }
        work.nextRun(cron, zone, Instant.now());
        String dest = destination == null || destination.isBlank() ? null : destination(destination).name();
        Optional<Backups.Schedule> old = schedules().stream().filter(s -> s.name().equals(n)).findFirst();
        UUID id = old.map(Backups.Schedule::id).orElseGet(Ids::newId);
        boolean paused = old.map(Backups.Schedule::paused).orElse(false);
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        db.jdbi().useTransaction(h -> {
            h.createUpdate("delete from hc_backup_schedule where id = :id").bind("id", id).execute();
            h.createUpdate("insert into hc_backup_schedule (id, name, cron, time_zone, destination, keep_daily, keep_weekly, keep_monthly,"
                            + " paused, created_by, updated_at) values (:id, :n, :cron, :zone, :dest, :d, :w, :m, :paused, :by, :at)")
                    .bind("id", id).bind("n", n).bind("cron", cron.trim()).bind("zone", zone.getId()).bind("dest", dest)
                    .bind("d", keep.daily()).bind("w", keep.weekly()).bind("m", keep.monthly()).bind("paused", paused).bind("by", by)
                    .bind("at", now).execute();
        });
        if (!paused) {
            work.scheduleRecurring(recurringId(id), cron.trim(), zone, JOB_TYPE, payload(id));
        }
        return schedule(n);
    }

    List<Backups.Schedule> schedules() {
        return db.jdbi().withHandle(h -> h.createQuery("select * from hc_backup_schedule order by name").map((rs, c) -> {
            boolean paused = rs.getBoolean("paused");
            OffsetDateTime last = rs.getObject("last_run_at", OffsetDateTime.class);
            return new Backups.Schedule(rs.getObject("id", UUID.class), rs.getString("name"), rs.getString("cron"),
                    rs.getString("time_zone"), rs.getString("destination"), new Backups.Retention(rs.getInt("keep_daily"),
                    rs.getInt("keep_weekly"), rs.getInt("keep_monthly")), paused, rs.getString("created_by"),
                    paused ? null : work.nextRun(rs.getString("cron"), ZoneId.of(rs.getString("time_zone")), Instant.now()),
                    last == null ? null : last.toInstant(), rs.getString("last_problem"));
        }).list());
    }

    Backups.Schedule schedule(String name) {
        String n = name == null ? "" : name.trim();
        return schedules().stream().filter(s -> s.name().equals(n)).findFirst().orElseThrow(() -> HotCrmException.notFound(
                "There is no backup schedule \"" + name + "\". See them with: hotcrm backup schedule list"));
    }

    Optional<Backups.Schedule> schedule(UUID id) {
        return schedules().stream().filter(s -> s.id().equals(id)).findFirst();
    }

    Backups.Schedule setPaused(String name, boolean paused) {
        Backups.Schedule s = schedule(name);
        db.jdbi().useHandle(h -> h.createUpdate("update hc_backup_schedule set paused = :p, updated_at = :at where id = :id")
                .bind("p", paused).bind("at", OffsetDateTime.now(ZoneOffset.UTC)).bind("id", s.id()).execute());
        if (paused) {
            work.deleteRecurring(recurringId(s.id()));
        } else {
            work.scheduleRecurring(recurringId(s.id()), s.cron(), ZoneId.of(s.timeZone()), JOB_TYPE, payload(s.id()));
        }
        return schedule(name);
    }

    void deleteSchedule(String name) {
        Backups.Schedule s = schedule(name);
        work.deleteRecurring(recurringId(s.id()));
        db.jdbi().useHandle(h -> h.createUpdate("delete from hc_backup_schedule where id = :id").bind("id", s.id()).execute());
    }

    void registerAll() {
        for (Backups.Schedule s : schedules()) {
            if (!s.paused()) {
                work.scheduleRecurring(recurringId(s.id()), s.cron(), ZoneId.of(s.timeZone()), JOB_TYPE, payload(s.id()));
            }
        }
    }

    /** Switches every backup schedule off (a sandbox makes no backups of itself unless told). */
    int pauseAll() {
        int n = 0;
        for (Backups.Schedule s : schedules()) {
            if (!s.paused()) {
                setPaused(s.name(), true);
                n++;
            }
        }
        return n;
    }

    void ran(UUID id, String problem) {
        db.jdbi().useHandle(h -> h.createUpdate("update hc_backup_schedule set last_run_at = :at, last_problem = :p where id = :id")
                .bind("at", OffsetDateTime.now(ZoneOffset.UTC)).bind("p", problem == null ? null : problem.length() > 1900
                        ? problem.substring(0, 1900) : problem).bind("id", id).execute());
    }

    UUID runHere(UUID id, String by, Work.Progress progress) {
        return work.runHere(JOB_TYPE, payload(id), by, progress);
    }

    UUID submit(UUID id, String by) {
        return work.submit(JOB_TYPE, payload(id), by, null);
    }

    static String payload(UUID id) {
        return "{\"schedule\":\"" + id + "\"}";
    }

    static UUID scheduleOf(String payload) {
        try {
            return UUID.fromString(Archive.MAPPER.readTree(payload).path("schedule").asText());
        } catch (java.io.IOException | IllegalArgumentException e) {
            throw HotCrmException.invalid("Not a backup schedule's job: " + payload);
        }
    }

    private static String recurringId(UUID id) {
        return "backup-schedule-" + id;
    }
}
