package io.hotcrm.web;

import io.hotcrm.backup.Backups;
import io.hotcrm.common.HotCrmException;
import io.hotcrm.security.Principal;
import io.hotcrm.security.Sessions;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Setup → Data → Backups: the backups this instance made with their size, SHA-256 and last check, the restore drills
 * with a warning when none passed in 7 days, "back up now", "drill now", downloads, and how to restore. Everything goes
 * through {@link Backups}, like the CLI and the REST API; roles that manage setup only.
 */
final class BackupPages {
    private final Auth auth;
    private final Backups backups;

    BackupPages(Auth auth, Backups backups) {
        this.auth = auth;
        this.backups = backups;
    }

    void register(RoutesConfig r) {
        r.get("/setup/data/backups", this::page);
        r.post("/setup/data/backups", ctx -> act(ctx, p -> {
            Backups.Created c = backups.create(p);
            return "Backed up " + c.tables() + " tables (" + c.rows() + " rows) and " + c.files() + " files in "
                    + String.format("%.1f", c.seconds()) + " s.";
        }));
        r.post("/setup/data/backups/drill", ctx -> act(ctx, p -> {
            Backups.Drill d = backups.drill(p, null);
            if (!d.succeeded()) {
                throw HotCrmException.invalid("The drill failed: " + d.problem());
            }
            return "Drill passed: the newest backup restored into a scratch database in " + String.format("%.1f", d.seconds())
                    + " s, every table matching its manifest.";
        }));
        r.post("/setup/data/backups/schedules/{name}/run", ctx -> act(ctx, p -> {
            backups.runQueued(p, ctx.pathParam("name"));
            return "The schedule \"" + ctx.pathParam("name") + "\" is running: its backup appears here when it is made and verified.";
        }));
        r.post("/setup/data/backups/schedules/{name}/pause", ctx -> act(ctx, p -> {
            backups.setPaused(p, ctx.pathParam("name"), true);
            return "Paused \"" + ctx.pathParam("name") + "\".";
        }));
        r.post("/setup/data/backups/schedules/{name}/resume", ctx -> act(ctx, p -> {
            Backups.Schedule sc = backups.setPaused(p, ctx.pathParam("name"), false);
            return "Resumed \"" + sc.name() + "\"; next run " + Nav.when(sc.nextRun()) + ".";
        }));
        r.post("/setup/data/backups/sandbox", ctx -> act(ctx, p -> {
            Backups.Sandbox sb = backups.sandbox(p, ctx.formParam("name"), "true".equals(ctx.formParam("anonymise")));
            return "Made the sandbox \"" + sb.name() + "\" in " + sb.dataDir() + " (" + sb.restored().rows() + " rows). Start it with:"
                    + " ./hotcrm --data " + sb.dataDir() + " serve --port 8081";
        }));
        r.post("/setup/data/backups/{id}/verify", ctx -> act(ctx, p -> {
            Backups.Verification v = backups.verify(p, io.hotcrm.common.Ids.parse(ctx.pathParam("id"), "Backup id"));
            if (!v.valid()) {
                throw HotCrmException.invalid("NOT sound: " + v.problem());
            }
            return "Sound: every checksum and count matches its manifest.";
        }));
    }

    private interface Step {
        String apply(Principal p);
    }

    private void act(Context ctx, Step step) {
        Principal p = auth.require(ctx);
        try {
            ctx.redirect("/setup/data/backups?notice=" + URLEncoder.encode(step.apply(p), StandardCharsets.UTF_8));
        } catch (HotCrmException e) {
            ctx.redirect("/setup/data/backups?error=" + URLEncoder.encode(e.getMessage(), StandardCharsets.UTF_8));
        }
    }

    private void page(Context ctx) {
        Optional<Sessions.Session> s = auth.page(ctx);
        if (s.isEmpty()) {
            return;
        }
        Principal p = s.get().principal();
        String error = ctx.queryParam("error");
        java.util.List<Backups.Listed> list = null;
        java.util.List<Backups.Drill> drills = null;
        java.util.List<Backups.Schedule> schedules = java.util.List.of();
        Backups.DrillStatus status = null;
        try {
            list = backups.list(p);
            drills = backups.drills(p);
            status = backups.drillStatus(p);
            schedules = backups.schedules(p);
        } catch (HotCrmException e) {
            ctx.status(e.code().httpStatus());
            error = e.getMessage();
        }
        ConsoleRoutes.render(ctx, "backups.jte", ConsoleRoutes.model("name", p.name(), "csrf", s.get().csrfToken(), "backups", list,
                "drills", drills, "schedules", schedules, "status", status, "notice", ctx.queryParam("notice"), "error", error));
    }
}
