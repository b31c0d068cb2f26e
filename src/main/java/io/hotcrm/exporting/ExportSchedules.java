package io.hotcrm.exporting;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hotcrm.common.ErrorCode;
import io.hotcrm.common.HotCrmException;
import io.hotcrm.common.Ids;
import io.hotcrm.common.Notices;
import io.hotcrm.common.Secrets;
import io.hotcrm.common.Work;
import io.hotcrm.destinations.Destination;
import io.hotcrm.destinations.Destinations;
import io.hotcrm.destinations.Upload;
import io.hotcrm.metadata.ObjectDef;
import io.hotcrm.query.ObjectQl;
import io.hotcrm.security.AccessGuard;
import io.hotcrm.security.Principal;
import io.hotcrm.store.ChangeFence;
import io.hotcrm.store.Dialect;
import io.hotcrm.store.Schema;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Scheduled exports: an object's fields and filter, exported on a cron schedule (in a time zone) as CSV,
 * Parquet or JSON Lines (optionally gzipped) to a destination, in full or incrementally — only what was
 * created, changed or deleted since the last successful run, deletions as rows with {@code _deleted = true}.
 * Each run is recorded (state, rows, bytes, duration, file, error); a failed run is retried with backoff
 * (the job system) and never leaves a partial file visible; when the last attempt fails, the owner is told
 * by email. Runs act as the schedule's owner: their permissions, field-level security and visibility apply
 * at the time of each run. Destination credentials are stored encrypted and never shown again.
 */
public final class ExportSchedules {
    public static final String JOB_TYPE = "scheduled-export";
    public static final String DEFAULT_TEMPLATE = "{object}-{schedule}-{datetime}.{ext}";
    static final String MASK = Destinations.MASK;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern VARIABLE = Pattern.compile("\\{([a-z]+)}");
    private static final Set<String> VARIABLES = Set.of("object", "schedule", "date", "time", "datetime", "run", "ext", "mode");

    private final Jdbi jdbi;
    private final Dialect dialect;
    private final Schema schema;
    private final Exporter exporter;
    private final Destinations destinations;
    private final Secrets secrets;
    private final Work jobs;
    private final Notices notifier;
    private final Function<String, Principal> principals;

    public ExportSchedules(Jdbi jdbi, Dialect dialect, Schema schema, Exporter exporter, Destinations destinations, Secrets secrets,
                           Work jobs, Notices notifier, Function<String, Principal> principals) {
        this.jdbi = jdbi;
        this.dialect = dialect;
        this.schema = schema;
        this.exporter = exporter;
        this.destinations = destinations;
        this.secrets = secrets;
        this.jobs = jobs;
        this.notifier = notifier;
        this.principals = principals;
    }

    public Destinations destinations() {
        return destinations;
    }

    /** Full: every matching record each run. Incremental: the changes since the last successful run. */
    public enum Mode {
        FULL, INCREMENTAL;

        public static Mode parse(String s) {
            try {
                return valueOf(s == null ? "FULL" : s.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw HotCrmException.invalid("mode must be full or incremental, not \"" + s + "\".");
            }
        }

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** What a schedule is to do: everything needed to create or change it. */
    public record Spec(String name, String object, List<String> fields, String where, ExportFormat format, boolean gzip,
                       String destinationType, Map<String, String> destination, String fileTemplate, String cron, String timeZone,
                       Mode mode) {
        public Spec {
            fields = fields == null ? List.of() : List.copyOf(fields);
            destination = destination == null ? Map.of() : Map.copyOf(destination);
            fileTemplate = fileTemplate == null || fileTemplate.isBlank() ? DEFAULT_TEMPLATE : fileTemplate.trim();
            timeZone = timeZone == null || timeZone.isBlank() ? "UTC" : timeZone.trim();
            mode = mode == null ? Mode.FULL : mode;
        }

        public Spec withFields(List<String> names) {
            return new Spec(name, object, names, where, format, gzip, destinationType, destination, fileTemplate, cron, timeZone, mode);
        }
    }

    /**
     * A saved schedule. {@code destination} shows secret settings as {@value #MASK}; {@code watermark} is the
     * change_seq up to which an incremental schedule has exported.
     */
    public record Schedule(UUID id, String name, String owner, String object, List<String> fields, String where, ExportFormat format,
                           boolean gzip, String destinationType, Map<String, String> destination, String fileTemplate, String cron,
                           String timeZone, Mode mode, boolean paused, long watermark, int failures, OffsetDateTime updatedAt,
                           Instant nextRun) {

        /** The schedule as the CLI and the REST API show it (secrets masked). */
        public Map<String, Object> view() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", id.toString());
            m.put("name", name);
            m.put("owner", owner);
            m.put("object", object);
            m.put("fields", fields);
            try {
                m.put("where", where == null ? null : JSON.readTree(where));
            } catch (IOException e) {
                m.put("where", where);
            }
            m.put("format", format.wireName());
            m.put("gzip", gzip);
            m.put("mode", mode.wireName());
            m.put("destination", Map.of("type", destinationType, "settings", destination));
            m.put("fileTemplate", fileTemplate);
            m.put("cron", cron);
            m.put("timeZone", timeZone);
            m.put("paused", paused);
            Instant next = nextRun();
            m.put("nextRun", next == null ? null : next.toString());
            m.put("watermark", watermark);
            m.put("consecutiveFailures", failures);
            m.put("updatedAt", updatedAt == null ? null : updatedAt.toString());
            return m;
        }
    }

    /** One run: how it was started, its outcome, what it wrote. */
    public record Run(UUID id, UUID scheduleId, UUID jobId, String trigger, String state, int attempt, OffsetDateTime startedAt,
                      OffsetDateTime finishedAt, Long fromSeq, Long toSeq, Long rows, Long bytes, String file, String error) {
        public Double seconds() {
            return finishedAt == null ? null : java.time.Duration.between(startedAt, finishedAt).toMillis() / 1000.0;
        }
    }

    // ------------------------------------------------------------------ managing schedules

    /**
     * Creates the schedule or changes the one of that name. Everything is checked first, as the owner would
     * run it: export permission, fields and filter, the cron expression and zone, the file name template, the
     * destination's settings and — with {@code testConnection} — a test upload. Secret settings left out or
     * given as {@value #MASK} keep their saved values.
     */
    public Schedule save(Principal p, Spec spec, boolean testConnection) {
        if (spec.name() == null || !spec.name().trim().matches("[A-Za-z0-9][A-Za-z0-9 ._-]{0,119}")) {
            throw HotCrmException.invalid("A schedule needs a name of 1 to 120 letters, digits, spaces, '.', '_' or '-'.");
        }
        String name = spec.name().trim();
        Optional<Stored> existing = find(name);
        existing.ifPresent(s -> requireOwner(p, s.schedule, "change"));
        AccessGuard.requireDestination(p, destinations.kind(spec.destinationType()).type());
        ObjectDef o = schema.object(spec.object());
        if (spec.format() == ExportFormat.XLSX && spec.gzip()) {
            throw HotCrmException.invalid("An Excel file is compressed already; leave gzip off for the xlsx format.");
        }
        ExportRequest request = request(o.name(), spec.fields(), spec.where(), spec.format(), spec.gzip());
        exporter.prepare(p, request);
        ZoneId zone;
        try {
            zone = ZoneId.of(spec.timeZone());
        } catch (RuntimeException e) {
            throw HotCrmException.invalid("\"" + spec.timeZone() + "\" is not a time zone; use a name like Europe/Berlin or UTC.");
        }
        jobs.nextRun(spec.cron(), zone, Instant.now());
        fileName(spec.fileTemplate(), name, o.name(), spec.format(), spec.gzip(), spec.mode(), zone, Instant.now(), Ids.newId());

        Map<String, String> settings = destinations.merge(spec.destinationType(), spec.destination(),
                existing.filter(e -> e.schedule.destinationType().equals(spec.destinationType())).map(e -> e.settings).orElse(null));
        try (Destination d = destinations.open(spec.destinationType(), settings)) {
            if (testConnection) {
                d.test();
            }
        }
        String stored = destinations.store(spec.destinationType(), settings, secrets);
        UUID id = existing.map(s -> s.schedule.id()).orElseGet(Ids::newId);
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        boolean paused = existing.map(s -> s.schedule.paused()).orElse(false);
        boolean modeChanged = existing.map(s -> s.schedule.mode() != spec.mode() || !s.schedule.object().equals(o.name())).orElse(true);
        jdbi.useTransaction(h -> {
            if (existing.isPresent()) {
                h.createUpdate("update hc_export_schedule set object_name = :object, definition = :def, format = :format, gzip = :gzip,"
                                + " destination_type = :dtype, destination = :dest, file_template = :tpl, cron = :cron,"
                                + " time_zone = :zone, mode = :mode, updated_at = :now"
                                + (modeChanged ? ", watermark = 0" : "") + " where id = :id")
                        .bind("id", id).bind("object", o.name()).bind("def", definition(spec)).bind("format", spec.format().wireName())
                        .bind("gzip", spec.gzip()).bind("dtype", spec.destinationType()).bind("dest", stored)
                        .bind("tpl", spec.fileTemplate()).bind("cron", spec.cron().trim()).bind("zone", zone.getId())
                        .bind("mode", spec.mode().wireName()).bind("now", now).execute();
            } else {
                h.createUpdate("insert into hc_export_schedule (id, name, owner_email, object_name, definition, format, gzip,"
                                + " destination_type, destination, file_template, cron, time_zone, mode, paused, watermark, failures,"
                                + " created_at, updated_at) values (:id, :name, :owner, :object, :def, :format, :gzip, :dtype, :dest,"
                                + " :tpl, :cron, :zone, :mode, false, 0, 0, :now, :now)")
                        .bind("id", id).bind("name", name).bind("owner", p.email()).bind("object", o.name())
                        .bind("def", definition(spec)).bind("format", spec.format().wireName()).bind("gzip", spec.gzip())
                        .bind("dtype", spec.destinationType()).bind("dest", stored).bind("tpl", spec.fileTemplate())
                        .bind("cron", spec.cron().trim()).bind("zone", zone.getId()).bind("mode", spec.mode().wireName())
                        .bind("now", now).execute();
            }
        });
        if (!paused) {
            jobs.scheduleRecurring(recurringId(id), spec.cron().trim(), zone, JOB_TYPE, payload(id, "schedule"));
        }
        return get(p, name);
    }

    /** Opens the destination with the settings and uploads a probe; returns where files will go. */
    public String testDestination(Principal p, String type, Map<String, String> settings) {
        AccessGuard.requireDestination(p, destinations.kind(type).type());
        try (Destination d = destinations.open(type, settings)) {
            d.test();
            return d.describe();
        }
    }

    /** The principal's schedules (users who manage setup see all). */
    public List<Schedule> list(Principal p) {
        return jdbi.withHandle(h -> h.createQuery("select * from hc_export_schedule order by name").map((rs, c) -> read(rs)).list())
                .stream().map(s -> s.schedule).filter(s -> mayManage(p, s)).toList();
    }

    public Schedule get(Principal p, String name) {
        Stored s = find(name).filter(x -> mayManage(p, x.schedule)).orElseThrow(() -> HotCrmException.notFound(
                "There is no export schedule named \"" + name + "\" that you can see. List them with: hotcrm export schedule list"));
        return s.schedule;
    }

    public Schedule setPaused(Principal p, String name, boolean paused) {
        Schedule s = get(p, name);
        requireOwner(p, s, paused ? "pause" : "resume");
        jdbi.useHandle(h -> h.createUpdate("update hc_export_schedule set paused = :p, updated_at = :now where id = :id")
                .bind("p", paused).bind("now", OffsetDateTime.now(ZoneOffset.UTC)).bind("id", s.id()).execute());
        if (paused) {
            jobs.deleteRecurring(recurringId(s.id()));
        } else {
            jobs.scheduleRecurring(recurringId(s.id()), s.cron(), ZoneId.of(s.timeZone()), JOB_TYPE, payload(s.id(), "schedule"));
        }
        return get(p, name);
    }

    public void delete(Principal p, String name) {
        Schedule s = get(p, name);
        requireOwner(p, s, "delete");
        jobs.deleteRecurring(recurringId(s.id()));
        jdbi.useTransaction(h -> {
            h.createUpdate("delete from hc_export_run where schedule_id = :id").bind("id", s.id()).execute();
            h.createUpdate("delete from hc_export_schedule where id = :id").bind("id", s.id()).execute();
        });
    }

    /** Queues a run now (paused schedules too); returns its job's id. */
    public UUID runNow(Principal p, String name) {
        Schedule s = get(p, name);
        requireOwner(p, s, "run");
        return jobs.submit(JOB_TYPE, payload(s.id(), "manual"), p.email(), null);
    }

    /** Runs it now in this process (the command line), recorded as a job like any other run. */
    public UUID runHere(Principal p, String name, Work.Progress listener) {
        Schedule s = get(p, name);
        requireOwner(p, s, "run");
        return jobs.runHere(JOB_TYPE, payload(s.id(), "manual"), p.email(), listener);
    }

    /** The newest file a schedule wrote, to download: its name, its content type and the open stream (close it). */
    public record LastFile(String name, String contentType, InputStream stream) {
    }

    /**
     * Opens the newest file the schedule wrote at its destination, for its owner (or an administrator). Not found when it
     * has written none or the file is gone from the destination.
     */
    public LastFile lastFile(Principal p, String name) {
        Schedule s = get(p, name);
        requireOwner(p, s, "download the files of");
        Run last = runs(p, s.name(), 50).stream().filter(r -> "succeeded".equals(r.state()) && r.file() != null).findFirst()
                .orElseThrow(() -> HotCrmException.notFound("\"" + s.name() + "\" has not written a file yet; run it now to write one."));
        Stored stored = find(s.name()).orElseThrow();
        Destination d = destinations.open(s.destinationType(), stored.settings);
        String where = d.describe();
        try {
            String type = s.gzip() ? "application/gzip" : s.format().contentType();
            return new LastFile(last.file().substring(last.file().lastIndexOf('/') + 1), type, d.openHandingOver(last.file()));
        } catch (IOException | RuntimeException e) {
            throw HotCrmException.notFound("The last file of \"" + s.name() + "\", " + last.file() + ", could not be read at "
                    + where + ": " + e.getMessage());
        }
    }

    /** The schedule's runs, newest first. */
    public List<Run> runs(Principal p, String name, int limit) {
        Schedule s = get(p, name);
        return jdbi.withHandle(h -> h.createQuery("select * from hc_export_run where schedule_id = :id order by started_at desc limit "
                + Math.max(1, Math.min(limit, 1000))).bind("id", s.id()).map((rs, c) -> new Run(rs.getObject("id", UUID.class),
                rs.getObject("schedule_id", UUID.class), rs.getObject("job_id", UUID.class), rs.getString("trigger_kind"),
                rs.getString("state"), rs.getInt("attempt"), utc(rs.getObject("started_at", OffsetDateTime.class)),
                utc(rs.getObject("finished_at", OffsetDateTime.class)), rs.getObject("from_seq", Long.class),
                rs.getObject("to_seq", Long.class), rs.getObject("rows_written", Long.class), rs.getObject("bytes", Long.class),
                rs.getString("file_name"), rs.getString("error"))).list());
    }

    // ------------------------------------------------------------------ running

    /**
     * One run of a schedule, as its job: exports (all, or the changes since the watermark) as the owner,
     * uploads the file so that it appears whole, records the run, and advances the watermark. A failure is
     * recorded and rethrown for the job system to retry; after the last attempt the owner is notified.
     */
    public Run execute(String jobPayload, Work.Context ctx) {
        String[] p = parsePayload(jobPayload);
        return execute(UUID.fromString(p[0]), p[1], ctx);
    }

    Run execute(UUID scheduleId, String trigger, Work.Context ctx) {
        Stored stored = findById(scheduleId).orElseThrow(() -> HotCrmException.notFound("The export schedule " + scheduleId
                + " no longer exists."));
        Schedule s = stored.schedule;
        if (s.paused() && trigger.equals("schedule")) {
            return null;
        }
        UUID runId = Ids.newId();
        OffsetDateTime started = OffsetDateTime.now(ZoneOffset.UTC);
        int attempt = ctx == null ? 1 : ctx.attempt();
        jdbi.useHandle(h -> h.createUpdate("insert into hc_export_run (id, schedule_id, job_id, trigger_kind, state, attempt, started_at)"
                        + " values (:id, :sid, cast(:job as uuid), :trigger, 'running', :attempt, :now)")
                .bind("id", runId).bind("sid", s.id()).bind("job", ctx == null ? null : ctx.jobId().toString()).bind("trigger", trigger)
                .bind("attempt", attempt).bind("now", started).execute());
        Long from = null;
        Long to = null;
        String file = null;
        try {
            Principal owner = principals.apply(s.owner());
            AccessGuard.requireDestination(owner, s.destinationType());
            ExportRequest request = request(s.object(), s.fields(), s.where(), s.format(), s.gzip());
            Exporter.Prepared prepared;
            if (s.mode() == Mode.INCREMENTAL) {
                from = s.watermark();
                to = ChangeFence.highWaterMark(jdbi, dialect);
                prepared = exporter.prepareChanges(owner, request, from, to);
            } else {
                prepared = exporter.prepare(owner, request);
            }
            file = fileName(s.fileTemplate(), s.name(), s.object(), s.format(), s.gzip(), s.mode(), ZoneId.of(s.timeZone()),
                    started.toInstant(), runId);
            if (ctx != null) {
                ctx.message("Exporting " + s.object() + " to " + file);
            }
            ExportSummary summary;
            try (Destination d = destinations.open(s.destinationType(), stored.settings); Upload u = d.upload(file)) {
                OutputStream out = u.stream();
                summary = prepared.write(out);
                out.flush();
                if (summary.rows() == 0 && s.mode() == Mode.INCREMENTAL) {
                    u.abort();
                    file = null;
                } else {
                    u.commit();
                }
            }
            long rows = summary.rows();
            long bytes = file == null ? 0 : summary.bytes();
            String written = file;
            Long fromSeq = from;
            Long toSeq = to;
            jdbi.useTransaction(h -> {
                finish(h, runId, "succeeded", fromSeq, toSeq, rows, bytes, written, null);
                h.createUpdate("update hc_export_schedule set failures = 0" + (toSeq != null ? ", watermark = :to" : "")
                        + " where id = :id").bind("to", toSeq).bind("id", s.id()).execute();
            });
            if (ctx != null) {
                ctx.progress(rows);
                ctx.message(rows + " rows" + (written == null ? ", no changes: no file written" : " written to " + written));
            }
            return runs(Principal.system(), s.name(), 1).get(0);
        } catch (RuntimeException | IOException e) {
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
            Long fromSeq = from;
            Long toSeq = to;
            String target = file;
            jdbi.useTransaction(h -> {
                finish(h, runId, "failed", fromSeq, toSeq, null, null, target, message.length() > 3900 ? message.substring(0, 3900) : message);
                h.createUpdate("update hc_export_schedule set failures = failures + 1 where id = :id").bind("id", s.id()).execute();
            });
            if (ctx == null || ctx.lastAttempt()) {
                notifier.tell(s.owner(), "HotCRM export \"" + s.name() + "\" failed",
                        "The scheduled export \"" + s.name() + "\" of " + s.object() + " failed" + (attempt > 1 ? " " + attempt
                                + " times in a row" : "") + ": " + message + "\n\nNo file was left at the destination. See its runs with:"
                                + " hotcrm export schedule runs \"" + s.name() + "\"");
            }
            if (e instanceof HotCrmException he) {
                throw he;
            }
            throw new HotCrmException(ErrorCode.UNAVAILABLE, "The export \"" + s.name() + "\" failed: " + message, e);
        }
    }

    private static void finish(Handle h, UUID runId, String state, Long from, Long to, Long rows, Long bytes, String file, String error) {
        h.createUpdate("update hc_export_run set state = :state, finished_at = :now, from_seq = :from, to_seq = :to,"
                        + " rows_written = :rows, bytes = :bytes, file_name = :file, error = :error where id = :id")
                .bind("state", state).bind("now", OffsetDateTime.now(ZoneOffset.UTC)).bind("from", from).bind("to", to)
                .bind("rows", rows).bind("bytes", bytes).bind("file", file).bind("error", error).bind("id", runId).execute();
    }

    // ------------------------------------------------------------------ helpers

    private static ExportRequest request(String object, List<String> fields, String where, ExportFormat format, boolean gzip) {
        return new ExportRequest(object, null, where == null || where.isBlank() ? null : ObjectQl.parseWhere(where), fields, List.of(),
                new ExportOptions(format, false, true, gzip));
    }

    /**
     * The file name from the template: {@code {object}}, {@code {schedule}} (name with spaces as '-'),
     * {@code {date}} (2026-11-25), {@code {time}} (020000), {@code {datetime}} (20261125T020000), {@code {run}},
     * {@code {mode}}, {@code {ext}} (csv, parquet, jsonl, plus .gz) — dates and times in the schedule's zone.
     */
    static String fileName(String template, String schedule, String object, ExportFormat format, boolean gzip, Mode mode, ZoneId zone,
                           Instant at, UUID run) {
        if (template.indexOf('/') >= 0 || template.indexOf('\\') >= 0) {
            throw HotCrmException.invalid("The file name template \"" + template + "\" contains a path separator. Files are"
                    + " written into the destination's own folder (its path, prefix or directory setting): use '-' or '_'"
                    + " between the template's parts, e.g. " + DEFAULT_TEMPLATE + ".");
        }
        ZonedDateTime t = at.atZone(zone);
        Matcher m = VARIABLE.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String v = m.group(1);
            if (!VARIABLES.contains(v)) {
                throw HotCrmException.invalid("The file name template uses {" + v + "}; it may use " + String.join(", ",
                        VARIABLES.stream().sorted().map(x -> "{" + x + "}").toList()) + ".");
            }
            String value = switch (v) {
                case "object" -> object;
                case "schedule" -> schedule.trim().replaceAll("\\s+", "-");
                case "date" -> DateTimeFormatter.ISO_LOCAL_DATE.format(t);
                case "time" -> DateTimeFormatter.ofPattern("HHmmss").format(t);
                case "datetime" -> DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss").format(t);
                case "run" -> run.toString();
                case "mode" -> mode.wireName();
                default -> format.extension() + (gzip ? ".gz" : "");
            };
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return Destinations.checkName(out.toString());
    }


    private static String definition(Spec spec) {
        ObjectNode d = JSON.createObjectNode();
        d.putPOJO("fields", spec.fields());
        if (spec.where() != null && !spec.where().isBlank()) {
            try {
                d.set("where", JSON.readTree(spec.where()));
            } catch (IOException e) {
                throw HotCrmException.invalid("The filter is not valid JSON: " + e.getMessage());
            }
        }
        return d.toString();
    }

    private static String recurringId(UUID id) {
        return "export-" + id;
    }

    private static String payload(UUID id, String trigger) {
        return JSON.createObjectNode().put("schedule", id.toString()).put("trigger", trigger).toString();
    }

    /** The job's payload: schedule id and trigger ({@code schedule} or {@code manual}). */
    static String[] parsePayload(String payload) {
        try {
            var n = JSON.readTree(payload);
            return new String[] {n.path("schedule").asText(), n.path("trigger").asText("schedule")};
        } catch (IOException e) {
            throw HotCrmException.invalid("Not a scheduled-export payload: " + payload);
        }
    }

    private static boolean mayManage(Principal p, Schedule s) {
        return p.isSystem() || p.role().manageSetup() || p.email().equalsIgnoreCase(s.owner());
    }

    private static void requireOwner(Principal p, Schedule s, String what) {
        if (!mayManage(p, s)) {
            throw new HotCrmException(ErrorCode.PERMISSION_DENIED, "Only " + s.owner() + " (who created it) or an administrator may "
                    + what + " the export schedule \"" + s.name() + "\".");
        }
    }

    /**
     * An export file a schedule wrote that is still at its destination and holds rows of a person: the schedule,
     * where the file is (without secrets), its name, how many of its rows (-1: it could not be read, with why in
     * {@code action}), and what erasing does or did.
     */
    public record HeldFile(UUID schedule, String scheduleName, String object, String destination, String file, long rows,
                           String action) {
    }

    /**
     * The export files still at their destinations (every schedule's succeeded runs) with rows of the records given or
     * a value that {@code matches} accepts; with {@code delete} those files are deleted from their destinations (they
     * are copies of the data as it was: the next run of the schedule writes it as it is now). For the privacy package,
     * which checks its caller.
     */
    public List<HeldFile> held(Set<UUID> ids, java.util.function.Predicate<String> matches, boolean delete) {
        java.util.function.Predicate<String> idsIn = io.hotcrm.common.TextSearch.ids(ids);
        java.util.function.Predicate<String> test = text -> idsIn.test(text) || matches.test(text);
        Map<UUID, List<String>> byRun = new LinkedHashMap<>();
        jdbi.useHandle(h -> h.createQuery("select schedule_id, file_name from hc_export_run where state = 'succeeded' and file_name is"
                + " not null order by started_at").map((rs, c) -> byRun.computeIfAbsent(rs.getObject(1, UUID.class),
                k -> new java.util.ArrayList<>()).add(rs.getString(2))).list());
        List<HeldFile> out = new java.util.ArrayList<>();
        for (Map.Entry<UUID, List<String>> e : byRun.entrySet()) {
            Stored stored = findById(e.getKey()).orElse(null);
            if (stored == null) {
                continue;
            }
            Schedule s = stored.schedule;
            String where = s.destinationType();
            try (Destination d = destinations.open(s.destinationType(), stored.settings)) {
                where = d.describe();
                for (String file : new java.util.LinkedHashSet<>(e.getValue())) {
                    if (!d.exists(file)) {
                        continue;
                    }
                    long rows = HeldFiles.count(d, file, matches, test);
                    if (rows > 0) {
                        if (delete) {
                            d.delete(file);
                        }
                        out.add(new HeldFile(s.id(), s.name(), s.object(), where, file, rows, delete ? "deleted" : "delete"));
                    }
                }
            } catch (IOException | RuntimeException ex) {
                String why = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage().lines().findFirst().orElse("");
                out.add(new HeldFile(s.id(), s.name(), s.object(), where, null, -1, "not checked: the destination could not be"
                        + " read (" + why + "); look for the person's rows there by hand"));
            }
        }
        return out;
    }

    /**
     * Sets every running schedule on the job server again: a restored database holds its schedules but not the job
     * server's record of them (setting one again replaces it, so this is safe at every start).
     */
    public void registerAll() {
        List<Schedule> all = jdbi.withHandle(h -> h.createQuery("select * from hc_export_schedule where paused = false")
                .map((rs, c) -> read(rs).schedule).list());
        for (Schedule s : all) {
            jobs.scheduleRecurring(recurringId(s.id()), s.cron(), ZoneId.of(s.timeZone()), JOB_TYPE, payload(s.id(), "schedule"));
        }
    }

    /** A schedule with its destination settings decrypted (never leaves this class). */
    private record Stored(Schedule schedule, Map<String, String> settings) {
    }

    private Optional<Stored> find(String name) {
        return jdbi.withHandle(h -> h.createQuery("select * from hc_export_schedule where name = :n").bind("n", name.trim())
                .map((rs, c) -> read(rs)).findOne());
    }

    private Optional<Stored> findById(UUID id) {
        return jdbi.withHandle(h -> h.createQuery("select * from hc_export_schedule where id = :id").bind("id", id)
                .map((rs, c) -> read(rs)).findOne());
    }

    private Stored read(java.sql.ResultSet rs) throws java.sql.SQLException {
        List<String> fields;
        String where;
        try {
            var def = JSON.readTree(rs.getString("definition"));
            fields = JSON.convertValue(def.path("fields"), new TypeReference<List<String>>() { });
            where = def.has("where") ? def.get("where").toString() : null;
        } catch (IOException e) {
            throw new IllegalStateException("A stored export schedule is not readable", e);
        }
        Destinations.Saved saved = Destinations.read(rs.getString("destination"), secrets);
        Map<String, String> shown = saved.shown();
        Map<String, String> plain = saved.plain();
        Schedule s = new Schedule(rs.getObject("id", UUID.class), rs.getString("name"), rs.getString("owner_email"),
                rs.getString("object_name"), fields == null ? List.of() : fields, where, ExportFormat.parse(rs.getString("format")),
                rs.getBoolean("gzip"), rs.getString("destination_type"), shown, rs.getString("file_template"), rs.getString("cron"),
                rs.getString("time_zone"), Mode.parse(rs.getString("mode")), rs.getBoolean("paused"), rs.getLong("watermark"),
                rs.getInt("failures"), utc(rs.getObject("updated_at", OffsetDateTime.class)),
                rs.getBoolean("paused") ? null : jobs.nextRun(rs.getString("cron"), ZoneId.of(rs.getString("time_zone")), Instant.now()));
        return new Stored(s, plain);
    }

    private static OffsetDateTime utc(OffsetDateTime t) {
        return t == null ? null : t.withOffsetSameInstant(ZoneOffset.UTC);
    }

}
