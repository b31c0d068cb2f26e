package io.hotcrm.security;

import java.util.Locale;

/** What a user may do with the records of an object; granted per role and object. */
public enum Action {
    READ, CREATE, EDIT, DELETE, EXPORT;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
