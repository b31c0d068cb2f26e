package io.hotcrm.web;

import io.hotcrm.common.HotCrmException;
import io.hotcrm.common.Ids;
import io.hotcrm.common.Work;
import io.hotcrm.metadata.FieldDef;
import io.hotcrm.metadata.PicklistValue;
import io.hotcrm.migration.MigrationInfo;
import io.hotcrm.migration.MigrationPlan;
import io.hotcrm.migration.MigrationPlan.PlanField;
import io.hotcrm.migration.MigrationPlan.PlanObject;
import io.hotcrm.migration.Migrations;
import io.hotcrm.migration.RunSummary;
import io.hotcrm.migration.SourceOrg;
import io.hotcrm.security.Principal;
import io.hotcrm.security.Security;
import io.hotcrm.security.Sessions;
import io.hotcrm.security.User;
import io.hotcrm.store.Schema;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Setup → Data → Migrate from Salesforce: connect an org (the OAuth web-server flow with PKCE: HotCRM sends the
 * browser to the org's login host and takes the callback), review the plan — objects in order with their counts,
 * fields, every source picklist value with the HotCRM value it becomes, the fallback owner — then dry-run, run,
 * follow a run's progress per object, read its reconcile report, run a delta, undo. Everything goes through
 * {@link Migrations}, like the CLI and the REST API.
 */
public final class MigrationPages {
    static final String CALLBACK = "/setup/migrate/salesforce/callback";
    /** Where HubSpot sends the browser back (registered as the public app's redirect URL). */
    static final String HUBSPOT_CALLBACK = "/setup/migrate/hubspot/callback";
    private final Auth auth;
    private final Migrations migrations;
    private final Schema schema;
    private final Security security;

    private final io.hotcrm.importing.Importer importer;
    private final long maxUpload;

    MigrationPages(Auth auth, Migrations migrations, Schema schema, Security security, io.hotcrm.importing.Importer importer,
                   long maxUpload) {
        this.auth = auth;
        this.importer = importer;
        this.maxUpload = maxUpload;
        this.migrations = migrations;
        this.schema = schema;
        this.security = security;
    }

    /** A picklist field of the plan as the review form shows it: each source value with the HotCRM value it becomes. */
    public record Picklist(int object, int field, String source, String target, Map<String, String> values, List<String> choices,
                           List<String> shown) {
    }

    /** A required HotCRM field the plan fills from no source field, with the value it gets. */
    public record Fill(int object, String target, String field, String value) {
    }

    void register(RoutesConfig r) {
        r.get("/setup/data/migrate", this::list);
        r.post("/setup/data/migrate", this::connect);
        r.post("/setup/data/migrate/export", this::connectExport);
        r.post("/setup/data/migrate/hubspot", this::connectHubSpot);
        r.get("/setup/data/migrate/{name}", this::show);
        r.post("/setup/data/migrate/{name}/authorize", ctx -> {
            Principal p = auth.require(ctx);
            String name = ctx.pathParam("name");
            ctx.redirect(migrations.authorizeUrl(p, name, callbackUrl(ctx, migrations.show(p, name).kind())));
        });
        r.get(CALLBACK, this::callback);
        r.get(HUBSPOT_CALLBACK, this::callback);
        r.post("/setup/data/migrate/{name}/plan", this::makePlan);
        r.get("/setup/data/migrate/{name}/review", this::review);
        r.post("/setup/data/migrate/{name}/review", this::saveReview);
        r.post("/setup/data/migrate/{name}/runs", this::start);
        r.post("/setup/data/migrate/{name}/reconcile", this::reconcile);
        r.get("/setup/data/migrate/runs/{id}", this::run);
        r.post("/setup/data/migrate/runs/{id}/undo", this::undo);
    }

    private static String callbackUrl(Context ctx, String kind) {
        return ctx.scheme() + "://" + ctx.host() + (kind.equals("hubspot") ? HUBSPOT_CALLBACK : CALLBACK);
    }

    private void list(Context ctx) {
        auth.page(ctx).ifPresent(s -> ConsoleRoutes.render(ctx, "migrations.jte", ConsoleRoutes.model("name", s.principal().name(),
                "csrf", s.csrfToken(), "migrations", migrations.list(s.principal()), "notice", ctx.queryParam("notice"), "error", null)));
    }

    /** The connect form: saves the connection, then sends the browser to the org to sign in. */
    private void connect(Context ctx) {
        Principal p = auth.require(ctx);
        String name = Optional.ofNullable(ctx.formParam("migration")).orElse("").strip();
        String host = Optional.ofNullable(ctx.formParam("host")).orElse("production");
        String login = switch (host) {
            case "production" -> "https://login.salesforce.com";
            case "sandbox" -> "https://test.salesforce.com";
            default -> Optional.ofNullable(ctx.formParam("loginUrl")).orElse("").strip();
        };
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("loginUrl", login);
        settings.put("clientId", Optional.ofNullable(ctx.formParam("clientId")).orElse("").strip());
        settings.put("flow", "refresh-token");
        String secret = ctx.formParam("clientSecret");
        if (secret != null && !secret.isBlank()) {
            settings.put("clientSecret", secret.strip());
        }
        try {
            migrations.connect(p, name, "salesforce", settings, false);
            ctx.redirect(migrations.authorizeUrl(p, name, callbackUrl(ctx, "salesforce")));
        } catch (HotCrmException e) {
            Sessions.Session s = auth.session(ctx).orElseThrow();
            ConsoleRoutes.render(ctx, "migrations.jte", ConsoleRoutes.model("name", p.name(), "csrf", s.csrfToken(),
                    "migrations", migrations.list(p), "notice", null, "error", e.getMessage()));
        }
    }

    /** The Data Export form: the export's ZIP files uploaded as the admin's, then connected (no sign-in). */
    private void connectExport(Context ctx) {
        Principal p = auth.require(ctx);
        String name = Optional.ofNullable(ctx.formParam("migration")).orElse("").strip();
        try {
            List<io.javalin.http.UploadedFile> zips = ctx.uploadedFiles("zips").stream().filter(f -> f.size() > 0).toList();
            if (zips.isEmpty()) {
                throw HotCrmException.invalid("Choose the export's ZIP files (every part the Data Export page offers).");
            }
            List<String> ids = new java.util.ArrayList<>();
            for (io.javalin.http.UploadedFile f : zips) {
                ids.add(importer.upload(p, f.filename(), f.content(), maxUpload).id().toString());
            }
            Map<String, String> settings = new LinkedHashMap<>();
            settings.put("files", String.join(",", ids));
            String encoding = ctx.formParam("encoding");
            if (encoding != null && !encoding.isBlank() && !encoding.equals("auto")) {
                settings.put("encoding", encoding);
            }
            SourceOrg org = migrations.connect(p, name, "salesforce-export", settings, true).orElseThrow();
            ctx.redirect("/setup/data/migrate/" + ConsoleRoutes.enc(name) + "?notice=" + ConsoleRoutes.enc("Read " + org.name()
                    + " from " + zips.size() + " ZIP file" + (zips.size() == 1 ? "" : "s") + "."));
        } catch (HotCrmException e) {
            Sessions.Session s = auth.session(ctx).orElseThrow();
            ConsoleRoutes.render(ctx, "migrations.jte", ConsoleRoutes.model("name", p.name(), "csrf", s.csrfToken(),
                    "migrations", migrations.list(p), "notice", null, "error", e.getMessage()));
        }
    }

    /**
     * The HubSpot form: a private app's token connects and is checked at once; a public app's client id and secret are
     * saved, then the browser goes to HubSpot to sign in.
     */
    private void connectHubSpot(Context ctx) {
        Principal p = auth.require(ctx);
        String name = Optional.ofNullable(ctx.formParam("migration")).orElse("").strip();
        String other = Optional.ofNullable(ctx.formParam("apiUrl")).orElse("").strip();
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("baseUrl", other.isEmpty() ? Optional.ofNullable(ctx.formParam("region")).orElse("https://api.hubapi.com") : other);
        String token = Optional.ofNullable(ctx.formParam("token")).orElse("").strip();
        String clientId = Optional.ofNullable(ctx.formParam("clientId")).orElse("").strip();
        try {
            if (!token.isEmpty()) {
                settings.put("token", token);
                SourceOrg org = migrations.connect(p, name, "hubspot", settings, true).orElseThrow();
                ctx.redirect("/setup/data/migrate/" + ConsoleRoutes.enc(name) + "?notice=" + ConsoleRoutes.enc("Connected to "
                        + org.name() + "."));
                return;
            }
            if (clientId.isEmpty()) {
                throw HotCrmException.invalid("Paste a private app's access token, or give a public app's client id and secret.");
            }
            settings.put("clientId", clientId);
            settings.put("clientSecret", Optional.ofNullable(ctx.formParam("clientSecret")).orElse("").strip());
            migrations.connect(p, name, "hubspot", settings, false);
            ctx.redirect(migrations.authorizeUrl(p, name, callbackUrl(ctx, "hubspot")));
        } catch (HotCrmException e) {
            Sessions.Session s = auth.session(ctx).orElseThrow();
            ConsoleRoutes.render(ctx, "migrations.jte", ConsoleRoutes.model("name", p.name(), "csrf", s.csrfToken(),
                    "migrations", migrations.list(p), "notice", null, "error", e.getMessage()));
        }
    }

    private void callback(Context ctx) {
        Optional<Sessions.Session> s = auth.page(ctx);
        if (s.isEmpty()) {
            return;
        }
        Principal p = s.get().principal();
        if (ctx.queryParam("error") != null) {
            ctx.redirect("/setup/data/migrate?notice=" + ConsoleRoutes.enc("The source did not connect: "
                    + ctx.queryParam("error") + " — " + Optional.ofNullable(ctx.queryParam("error_description")).orElse("")));
            return;
        }
        Migrations.Authorized done = migrations.completeAuthorization(p, ctx.queryParam("state"), ctx.queryParam("code"));
        SourceOrg org = done.org();
        ctx.redirect("/setup/data/migrate/" + ConsoleRoutes.enc(done.migration()) + "?notice=" + ConsoleRoutes.enc("Connected to "
                + org.name() + (org.sandbox() ? " (a sandbox)" : "") + "."));
    }

    private void show(Context ctx) {
        Optional<Sessions.Session> s = auth.page(ctx);
        if (s.isEmpty()) {
            return;
        }
        Principal p = s.get().principal();
        String name = ctx.pathParam("name");
        MigrationInfo m = migrations.show(p, name);
        SourceOrg org = null;
        String orgError = null;
        try {
            org = migrations.org(p, name);
        } catch (HotCrmException e) {
            orgError = e.getMessage();
        }
        MigrationPlan plan = m.planned() ? migrations.currentPlan(p, name) : null;
        List<RunSummary> runs = m.recentRuns().stream().map(id -> migrations.get(p, id)).toList();
        ConsoleRoutes.render(ctx, "migration.jte", ConsoleRoutes.model("name", p.name(), "csrf", s.get().csrfToken(), "m", m,
                "path", ConsoleRoutes.enc(name), "org", org, "orgError", orgError, "plan", plan,
                "unsettled", plan == null ? List.of() : plan.unsettled(), "runs", runs, "notice", ctx.queryParam("notice")));
    }

    private void makePlan(Context ctx) {
        Principal p = auth.require(ctx);
        String name = ctx.pathParam("name");
        migrations.plan(p, name, java.util.Set.of(), null);
        ctx.redirect("/setup/data/migrate/" + ConsoleRoutes.enc(name) + "/review");
    }

    private void review(Context ctx) {
        Optional<Sessions.Session> s = auth.page(ctx);
        if (s.isEmpty()) {
            return;
        }
        Principal p = s.get().principal();
        String name = ctx.pathParam("name");
        reviewPage(ctx, s.get(), name, migrations.currentPlan(p, name), null);
    }

    private void reviewPage(Context ctx, Sessions.Session s, String name, MigrationPlan plan, String error) {
        List<Picklist> picklists = new ArrayList<>();
        List<Fill> fills = new ArrayList<>();
        for (int i = 0; i < plan.objects().size(); i++) {
            PlanObject o = plan.objects().get(i);
            for (int j = 0; j < o.fields().size(); j++) {
                PlanField f = o.fields().get(j);
                if (f.kind().equals(PlanField.PICKLIST) && f.create() == null) {
                    List<String> choices = schema.object(o.target()).field(f.target()).map(FieldDef::values).orElse(List.of())
                            .stream().map(PicklistValue::value).toList();
                    picklists.add(new Picklist(i, j, o.source() + "." + f.source(), o.target() + "." + f.target(), f.values(), choices,
                            f.values().keySet().stream().map(f::shown).toList()));
                }
            }
            final int index = i;
            o.fill().forEach((field, value) -> fills.add(new Fill(index, o.target(), field, value)));
        }
        List<String> users = security.users().list().stream().filter(User::active).map(User::email).toList();
        ConsoleRoutes.render(ctx, "migration-review.jte", ConsoleRoutes.model("name", s.principal().name(), "csrf", s.csrfToken(),
                "migration", name, "path", ConsoleRoutes.enc(name), "plan", plan, "picklists", picklists, "fills", fills,
                "users", users, "unsettled", plan.unsettled(), "error", error));
    }

    /**
     * Saves the review: which objects are included, the fallback owner, the users policy, each picklist value's
     * HotCRM value ({@code v.OBJECT.FIELD.N}) and each fill ({@code fill.OBJECT.FIELD}).
     */
    private void saveReview(Context ctx) {
        Principal p = auth.require(ctx);
        String name = ctx.pathParam("name");
        MigrationPlan plan = migrations.currentPlan(p, name);
        List<PlanObject> objects = new ArrayList<>();
        for (int i = 0; i < plan.objects().size(); i++) {
            PlanObject o = plan.objects().get(i);
            List<PlanField> fields = new ArrayList<>();
            for (int j = 0; j < o.fields().size(); j++) {
                PlanField f = o.fields().get(j);
                if (f.kind().equals(PlanField.PICKLIST) && f.create() == null) {
                    Map<String, String> values = new LinkedHashMap<>();
                    int k = 0;
                    for (Map.Entry<String, String> e : f.values().entrySet()) {
                        String chosen = ctx.formParam("v." + i + "." + j + "." + k++);
                        values.put(e.getKey(), chosen == null || chosen.isBlank() ? e.getValue() : chosen);
                    }
                    f = new PlanField(f.source(), f.target(), f.kind(), f.lookup(), f.targets(), values, f.otherwise(), f.create(),
                            f.typeTarget(), f.labels());
                }
                fields.add(f);
            }
            Map<String, String> fill = new LinkedHashMap<>(o.fill());
            for (String field : o.fill().keySet()) {
                String v = ctx.formParam("fill." + i + "." + field);
                if (v != null) {
                    fill.put(field, v.strip());
                }
            }
            boolean include = "on".equals(ctx.formParam("include." + i)) || o.source().equals("User");
            objects.add(new PlanObject(o.source(), o.target(), include, o.count(), o.dependsOn(), fields, fill, o.skippedFields()));
        }
        MigrationPlan edited = new MigrationPlan(plan.version(), plan.source(), plan.slice(),
                Optional.ofNullable(ctx.formParam("fallbackOwner")).orElse(plan.fallbackOwner()),
                Optional.ofNullable(ctx.formParam("users")).orElse(plan.users()), objects, plan.skipped());
        try {
            migrations.savePlan(p, name, edited);
            ctx.redirect("/setup/data/migrate/" + ConsoleRoutes.enc(name) + "?notice=" + ConsoleRoutes.enc("Plan saved."
                    + (edited.unsettled().isEmpty() ? " It is ready: dry-run it first." : " Some things still need settling.")));
        } catch (HotCrmException e) {
            reviewPage(ctx, auth.session(ctx).orElseThrow(), name, edited, e.getMessage());
        }
    }

    private void start(Context ctx) {
        Principal p = auth.require(ctx);
        String name = ctx.pathParam("name");
        String mode = Optional.ofNullable(ctx.formParam("mode")).orElse(Migrations.DRY_RUN);
        try {
            RunSummary s = migrations.start(p, name, mode, null, Work.Run.inBackground(null));
            ctx.redirect("/setup/data/migrate/runs/" + s.id());
        } catch (HotCrmException e) {
            ctx.redirect("/setup/data/migrate/" + ConsoleRoutes.enc(name) + "?notice=" + ConsoleRoutes.enc(e.getMessage()));
        }
    }

    private void reconcile(Context ctx) {
        Optional<Sessions.Session> s = auth.session(ctx);
        Principal p = auth.require(ctx);
        String name = ctx.pathParam("name");
        ConsoleRoutes.render(ctx, "migration-reconcile.jte", ConsoleRoutes.model("name", p.name(), "csrf", s.orElseThrow().csrfToken(),
                "migration", name, "path", ConsoleRoutes.enc(name), "report", migrations.reconcile(p, name)));
    }

    private void run(Context ctx) {
        Optional<Sessions.Session> s = auth.page(ctx);
        if (s.isEmpty()) {
            return;
        }
        Principal p = s.get().principal();
        UUID id = Ids.parse(ctx.pathParam("id"), "Migration run id");
        RunSummary run = migrations.get(p, id);
        ConsoleRoutes.render(ctx, "migration-run.jte", ConsoleRoutes.model("name", p.name(), "csrf", s.get().csrfToken(), "run", run,
                "path", ConsoleRoutes.enc(run.migration()), "ended", run.state().ended(), "notice", ctx.queryParam("notice")));
    }

    private void undo(Context ctx) {
        Principal p = auth.require(ctx);
        UUID id = Ids.parse(ctx.pathParam("id"), "Migration run id");
        String notice;
        try {
            migrations.undo(p, id, Work.Run.inBackground(null));
            notice = "The undo runs as a job: this page shows the run as undone when it has ended.";
        } catch (HotCrmException e) {
            notice = e.getMessage();
        }
        ctx.redirect("/setup/data/migrate/runs/" + id + "?notice=" + ConsoleRoutes.enc(notice));
    }
}
