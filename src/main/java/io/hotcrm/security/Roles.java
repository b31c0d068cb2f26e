package io.hotcrm.security;

import io.hotcrm.common.ErrorCode;
import io.hotcrm.common.HotCrmException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Roles and what they grant. Three built-in roles exist from the first start: {@code admin} (everything,
 * including setup), {@code standard} (work with all CRM records, read users) and {@code read_only}.
 */
public final class Roles {
    public static final String ADMIN = "admin";
    public static final String STANDARD = "standard";
    public static final String READ_ONLY = "read_only";
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,79}");

    private final Jdbi jdbi;
    private final AuditLog audit;

    Roles(Jdbi jdbi, AuditLog audit) {
        this.jdbi = jdbi;
        this.audit = audit;
    }

    void seedBuiltins() {
        jdbi.useTransaction(h -> {
            if (exists(h, ADMIN)) {
                return;
            }
            insertRole(h, ADMIN, "Administrator", true, true);
            h.createUpdate("update hc_role set migrate_data = true, handle_privacy = true where name = :n").bind("n", ADMIN).execute();
            putObject(h, ADMIN, Role.ALL_OBJECTS, ObjectPermission.FULL);
            insertRole(h, STANDARD, "Standard user", false, true);
            putObject(h, STANDARD, Role.ALL_OBJECTS, ObjectPermission.FULL);
            putObject(h, STANDARD, "user", new ObjectPermission(true, false, false, false, false, Visibility.ALL));
            insertRole(h, READ_ONLY, "Read only", false, true);
            putObject(h, READ_ONLY, Role.ALL_OBJECTS, new ObjectPermission(true, false, false, false, false, Visibility.ALL));
        });
    }

    public List<Role> list() {
        return jdbi.withHandle(h -> h.createQuery("select name from hc_role order by name").mapTo(String.class).list()
                .stream().map(n -> load(h, n).orElseThrow()).toList());
    }

    public Optional<Role> find(String name) {
        return jdbi.withHandle(h -> load(h, name));
    }

    public Role get(String name) {
        return find(name).orElseThrow(() -> HotCrmException.notFound("There is no role \"" + name
                + "\". Run \"hotcrm roles list\" to see the roles."));
    }

    public Role create(Principal by, String name, String label) {
        AccessGuard.requireSetup(by, "create roles");
        if (name == null || !NAME.matcher(name).matches()) {
            throw HotCrmException.invalid("Role name \"" + name + "\" is not valid: use lowercase letters, digits and"
                    + " underscores, starting with a letter (for example sales_rep).");
        }
        jdbi.useTransaction(h -> {
            if (exists(h, name)) {
                throw new HotCrmException(ErrorCode.CONFLICT, "A role named \"" + name + "\" already exists.");
            }
            insertRole(h, name, label == null ? name : label, false, false);
            AuditLog.record(h, by, "role.create", null, name, null);
        });
        return get(name);
    }

    /** Sets the role's rights on one object ({@code *} for all objects not listed). */
    public Role grant(Principal by, String roleName, String object, ObjectPermission permission) {
        AccessGuard.requireSetup(by, "change roles");
        Role role = get(roleName);
        requireEditable(role);
        jdbi.useTransaction(h -> {
            putObject(h, roleName, object, permission);
            AuditLog.record(h, by, "role.grant", object, roleName, permission.toString());
        });
        return get(roleName);
    }

    /** Sets field-level security for one field of one object. */
    public Role setFieldAccess(Principal by, String roleName, String object, String field, FieldAccess access) {
        AccessGuard.requireSetup(by, "change roles");
        requireEditable(get(roleName));
        jdbi.useTransaction(h -> {
            h.createUpdate("delete from hc_role_field where role_name = :r and object_name = :o and field_name = :f")
                    .bind("r", roleName).bind("o", object).bind("f", field).execute();
            h.createUpdate("insert into hc_role_field (role_name, object_name, field_name, can_read, can_edit)"
                            + " values (:r, :o, :f, :read, :edit)")
                    .bind("r", roleName).bind("o", object).bind("f", field)
                    .bind("read", access.read()).bind("edit", access.edit()).execute();
            AuditLog.record(h, by, "role.field_access", object + "." + field, roleName, access.toString());
        });
        return get(roleName);
    }

    /**
     * Sets the export destination kinds the role may configure (replacing the ones it had; empty: none).
     * Roles that manage setup configure every kind whatever is set here.
     */
    public Role setDestinationKinds(Principal by, String roleName, java.util.Collection<String> kinds) {
        AccessGuard.requireSetup(by, "change roles");
        requireEditable(get(roleName));
        java.util.Set<String> clean = new java.util.TreeSet<>();
        for (String k : kinds) {
            String kind = k.trim().toLowerCase(java.util.Locale.ROOT);
            if (!kind.matches("[a-z0-9_-]{1,40}")) {
                throw HotCrmException.invalid("\"" + k + "\" is not a destination kind (local, s3, gcs, azure, sftp).");
            }
            clean.add(kind);
        }
        jdbi.useTransaction(h -> {
            h.createUpdate("delete from hc_role_destination where role_name = :r").bind("r", roleName).execute();
            for (String kind : clean) {
                h.createUpdate("insert into hc_role_destination (role_name, kind) values (:r, :k)").bind("r", roleName)
                        .bind("k", kind).execute();
            }
            AuditLog.record(h, by, "role.destinations", null, roleName, clean.isEmpty() ? "none" : String.join(",", clean));
        });
        return get(roleName);
    }

    /**
     * Allows or forbids a role to load data as a migration (keep created dates and creators, fill read-only
     * fields). Needs a role that manages setup; audited.
     */
    public Role setMigrateData(Principal by, String roleName, boolean allowed) {
        AccessGuard.requireSetup(by, "change what roles may migrate");
        Role role = get(roleName);
        requireEditable(role);
        jdbi.useTransaction(h -> {
            h.createUpdate("update hc_role set migrate_data = :m where name = :r").bind("m", allowed).bind("r", role.name()).execute();
            AuditLog.record(h, by, "role.migrate", null, role.name(), allowed ? "allowed" : "not allowed");
        });
        return get(roleName);
    }

    /** Allows or forbids a role to see and handle data-subject requests. Needs a role that manages setup; audited. */
    public Role setHandlePrivacy(Principal by, String roleName, boolean allowed) {
        AccessGuard.requireSetup(by, "change what roles may handle privacy requests");
        Role role = get(roleName);
        requireEditable(role);
        jdbi.useTransaction(h -> {
            h.createUpdate("update hc_role set handle_privacy = :m where name = :r").bind("m", allowed).bind("r", role.name()).execute();
            AuditLog.record(h, by, "role.privacy", null, role.name(), allowed ? "allowed" : "not allowed");
        });
        return get(roleName);
    }

    private static void requireEditable(Role role) {
        if (role.builtin() && role.name().equals(ADMIN)) {
            throw HotCrmException.invalid("The built-in role \"admin\" cannot be changed; create a new role instead.");
        }
    }

    private static boolean exists(Handle h, String name) {
        return h.createQuery("select count(*) from hc_role where name = :n").bind("n", name).mapTo(Integer.class).one() > 0;
    }

    private static void insertRole(Handle h, String name, String label, boolean setup, boolean builtin) {
        h.createUpdate("insert into hc_role (name, label, manage_setup, builtin) values (:n, :l, :s, :b)")
                .bind("n", name).bind("l", label).bind("s", setup).bind("b", builtin).execute();
    }

    private static void putObject(Handle h, String role, String object, ObjectPermission p) {
        h.createUpdate("delete from hc_role_object where role_name = :r and object_name = :o")
                .bind("r", role).bind("o", object).execute();
        h.createUpdate("insert into hc_role_object (role_name, object_name, can_read, can_create, can_edit,"
                        + " can_delete, can_export, visibility) values (:r, :o, :read, :create, :edit, :delete, :export, :vis)")
                .bind("r", role).bind("o", object).bind("read", p.read()).bind("create", p.create())
                .bind("edit", p.edit()).bind("delete", p.delete()).bind("export", p.export())
                .bind("vis", p.visibility().name()).execute();
    }

    static Optional<Role> load(Handle h, String name) {
        Optional<Map<String, Object>> row = h.createQuery("select name, label, manage_setup, builtin, migrate_data, handle_privacy from hc_role"
                        + " where name = :n")
                .bind("n", name).mapToMap().findOne();
        if (row.isEmpty()) {
            return Optional.empty();
        }
        Map<String, ObjectPermission> objects = new HashMap<>();
        h.createQuery("select * from hc_role_object where role_name = :n").bind("n", name).map((rs, ctx) -> {
            objects.put(rs.getString("object_name"), new ObjectPermission(rs.getBoolean("can_read"),
                    rs.getBoolean("can_create"), rs.getBoolean("can_edit"), rs.getBoolean("can_delete"),
                    rs.getBoolean("can_export"), Visibility.valueOf(rs.getString("visibility"))));
            return 0;
        }).list();
        Map<String, Map<String, FieldAccess>> fields = new HashMap<>();
        h.createQuery("select * from hc_role_field where role_name = :n").bind("n", name).map((rs, ctx) -> {
            fields.computeIfAbsent(rs.getString("object_name"), k -> new HashMap<>())
                    .put(rs.getString("field_name"), new FieldAccess(rs.getBoolean("can_read"), rs.getBoolean("can_edit")));
            return 0;
        }).list();
        java.util.Set<String> kinds = new java.util.TreeSet<>(h.createQuery("select kind from hc_role_destination where role_name = :n")
                .bind("n", name).mapTo(String.class).list());
        Map<String, Object> r = row.get();
        return Optional.of(new Role(name, (String) r.get("label"), (Boolean) r.get("manage_setup"),
                (Boolean) r.get("builtin"), objects, fields, kinds, (Boolean) r.get("migrate_data"),
                (Boolean) r.get("handle_privacy")));
    }
}
