package io.hotcrm.metadata;

import java.util.Set;

/**
 * The columns every object table has besides its catalogue fields. {@code change_seq} comes from one database
 * sequence and is set on every write, so "what changed since N" is one indexed range scan.
 */
public final class SystemField {
    public static final String ID = "id";
    public static final String EXTERNAL_ID = "external_id";
    public static final String CREATED_AT = "created_at";
    public static final String CREATED_BY = "created_by";
    public static final String UPDATED_AT = "updated_at";
    public static final String UPDATED_BY = "updated_by";
    public static final String CHANGE_SEQ = "change_seq";
    public static final String DELETED_AT = "deleted_at";

    public static final Set<String> ALL = Set.of(ID, EXTERNAL_ID, CREATED_AT, CREATED_BY, UPDATED_AT, UPDATED_BY,
            CHANGE_SEQ, DELETED_AT);

    private SystemField() {
    }

    public static boolean isSystem(String name) {
        return ALL.contains(name);
    }
}
