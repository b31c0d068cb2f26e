package io.hotcrm.security;

import io.hotcrm.common.ErrorCode;
import io.hotcrm.common.HotCrmException;
import io.hotcrm.common.Ids;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** Users: add, list, deactivate, set passwords and roles. Users are records of the {@code user} object. */
public final class Users {
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");
    /** The shortest password accepted: the console's form says the same, from this constant. */
    public static final int MIN_PASSWORD = 10;
    private final Jdbi jdbi;
    private final Roles roles;

    Users(Jdbi jdbi, Roles roles) {
        this.jdbi = jdbi;
        this.roles = roles;
    }

    public User add(Principal by, String email, String name, String role, String password) {
        AccessGuard.requireSetup(by, "add users");
        String mail = normaliseEmail(email);
        if (name == null || name.isBlank()) {
            throw HotCrmException.invalid("A user needs a name: add --name \"Full Name\".");
        }
        String roleName = role == null ? Roles.STANDARD : role;
        roles.get(roleName);
        UUID id = Ids.newId();
        jdbi.useTransaction(h -> {
            if (find(h, mail).isPresent()) {
                throw new HotCrmException(ErrorCode.CONFLICT, "A user with the email " + mail + " already exists.");
            }
            OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
            h.createUpdate("insert into obj_user (id, email, name, active, role, created_at, created_by, updated_at,"
                            + " updated_by, change_seq) values (:id, :email, :name, true, :role, :now, cast(:by as uuid), :now, cast(:by as uuid),"
                            + " nextval('hc_change_seq'))")
                    .bind("id", id).bind("email", mail).bind("name", name.trim()).bind("role", roleName)
                    .bind("now", now).bind("by", by.userId()).execute();
            h.createUpdate("insert into hc_credential (user_id, password_hash) values (:id, :hash)")
                    .bind("id", id).bind("hash", password == null ? null : hashChecked(password)).execute();
            AuditLog.record(h, by, "user.add", "user", id.toString(), mail + " role=" + roleName);
        });
        return get(id);
    }

    public List<User> list() {
        return jdbi.withHandle(h -> h.createQuery("select id, email, name, active, role from obj_user"
                + " where deleted_at is null order by email").map((rs, c) -> new User(rs.getObject(1, UUID.class),
                rs.getString(2), rs.getString(3), rs.getBoolean(4), rs.getString(5))).list());
    }

    public Optional<User> find(String email) {
        return jdbi.withHandle(h -> find(h, normaliseEmail(email)));
    }

    public User require(String email) {
        return find(email).orElseThrow(() -> HotCrmException.notFound("There is no user with the email " + email
                + ". Run \"hotcrm users list\" to see the users."));
    }

    public User get(UUID id) {
        return jdbi.withHandle(h -> h.createQuery("select id, email, name, active, role from obj_user where id = :id")
                .bind("id", id).map((rs, c) -> new User(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3),
                        rs.getBoolean(4), rs.getString(5))).findOne())
                .orElseThrow(() -> HotCrmException.notFound("There is no user with id " + id + "."));
    }

    public User deactivate(Principal by, String email) {
        return setActive(by, email, false);
    }

    public User activate(Principal by, String email) {
        return setActive(by, email, true);
    }

    private User setActive(Principal by, String email, boolean active) {
        AccessGuard.requireSetup(by, "deactivate users");
        User u = require(email);
        keepAnAdministrator(u, u.role(), active);
        jdbi.useTransaction(h -> {
            touch(h, by, u.id(), "active", active);
            if (!active) {
                h.createUpdate("delete from hc_session where user_id = :id").bind("id", u.id()).execute();
            }
            AuditLog.record(h, by, active ? "user.activate" : "user.deactivate", "user", u.id().toString(), u.email());
        });
        return get(u.id());
    }

    public User setRole(Principal by, String email, String role) {
        AccessGuard.requireSetup(by, "change user roles");
        roles.get(role);
        User u = require(email);
        keepAnAdministrator(u, role, u.active());
        jdbi.useTransaction(h -> {
            touch(h, by, u.id(), "role", role);
            AuditLog.record(h, by, "user.role", "user", u.id().toString(), u.email() + " role=" + role);
        });
        return get(u.id());
    }

    /**
     * Refuses a change that would leave no active user whose role manages setup: nobody could then add users, change roles
     * or restore a backup from the console.
     */
    private void keepAnAdministrator(User u, String newRole, boolean newActive) {
        boolean isAdmin = u.active() && roles.find(u.role()).map(Role::manageSetup).orElse(false);
        boolean staysAdmin = newActive && roles.find(newRole).map(Role::manageSetup).orElse(false);
        if (!isAdmin || staysAdmin) {
            return;
        }
        boolean another = list().stream().anyMatch(x -> x.active() && !x.id().equals(u.id())
                && roles.find(x.role()).map(Role::manageSetup).orElse(false));
        if (!another) {
            throw new HotCrmException(io.hotcrm.common.ErrorCode.CONFLICT, u.email() + " is the last active administrator: give"
                    + " another user a role that manages setup first, or nobody could manage users, roles and backups.");
        }
    }

    /** Sets a password; users may set their own, setup managers anyone's. */
    public void setPassword(Principal by, String email, String password) {
        User u = require(email);
        if (!u.id().equals(by.userId())) {
            AccessGuard.requireSetup(by, "set other users' passwords");
        }
        String hash = hashChecked(password);
        jdbi.useTransaction(h -> {
            h.createUpdate("update hc_credential set password_hash = :h, failed_attempts = 0, locked_until = null"
                    + " where user_id = :id").bind("h", hash).bind("id", u.id()).execute();
            AuditLog.record(h, by, "user.password", "user", u.id().toString(), u.email());
        });
    }

    /** The principal for an active user, with the role as it is now. */
    public Principal principal(UUID userId) {
        User u = get(userId);
        if (!u.active()) {
            throw new HotCrmException(ErrorCode.NOT_AUTHENTICATED, "The user " + u.email() + " is deactivated.");
        }
        Role role = roles.find(u.role()).orElseGet(() -> roles.get(Roles.READ_ONLY));
        return new Principal(u.id(), u.email(), u.name(), role);
    }

    public Principal principal(String email) {
        return principal(require(email).id());
    }

    static String hashChecked(String password) {
        if (password == null || password.length() < MIN_PASSWORD) {
            throw HotCrmException.invalid("Passwords need at least " + MIN_PASSWORD + " characters.");
        }
        return PasswordHasher.hash(password);
    }

    static String normaliseEmail(String email) {
        String e = email == null ? "" : email.trim().toLowerCase(Locale.ROOT);
        if (!EMAIL.matcher(e).matches()) {
            throw HotCrmException.invalid("\"" + email + "\" is not an email address.");
        }
        return e;
    }

    private static Optional<User> find(Handle h, String email) {
        return h.createQuery("select id, email, name, active, role from obj_user where email = :e and deleted_at is null")
                .bind("e", email).map((rs, c) -> new User(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3),
                        rs.getBoolean(4), rs.getString(5))).findOne();
    }

    private static void touch(Handle h, Principal by, UUID id, String column, Object value) {
        h.createUpdate("update obj_user set " + column + " = :v, updated_at = :now, updated_by = cast(:by as uuid),"
                        + " change_seq = nextval('hc_change_seq') where id = :id")
                .bind("v", value).bind("now", OffsetDateTime.now(ZoneOffset.UTC)).bind("by", by.userId())
                .bind("id", id).execute();
    }
}
