package io.hotcrm.web;

import io.hotcrm.common.HotCrmException;
import io.hotcrm.exporting.ExportFormat;
import io.hotcrm.exporting.ExportSchedules;
import io.hotcrm.metadata.ObjectDef;
import io.hotcrm.security.Principal;
import io.hotcrm.security.Sessions;
import io.hotcrm.store.Schema;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.hotcrm.destinations.Destinations;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Setup → Data → Scheduled exports: the list with each schedule's last run, run now, pause and resume; a
 * form to create one with a destination connection test; each schedule's run history with its errors.
 * Everything goes through {@link ExportSchedules}, like the CLI and the REST API.
 */
public final class SchedulePages {
    private final Auth auth;
    private final ExportSchedules schedules;
    private final Schema schema;

    SchedulePages(Auth auth, ExportSchedules schedules, Schema schema) {
        this.auth = auth;
        this.schedules = schedules;
        this.schema = schema;
    }

    /** One schedule in the list, with its last run described and its name made safe for a URL path. */
    public record Line(ExportSchedules.Schedule schedule, String lastRun, String path, String when) {
    }

    void register(RoutesConfig r) {
        r.get("/setup/data/exports", this::list);
        r.get("/setup/data/exports/new", ctx -> auth.page(ctx).ifPresent(s -> form(ctx, s, defaults(), Parts.empty(), null, null)));
        r.post("/setup/data/exports", this::save);
        r.get("/setup/data/exports/{name}", this::runs);
        r.get("/setup/data/exports/{name}/edit", this::edit);
        r.post("/setup/data/exports/{name}/run", ctx -> act(ctx, "run"));
        r.post("/setup/data/exports/{name}/pause", ctx -> act(ctx, "pause"));
        r.post("/setup/data/exports/{name}/resume", ctx -> act(ctx, "resume"));
        r.post("/setup/data/exports/{name}/delete", ctx -> act(ctx, "delete"));
        r.get("/setup/data/exports/{name}/last-file", this::lastFile);
    }


    private void list(Context ctx) {
        Optional<Sessions.Session> session = auth.page(ctx);
        if (session.isEmpty()) {
            return;
        }
        Principal p = session.get().principal();
        List<Line> lines = schedules.list(p).stream().map(s -> {
            List<ExportSchedules.Run> last = schedules.runs(p, s.name(), 1);
            String run = last.isEmpty() ? "never" : last.get(0).state() + " " + last.get(0).startedAt().withNano(0)
                    + (last.get(0).rows() == null ? "" : ", " + last.get(0).rows() + " rows")
                    + (last.get(0).error() == null ? "" : ": " + last.get(0).error());
            return new Line(s, run, ConsoleRoutes.enc(s.name()), Frequency.of(s.cron()).describe());
        }).toList();
        ConsoleRoutes.render(ctx, "schedules.jte", ConsoleRoutes.model("name", p.name(), "csrf", session.get().csrfToken(),
                "schedules", lines, "notice", ctx.queryParam("notice")));
    }

    private static Map<String, String> defaults() {
        Map<String, String> f = new LinkedHashMap<>();
        for (String k : List.of("name", "object", "where", "fileTemplate")) {
            f.put(k, "");
        }
        f.put("format", "csv");
        f.put("mode", "full");
        f.put("destinationType", "local");
        f.put("timeZone", "UTC");
        f.put("gzip", "false");
        return f;
    }

    /** A field offered by the picker. */
    public record FieldChoice(String name, String label, boolean checked) {
    }

    /** A destination kind's settings as labelled inputs. */
    public record KindForm(String type, String label, List<SettingInput> settings) {
    }

    /** One destination setting: its input's name, label, help, whether secret or required, and its value (never a secret's). */
    public record SettingInput(String param, String id, String label, String help, boolean secret, boolean required, String value,
                               boolean saved) {
    }

    /** What the form holds besides the plain values: how often, which fields, the filter rows, the destination settings. */
    record Parts(Frequency frequency, java.util.Set<String> fields, List<FilterRows.Row> filter, Map<String, String> destination) {
        static Parts empty() {
            return new Parts(Frequency.DEFAULT, java.util.Set.of(), List.of(), Map.of());
        }
    }

    private static final Map<String, String> KIND_LABELS = Map.of("local", "A directory on the HotCRM server", "s3",
            "Amazon S3 or an S3-compatible store", "gcs", "Google Cloud Storage", "azure", "Azure Blob Storage", "sftp", "An SFTP server");

    private void form(Context ctx, Sessions.Session s, Map<String, String> values, Parts parts, String error, String tested) {
        Principal p = s.principal();
        List<ObjectDef> exportable = schema.catalogue().objects().stream()
                .filter(o -> p.role().permission(o.name()).read() && p.role().permission(o.name()).export()).toList();
        List<String[]> objects = exportable.stream().map(o -> new String[] {o.name(), o.pluralLabel()}).toList();
        ObjectDef o = exportable.stream().filter(x -> x.name().equals(values.get("object"))).findFirst()
                .orElse(exportable.isEmpty() ? null : exportable.get(0));
        List<FieldChoice> fields = new ArrayList<>();
        List<String[]> filterFields = new ArrayList<>();
        if (o != null) {
            values.put("object", o.name());
            for (String[] sys : new String[][] {{"id", "Record ID"}, {"external_id", "External ID"}, {"created_at", "Created"},
                {"updated_at", "Last modified"}}) {
                fields.add(new FieldChoice(sys[0], sys[1], parts.fields().contains(sys[0])));
            }
            for (io.hotcrm.metadata.FieldDef f : io.hotcrm.security.AccessGuard.readableFields(p, o)) {
                fields.add(new FieldChoice(f.name(), f.label(), parts.fields().contains(f.name())));
                filterFields.add(new String[] {f.name(), f.label()});
            }
        }
        List<FilterRows.Row> rows = new ArrayList<>(parts.filter());
        while (rows.size() < 3) {
            rows.add(FilterRows.Row.EMPTY);
        }
        List<KindForm> kinds = new ArrayList<>();
        for (var k : schedules.destinations().kinds()) {
            if (!p.role().mayConfigureDestination(k.type())) {
                continue;
            }
            boolean current = k.type().equals(values.get("destinationType"));
            List<SettingInput> inputs = k.settings().stream().map(st -> {
                String v = current ? parts.destination().get(st.name()) : null;
                boolean saved = st.secret() && v != null && v.equals(Destinations.MASK);
                return new SettingInput("dest." + k.type() + "." + st.name(), "d-" + k.type() + "-" + st.name(), words(st.name()),
                        st.help(), st.secret(), st.required(), st.secret() || v == null ? "" : v, saved);
            }).toList();
            kinds.add(new KindForm(k.type(), KIND_LABELS.getOrDefault(k.type(), k.type()), inputs));
        }
        kinds.sort(java.util.Comparator.comparing((KindForm k) -> !k.type().equals("local")));
        List<String> formats = Arrays.stream(ExportFormat.values()).map(ExportFormat::wireName).toList();
        // the form is shown again with what the user typed (their own input, never a stored secret): not cached
        ctx.header("Cache-Control", "no-store");
        ConsoleRoutes.render(ctx, "schedule-form.jte", ConsoleRoutes.model("name", p.name(), "csrf", s.csrfToken(), "form", values,
                "objects", objects, "kinds", kinds, "formats", formats, "fields", fields, "filterFields", filterFields, "rows", rows,
                "operators", FilterRows.OPERATORS, "frequency", parts.frequency(), "weekdays", Frequency.WEEKDAYS,
                "zones", ZONES, "error", error, "tested", tested));
    }

    /** Time zones offered first (any other may be typed). */
    private static final List<String> ZONES = java.time.ZoneId.getAvailableZoneIds().stream()
            .filter(z -> z.matches("(Africa|America|Asia|Atlantic|Australia|Europe|Indian|Pacific)/[A-Za-z_]+(/[A-Za-z_]+)?") || z.equals("UTC"))
            .sorted().toList();

    /** "accessKeyId" → "Access key id". */
    static String words(String name) {
        String w = name.replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase(java.util.Locale.ROOT);
        return Character.toUpperCase(w.charAt(0)) + w.substring(1);
    }

    private void save(Context ctx) {
        Principal p = auth.require(ctx);
        Sessions.Session session = auth.session(ctx).orElseThrow();
        Map<String, String> values = defaults();
        values.keySet().forEach(k -> values.put(k, Optional.ofNullable(ctx.formParam(k)).orElse("")));
        values.put("gzip", "true".equals(ctx.formParam("gzip")) ? "true" : "false");
        Frequency frequency = new Frequency(param(ctx, "frequency", "daily"), param(ctx, "minute", "0"), param(ctx, "time", "02:00"),
                param(ctx, "weekday", "1"), param(ctx, "day", "1"), param(ctx, "cron", ""));
        List<String> fieldNames = ctx.formParams("fields");
        List<String> fs = ctx.formParams("filterField");
        List<String> ops = ctx.formParams("filterOp");
        List<String> vs = ctx.formParams("filterValue");
        List<FilterRows.Row> rows = new ArrayList<>();
        for (int i = 0; i < fs.size(); i++) {
            if (!fs.get(i).isBlank()) {
                rows.add(new FilterRows.Row(fs.get(i), i < ops.size() ? ops.get(i) : "$eq", i < vs.size() ? vs.get(i) : ""));
            }
        }
        String type = values.get("destinationType");
        Map<String, String> settings = new LinkedHashMap<>();
        String prefix = "dest." + type + ".";
        ctx.formParamMap().forEach((k, v) -> {
            if (k.startsWith(prefix) && !v.isEmpty() && !v.get(0).isBlank()) {
                settings.put(k.substring(prefix.length()), v.get(0).trim());
            }
        });
        Parts parts = new Parts(frequency, new java.util.LinkedHashSet<>(fieldNames), rows, settings);
        String action = ctx.formParam("action");
        if ("object".equals(action)) {
            form(ctx, session, values, new Parts(frequency, java.util.Set.of(), List.of(), settings), null, null);
            return;
        }
        try {
            if ("test".equals(action)) {
                String where = schedules.testDestination(p, type, settings);
                form(ctx, session, values, parts, null, "Connection works: files will go to " + where + ".");
                return;
            }
            String where = values.get("where").isBlank() ? FilterRows.toWhere(rows) : values.get("where");
            ExportSchedules.Schedule s = schedules.save(p, new ExportSchedules.Spec(values.get("name"), values.get("object"), fieldNames,
                    where, ExportFormat.parse(values.get("format")), Boolean.parseBoolean(values.get("gzip")), type, settings,
                    values.get("fileTemplate"), frequency.toCron(), values.get("timeZone"), ExportSchedules.Mode.parse(values.get("mode"))), true);
            ctx.redirect("/setup/data/exports/" + ConsoleRoutes.enc(s.name()) + "?notice=" + ConsoleRoutes.enc("Saved \"" + s.name() + "\"."));
        } catch (HotCrmException e) {
            form(ctx, session, values, parts, e.getMessage(), null);
        }
    }

    private static String param(Context ctx, String name, String fallback) {
        String v = ctx.formParam(name);
        return v == null ? fallback : v;
    }

    /** The form filled with the schedule; secrets are never shown and are kept unless replaced. */
    private void edit(Context ctx) {
        Optional<Sessions.Session> session = auth.page(ctx);
        if (session.isEmpty()) {
            return;
        }
        ExportSchedules.Schedule s = schedules.get(session.get().principal(), ctx.pathParam("name"));
        Map<String, String> values = defaults();
        values.put("name", s.name());
        values.put("object", s.object());
        List<FilterRows.Row> rows = FilterRows.fromWhere(s.where());
        values.put("where", rows == null && s.where() != null ? s.where() : "");
        values.put("format", s.format().wireName());
        values.put("mode", s.mode().wireName());
        values.put("timeZone", s.timeZone());
        values.put("fileTemplate", s.fileTemplate());
        values.put("gzip", String.valueOf(s.gzip()));
        values.put("destinationType", s.destinationType());
        form(ctx, session.get(), values, new Parts(Frequency.of(s.cron()), new java.util.LinkedHashSet<>(s.fields()),
                rows == null ? List.of() : rows, s.destination()), null, null);
    }

    private void runs(Context ctx) {
        Optional<Sessions.Session> session = auth.page(ctx);
        if (session.isEmpty()) {
            return;
        }
        Principal p = session.get().principal();
        ExportSchedules.Schedule s = schedules.get(p, ctx.pathParam("name"));
        List<ExportSchedules.Run> runs = schedules.runs(p, s.name(), 100);
        boolean hasFile = runs.stream().anyMatch(r -> "succeeded".equals(r.state()) && r.file() != null);
        ConsoleRoutes.render(ctx, "schedule-runs.jte", ConsoleRoutes.model("name", p.name(), "csrf", session.get().csrfToken(),
                "schedule", s, "runs", runs, "path", ConsoleRoutes.enc(s.name()), "frequency", Frequency.of(s.cron()).describe(),
                "nextRun", s.paused() || s.nextRun() == null ? null : zoned(s.nextRun(), s.timeZone()), "hasFile", hasFile,
                "notice", ctx.queryParam("notice")));
    }

    /** A moment in the schedule's own time zone: "Wed 2 Dec 2026, 02:00 CET (Europe/Berlin)". */
    static String zoned(java.time.Instant at, String zone) {
        java.time.ZoneId z = java.time.ZoneId.of(zone);
        return java.time.format.DateTimeFormatter.ofPattern("EEE d MMM yyyy, HH:mm zzz", java.util.Locale.ENGLISH).withZone(z).format(at)
                + (z.getId().equals("UTC") ? "" : " (" + z.getId() + ")");
    }

    private void lastFile(Context ctx) {
        Principal p = auth.require(ctx);
        ExportSchedules.LastFile f = schedules.lastFile(p, ctx.pathParam("name"));
        ctx.header("Content-Disposition", "attachment; filename=\"" + f.name().replaceAll("[^A-Za-z0-9._-]", "_") + "\"")
                .header("X-Content-Type-Options", "nosniff").contentType(f.contentType());
        try (java.io.InputStream in = f.stream()) {
            in.transferTo(ctx.outputStream());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void act(Context ctx, String action) {
        Principal p = auth.require(ctx);
        String name = ctx.pathParam("name");
        String notice;
        boolean fromPage = "schedule".equals(ctx.formParam("back"));
        try {
            notice = switch (action) {
                case "run" -> "\"" + name + "\" is running (job " + schedules.runNow(p, name) + "); its result appears under Last run.";
                case "pause" -> "\"" + schedules.setPaused(p, name, true).name() + "\" is paused.";
                case "delete" -> {
                    schedules.delete(p, name);
                    fromPage = false;
                    yield "Deleted \"" + name + "\" and its run history; files it wrote stay where they are.";
                }
                default -> "\"" + schedules.setPaused(p, name, false).name() + "\" runs again.";
            };
        } catch (HotCrmException e) {
            notice = e.getMessage();
        }
        ctx.redirect((fromPage ? "/setup/data/exports/" + ConsoleRoutes.enc(name) : "/setup/data/exports") + "?notice="
                + ConsoleRoutes.enc(notice));
    }

}
