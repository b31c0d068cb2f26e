package io.hotcrm.web;

import io.hotcrm.common.HotCrmException;
import io.hotcrm.common.Ids;
import io.hotcrm.metadata.FieldDef;
import io.hotcrm.metadata.ObjectDef;
import io.hotcrm.security.AccessGuard;
import io.hotcrm.security.FieldAccess;
import io.hotcrm.security.ObjectPermission;
import io.hotcrm.security.Principal;
import io.hotcrm.security.Role;
import io.hotcrm.security.Security;
import io.hotcrm.security.Sessions;
import io.hotcrm.security.User;
import io.hotcrm.security.Visibility;
import io.hotcrm.store.Schema;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Setup → Users and Setup → Roles: add users and change their role or status; create roles, set what they
 * may do per object (read, create, edit, delete, export; all records or their own) and field-level security
 * per field. Only roles that manage setup see these pages' contents; others are told why.
 */
public final class SecurityPages {
    private final Auth auth;
    private final Security security;
    private final Schema schema;
    private final List<String> destinationKinds;

    SecurityPages(Auth auth, Security security, Schema schema, List<String> destinationKinds) {
        this.auth = auth;
        this.security = security;
        this.schema = schema;
        this.destinationKinds = List.copyOf(destinationKinds);
    }

    /** One field in the field-level security table: its access as {@code edit}, {@code read} or {@code none}. */
    public record FieldRow(String name, String label, String access) {
    }

    void register(RoutesConfig r) {
        r.get("/setup/users", this::users);
        r.post("/setup/users", this::addUser);
        r.post("/setup/users/{id}/role", this::setRole);
        r.post("/setup/users/{id}/active", this::setActive);
        r.get("/setup/roles", this::roles);
        r.post("/setup/roles", this::createRole);
        r.post("/setup/roles/{role}/objects/{object}", this::grant);
        r.post("/setup/roles/{role}/objects/{object}/fields", this::fieldAccess);
        r.post("/setup/roles/{role}/destinations", this::destinations);
    }


    /** What the add-a-user form shows: the values typed (never the password) and the role chosen. */
    public record NewUser(String email, String name, String role) {
    }

    private void users(Context ctx) {
        Optional<Sessions.Session> session = auth.page(ctx);
        if (session.isEmpty()) {
            return;
        }
        usersPage(ctx, session.get(), null, ctx.queryParam("notice"), ctx.queryParam("error"));
    }

    private void usersPage(Context ctx, Sessions.Session session, NewUser typed, String notice, String error) {
        Principal p = session.principal();
        boolean manage = p.role().manageSetup();
        List<Role> roles = manage ? security.roles().list() : List.<Role>of();
        NewUser form = typed != null ? typed : new NewUser("", "", leastPrivileged(roles));
        ConsoleRoutes.render(ctx, "users.jte", ConsoleRoutes.model("name", p.name(), "csrf", session.csrfToken(),
                "manage", manage, "users", manage ? security.users().list() : List.<User>of(), "form", form,
                "minPassword", io.hotcrm.security.Users.MIN_PASSWORD,
                "roles", roles, "notice", notice, "error", error));
    }

    /**
     * The role a new user gets unless another is chosen: the one that may do least — no setup, then the fewest object
     * rights (read, create, edit, delete, export per object).
     */
    static String leastPrivileged(List<Role> roles) {
        return roles.stream().min(java.util.Comparator.comparingInt(SecurityPages::rights).thenComparing(Role::name))
                .map(Role::name).orElse(null);
    }

    private static int rights(Role r) {
        int n = r.manageSetup() ? 10_000 : 0;
        n += r.mayMigrate() ? 1_000 : 0;
        n += r.mayHandlePrivacy() ? 1_000 : 0;
        for (ObjectPermission op : r.objects().values()) {
            n += (op.read() ? 1 : 0) + (op.create() ? 1 : 0) + (op.edit() ? 1 : 0) + (op.delete() ? 1 : 0) + (op.export() ? 1 : 0);
        }
        return n;
    }

    private void addUser(Context ctx) {
        Principal p = auth.require(ctx);
        String password = ctx.formParam("password");
        try {
            AccessGuard.requireSetup(p, "add users");
            User u = security.users().add(p, ctx.formParam("email"), ctx.formParam("userName"), ctx.formParam("role"),
                    password == null || password.isBlank() ? null : password);
            ctx.redirect("/setup/users?notice=" + ConsoleRoutes.enc("Added " + u.email() + " with the role " + u.role() + "."
                    + (password == null || password.isBlank() ? " They cannot sign in until a password is set (hotcrm users set-password)."
                    : "")));
        } catch (HotCrmException e) {
            // the form again with what was typed (not the password), and why
            Sessions.Session session = auth.page(ctx).orElse(null);
            if (session == null) {
                return;
            }
            ctx.status(e.code().httpStatus());
            usersPage(ctx, session, new NewUser(ctx.formParam("email"), ctx.formParam("userName"), ctx.formParam("role")), null,
                    e.getMessage());
        }
    }

    private void setRole(Context ctx) {
        Principal p = auth.require(ctx);
        back(ctx, "/setup/users", () -> {
            AccessGuard.requireSetup(p, "change roles");
            User u = security.users().get(Ids.parse(ctx.pathParam("id"), "User id"));
            User changed = security.users().setRole(p, u.email(), ctx.formParam("role"));
            return changed.email() + " now has the role " + changed.role() + ".";
        });
    }

    private void setActive(Context ctx) {
        Principal p = auth.require(ctx);
        back(ctx, "/setup/users", () -> {
            AccessGuard.requireSetup(p, "activate or deactivate users");
            User u = security.users().get(Ids.parse(ctx.pathParam("id"), "User id"));
            boolean active = "true".equals(ctx.formParam("active"));
            User changed = active ? security.users().activate(p, u.email()) : security.users().deactivate(p, u.email());
            return changed.email() + (changed.active() ? " is active again." : " is deactivated and signed out everywhere.");
        });
    }

    private void roles(Context ctx) {
        Optional<Sessions.Session> session = auth.page(ctx);
        if (session.isEmpty()) {
            return;
        }
        Principal p = session.get().principal();
        boolean manage = p.role().manageSetup();
        List<Role> roles = manage ? security.roles().list() : List.of();
        String roleName = ctx.queryParam("role");
        Role role = manage && roleName != null ? security.roles().find(roleName).orElse(null) : null;
        List<String> objects = schema.catalogue().objects().stream().map(ObjectDef::name).toList();
        String object = ctx.queryParam("object") != null && objects.contains(ctx.queryParam("object")) ? ctx.queryParam("object")
                : objects.get(0);
        List<FieldRow> fields = new ArrayList<>();
        if (role != null) {
            for (FieldDef f : schema.object(object).fields()) {
                FieldAccess a = role.fieldAccess(object, f.name());
                fields.add(new FieldRow(f.name(), f.label(), a.edit() ? "edit" : a.read() ? "read" : "none"));
            }
        }
        ConsoleRoutes.render(ctx, "roles.jte", ConsoleRoutes.model("name", p.name(), "csrf", session.get().csrfToken(),
                "manage", manage, "roles", roles, "role", role, "object", object, "objects", objects,
                "permission", role == null ? ObjectPermission.NONE : role.permission(object), "fields", fields,
                "kinds", destinationKinds,
                "notice", ctx.queryParam("notice"), "error", ctx.queryParam("error")));
    }

    private void createRole(Context ctx) {
        Principal p = auth.require(ctx);
        String role = Optional.ofNullable(ctx.formParam("role")).orElse("").trim();
        back(ctx, "/setup/roles?role=" + ConsoleRoutes.enc(role), () -> {
            Role r = security.roles().create(p, role, blank(ctx.formParam("label")) ? null : ctx.formParam("label"));
            return "Created the role " + r.label() + ". It may do nothing yet: give it permissions below.";
        });
    }

    private void grant(Context ctx) {
        Principal p = auth.require(ctx);
        String role = ctx.pathParam("role");
        String object = ctx.pathParam("object");
        back(ctx, "/setup/roles?role=" + ConsoleRoutes.enc(role) + "&object=" + ConsoleRoutes.enc(object), () -> {
            ObjectPermission perm = new ObjectPermission(checked(ctx, "read"), checked(ctx, "create"), checked(ctx, "edit"),
                    checked(ctx, "delete"), checked(ctx, "export"), Visibility.valueOf(
                    Optional.ofNullable(ctx.formParam("visibility")).orElse("ALL")));
            security.roles().grant(p, role, schema.object(object).name(), perm);
            return "Saved what " + role + " may do with " + object + " records.";
        });
    }

    private void fieldAccess(Context ctx) {
        Principal p = auth.require(ctx);
        String role = ctx.pathParam("role");
        String object = ctx.pathParam("object");
        back(ctx, "/setup/roles?role=" + ConsoleRoutes.enc(role) + "&object=" + ConsoleRoutes.enc(object), () -> {
            Role r = security.roles().get(role);
            ObjectDef o = schema.object(object);
            int changed = 0;
            for (FieldDef f : o.fields()) {
                String v = ctx.formParam("fls." + f.name());
                if (v == null) {
                    continue;
                }
                FieldAccess want = switch (v) {
                    case "edit" -> FieldAccess.FULL;
                    case "read" -> new FieldAccess(true, false);
                    default -> new FieldAccess(false, false);
                };
                if (!want.equals(r.fieldAccess(o.name(), f.name()))) {
                    security.roles().setFieldAccess(p, role, o.name(), f.name(), want);
                    changed++;
                }
            }
            return "Saved field access on " + object + " for " + role + " (" + changed + " changed).";
        });
    }

    private void destinations(Context ctx) {
        Principal p = auth.require(ctx);
        String role = ctx.pathParam("role");
        back(ctx, "/setup/roles?role=" + ConsoleRoutes.enc(role), () -> {
            List<String> kinds = destinationKinds.stream().filter(k -> checked(ctx, "dest." + k)).toList();
            security.roles().setDestinationKinds(p, role, kinds);
            return "Saved the export destinations " + role + " may configure: " + (kinds.isEmpty() ? "none" : String.join(", ", kinds)) + ".";
        });
    }

    private static boolean checked(Context ctx, String name) {
        return "true".equals(ctx.formParam(name));
    }

    /** Runs the change and goes back to the page with its outcome as a notice, or the problem as an error. */
    private static void back(Context ctx, String page, java.util.function.Supplier<String> change) {
        String sep = page.contains("?") ? "&" : "?";
        try {
            ctx.redirect(page + sep + "notice=" + ConsoleRoutes.enc(change.get()));
        } catch (HotCrmException e) {
            ctx.redirect(page + sep + "error=" + ConsoleRoutes.enc(e.getMessage()));
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

}
