package io.hotcrm.web;

import io.hotcrm.common.ErrorCode;
import io.hotcrm.common.HotCrmException;
import io.hotcrm.exporting.Exporter;
import io.hotcrm.importing.Importer;
import io.hotcrm.jobs.Jobs;
import io.hotcrm.notify.Notifier;
import io.hotcrm.query.QueryEngine;
import io.hotcrm.security.Security;
import io.hotcrm.store.RecordStore;
import io.hotcrm.store.Schema;
import io.javalin.Javalin;
import io.javalin.http.staticfiles.Location;
import io.javalin.json.JavalinJackson;
import java.nio.file.Path;
import java.util.List;

/**
 * The HTTP edge: the REST API under {@code /api/v1} and the web console, in one Javalin server. It only
 * translates HTTP to front-door calls and {@link HotCrmException}s to problem JSON.
 */
public final class WebServer {
    private final Javalin app;

    /** The front doors the HTTP edge serves; {@code database} names the database for the health check. */
    public record Features(Schema schema, RecordStore records, QueryEngine query, Security security, Jobs jobs,
                           Importer importer, long maxUploadBytes, Notifier notifier, String database,
                           Exporter exporter, io.hotcrm.exporting.ExportSchedules schedules,
                           io.hotcrm.migration.Migrations migrations, io.hotcrm.privacy.PrivacyRequests privacy,
                           io.hotcrm.backup.Backups backups, io.hotcrm.store.RecycleBin recycleBin) {
    }

    public WebServer(Features f) {
        Auth auth = new Auth(f.security());
        ApiRoutes api = new ApiRoutes(f.schema(), f.records(), f.query(), auth, f.database());
        JobRoutes jobRoutes = new JobRoutes(f.jobs(), auth);
        ImportRoutes importRoutes = new ImportRoutes(f.importer(), f.jobs(), auth, f.maxUploadBytes());
        ConsoleRoutes console = new ConsoleRoutes(f.security(), f.schema(), auth, f.importer());
        ExportRoutes exportRoutes = new ExportRoutes(f.exporter(), f.query(), auth, f.schedules(), f.jobs());
        ImportWizardRoutes wizard = new ImportWizardRoutes(auth, f.importer(), importRoutes, f.jobs(), f.schema());
        RecordPages recordPages = new RecordPages(auth, f.schema(), f.query(), f.records(), f.exporter());
        SchedulePages schedulePages = new SchedulePages(auth, f.schedules(), f.schema());
        SecurityPages securityPages = new SecurityPages(auth, f.security(), f.schema(),
                f.schedules().destinations().kinds().stream().map(io.hotcrm.destinations.DestinationKind::type).toList());
        this.app = Javalin.create(cfg -> {
            cfg.jsonMapper(new JavalinJackson(Json.MAPPER, false));
            cfg.staticFiles.add(s -> {
                s.hostedPath = "/static";
                s.directory = "/static";
                s.location = Location.CLASSPATH;
            });
            cfg.startup.showJavalinBanner = false;
            api.register(cfg.routes);
            jobRoutes.register(cfg.routes);
            importRoutes.register(cfg.routes);
            exportRoutes.register(cfg.routes);
            new MigrationRoutes(f.migrations(), f.jobs(), auth).register(cfg.routes);
            new PrivacyRoutes(f.privacy(), auth).register(cfg.routes);
            new BackupRoutes(f.backups(), auth).register(cfg.routes);
            io.hotcrm.backup.Backups.SandboxInfo sandbox = f.backups() == null ? null : f.backups().sandboxInfo();
            if (sandbox != null) {
                cfg.routes.before(ctx -> ctx.attribute(Nav.SANDBOX, sandbox.name()));
            }
            cfg.routes.get("/api/v1/notices", ctx -> {
                io.hotcrm.security.Principal p = auth.require(ctx);
                ctx.json(java.util.Map.of("notices", f.notifier().notices(p.email(), "true".equals(ctx.queryParam("unread")), 100)));
            });
            cfg.routes.post("/api/v1/notices/{id}/read", ctx -> {
                io.hotcrm.security.Principal p = auth.require(ctx);
                f.notifier().markRead(p.email(), io.hotcrm.common.Ids.parse(ctx.pathParam("id"), "Notice id"));
                ctx.status(204);
            });
            cfg.jetty.multipartConfig.maxFileSize(-1, io.javalin.config.SizeUnit.BYTES);
            cfg.jetty.multipartConfig.maxTotalRequestSize(-1, io.javalin.config.SizeUnit.BYTES);
            cfg.jetty.multipartConfig.maxInMemoryFileSize(1, io.javalin.config.SizeUnit.MB);
            console.register(cfg.routes);
            wizard.register(cfg.routes);
            recordPages.register(cfg.routes);
            new RecordDetailPages(auth, f.schema(), f.query(), f.records(), recordPages).register(cfg.routes);
            schedulePages.register(cfg.routes);
            new MigrationPages(auth, f.migrations(), f.schema(), f.security(), f.importer(), f.maxUploadBytes()).register(cfg.routes);
            securityPages.register(cfg.routes);
            new NoticePages(auth, f.notifier()).register(cfg.routes);
            new JobPages(auth, f.jobs()).register(cfg.routes);
            new SetupPages(auth, f).register(cfg.routes);
            new PrivacyPages(auth, f.privacy()).register(cfg.routes);
            new BackupPages(auth, f.backups()).register(cfg.routes);
            cfg.routes.exception(HotCrmException.class, Problems::handle);
            cfg.routes.exception(Exception.class, Problems::unexpected);
            cfg.routes.error(404, ctx -> {
                if (ctx.path().startsWith("/api/") && !"application/problem+json".equals(ctx.res().getContentType())) {
                    Problems.write(ctx, ErrorCode.NOT_FOUND, "There is no endpoint " + ctx.method() + " " + ctx.path()
                            + ". See docs/api.md for the endpoints.", List.of());
                }
            });
        });
    }

    public void start(int port) {
        try {
            app.start(port);
        } catch (RuntimeException e) {
            throw new HotCrmException(ErrorCode.CONFIGURATION, "Could not listen on port " + port + ": "
                    + e.getMessage() + ". Is another HotCRM running? Choose a port with --port.", e);
        }
    }

    public int port() {
        return app.port();
    }

    public void stop() {
        app.stop();
    }
}
