package io.hotcrm.store;

import static io.hotcrm.store.Dialect.q;

import io.hotcrm.common.ErrorCode;
import io.hotcrm.common.HotCrmException;
import io.hotcrm.common.Ids;
import io.hotcrm.metadata.FieldDef;
import io.hotcrm.metadata.ObjectDef;
import io.hotcrm.metadata.SystemField;
import io.hotcrm.security.AccessGuard;
import io.hotcrm.security.Action;
import io.hotcrm.security.AuditLog;
import io.hotcrm.security.Principal;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * The set-based write path for imports: upserts many already-validated rows keyed by the external id or a
 * unique field, skipping rows whose values did not change. PostgreSQL: COPY into a temporary staging table,
 * then one {@code INSERT … ON CONFLICT DO UPDATE … WHERE … IS DISTINCT FROM …}. H2: {@code MERGE} batches.
 * The whole call is one transaction.
 */
public final class BulkWriter {
    static final int H2_BATCH = 1000;
    private final Database db;
    private final Schema schema;

    public BulkWriter(Database db, Schema schema) {
        this.db = db;
        this.schema = schema;
    }

    /** Counts of what one upsert did. */
    public record Result(long inserted, long updated, long unchanged) {
        public long total() {
            return inserted + updated + unchanged;
        }
    }

    /**
     * Upserts rows: each row holds the key value first, then one value per field in {@code fields} (Java types
     * as produced by {@code ValueConverter}). Keys must be unique within the call.
     */
    public Result upsert(Principal p, String objectName, String keyColumn, List<String> fields, Iterator<Object[]> rows) {
        ObjectDef o = schema.object(objectName);
        AccessGuard.require(p, o, Action.CREATE);
        AccessGuard.require(p, o, Action.EDIT);
        List<FieldDef> defs = fields.stream().map(o::requireField).toList();
        AccessGuard.requireEditable(p, o, defs);
        FieldDef key = keyField(o, keyColumn);
        Result r = db.jdbi().inTransaction(h -> {
            ChangeFence.enter(h, db.dialect());
            Connection c = h.getConnection();
            try {
                Result result = db.dialect() == Dialect.POSTGRES ? copyUpsert(c, o, key, defs, rows, p)
                        : mergeBatches(c, o, key, defs, rows, p);
                AuditLog.record(h, p, "records.bulk_upsert", o.name(), null, result.toString());
                return result;
            } catch (SQLException e) {
                throw new HotCrmException(ErrorCode.UNAVAILABLE, "The bulk write to " + o.name() + " failed: " + e.getMessage(), e);
            }
        });
        return r;
    }

    private static FieldDef keyField(ObjectDef o, String keyColumn) {
        if (keyColumn.equals(SystemField.EXTERNAL_ID)) {
            return new FieldDef(SystemField.EXTERNAL_ID, "External ID", io.hotcrm.metadata.FieldType.TEXT, false, true,
                    255, 0, null, null, null, List.of(), null, false, false, "");
        }
        FieldDef f = o.requireField(keyColumn);
        if (!f.unique()) {
            throw HotCrmException.invalid("\"" + keyColumn + "\" is not a unique field of " + o.name()
                    + "; match on external_id or a unique field.");
        }
        return f;
    }

    private Result copyUpsert(Connection c, ObjectDef o, FieldDef key, List<FieldDef> defs, Iterator<Object[]> rows,
                              Principal p) throws SQLException {
        List<FieldDef> data = defs.stream().filter(f -> !f.name().equals(key.name())).toList();
        try (Statement st = c.createStatement()) {
            st.execute("create temp table hc_stage (id uuid, " + q(key.name()) + " " + db.dialect().columnType(key)
                    + data.stream().map(f -> ", " + q(f.name()) + " " + db.dialect().columnType(f)).collect(Collectors.joining())
                    + ") on commit drop");
        }
        long staged = copyRows(c, key, data, rows);
        String cols = data.stream().map(f -> q(f.name())).collect(Collectors.joining(", "));
        String sets = data.stream().map(f -> q(f.name()) + " = excluded." + q(f.name())).collect(Collectors.joining(", "));
        String distinct = data.isEmpty() ? "false" : "(" + data.stream().map(f -> "t." + q(f.name())).collect(Collectors.joining(", "))
                + ") is distinct from (" + data.stream().map(f -> "excluded." + q(f.name())).collect(Collectors.joining(", ")) + ")";
        String sql = "with up as (insert into " + o.tableName() + " as t (id, " + q(key.name()) + (cols.isEmpty() ? "" : ", " + cols)
                + ", created_at, created_by, updated_at, updated_by, change_seq) select s.id, s." + q(key.name())
                + (cols.isEmpty() ? "" : ", " + data.stream().map(f -> "s." + q(f.name())).collect(Collectors.joining(", ")))
                + ", ?, ?, ?, ?, nextval('hc_change_seq') from hc_stage s on conflict (" + q(key.name()) + ") do update set "
                + (sets.isEmpty() ? "" : sets + ", ") + "updated_at = excluded.updated_at, updated_by = excluded.updated_by,"
                + " change_seq = excluded.change_seq where " + distinct + " returning (xmax = 0) as inserted)"
                + " select count(*) filter (where inserted), count(*) filter (where not inserted) from up";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
            ps.setObject(1, now);
            ps.setObject(2, p.userId());
            ps.setObject(3, now);
            ps.setObject(4, p.userId());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                long inserted = rs.getLong(1);
                long updated = rs.getLong(2);
                return new Result(inserted, updated, staged - inserted - updated);
            }
        }
    }

    private static long copyRows(Connection c, FieldDef key, List<FieldDef> data, Iterator<Object[]> rows) throws SQLException {
        CopyIn copy = c.unwrap(PGConnection.class).getCopyAPI().copyIn("copy hc_stage from stdin (format csv)");
        ByteArrayOutputStream buf = new ByteArrayOutputStream(1 << 17);
        StringBuilder line = new StringBuilder(512);
        long count = 0;
        try {
            while (rows.hasNext()) {
                Object[] row = rows.next();
                line.setLength(0);
                line.append(Ids.newId());
                line.append(',');
                CsvText.append(line, Columns.toDb(key, row[0]));
                for (int i = 0, j = 1; i < data.size(); i++, j++) {
                    line.append(',');
                    CsvText.append(line, Columns.toDb(data.get(i), row[j]));
                }
                line.append('\n');
                buf.writeBytes(line.toString().getBytes(StandardCharsets.UTF_8));
                count++;
                if (buf.size() >= 1 << 16) {
                    copy.writeToCopy(buf.toByteArray(), 0, buf.size());
                    buf.reset();
                }
            }
            if (buf.size() > 0) {
                copy.writeToCopy(buf.toByteArray(), 0, buf.size());
            }
            copy.endCopy();
        } finally {
            if (copy.isActive()) {
                copy.cancelCopy();
            }
        }
        return count;
    }

    private Result mergeBatches(Connection c, ObjectDef o, FieldDef key, List<FieldDef> defs, Iterator<Object[]> rows,
                                Principal p) throws SQLException {
        List<FieldDef> data = defs.stream().filter(f -> !f.name().equals(key.name())).toList();
        String using = "select cast(? as uuid) as id, cast(? as " + db.dialect().columnType(key) + ") as " + q(key.name())
                + data.stream().map(f -> ", cast(? as " + db.dialect().columnType(f) + ") as " + q(f.name())).collect(Collectors.joining());
        String changed = data.isEmpty() ? "false" : data.stream().map(f -> "t." + q(f.name()) + " is distinct from s." + q(f.name()))
                .collect(Collectors.joining(" or "));
        String sql = "merge into " + o.tableName() + " t using (" + using + ") s on t." + q(key.name()) + " = s." + q(key.name())
                + " when matched and (" + changed + ") then update set "
                + data.stream().map(f -> q(f.name()) + " = s." + q(f.name()) + ", ").collect(Collectors.joining())
                + "updated_at = ?, updated_by = ?, change_seq = nextval('hc_change_seq')"
                + " when not matched then insert (id, " + q(key.name())
                + data.stream().map(f -> ", " + q(f.name())).collect(Collectors.joining())
                + ", created_at, created_by, updated_at, updated_by, change_seq) values (s.id, s." + q(key.name())
                + data.stream().map(f -> ", s." + q(f.name())).collect(Collectors.joining())
                + ", ?, ?, ?, ?, nextval('hc_change_seq'))";
        long inserted = 0;
        long updated = 0;
        long unchanged = 0;
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            List<Object> keys = new ArrayList<>();
            while (rows.hasNext()) {
                Object[] row = rows.next();
                int i = 1;
                ps.setObject(i++, Ids.newId());
                Columns.bind(ps, i++, key, row[0]);
                for (int j = 0; j < data.size(); j++) {
                    Columns.bind(ps, i++, data.get(j), row[j + 1]);
                }
                ps.setObject(i++, now);
                ps.setObject(i++, p.userId());
                ps.setObject(i++, now);
                ps.setObject(i++, p.userId());
                ps.setObject(i++, now);
                ps.setObject(i, p.userId());
                ps.addBatch();
                keys.add(row[0]);
                if (keys.size() == H2_BATCH || !rows.hasNext()) {
                    long existing = countExisting(c, o, key, keys);
                    long written = 0;
                    for (int n : ps.executeBatch()) {
                        written += Math.max(n, 0);
                    }
                    long ins = keys.size() - existing;
                    inserted += ins;
                    updated += written - ins;
                    unchanged += existing - (written - ins);
                    keys.clear();
                }
            }
        }
        return new Result(inserted, updated, unchanged);
    }

    private static long countExisting(Connection c, ObjectDef o, FieldDef key, List<Object> keys) throws SQLException {
        Set<Object> distinct = new HashSet<>(keys);
        if (distinct.size() != keys.size()) {
            throw HotCrmException.invalid("The rows given to one bulk write repeat a " + key.name() + " value; each key may"
                    + " appear once.");
        }
        String marks = keys.stream().map(k -> "?").collect(Collectors.joining(", "));
        try (PreparedStatement ps = c.prepareStatement("select count(*) from " + o.tableName() + " where " + q(key.name())
                + " in (" + marks + ")")) {
            int i = 1;
            for (Object k : keys) {
                Columns.bind(ps, i++, key, k);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

}
