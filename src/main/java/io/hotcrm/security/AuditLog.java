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
