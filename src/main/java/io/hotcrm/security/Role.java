package io.hotcrm.security;

import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A named set of rights: per object (with {@code *} as the default for objects not listed), field-level
 * security per object and field (fields not listed are readable and editable), whether the role may
 * manage setup (users, roles, custom fields), and the export destination kinds it may configure
 * ({@code local}, {@code s3}, …; roles that manage setup may configure every kind).
 */
public record Role(String name, String label, boolean manageSetup, boolean builtin,
                   Map<String, ObjectPermission> objects, Map<String, Map<String, FieldAccess>> fields,
                   Set<String> destinationKinds, boolean migrateData, boolean handlePrivacy) {
    public static final String ALL_OBJECTS = "*";

    public Role {
        Objects.requireNonNull(name, "name");
        label = label == null ? name : label;
        objects = Map.copyOf(objects);
        fields = Map.copyOf(fields);
        destinationKinds = destinationKinds == null ? Set.of() : Set.copyOf(destinationKinds);
    }

    /**
     * Whether the role may load data as a migration: keep the source's created date and creator, and fill
     * read-only fields (values HotCRM otherwise computes or sets itself). Plain imports never may.
     */
    public boolean mayMigrate() {
        return migrateData;
    }

    /**
     * Whether the role may see and handle data-subject requests: find everything about a person, hand it over, erase
     * it. Those requests touch every object whatever the role's other rights, so only roles allowed to see them may.
     */
    public boolean mayHandlePrivacy() {
        return handlePrivacy;
    }

    /** Whether the role may create, change and test destinations of the kind. */
    public boolean mayConfigureDestination(String kind) {
        return manageSetup || destinationKinds.contains(kind);
    }

    public ObjectPermission permission(String object) {
        ObjectPermission p = objects.get(object);
        if (p == null) {
            p = objects.getOrDefault(ALL_OBJECTS, ObjectPermission.NONE);
        }
        return p;
    }

    public FieldAccess fieldAccess(String object, String field) {
        Map<String, FieldAccess> perObject = fields.get(object);
        return perObject == null ? FieldAccess.FULL : perObject.getOrDefault(field, FieldAccess.FULL);
    }
}
