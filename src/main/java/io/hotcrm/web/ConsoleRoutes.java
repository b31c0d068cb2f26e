package io.hotcrm.web;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.hotcrm.common.ErrorCode;
import io.hotcrm.common.HotCrmException;
import io.hotcrm.importing.Importer;
import io.hotcrm.metadata.ObjectDef;
import io.hotcrm.security.Security;
import io.hotcrm.security.Sessions;
import io.hotcrm.store.Schema;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.SameSite;
import io.hotcrm.importing.ImportState;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The web console's pages: sign-in, sign-out and the Setup home. Templates are precompiled JTE. */
final class ConsoleRoutes {
    private static final TemplateEngine TEMPLATES = TemplateEngine.createPrecompiled(ContentType.Html);
    private final Security security;
    private final Schema schema;
    private final Auth auth;
    private final Importer importer;

    ConsoleRoutes(Security security, Schema schema, Auth auth, Importer importer) {
        this.security = security;
        this.schema = schema;
        this.auth = auth;
        this.importer = importer;
    }

    void register(RoutesConfig r) {
        r.get("/", ctx -> ctx.redirect(auth.session(ctx).isPresent() ? "/setup" : "/login"));
        r.get("/login", ctx -> render(ctx, "login.jte", model("error", null, "email", "")));
        r.post("/login", this::login);
        r.post("/logout", this::logout);
        r.get("/setup", this::home);
        r.get("/setup/data", this::data);
        r.get("/setup/data/imports", this::imports);
    }


    private void data(Context ctx) {
        Optional<Sessions.Session> s = auth.page(ctx);
        if (s.isEmpty()) {
            return;
        }
        var p = s.get().principal();
        var exportable = schema.catalogue().objects().stream()
                .filter(o -> p.role().permission(o.name()).read() && p.role().permission(o.name()).export()).map(ObjectDef::name).toList();
        boolean mayImport = schema.catalogue().objects().stream().anyMatch(o -> p.role().permission(o.name()).create());
        render(ctx, "data.jte", model("name", p.name(), "csrf", s.get().csrfToken(), "mayImport", mayImport,
                "mayExport", !exportable.isEmpty(), "exportable", exportable));
    }

    private void imports(Context ctx) {
        Optional<Sessions.Session> s = auth.page(ctx);
        if (s.isEmpty()) {
            return;
        }
        var p = s.get().principal();
        String object = Optional.ofNullable(ctx.queryParam("object")).filter(o -> schema.catalogue().find(o).isPresent()).orElse("");
        List<String> runners = importer.runners(p);
        String who = Optional.ofNullable(ctx.queryParam("who")).filter(runners::contains).orElse("");
        String state = Optional.ofNullable(ctx.queryParam("state")).filter(IMPORT_STATES::containsKey).orElse("");
        var imports = importer.list(p, object.isEmpty() ? null : object, who.isEmpty() ? null : who,
                state.isEmpty() ? List.of() : IMPORT_STATES.get(state), 100);
        Map<String, Boolean> undo = new HashMap<>();
        imports.forEach(i -> undo.put(i.id().toString(), importer.mayUndo(p, i)));
        var objects = schema.catalogue().objects().stream().filter(o -> p.role().permission(o.name()).read())
                .map(o -> new String[] {o.name(), o.pluralLabel()}).toList();
        render(ctx, "imports.jte", model("name", p.name(), "csrf", s.get().csrfToken(), "imports", imports,
                "notice", ctx.queryParam("notice"), "undo", undo, "objects", objects, "object", object, "runners", runners,
                "who", who, "state", state, "admin", p.role().manageSetup()));
    }

    /** The import history's state filter: a choice and the states it lists. */
    private static final Map<String, List<ImportState>> IMPORT_STATES = Map.of(
            "active", List.of(ImportState.QUEUED, ImportState.RUNNING, ImportState.UNDOING),
            "succeeded", List.of(ImportState.SUCCEEDED), "failures", List.of(ImportState.COMPLETED_WITH_FAILURES),
            "failed", List.of(ImportState.FAILED, ImportState.INTERRUPTED), "cancelled", List.of(ImportState.CANCELLED),
            "undone", List.of(ImportState.UNDONE));

    private void login(Context ctx) {
        String email = Optional.ofNullable(ctx.formParam("email")).orElse("");
        try {
            Sessions.Session s = security.sessions().login(email, ctx.formParam("password"));
            Cookie cookie = new Cookie(Auth.COOKIE, s.token());
            cookie.setHttpOnly(true);
            cookie.setSameSite(SameSite.LAX);
            cookie.setPath("/");
            cookie.setSecure("https".equals(ctx.scheme()));
            ctx.cookie(cookie);
            ctx.redirect("/setup");
        } catch (HotCrmException e) {
            if (e.code() != ErrorCode.NOT_AUTHENTICATED && e.code() != ErrorCode.LOCKED && e.code() != ErrorCode.VALIDATION_FAILED) {
                throw e;
            }
            ctx.status(e.code() == ErrorCode.LOCKED ? 423 : 401);
            render(ctx, "login.jte", model("error", e.getMessage(), "email", email));
        }
    }

    private void logout(Context ctx) {
        Optional<Sessions.Session> s = auth.session(ctx);
        if (s.isPresent() && s.get().csrfToken().equals(ctx.formParam("csrf"))) {
            security.sessions().logout(s.get().token());
        }
        ctx.removeCookie(Auth.COOKIE, "/");
        ctx.redirect("/login");
    }

    private void home(Context ctx) {
        Optional<Sessions.Session> s = auth.session(ctx);
        if (s.isEmpty()) {
            ctx.redirect("/login");
            return;
        }
        var p = s.get().principal();
        var objects = schema.catalogue().objects().stream().filter(o -> p.role().permission(o.name()).read())
                .map(ObjectDef::name).toList();
        render(ctx, "home.jte", model("name", p.name(), "role", p.role().label(), "csrf", s.get().csrfToken(),
                "objects", objects));
    }

    /** Text for a URL's path segment or query parameter (spaces as %20, valid in both). */
    static String enc(String s) {
        return java.net.URLEncoder.encode(s == null ? "" : s, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
    }

    static Map<String, Object> model(Object... pairs) {
        Map<String, Object> m = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put((String) pairs[i], pairs[i + 1]);
        }
        return m;
    }

    static void render(Context ctx, String template, Map<String, Object> model) {
        StringOutput out = new StringOutput();
        Nav.during(ctx.attribute(Auth.VIEWER), ctx.attribute(Nav.SANDBOX), () -> TEMPLATES.render(template, model, out));
        ctx.header("X-Frame-Options", "DENY").header("Content-Security-Policy", "default-src 'self'")
                .contentType("text/html; charset=utf-8").result(out.toString());
    }
}
