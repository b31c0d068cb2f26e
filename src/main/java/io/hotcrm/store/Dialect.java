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

    /** A quoted identifier; names are checked against {@link FieldDef#NAME} before they get here. */
    public static String q(String identifier) {
        return '"' + identifier + '"';
    }
}
