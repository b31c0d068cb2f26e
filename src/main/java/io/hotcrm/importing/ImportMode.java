package io.hotcrm.importing;

import io.hotcrm.common.HotCrmException;
import java.util.Locale;

/** What an import does with rows that match an existing record, and with rows that match none. */
public enum ImportMode {
    /** Create records; rows that match an existing record are skipped. */
    INSERT,
    /** Create records and update the ones that match. */
    UPSERT,
    /** Update matching records; a row that matches nothing fails. */
    UPDATE;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ImportMode of(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw HotCrmException.invalid("Unknown import mode '" + s + "'; use insert, upsert or update.");
        }
    }
}
