package io.hotcrm.security;

import io.hotcrm.common.HotCrmException;
import io.hotcrm.metadata.FieldDef;
import io.hotcrm.metadata.ObjectDef;
import java.util.Collection;
import java.util.List;

/**
 * The one place where permissions are decided. The record store, the query engine and every front door
 * built on them ask here before they read or write: object permissions, field-level security and record
 * visibility. Messages say who, what, and which role to change.
 */
public final class AccessGuard {
    private AccessGuard() {
    }

    /** Throws a permission error unless the principal may do {@code action} on the object. */
    public static void require(Principal p, ObjectDef object, Action action) {
        if (!p.role().permission(object.name()).allows(action)) {
            throw HotCrmException.denied(who(p) + " may not " + action.wireName() + " " + object.name()
                    + " records. Ask an administrator to grant \"" + action.wireName() + "\" on " + object.name()
                    + " to the role \"" + p.role().name() + "\".");
        }
    }

    /** Whether the principal may do {@code action} on the object. */
    public static boolean can(Principal p, ObjectDef object, Action action) {
        return p.role().permission(object.name()).allows(action);
    }

    public static void requireSetup(Principal p, String what) {
        if (!p.role().manageSetup()) {
            throw HotCrmException.denied(who(p) + " may not " + what + ": that needs a role that manages setup"
                    + " (for example \"admin\").");
        }
    }

    /** Throws unless the principal's role may load data as a migration (audit values, read-only fields). */
    public static void requireMigration(Principal p, String what) {
        if (!p.role().mayMigrate()) {
            throw HotCrmException.denied(who(p) + " may not " + what + ": that needs a role allowed to migrate data"
                    + " (hotcrm roles migrate " + p.role().name() + " on; the built-in \"admin\" role may).");
        }
    }

    /** Throws unless the principal's role may see and handle data-subject requests (GDPR). */
    public static void requirePrivacy(Principal p, String what) {
        if (!p.role().mayHandlePrivacy()) {
            throw HotCrmException.denied(who(p) + " may not " + what + ": that needs a role allowed to handle privacy requests"
                    + " (hotcrm roles privacy " + p.role().name() + " on; the built-in \"admin\" role may).");
        }
    }

    /**
     * Throws unless the principal may configure (create, change, test) export destinations of the kind.
     * Checked before any connection is made, so users without the right learn nothing about the network.
     */
    public static void requireDestination(Principal p, String kind) {
        if (!p.role().mayConfigureDestination(kind)) {
            throw HotCrmException.denied(who(p) + " may not use " + kind + " destinations. Ask an administrator to allow"
                    + " them for the role: hotcrm roles destinations " + p.role().name() + " " + kind + ".");
        }
    }

    /**
     * Whether the principal may see and cancel work (jobs, imports, exports) started by {@code startedBy}:
     * their own, or anyone's with a role that manages setup.
     */
    public static boolean canSeeWorkOf(Principal p, String startedBy) {
        return p.role().manageSetup() || p.email().equalsIgnoreCase(startedBy);
    }

    /** Fields the principal may read, in catalogue order. */
    public static List<FieldDef> readableFields(Principal p, ObjectDef object) {
        return object.fields().stream().filter(f -> canRead(p, object, f)).toList();
    }

    public static boolean canRead(Principal p, ObjectDef object, FieldDef f) {
        return p.role().fieldAccess(object.name(), f.name()).read();
    }

    /** Throws naming the field when the principal may not read it. */
    public static void requireReadable(Principal p, ObjectDef object, FieldDef f) {
        if (!canRead(p, object, f)) {
            throw HotCrmException.denied(who(p) + " may not read the field " + object.name() + "." + f.name()
                    + " (field-level security of role \"" + p.role().name() + "\"). Remove it from the request"
                    + " or ask an administrator for access.");
        }
    }

    /** Throws naming every field the principal may not edit. */
    public static void requireEditable(Principal p, ObjectDef object, Collection<FieldDef> fields) {
        List<String> denied = fields.stream()
                .filter(f -> !p.role().fieldAccess(object.name(), f.name()).edit())
                .map(FieldDef::name).toList();
        if (!denied.isEmpty()) {
            throw HotCrmException.denied(who(p) + " may not edit " + object.name() + "." + String.join(", "
                    + object.name() + ".", denied) + " (field-level security of role \"" + p.role().name() + "\").");
        }
    }

    public static Visibility visibility(Principal p, ObjectDef object) {
        return p.role().permission(object.name()).visibility();
    }

    private static String who(Principal p) {
        return p.isSystem() ? "The system" : "User " + p.email() + " (role \"" + p.role().name() + "\")";
    }
}
