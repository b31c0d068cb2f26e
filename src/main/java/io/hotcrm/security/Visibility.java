package io.hotcrm.security;

/** Which records of an object a role sees: all of them, or only those the user owns (or created, where the object has no owner). */
public enum Visibility {
    ALL, OWN
}
