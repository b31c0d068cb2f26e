package io.hotcrm.security;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Append-only record of who did what: sign-ins, user and role changes, record writes, custom fields, exports.
 * Nothing in HotCRM updates or deletes audit rows. Writes made inside a transaction join it through the handle.
 */
public final class AuditLog {
    private final Jdbi jdbi;

    AuditLog(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** One audit entry as listed by {@code hotcrm audit}. */
    public record Entry(long id, OffsetDateTime at, String actor, String action, String objectName, String recordId,
                        String details) {
    }

    public void record(Principal who, String action, String objectName, String recordId, String details) {
        jdbi.useHandle(h -> record(h, who, action, objectName, recordId, details));
    }

    public static void record(Handle h, Principal who, String action, String objectName, String recordId, String details) {
        h.createUpdate("insert into hc_audit (at, actor, action, object_name, record_id, details)"
                        + " values (:at, :actor, :action, :object, :record, :details)")
                .bind("at", OffsetDateTime.now(ZoneOffset.UTC))
                .bind("actor", who.actor())
                .bind("action", action)
                .bind("object", objectName)
                .bind("record", recordId)
                .bind("details", details)
                .execute();
    }

    /**
     * What to look for in the audit log: who did it (the actor as recorded: an email, or a token's user), which object,
     * an action or a family of actions ({@code record.} matches record.create, record.update, …), from and until when;
     * null for any. {@code before} pages back: entries older than that id.
     */
    public record Search(String actor, String objectName, String action, OffsetDateTime from, OffsetDateTime until, Long before,
                         int limit) {
        /** A search from the start of one day to the end of another (UTC days; null for open). */
        public static Search days(String actor, String objectName, String action, java.time.LocalDate since, java.time.LocalDate until,
                                  Long before, int limit) {
            return new Search(actor, objectName, action, since == null ? null : since.atStartOfDay().atOffset(ZoneOffset.UTC),
                    until == null ? null : until.plusDays(1).atStartOfDay().atOffset(ZoneOffset.UTC), before, limit);
        }
    }

    /** A day as the audit log's filters take it ({@code 2026-12-01}); null for none; a clear message naming {@code what}. */
    public static java.time.LocalDate day(String text, String what) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return java.time.LocalDate.parse(text.trim());
        } catch (java.time.format.DateTimeParseException e) {
            throw io.hotcrm.common.HotCrmException.invalid(what + " must be a day like 2026-12-01, not '" + text.trim() + "'.");
        }
    }

    /** The families of actions HotCRM records, for a filter: the prefix and what it covers. */
    public static final java.util.Map<String, String> FAMILIES = new java.util.LinkedHashMap<>();

    static {
        FAMILIES.put("record.", "Record changes");
        FAMILIES.put("import.", "Imports and undos");
        FAMILIES.put("login.", "Sign-ins and failed sign-ins");
        FAMILIES.put("user.", "Users");
        FAMILIES.put("role.", "Roles and permissions");
        FAMILIES.put("token.", "API tokens");
        FAMILIES.put("field.", "Custom fields");
        FAMILIES.put("privacy.", "Privacy requests");
        FAMILIES.put("recycle_bin.", "Recycle bin");
    }

    /** Entries newest first that match the search; only administrators (roles that manage setup) read the audit log. */
    public List<Entry> search(Principal by, Search s) {
        AccessGuard.requireSetup(by, "read the audit log");
        StringBuilder sql = new StringBuilder("select id, at, actor, action, object_name, record_id, details from hc_audit where 1 = 1");
        java.util.Map<String, Object> binds = new java.util.HashMap<>();
        if (s.actor() != null) {
            sql.append(" and lower(actor) like :actor");
            binds.put("actor", "%" + s.actor().toLowerCase(java.util.Locale.ROOT).replace("%", "") + "%");
        }
        if (s.objectName() != null) {
            sql.append(" and object_name = :object");
            binds.put("object", s.objectName());
        }
        if (s.action() != null) {
            if (s.action().endsWith(".")) {
                // a family: "login." is login, login.failed, login.locked
                sql.append(" and (action = :family or action like :action)");
                binds.put("family", s.action().substring(0, s.action().length() - 1));
                binds.put("action", s.action().replace("%", "") + "%");
            } else {
                sql.append(" and action = :action");
                binds.put("action", s.action());
            }
        }
        if (s.from() != null) {
            sql.append(" and at >= :from");
            binds.put("from", s.from());
        }
        if (s.until() != null) {
            sql.append(" and at < :until");
            binds.put("until", s.until());
        }
        if (s.before() != null) {
            sql.append(" and id < :before");
            binds.put("before", s.before());
        }
        sql.append(" order by id desc limit :limit");
        return jdbi.withHandle(h -> h.createQuery(sql.toString()).bindMap(binds)
                .bind("limit", Math.max(1, Math.min(s.limit(), 10_000)))
                .map((rs, ctx) -> new Entry(rs.getLong(1), rs.getObject(2, OffsetDateTime.class), rs.getString(3),
                        rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7)))
                .list());
    }

    /** The newest entries first. */
    public List<Entry> recent(int limit) {
        return jdbi.withHandle(h -> h.createQuery("select id, at, actor, action, object_name, record_id, details"
                        + " from hc_audit order by id desc limit :limit")
                .bind("limit", Math.max(1, Math.min(limit, 10_000)))
                .map((rs, ctx) -> new Entry(rs.getLong(1), rs.getObject(2, OffsetDateTime.class), rs.getString(3),
                        rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7)))
                .list());
    }
}
