package io.hotcrm.security;

import org.jdbi.v3.core.Jdbi;

/**
 * Front door of the security feature: users, roles, API tokens, console sessions and the audit log, all
 * over one database. Permission decisions themselves are made by {@link AccessGuard}.
 * Create it after the system tables and the {@code user} object table exist, then call {@link #bootstrap()}.
 */
public final class Security {
    private final AuditLog audit;
    private final Roles roles;
    private final Users users;
    private final Tokens tokens;
    private final Sessions sessions;

    public Security(Jdbi jdbi) {
        this.audit = new AuditLog(jdbi);
        this.roles = new Roles(jdbi, audit);
        this.users = new Users(jdbi, roles);
        this.tokens = new Tokens(jdbi, users);
        this.sessions = new Sessions(jdbi, users, audit);
    }

    /** Creates the built-in roles on first start; does nothing afterwards. */
    public void bootstrap() {
        roles.seedBuiltins();
    }

    public AuditLog audit() {
        return audit;
    }

    public Roles roles() {
        return roles;
    }

    public Users users() {
        return users;
    }

    public Tokens tokens() {
        return tokens;
    }

    public Sessions sessions() {
        return sessions;
    }
}
