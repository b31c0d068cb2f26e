package io.hotcrm.security;

import java.util.Map;
import java.util.Objects;

/**
 * A named set of rights: per object (with {@code *} as the default for objects not listed), field-level
 * security per object and field (fields not listed are readable and editable), and whether the role may
 * manage setup (users, roles, custom fields).
 */
public record Role(String name, String label, boolean manageSetup, boolean builtin,
                   Map<String, ObjectPermission> objects, Map<String, Map<String, FieldAccess>> fields) {
    public static final String ALL_OBJECTS = "*";

    public Role {
        Objects.requireNonNull(name, "name");
        label = label == null ? name : label;
        objects = Map.copyOf(objects);
        fields = Map.copyOf(fields);
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
