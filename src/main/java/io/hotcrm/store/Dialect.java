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
            case TEXTAREA -> this == POSTGRES ? "text" : "varchar(" + f.maxLength() + ")";
            case NUMBER, CURRENCY, PERCENT -> "numeric(18," + f.scale() + ")";
            case DATE -> "date";
            case DATETIME -> "timestamp with time zone";
            case BOOLEAN -> "boolean";
            case LOOKUP, OWNER -> "uuid";
        };
    }

    /**
     * The type of a system column whose values may run to megabytes (undo journals, job results, notices). On
     * H2 it is a character large object kept apart from the row (H2 in PostgreSQL mode makes {@code text} a
     * VARCHAR stored inside the row): otherwise every change to a row beside it rewrites megabytes, and H2
     * 2.5.x could not read such pages back at all (why H2 is pinned to 2.4).
     */
    public String largeText() {
        return this == POSTGRES ? "text" : "character large object";
    }

    /**
     * How many values of the change sequence the database keeps ready. PostgreSQL: 1 — its cache is per
     * connection, which would hand out values out of order and break the change fence of incremental exports.
     * H2: its cache is one per database, so values stay in order for every connection, and without one H2
     * writes the sequence to its store on every value (one write per imported row).
     */
    public int changeSeqCache() {
        return this == POSTGRES ? 1 : 10_000;
    }

    /** The digits of a text expression, everything else dropped (a phone number compared whatever its formatting). */
    public String digits(String expr) {
        return this == POSTGRES ? "regexp_replace(" + expr + ", '[^0-9]', '', 'g')" : "regexp_replace(" + expr + ", '[^0-9]', '')";
    }

    /** A quoted identifier; names are checked against {@link FieldDef#NAME} before they get here. */
    public static String q(String identifier) {
        return '"' + identifier + '"';
    }
}
