package io.hotcrm.web;

import io.hotcrm.security.Principal;

/**
 * What the setup menu shows the signed-in user, asked by the templates while a page renders (on the request's thread):
 * links to pages their role may not open are not shown at all.
 */
public final class Nav {
    private static final ThreadLocal<Principal> CURRENT = new ThreadLocal<>();

    private Nav() {
    }

    static void during(Principal p, Runnable render) {
        CURRENT.set(p);
        try {
            render.run();
        } finally {
            CURRENT.remove();
        }
    }

    /** An instant as setup pages show it: {@code 2026-12-02 14:05 UTC}; empty for none. */
    public static String when(java.time.Instant t) {
        return t == null ? "" : java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
                .withZone(java.time.ZoneOffset.UTC).format(t);
    }

    /** Whether the user handles data-subject requests (Setup → Privacy). */
    public static boolean privacy() {
        Principal p = CURRENT.get();
        return p != null && p.role().mayHandlePrivacy();
    }
}
