package io.hotcrm.mapping;

import io.hotcrm.common.HotCrmException;
import java.util.Locale;

/** How the values of a lookup or owner column find the record they point at. */
public enum LookupBy {
    /** HotCRM record ids (UUIDs). */
    ID,
    /** The target's {@code external_id} (ids from the source system, such as Salesforce ids). */
    EXTERNAL_ID,
    /** The target's name field (ambiguous names are errors that list the candidates). */
    NAME,
    /** The target's email (users for owners; contacts and leads). */
    EMAIL;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static LookupBy of(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw HotCrmException.invalid("Unknown lookup key '" + s + "'; use id, external_id, name or email.");
        }
    }
}
