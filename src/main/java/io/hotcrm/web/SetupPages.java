package io.hotcrm.web;

import io.hotcrm.common.HotCrmException;
import io.hotcrm.common.Ids;
import io.hotcrm.jobs.Job;
import io.hotcrm.metadata.FieldDef;
import io.hotcrm.metadata.FieldType;
import io.hotcrm.metadata.ObjectDef;
import io.hotcrm.security.AccessGuard;
import io.hotcrm.security.Action;
import io.hotcrm.security.AuditLog;
import io.hotcrm.security.Principal;
import io.hotcrm.security.Sessions;
import io.hotcrm.security.Tokens;
import io.hotcrm.store.RecycleBin;
import io.hotcrm.store.StoredRecord;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Setup pages for what the CLI alone did before: API tokens (created, shown once, revoked), the audit log (filtered by
 * user, object, action and date), custom fields (any type, picklist values) and the recycle bin (restore, delete for
 * good, purge). Each goes through the same front door as its command, which enforces the permissions.
 */
public final class SetupPages {
    private static final int AUDIT_PAGE = 100;
    private final Auth auth;
    private final WebServer.Features f;

    SetupPages(Auth auth, WebServer.Features f) {
        this.auth = auth;
        this.f = f;
    }

    void register(RoutesConfig r) {
        r.get("/setup/tokens", ctx -> tokens(ctx, null, null));
        r.post("/setup/tokens", this::createToken);
        r.post("/setup/tokens/{id}/revoke", this::revokeToken);
        r.get("/setup/audit", this::audit);
        r.get("/setup/fields", ctx -> fields(ctx, null, null));
        r.post("/setup/fields", this::addField);
        r.get("/setup/recycle-bin", this::recycleBin);
        r.post("/setup/recycle-bin/{object}/{id}/restore", ctx -> binAction(ctx, true));
        r.post("/setup/recycle-bin/{object}/{id}/purge", ctx -> binAction(ctx, false));
        r.post("/setup/recycle-bin/purge", this::purge);
    }

    // ------------------------------------------------------------------ API tokens

    private void tokens(Context ctx, Tokens.CreatedToken created, String error) {
        Optional<Sessions.Session> s = auth.page(ctx);
        if (s.isEmpty()) {
            return;
        }
        Principal p = s.get().principal();
        boolean admin = p.role().manageSetup();
        String user = admin && !blank(ctx.queryParam("user")) ? ctx.queryParam("user").trim() : p.email();
        if (created != null) {
            user = created.userEmail();
        }
        List<Tokens.TokenInfo> list = f.security().tokens().list(p, user);
        List<String> users = admin ? f.security().users().list().stream().filter(io.hotcrm.security.User::active)
                .map(io.hotcrm.security.User::email).toList() : List.of(p.email());
        ConsoleRoutes.render(ctx, "tokens.jte", ConsoleRoutes.model("name", p.name(), "csrf", s.get().csrfToken(), "tokens", list,
                "user", user, "users", users, "admin", admin, "created", created, "error", error, "notice", ctx.queryParam("notice")));
    }

    private void createToken(Context ctx) {
        Principal p = auth.require(ctx);
        String email = blank(ctx.formParam("user")) ? p.email() : ctx.formParam("user").trim();
        try {
            Tokens.CreatedToken t = f.security().tokens().create(p, email, ctx.formParam("tokenName"));
            // the secret is on this response only: never in a link, a redirect or a log
            ctx.header("Cache-Control", "no-store");
            tokens(ctx, t, null);
        } catch (HotCrmException e) {
            ctx.status(e.code().httpStatus());
            tokens(ctx, null, e.getMessage());
        }
    }

    private void revokeToken(Context ctx) {
        Principal p = auth.require(ctx);
        String user = ctx.formParam("user") == null ? "" : ctx.formParam("user");
        try {
            f.security().tokens().revoke(p, Ids.parse(ctx.pathParam("id"), "Token id"));
            ctx.redirect("/setup/tokens?user=" + ConsoleRoutes.enc(user) + "&notice=" + ConsoleRoutes.enc("Revoked; requests with"
                    + " that token are refused from now on."));
        } catch (HotCrmException e) {
            ctx.redirect("/setup/tokens?user=" + ConsoleRoutes.enc(user) + "&notice=" + ConsoleRoutes.enc("Not revoked: " + e.getMessage()));
        }
    }

    // ------------------------------------------------------------------ audit log

    private void audit(Context ctx) {
        Optional<Sessions.Session> s = auth.page(ctx);
        if (s.isEmpty()) {
            return;
        }
        Principal p = s.get().principal();
        String user = trim(ctx.queryParam("user"));
        String object = Optional.ofNullable(trim(ctx.queryParam("object"))).filter(o -> f.schema().catalogue().find(o).isPresent()).orElse(null);
        String action = Optional.ofNullable(trim(ctx.queryParam("action"))).filter(AuditLog.FAMILIES::containsKey).orElse(null);
        LocalDate from = AuditLog.day(ctx.queryParam("from"), "From");
        LocalDate until = AuditLog.day(ctx.queryParam("until"), "Until");
        Long before = ctx.queryParam("before") != null && ctx.queryParam("before").matches("\\d{1,18}") ? Long.valueOf(ctx.queryParam("before"))
                : null;
        List<AuditLog.Entry> entries = f.security().audit().search(p, AuditLog.Search.days(user, object, action, from, until, before,
                AUDIT_PAGE));
        String older = entries.size() == AUDIT_PAGE ? "/setup/audit?user=" + ConsoleRoutes.enc(user) + "&object=" + ConsoleRoutes.enc(object)
                + "&action=" + ConsoleRoutes.enc(action) + "&from=" + (from == null ? "" : from) + "&until=" + (until == null ? "" : until)
                + "&before=" + entries.get(entries.size() - 1).id() : null;
        ConsoleRoutes.render(ctx, "audit.jte", ConsoleRoutes.model("name", p.name(), "csrf", s.get().csrfToken(), "entries", entries,
                "user", user == null ? "" : user, "object", object == null ? "" : object, "action", action == null ? "" : action,
                "from", from == null ? "" : from.toString(), "until", until == null ? "" : until.toString(),
                "families", AuditLog.FAMILIES, "objects", objectChoices(p, Action.READ), "older", older));
    }

    // ------------------------------------------------------------------ custom fields

    /** What the add-field form holds, kept when the server refuses it. */
    public record NewField(String label, String apiName, String type, String values, String target, boolean required,
                           boolean unique, String scale) {
        static final NewField EMPTY = new NewField("", "", "text", "", "", false, false, "");
    }

    private void fields(Context ctx, NewField typed, String error) {
        Optional<Sessions.Session> s = auth.page(ctx);
        if (s.isEmpty()) {
            return;
        }
        Principal p = s.get().principal();
        AccessGuard.requireSetup(p, "manage custom fields");
        String objectParam = ctx.formParam("object") != null ? ctx.formParam("object") : ctx.queryParam("object");
        ObjectDef o = f.schema().object(blank(objectParam) ? "account" : objectParam);
        List<String> types = Arrays.stream(FieldType.values()).filter(t -> t != FieldType.OWNER).map(FieldType::wireName).toList();
        ConsoleRoutes.render(ctx, "fields.jte", ConsoleRoutes.model("name", p.name(), "csrf", s.get().csrfToken(), "object", o,
                "objects", objectChoices(p, null), "types", types, "form", typed == null ? NewField.EMPTY : typed, "error", error,
                "notice", ctx.queryParam("notice")));
    }

    private void addField(Context ctx) {
        Principal p = auth.require(ctx);
        NewField typed = new NewField(form(ctx, "label"), form(ctx, "apiName"), form(ctx, "type"), form(ctx, "values"),
                form(ctx, "target"), "true".equals(ctx.formParam("required")), "true".equals(ctx.formParam("unique")), form(ctx, "scale"));
        String object = form(ctx, "object");
        try {
            if (typed.label().isBlank()) {
                throw HotCrmException.invalid("Give the field a label: what people see, such as \"Customer tier\".");
            }
            FieldType type = FieldType.fromWire(typed.type());
            String apiName = typed.apiName().isBlank() ? apiName(typed.label()) : typed.apiName().trim();
            List<String> values = typed.values().lines().map(String::strip).filter(v -> !v.isEmpty()).toList();
            int scale = typed.scale().isBlank() ? 0 : Integer.parseInt(typed.scale().trim());
            FieldDef added = f.schema().addCustomField(p, object, FieldDef.custom(apiName, type, typed.label().trim(), values,
                    typed.target().isBlank() ? null : typed.target(), typed.required(), typed.unique(), 0, scale));
            ctx.redirect("/setup/fields?object=" + ConsoleRoutes.enc(object) + "&notice=" + ConsoleRoutes.enc("Added the field \""
                    + added.label() + "\" (" + added.name() + ", " + added.type().wireName() + ")."));
        } catch (HotCrmException | NumberFormatException e) {
            ctx.status(400);
            fields(ctx, typed, e instanceof NumberFormatException ? "Decimal places must be a whole number from 0 to 10." : e.getMessage());
        }
    }

    /** An API name from a label: "Customer tier (2026)" → customer_tier_2026. */
    static String apiName(String label) {
        String n = label.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_").replaceAll("^_+|_+$", "");
        if (n.isEmpty() || !Character.isLetter(n.charAt(0))) {
            n = "field_" + n;
        }
        return n.length() > 56 ? n.substring(0, 56).replaceAll("_+$", "") : n;
    }

    // ------------------------------------------------------------------ recycle bin

    /** A record in the recycle bin as the page lists it. */
    public record Binned(String id, String name, OffsetDateTime deletedAt) {
    }

    private void recycleBin(Context ctx) {
        Optional<Sessions.Session> s = auth.page(ctx);
        if (s.isEmpty()) {
            return;
        }
        Principal p = s.get().principal();
        RecycleBin bin = f.recycleBin();
        List<ObjectDef> deletable = bin.objects(p, List.of());
        Map<String, Long> counts = bin.count(p, deletable, OffsetDateTime.now(ZoneOffset.UTC).plusMinutes(1));
        String objectParam = ctx.queryParam("object");
        ObjectDef o = !blank(objectParam) ? f.schema().object(objectParam)
                : deletable.stream().filter(x -> counts.containsKey(x.name())).findFirst().orElse(deletable.isEmpty() ? null : deletable.get(0));
        List<Binned> rows = new ArrayList<>();
        if (o != null) {
            for (StoredRecord r : bin.list(p, o, 200)) {
                rows.add(new Binned(r.id().toString(), RecordDetailPages.title(o, r), r.deletedAt()));
            }
        }
        List<String[]> choices = deletable.stream().map(x -> new String[] {x.name(), x.pluralLabel() + " (" + counts.getOrDefault(x.name(), 0L)
                + ")"}).toList();
        ConsoleRoutes.render(ctx, "recycle-bin.jte", ConsoleRoutes.model("name", p.name(), "csrf", s.get().csrfToken(),
                "object", o == null ? "" : o.name(), "label", o == null ? "" : o.pluralLabel(), "choices", choices, "rows", rows,
                "notice", ctx.queryParam("notice")));
    }

    private void binAction(Context ctx, boolean restore) {
        Principal p = auth.require(ctx);
        ObjectDef o = f.schema().object(ctx.pathParam("object"));
        java.util.UUID id = Ids.parse(ctx.pathParam("id"), "Record id");
        String notice;
        try {
            if (restore) {
                f.records().restore(p, o.name(), id);
                notice = "Restored; it is back where it was, with its links.";
            } else {
                f.recycleBin().purgeFromBin(p, o, id);
                notice = "Deleted for good.";
            }
        } catch (HotCrmException e) {
            notice = (restore ? "Not restored: " : "Not deleted: ") + e.getMessage();
        }
        ctx.redirect("/setup/recycle-bin?object=" + ConsoleRoutes.enc(o.name()) + "&notice=" + ConsoleRoutes.enc(notice));
    }

    private void purge(Context ctx) {
        Principal p = auth.require(ctx);
        String object = form(ctx, "object");
        try {
            int days = Integer.parseInt(form(ctx, "olderThanDays").isBlank() ? "30" : form(ctx, "olderThanDays").trim());
            List<String> objects = object.isBlank() ? List.of() : List.of(object);
            RecycleBin.PurgeRequest request = new RecycleBin.PurgeRequest(days, objects);
            f.recycleBin().objects(p, objects);
            Job job = f.jobs().submit(RecycleBin.PURGE_JOB, request.toJson(), p.email(), null);
            ctx.redirect("/setup/jobs/" + job.id() + "?notice=" + ConsoleRoutes.enc("Purging the recycle bin as this job."));
        } catch (HotCrmException | NumberFormatException e) {
            ctx.redirect("/setup/recycle-bin?object=" + ConsoleRoutes.enc(object) + "&notice=" + ConsoleRoutes.enc("Not purged: "
                    + (e instanceof NumberFormatException ? "the number of days must be a whole number." : e.getMessage())));
        }
    }

    // ------------------------------------------------------------------ shared

    private List<String[]> objectChoices(Principal p, Action action) {
        return f.schema().catalogue().objects().stream().filter(o -> action == null || AccessGuard.can(p, o, action))
                .map(o -> new String[] {o.name(), o.pluralLabel()}).sorted(java.util.Comparator.comparing(a -> a[1])).toList();
    }

    private static String form(Context ctx, String name) {
        String v = ctx.formParam(name);
        return v == null ? "" : v;
    }

    private static String trim(String s) {
        return blank(s) ? null : s.trim();
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
