package io.hotcrm.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hotcrm.common.HotCrmException;
import io.hotcrm.metadata.FieldDef;
import io.hotcrm.metadata.FieldType;
import io.hotcrm.metadata.ObjectDef;
import io.hotcrm.security.AccessGuard;
import io.hotcrm.security.Action;
import io.hotcrm.security.AuditLog;
import io.hotcrm.security.Principal;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The recycle bin: records soft-deleted (their {@code deleted_at} set) can be restored until they are
 * purged. Purging deletes them for good, set-based, one object per transaction, and first clears lookups
 * that still point at them (as CRMs do when a record is hard-deleted). Users are never purged: they are
 * deactivated, and records keep their owners.
 */
public final class RecycleBin {
    /** The job type that purges the recycle bin; its payload is a {@link PurgeRequest}. */
    public static final String PURGE_JOB = "recycle-bin-purge";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Database db;
    private final Schema schema;

    /** What to purge: records deleted more than {@code olderThanDays} ago, of the objects (none = all). */
    public record PurgeRequest(int olderThanDays, List<String> objects) {
        public PurgeRequest {
            if (olderThanDays < 0) {
                throw HotCrmException.invalid("--older-than-days must be 0 or more, not " + olderThanDays + ".");
            }
            objects = objects == null ? List.of() : List.copyOf(objects);
        }

        public String toJson() {
            ObjectNode p = JSON.createObjectNode().put("olderThanDays", olderThanDays);
            objects.forEach(p.putArray("objects")::add);
            return p.toString();
        }

        public static PurgeRequest parse(String json) {
            try {
                JsonNode p = JSON.readTree(json);
                List<String> names = new ArrayList<>();
                p.path("objects").forEach(n -> names.add(n.asText()));
                return new PurgeRequest(p.path("olderThanDays").asInt(-1), names);
            } catch (JsonProcessingException e) {
                throw HotCrmException.invalid("A recycle-bin purge request is not valid JSON: " + e.getOriginalMessage());
            }
        }
    }

    public RecycleBin(Database db, Schema schema) {
        this.db = db;
        this.schema = schema;
    }

    /**
     * The objects a purge by the principal covers: the named ones (each needing delete permission), or
     * when none are named every object but users that the principal may delete.
     */
    public List<ObjectDef> objects(Principal p, Collection<String> names) {
        List<ObjectDef> out = new ArrayList<>();
        if (names == null || names.isEmpty()) {
            for (ObjectDef o : schema.catalogue().objects()) {
                if (!o.name().equals("user") && p.role().permission(o.name()).allows(Action.DELETE)) {
                    out.add(o);
                }
            }
            return out;
        }
        for (String n : names) {
            ObjectDef o = schema.object(n);
            if (o.name().equals("user")) {
                throw HotCrmException.invalid("Users are not purged from the recycle bin; deactivate them instead.");
            }
            AccessGuard.require(p, o, Action.DELETE);
            out.add(o);
        }
        return out;
    }

    /**
     * The object's records in the recycle bin that the principal may see, most recently deleted first, with the fields
     * they may read. Needs read permission.
     */
    public List<StoredRecord> list(Principal p, ObjectDef o, int limit) {
        AccessGuard.require(p, o, Action.READ);
        Visibility.Condition vis = Visibility.of(p, o, "t");
        String sql = "select * from " + o.tableName() + " t where t.deleted_at is not null" + (vis.isEmpty() ? "" : " and " + vis.sql())
                + " order by t.deleted_at desc, t.id limit " + Math.max(1, Math.min(limit, 1000));
        List<io.hotcrm.metadata.FieldDef> readable = AccessGuard.readableFields(p, o);
        return db.jdbi().withHandle(h -> {
            var q = h.createQuery(sql);
            for (int i = 0; i < vis.params().size(); i++) {
                q.bind(i, vis.params().get(i));
            }
            return q.map((rs, c) -> RecordStore.map(rs, o, readable)).list();
        });
    }

    /**
     * Deletes the record for good, now, if it is in the recycle bin and the principal may see it (lookups to it cleared,
     * as {@link #purge}). Needs delete permission. Returns the number deleted.
     */
    public int purgeFromBin(Principal p, ObjectDef o, java.util.UUID id) {
        AccessGuard.require(p, o, Action.DELETE);
        if (db.jdbi().withHandle(h -> RecordStore.find(h, p, o, id)).isEmpty()) {
            throw HotCrmException.notFound("There is no " + o.label() + " with id " + id + " in the recycle bin that you can see.");
        }
        int n = purgeWhere(p, o, "id = :id and deleted_at is not null", java.util.Map.of("id", id), "purged from the recycle bin");
        if (n == 0) {
            throw HotCrmException.notFound("There is no " + o.label() + " with id " + id + " in the recycle bin.");
        }
        return n;
    }

    /** How many records in the recycle bin were deleted before the cutoff, per object (objects with none left out). */
    public Map<String, Long> count(Principal p, List<ObjectDef> objects, OffsetDateTime cutoff) {
        Map<String, Long> out = new LinkedHashMap<>();
        db.jdbi().useHandle(h -> {
            for (ObjectDef o : objects) {
                AccessGuard.require(p, o, Action.READ);
                long n = h.createQuery("select count(*) from " + o.tableName() + " where deleted_at < :cutoff")
                        .bind("cutoff", cutoff).mapTo(Long.class).one();
                if (n > 0) {
                    out.put(o.name(), n);
                }
            }
        });
        return out;
    }

    /**
     * Permanently deletes the records of the object deleted before the cutoff and clears lookups that
     * point at them (stamping those records as changed). Needs delete permission. Returns the number purged.
     */
    public int purge(Principal p, ObjectDef o, OffsetDateTime cutoff) {
        AccessGuard.require(p, o, Action.DELETE);
        return purgeWhere(p, o, "deleted_at < :cutoff", java.util.Map.of("cutoff", cutoff),
                "deleted before " + cutoff.withNano(0) + " purged");
    }

    /**
     * Permanently deletes these records of the object, in the recycle bin or not, as {@link #purge} does (lookups to
     * them cleared, tombstones left for incremental exports): for a data subject's erasure, where the recycle bin would
     * keep what must go. Needs delete permission. Returns the number deleted.
     */
    public int purgeRecords(Principal p, ObjectDef o, Collection<java.util.UUID> ids, String why) {
        AccessGuard.require(p, o, Action.DELETE);
        int n = 0;
        List<java.util.UUID> all = new java.util.ArrayList<>(ids);
        for (int i = 0; i < all.size(); i += 500) {
            List<java.util.UUID> batch = all.subList(i, Math.min(all.size(), i + 500));
            String in = String.join(", ", batch.stream().map(id -> "'" + id + "'").toList());
            n += purgeWhere(p, o, "id in (" + in + ")", java.util.Map.of(), why);
        }
        return n;
    }

    private int purgeWhere(Principal p, ObjectDef o, String condition, java.util.Map<String, Object> binds, String why) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        return db.jdbi().inTransaction(h -> {
            ChangeFence.enter(h, db.dialect());
            for (ObjectDef other : schema.catalogue().objects()) {
                for (FieldDef f : other.fields()) {
                    if (f.type() == FieldType.LOOKUP && o.name().equals(f.target())) {
                        var u = h.createUpdate("update " + other.tableName() + " set " + Dialect.q(f.name()) + " = null,"
                                        + " updated_at = :now, updated_by = cast(:by as uuid), change_seq = nextval('hc_change_seq')"
                                        + " where " + Dialect.q(f.name()) + " in (select id from " + o.tableName()
                                        + " where " + condition + ")")
                                .bind("now", now).bind("by", p.userId());
                        binds.forEach(u::bind);
                        u.execute();
                    }
                }
            }
            RecordBatch.tombstones(h, o, condition, binds, now);
            var d = h.createUpdate("delete from " + o.tableName() + " where " + condition);
            binds.forEach(d::bind);
            int n = d.execute();
            if (n > 0) {
                AuditLog.record(h, p, "recycle_bin.purge", o.name(), null, n + " record(s) " + why);
            }
            return n;
        });
    }
}
