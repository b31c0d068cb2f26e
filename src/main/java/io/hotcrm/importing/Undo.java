package io.hotcrm.importing;

import static io.hotcrm.store.Dialect.q;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hotcrm.metadata.FieldDef;
import io.hotcrm.metadata.ObjectDef;
import io.hotcrm.metadata.SystemField;
import io.hotcrm.metadata.ValueConverter;
import io.hotcrm.mapping.CompiledMapping;
import io.hotcrm.security.Principal;
import io.hotcrm.store.Columns;
import io.hotcrm.store.Database;
import io.hotcrm.store.RecordBatch;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jdbi.v3.core.Handle;

/**
 * Takes one import back from its journal, newest chunk first (one chunk read at a time), in one transaction: records it created are
 * deleted (lookups pointing at them are cleared) and records it updated get their fields' earlier values
 * back, restoring recycle-bin state too. A record whose {@code updated_at} is no longer the import's stamp
 * was changed since: it is left alone and listed.
 */
final class Undo {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final int LIST_AT_MOST = 1000;

    private final Database db;
    private final RecordBatch batch;
    private final ObjectDef object;
    private final OffsetDateTime stamp;
    private final Principal principal;
    private final List<String> leftAlone = new ArrayList<>();
    private long leftAloneCount;
    private long deleted;
    private long restored;

    Undo(Database db, RecordBatch batch, ObjectDef object, OffsetDateTime stamp, Principal principal) {
        this.db = db;
        this.batch = batch;
        this.object = object;
        this.stamp = stamp;
        this.principal = principal;
    }

    /**
     * Undoes the import; reports each journal chunk to the listener and, when it cancels, rolls everything back
     * and returns null.
     */
    ImportSummary.UndoResult run(UUID importId, ImportListener listener) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        boolean done = db.jdbi().inTransaction(h -> {
            io.hotcrm.store.ChangeFence.enter(h, db.dialect());
            List<Integer> seqs = h.createQuery("select seq from hc_import_chunk where import_id = :id order by seq desc")
                    .bind("id", importId).mapTo(Integer.class).list();
            int n = 0;
            for (int seq : seqs) {
                Object[] chunk = h.createQuery("select created, updated from hc_import_chunk where import_id = :id and seq = :seq")
                        .bind("id", importId).bind("seq", seq)
                        .map((rs, c) -> new Object[] {rs.getString(1), rs.getString(2)}).one();
                if (chunk[1] != null) {
                    restore(h, (String) chunk[1], now);
                }
                if (chunk[0] != null) {
                    deleteCreated(h, (String) chunk[0], now);
                }
                n++;
                listener.progress(n, seqs.size(), "Undid " + n + " of " + seqs.size() + " chunks (" + deleted + " records"
                        + " deleted, " + restored + " restored)");
                if (listener.cancelled()) {
                    h.rollback();
                    return false;
                }
            }
            return true;
        });
        if (!done) {
            return null;
        }
        if (leftAloneCount > leftAlone.size()) {
            leftAlone.add("… and " + (leftAloneCount - leftAlone.size()) + " more");
        }
        return new ImportSummary.UndoResult(deleted, restored, List.copyOf(leftAlone));
    }

    private void deleteCreated(Handle h, String ids, OffsetDateTime now) {
        List<UUID> all = new ArrayList<>();
        for (String s : ids.split(",")) {
            all.add(UUID.fromString(s));
        }
        for (int i = 0; i < all.size(); i += 1000) {
            List<UUID> part = all.subList(i, Math.min(all.size(), i + 1000));
            List<UUID> untouched = h.createQuery("select id from " + object.tableName() + " where id in (<ids>)"
                            + " and updated_at = :stamp").bindList("ids", part).bind("stamp", stamp).mapTo(UUID.class).list();
            List<Object[]> changed = h.createQuery("select id, updated_at from " + object.tableName() + " where id in (<ids>)"
                            + " and updated_at <> :stamp").bindList("ids", part).bind("stamp", stamp)
                    .map((rs, c) -> new Object[] {rs.getObject(1, UUID.class), rs.getObject(2, OffsetDateTime.class)}).list();
            for (Object[] c : changed) {
                note(object.name() + " " + c[0] + " was created by the import and changed on "
                        + ((OffsetDateTime) c[1]).withOffsetSameInstant(ZoneOffset.UTC).withNano(0) + "; kept");
            }
            if (untouched.isEmpty()) {
                continue;
            }
            batch.deleteRecords(h, object, untouched, now, principal.userId());
            deleted += untouched.size();
        }
    }

    private void restore(Handle h, String journal, OffsetDateTime now) {
        JsonNode entries;
        try {
            entries = JSON.readTree(journal);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Connection c = h.getConnection();
        for (JsonNode e : entries) {
            UUID id = UUID.fromString(e.get("id").asText());
            List<FieldDef> fields = new ArrayList<>();
            List<Object> values = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = e.get("before").properties().iterator(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                FieldDef def = f.getKey().equals(SystemField.EXTERNAL_ID) ? CompiledMapping.externalIdField()
                        : CompiledMapping.AUDIT_FIELDS.contains(f.getKey()) ? CompiledMapping.auditField(f.getKey())
                        : object.field(f.getKey()).orElse(null);
                if (def == null) {
                    continue;
                }
                fields.add(def);
                values.add(value(def, f.getValue()));
            }
            OffsetDateTime deletedAt = e.has("deletedAt") ? OffsetDateTime.parse(e.get("deletedAt").asText()) : null;
            StringBuilder sql = new StringBuilder("update " + object.tableName() + " set ");
            for (FieldDef f : fields) {
                sql.append(q(f.name())).append(" = ?, ");
            }
            sql.append("deleted_at = ?, updated_at = ?, updated_by = ?, change_seq = nextval('hc_change_seq')")
                    .append(" where id = ? and updated_at = ?");
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                int i = 1;
                for (int j = 0; j < fields.size(); j++) {
                    Columns.bind(ps, i++, fields.get(j), values.get(j));
                }
                ps.setObject(i++, deletedAt);
                ps.setObject(i++, now);
                ps.setObject(i++, principal.userId());
                ps.setObject(i++, id);
                ps.setObject(i, stamp);
                if (ps.executeUpdate() == 1) {
                    restored++;
                } else {
                    note(object.name() + " " + id + " was updated by the import and changed again since; kept");
                }
            } catch (SQLException ex) {
                throw new IllegalStateException("Restoring " + object.name() + " " + id + " failed: " + ex.getMessage(), ex);
            }
        }
    }

    private static Object value(FieldDef f, JsonNode v) {
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isArray()) {
            List<String> out = new ArrayList<>();
            v.forEach(x -> out.add(x.asText()));
            return out;
        }
        if (v.isBoolean()) {
            return v.asBoolean();
        }
        ValueConverter.Converted c = ValueConverter.convertForComparison(f, v.asText());
        return c.ok() ? c.value() : v.asText();
    }

    private void note(String s) {
        leftAloneCount++;
        if (leftAlone.size() < LIST_AT_MOST) {
            leftAlone.add(s);
        }
    }
}
