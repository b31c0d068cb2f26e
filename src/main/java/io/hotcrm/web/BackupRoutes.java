package io.hotcrm.web;

import io.hotcrm.backup.Backups;
import io.hotcrm.common.ErrorCode;
import io.hotcrm.common.HotCrmException;
import io.hotcrm.common.Ids;
import io.hotcrm.security.Principal;
import io.javalin.config.RoutesConfig;
import java.nio.file.Files;
import java.nio.file.Path;
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
        r.post("/api/v1/backups", ctx -> ctx.status(201).json(backups.create(auth.require(ctx))));
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
            Path file = backups.archive(auth.require(ctx), id(ctx));
            ctx.contentType("application/octet-stream").header("Content-Disposition", "attachment; filename=\"" + file.getFileName() + "\"")
                    .header("Content-Length", Long.toString(Files.size(file))).result(Files.newInputStream(file));
        });
        r.post("/api/v1/backups/{id}/verify", ctx -> {
            Principal p = auth.require(ctx);
            ctx.json(backups.verify(p, backups.archive(p, id(ctx))));
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
