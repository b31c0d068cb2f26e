package io.hotcrm.store;

import io.hotcrm.metadata.FieldDef;

/** The two databases HotCRM runs on, and what differs between them. */
public enum Dialect {
    H2, POSTGRES;

    public static Dialect fromUrl(String jdbcUrl) {
        return jdbcUrl.startsWith("jdbc:postgresql:") ? POSTGRES : H2;
    }

    /** The column type of a catalogue field. */
    public String columnType(FieldDef f) {
        return switch (f.type()) {
            case TEXT, EMAIL, PHONE, URL, PICKLIST, MULTI_PICKLIST -> "varchar(" + f.maxLength() + ")";
            case TEXTAREA -> largeText();
            case NUMBER, CURRENCY, PERCENT -> "numeric(18," + f.scale() + ")";
            case DATE -> "date";
            case DATETIME -> "timestamp with time zone";
            case BOOLEAN -> "boolean";
            case LOOKUP, OWNER -> "uuid";
        };
    }

    /**
     * The type of a column whose values may be large (long text fields, journals, job results). On H2 it is a
     * real character large object, kept apart from the row: H2 in PostgreSQL mode makes {@code text} a
     * VARCHAR stored inside the row, and H2 2.x cannot read back a storage page over 1 MiB (its file store
     * reports "File corrupted in chunk …" or reads past the file's end in a later process), which one row
     * holding a few long values — or one import chunk's undo journal — can reach.
     */
    public String largeText() {
        return this == POSTGRES ? "text" : "character large object";
    }

    /** A quoted identifier; names are checked against {@link FieldDef#NAME} before they get here. */
    public static String q(String identifier) {
        return '"' + identifier + '"';
    }
}
