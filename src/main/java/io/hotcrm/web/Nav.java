package io.hotcrm.web;

import io.hotcrm.security.Principal;

/**
 * What the setup menu shows the signed-in user, asked by the templates while a page renders (on the request's thread):
 * links to pages their role may not open are not shown at all.
 */
public final class Nav {
    private static final ThreadLocal<Principal> CURRENT = new ThreadLocal<>();
    private static final ThreadLocal<String> SANDBOX_NAME = new ThreadLocal<>();
    /** The request attribute naming the sandbox this instance is (absent on a production instance). */
    static final String SANDBOX = "hotcrm.sandbox";

    private Nav() {
    }

    static void during(Principal p, String sandbox, Runnable render) {
        CURRENT.set(p);
        SANDBOX_NAME.set(sandbox);
        try {
            render.run();
        } finally {
            CURRENT.remove();
            SANDBOX_NAME.remove();
        }
    }

    /** The sandbox's name when this instance is one (every page says so), else null. */
    public static String sandbox() {
        return SANDBOX_NAME.get();
    }

    /** An instant as setup pages show it: {@code 2026-12-02 14:05 UTC}; empty for none. */
    public static String when(java.time.Instant t) {
        return t == null ? "" : java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
                .withZone(java.time.ZoneOffset.UTC).format(t);
    }

    /**
     * A moment as every console page shows it: a {@code <time>} element whose text is the UTC fallback
     * ({@code 2026-12-02 14:05 UTC}) and which {@code /static/local.js} rewrites in the reader's own time zone and
     * locale, in one format on every page; empty for none. Takes an {@link java.time.Instant} or an
     * {@link java.time.OffsetDateTime}.
     */
    public static gg.jte.Content time(Object t) {
        java.time.Instant at = t instanceof java.time.OffsetDateTime o ? o.toInstant() : (java.time.Instant) t;
        if (at == null) {
            return out -> { };
        }
        String html = moment(at);
        return out -> out.writeContent(html);
    }

    private static String moment(java.time.Instant at) {
        String iso = java.time.format.DateTimeFormatter.ISO_INSTANT.format(at.truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
        String text = when(at);
        return "<time class=\"moment\" datetime=\"" + iso + "\" title=\"" + text + "\">" + text + "</time>";
    }

    /**
     * A field's value as pages show it: numbers, amounts and percentages as {@code <data>} and dates as {@code <time>}
     * (which {@code local.js} writes in the reader's locale), yes/no for checkboxes, email addresses and web links as
     * links (http and https only); anything else as escaped text.
     */
    public static gg.jte.Content value(io.hotcrm.metadata.FieldDef f, Object v) {
        if (v == null) {
            return out -> { };
        }
        String text = v instanceof java.math.BigDecimal b ? b.toPlainString() : String.valueOf(v);
        if (f == null) {
            return out -> out.writeContent(escape(text));
        }
        String html = switch (f.type()) {
            case NUMBER, CURRENCY, PERCENT -> "<data class=\"num" + (f.type() == io.hotcrm.metadata.FieldType.PERCENT ? " percent" : "")
                    + "\" value=\"" + escape(text) + "\" data-scale=\"" + f.scale() + "\">" + escape(text) + "</data>";
            case DATE -> "<time class=\"day\" datetime=\"" + escape(text) + "\">" + escape(text) + "</time>";
            case DATETIME -> {
                java.time.Instant at = v instanceof java.time.OffsetDateTime o ? o.toInstant() : v instanceof java.time.Instant i ? i : null;
                yield at == null ? escape(text) : moment(at);
            }
            case BOOLEAN -> Boolean.TRUE.equals(v) || "true".equals(text) ? "Yes" : "No";
            case EMAIL -> "<a href=\"mailto:" + escape(text) + "\">" + escape(text) + "</a>";
            case URL -> text.matches("(?i)https?://[^\\s\"<>]+") ? "<a href=\"" + escape(text) + "\" rel=\"noopener noreferrer\">"
                    + escape(text) + "</a>" : escape(text);
            case MULTI_PICKLIST -> escape(v instanceof java.util.Collection<?> c ? String.join("; ", c.stream().map(String::valueOf).toList())
                    : text);
            default -> escape(text);
        };
        return out -> out.writeContent(html);
    }

    private static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /** Whether someone is signed in (the header shows the notices bell). */
    public static boolean signedIn() {
        return CURRENT.get() != null;
    }

    /** A size as people read it: {@code 840 bytes}, {@code 12.3 KB}, {@code 4.1 GB}. */
    public static String size(long bytes) {
        if (bytes < 1000) {
            return bytes + " bytes";
        }
        String[] units = {"KB", "MB", "GB", "TB"};
        double v = bytes;
        int u = -1;
        while (v >= 1000 && u < units.length - 1) {
            v /= 1000;
            u++;
        }
        return String.format(java.util.Locale.ROOT, "%.1f %s", v, units[u]);
    }

    /** Whether the user manages setup (backups, users, roles). */
    public static boolean setup() {
        Principal p = CURRENT.get();
        return p != null && p.role().manageSetup();
    }

    /** Whether the user handles data-subject requests (Setup → Privacy). */
    public static boolean privacy() {
        Principal p = CURRENT.get();
        return p != null && p.role().mayHandlePrivacy();
    }
}
