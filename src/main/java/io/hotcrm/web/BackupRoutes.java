package io.hotcrm.web;

import io.hotcrm.backup.Backups;
import io.hotcrm.common.ErrorCode;
import io.hotcrm.common.HotCrmException;
import io.hotcrm.common.Ids;
import io.hotcrm.security.Principal;
import io.javalin.config.RoutesConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Backups over REST (docs/operations.md): make one into the directory the administrator set, list them with their last
 * check and the restore drills, download, verify, drill. A restore is not offered here: it replaces the database this
 * server uses, so it runs from the command line with every node stopped. The edge only translates to {@link Backups}.
 */
final class BackupRoutes {
    private final Backups backups;
    private final Auth auth;

    BackupRoutes(Backups backups, Auth auth) {
        this.backups = backups;
        this.auth = auth;
    }

    void register(RoutesConfig r) {
        r.post("/api/v1/backups", ctx -> {
            Principal p = auth.require(ctx);
            String destination = ctx.body().isBlank() ? null : Json.object(ctx).path("destination").asText(null);
            ctx.status(201).json(destination == null ? backups.create(p) : backups.create(p, destination));
        });
        r.get("/api/v1/backups", ctx -> {
            Principal p = auth.require(ctx);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("backups", backups.list(p));
            out.put("drill", backups.drillStatus(p));
            ctx.json(out);
        });
        r.get("/api/v1/backups/drills", ctx -> ctx.json(Map.of("drills", backups.drills(auth.require(ctx)))));
        r.post("/api/v1/backups/drills", ctx -> ctx.status(201).json(backups.drill(auth.require(ctx), null)));
        r.get("/api/v1/backups/{id}/download", ctx -> {
            Backups.Download d = backups.download(auth.require(ctx), id(ctx));
            ctx.contentType("application/octet-stream").header("Content-Disposition", "attachment; filename=\"" + d.fileName() + "\"")
                    .result(d.bytes());
        });
        r.post("/api/v1/backups/{id}/verify", ctx -> ctx.json(backups.verify(auth.require(ctx), id(ctx))));
        r.get("/api/v1/backups/destinations", ctx -> ctx.json(Map.of("destinations", backups.destinations(auth.require(ctx)))));
        r.put("/api/v1/backups/destinations/{name}", ctx -> {
            Principal p = auth.require(ctx);
            var b = Json.object(ctx);
            Map<String, String> settings = new LinkedHashMap<>();
            b.path("settings").properties().forEach(e -> settings.put(e.getKey(), e.getValue().asText()));
            ctx.json(backups.saveDestination(p, ctx.pathParam("name"), b.path("type").asText(null), settings,
                    !b.path("skipTest").asBoolean(false)));
        });
        r.delete("/api/v1/backups/destinations/{name}", ctx -> {
            backups.deleteDestination(auth.require(ctx), ctx.pathParam("name"));
            ctx.status(204);
        });
        r.post("/api/v1/sandboxes", ctx -> {
            Principal p = auth.require(ctx);
            var b = Json.object(ctx);
            ctx.status(201).json(backups.sandbox(p, b.path("name").asText(null), b.path("anonymise").asBoolean(false)));
        });
        r.get("/api/v1/backups/schedules", ctx -> ctx.json(Map.of("schedules", backups.schedules(auth.require(ctx)))));
        r.put("/api/v1/backups/schedules/{name}", ctx -> {
            Principal p = auth.require(ctx);
            var b = Json.object(ctx);
            var keep = b.path("keep");
            Backups.Retention d = Backups.Retention.DEFAULT;
            ctx.json(backups.saveSchedule(p, ctx.pathParam("name"), b.path("cron").asText(null), b.path("timeZone").asText("UTC"),
                    b.path("destination").asText(null), new Backups.Retention(keep.path("daily").asInt(d.daily()),
                            keep.path("weekly").asInt(d.weekly()), keep.path("monthly").asInt(d.monthly()))));
        });
        r.post("/api/v1/backups/schedules/{name}/run", ctx -> ctx.status(202).json(Map.of("jobId",
                backups.runQueued(auth.require(ctx), ctx.pathParam("name")))));
        r.post("/api/v1/backups/schedules/{name}/pause", ctx -> ctx.json(backups.setPaused(auth.require(ctx), ctx.pathParam("name"),
                true)));
        r.post("/api/v1/backups/schedules/{name}/resume", ctx -> ctx.json(backups.setPaused(auth.require(ctx), ctx.pathParam("name"),
                false)));
        r.delete("/api/v1/backups/schedules/{name}", ctx -> {
            backups.deleteSchedule(auth.require(ctx), ctx.pathParam("name"));
            ctx.status(204);
        });
        r.post("/api/v1/backups/{id}/restore", ctx -> {
            auth.require(ctx);
            throw new HotCrmException(ErrorCode.CONFLICT, "A restore replaces the database this server is using: stop every node, then"
                    + " run hotcrm backup restore ARCHIVE (see docs/operations.md).");
        });
    }

    private static UUID id(io.javalin.http.Context ctx) {
        return Ids.parse(ctx.pathParam("id"), "Backup id");
    }
}
