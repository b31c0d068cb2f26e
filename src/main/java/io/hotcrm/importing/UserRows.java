package io.hotcrm.importing;

import io.hotcrm.mapping.CompiledMapping;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * What importing users adds to the pipeline: a role named in a row must exist (matched whatever its case,
 * stored as it is named), and new users without a role column are standard users, active.
 */
final class UserRows {
    static final String USER = "user";
    static final String ROLE = "role";

    private final Map<String, String> roles = new HashMap<>();
    private final int roleTarget;
    private final String roleHeader;

    UserRows(CompiledMapping mapping, List<String> knownRoles) {
        knownRoles.forEach(r -> roles.put(r.toLowerCase(Locale.ROOT), r));
        this.roleTarget = mapping.indexOf(ROLE);
        this.roleHeader = roleTarget < 0 ? null : mapping.targets().get(roleTarget).header();
    }

    /** The values new users get for fields no column fills. */
    static Map<String, Object> defaults() {
        return Map.of(ROLE, "standard", "active", Boolean.TRUE);
    }

    void check(ImportRow row) {
        if (roleTarget < 0 || row.values[roleTarget] == null) {
            return;
        }
        String given = row.values[roleTarget].toString();
        String r = roles.get(given.toLowerCase(Locale.ROOT));
        if (r == null) {
            row.fail(roleHeader, ROLE, given, "There is no role \"" + given + "\". Roles: "
                    + String.join(", ", new TreeSet<>(roles.values())) + " (create it first: hotcrm roles create NAME).");
        } else {
            row.values[roleTarget] = r;
        }
    }
}
