package io.hotcrm.security;

import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * Who is acting: a signed-in user with their role, or the system itself (start-up, operator commands run
 * without {@code --as}). Every read and write carries one.
 */
public record Principal(UUID userId, String email, String name, Role role) {
    public static final String SYSTEM_EMAIL = "system";
    private static final Role SYSTEM_ROLE = new Role("system", "System", true, true,
            Map.of(Role.ALL_OBJECTS, ObjectPermission.FULL), Map.of(), Set.of(), true, true);
    private static final Principal SYSTEM = new Principal(null, SYSTEM_EMAIL, "HotCRM system", SYSTEM_ROLE);

    public Principal {
        Objects.requireNonNull(email, "email");
        Objects.requireNonNull(role, "role");
    }

    public static Principal system() {
        return SYSTEM;
    }

    public boolean isSystem() {
        return userId == null;
    }

    /** How the audit log names this principal. */
    public String actor() {
        return email;
    }
}
