package io.hotcrm.security;

/** Field-level security for one field: may the role read it, may it edit it. Editing implies reading. */
public record FieldAccess(boolean read, boolean edit) {
    public static final FieldAccess FULL = new FieldAccess(true, true);

    public FieldAccess {
        read = read || edit;
    }
}
