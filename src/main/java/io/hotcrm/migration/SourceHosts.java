package io.hotcrm.migration;

import io.hotcrm.common.HotCrmException;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The network targets a source may reach, and its numeric settings, checked the same way for every kind: https on
 * one of the source's own hosts, or (https or http) on a host an administrator allowed ({@code HOTCRM_MIGRATION_HOSTS});
 * patterns are names or {@code *.domain}. No user picks a network target an administrator has not allowed.
 */
public final class SourceHosts {
    private SourceHosts() {
    }

    public static boolean allowed(URI u, List<String> own, List<String> extra) {
        if (u.getHost() == null) {
            return false;
        }
        String host = u.getHost().toLowerCase(Locale.ROOT);
        if (matches(host, extra)) {
            return "https".equals(u.getScheme()) || "http".equals(u.getScheme());
        }
        return "https".equals(u.getScheme()) && matches(host, own);
    }

    private static boolean matches(String host, List<String> patterns) {
        for (String p : patterns) {
            if (p.startsWith("*.") ? host.endsWith(p.substring(1)) : host.equals(p)) {
                return true;
            }
        }
        return false;
    }

    /** Each named setting, when given, is a whole number of 0 or more; else a message that names it. */
    public static void requireWholeNumbers(Map<String, String> settings, String... names) {
        for (String n : names) {
            String v = settings.get(n);
            if (v != null) {
                try {
                    if (Long.parseLong(v.trim()) < 0) {
                        throw new NumberFormatException();
                    }
                } catch (NumberFormatException e) {
                    throw HotCrmException.invalid(n + " must be a whole number of 0 or more, not \"" + v + "\".");
                }
            }
        }
    }

    /** A whole-number setting, or the default when it is not given. */
    public static long number(Map<String, String> settings, String name, long otherwise) {
        String v = settings.get(name);
        return v == null || v.isBlank() ? otherwise : Long.parseLong(v.trim());
    }
}
