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
    public record Line(ExportSchedules.Schedule schedule, String lastRun, String path) {
    }

    void register(RoutesConfig r) {
        r.get("/setup/data/exports", this::list);
        r.get("/setup/data/exports/new", ctx -> auth.page(ctx).ifPresent(s -> form(ctx, s, defaults(), null, null)));
        r.post("/setup/data/exports", this::save);
        r.get("/setup/data/exports/{name}", this::runs);
        r.get("/setup/data/exports/{name}/edit", this::edit);
        r.post("/setup/data/exports/{name}/run", ctx -> act(ctx, "run"));
        r.post("/setup/data/exports/{name}/pause", ctx -> act(ctx, "pause"));
        r.post("/setup/data/exports/{name}/resume", ctx -> act(ctx, "resume"));
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
            return new Line(s, run, ConsoleRoutes.enc(s.name()));
        }).toList();
        ConsoleRoutes.render(ctx, "schedules.jte", ConsoleRoutes.model("name", p.name(), "csrf", session.get().csrfToken(),
                "schedules", lines, "notice", ctx.queryParam("notice")));
    }

    private static Map<String, String> defaults() {
        Map<String, String> f = new LinkedHashMap<>();
        for (String k : List.of("name", "object", "fields", "where", "cron", "timeZone", "fileTemplate", "settings")) {
            f.put(k, "");
        }
        f.put("format", "csv");
        f.put("mode", "full");
        f.put("destinationType", "sftp");
        f.put("timeZone", "UTC");
        f.put("gzip", "false");
        return f;
    }

    private void form(Context ctx, Sessions.Session s, Map<String, String> values, String error, String tested) {
        Principal p = s.principal();
        List<String> objects = schema.catalogue().objects().stream()
                .filter(o -> p.role().permission(o.name()).read() && p.role().permission(o.name()).export()).map(ObjectDef::name).toList();
        List<String> types = schedules.destinations().kinds().stream().map(k -> k.type()).toList();
        // the form is shown again with what the user typed (their own input, never a stored secret): not cached
        ctx.header("Cache-Control", "no-store");
        ConsoleRoutes.render(ctx, "schedule-form.jte", ConsoleRoutes.model("name", p.name(), "csrf", s.csrfToken(), "form", values,
                "objects", objects, "types", types, "error", error, "tested", tested));
    }

    private void save(Context ctx) {
        Principal p = auth.require(ctx);
        Sessions.Session session = auth.session(ctx).orElseThrow();
        Map<String, String> values = defaults();
        values.keySet().forEach(k -> values.put(k, Optional.ofNullable(ctx.formParam(k)).orElse("")));
        values.put("gzip", "true".equals(ctx.formParam("gzip")) ? "true" : "false");
        try {
            Map<String, String> settings = settings(values.get("settings"));
            if ("test".equals(ctx.formParam("action"))) {
                String where = schedules.testDestination(p, values.get("destinationType"), settings);
                form(ctx, session, values, null, "Connection works: files will go to " + where + ".");
                return;
            }
            List<String> fields = Arrays.stream(values.get("fields").split(",")).map(String::trim).filter(f -> !f.isEmpty()).toList();
            ExportSchedules.Schedule s = schedules.save(p, new ExportSchedules.Spec(values.get("name"), values.get("object"), fields,
                    values.get("where").isBlank() ? null : values.get("where"), ExportFormat.parse(values.get("format")),
                    Boolean.parseBoolean(values.get("gzip")), values.get("destinationType"), settings, values.get("fileTemplate"),
                    values.get("cron"), values.get("timeZone"), ExportSchedules.Mode.parse(values.get("mode"))), true);
            ctx.redirect("/setup/data/exports?notice=" + ConsoleRoutes.enc("Saved \"" + s.name() + "\"; next run " + s.nextRun() + "."));
        } catch (HotCrmException e) {
            form(ctx, session, values, e.getMessage(), null);
        }
    }

    /** {@code key=value} lines; blank lines and {@code #} comments are skipped. */
    private static Map<String, String> settings(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : text.split("\\R")) {
            String l = line.trim();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            int eq = l.indexOf('=');
            if (eq <= 0) {
                throw HotCrmException.invalid("Each destination setting is one line key=value; \"" + l.split("=")[0]
                        + "\" has no value.");
            }
            out.put(l.substring(0, eq).trim(), l.substring(eq + 1).trim());
        }
        return out;
    }

    /** The form filled with the schedule; secrets show as ******** and are kept unless replaced. */
    private void edit(Context ctx) {
        Optional<Sessions.Session> session = auth.page(ctx);
        if (session.isEmpty()) {
            return;
        }
        ExportSchedules.Schedule s = schedules.get(session.get().principal(), ctx.pathParam("name"));
        Map<String, String> values = defaults();
        values.put("name", s.name());
        values.put("object", s.object());
        values.put("fields", String.join(",", s.fields()));
        values.put("where", s.where() == null ? "" : s.where());
        values.put("format", s.format().wireName());
        values.put("mode", s.mode().wireName());
        values.put("cron", s.cron());
        values.put("timeZone", s.timeZone());
        values.put("fileTemplate", s.fileTemplate());
        values.put("gzip", String.valueOf(s.gzip()));
        values.put("destinationType", s.destinationType());
        StringBuilder lines = new StringBuilder();
        s.destination().forEach((k, v) -> lines.append(k).append('=').append(v).append('\n'));
        values.put("settings", lines.toString().strip());
        form(ctx, session.get(), values, null, null);
    }

    private void runs(Context ctx) {
        Optional<Sessions.Session> session = auth.page(ctx);
        if (session.isEmpty()) {
            return;
        }
        Principal p = session.get().principal();
        ExportSchedules.Schedule s = schedules.get(p, ctx.pathParam("name"));
        ConsoleRoutes.render(ctx, "schedule-runs.jte", ConsoleRoutes.model("name", p.name(), "csrf", session.get().csrfToken(),
                "schedule", s, "runs", schedules.runs(p, s.name(), 100)));
    }

    private void act(Context ctx, String action) {
        Principal p = auth.require(ctx);
        String name = ctx.pathParam("name");
        String notice;
        try {
            notice = switch (action) {
                case "run" -> "\"" + name + "\" is running (job " + schedules.runNow(p, name) + "); its result appears under Last run.";
                case "pause" -> "\"" + schedules.setPaused(p, name, true).name() + "\" is paused.";
                default -> "\"" + schedules.setPaused(p, name, false).name() + "\" runs again.";
            };
        } catch (HotCrmException e) {
            notice = e.getMessage();
        }
        ctx.redirect("/setup/data/exports?notice=" + ConsoleRoutes.enc(notice));
    }

}
