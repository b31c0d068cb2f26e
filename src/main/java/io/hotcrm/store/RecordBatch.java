package io.hotcrm.store;

import static io.hotcrm.store.Dialect.q;

import io.hotcrm.common.ErrorCode;
import io.hotcrm.common.HotCrmException;
import io.hotcrm.metadata.FieldDef;
import io.hotcrm.metadata.ObjectDef;
import io.hotcrm.metadata.SystemField;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;

/**
 * Set-based reads and writes of many records at once, for imports: find existing records by a key for a
 * whole chunk in one query, resolve lookup keys in one query, insert new records (PostgreSQL: COPY straight
 * into the table; H2: JDBC batches) and update changed ones (PostgreSQL: COPY into a staging table and one
 * UPDATE … FROM; H2: batches). Callers check permissions first ({@code AccessGuard}); every write stamps
 * {@code updated_at/by} and a new {@code change_seq}.
 */
public final class RecordBatch {
    private final Database db;
    private final Schema schema;

    public RecordBatch(Database db, Schema schema) {
        this.db = db;
        this.schema = schema;
    }

    public Dialect dialect() {
        return db.dialect();
    }

    /** An existing record found by a key: its id, owner, values of the asked columns, and recycle-bin state. */
    public record Existing(UUID id, Object key, UUID ownerId, Object[] values, OffsetDateTime updatedAt,
                           OffsetDateTime deletedAt) {
    }

    /** A new record: its id and one value per column (in the order given to {@link #insert}). */
    public record NewRecord(UUID id, Object[] values) {
    }

    /** An existing record's new values (one per column) and which of the columns really change. */
    public record Change(UUID id, Object[] values, boolean[] changed) {
    }

    /**
     * Records whose {@code key} column holds one of the keys (recycle bin included), with the values of
     * {@code columns}. Emails are stored in lower case, so lower-case keys find them.
     */
    public Map<Object, List<Existing>> match(Handle h, ObjectDef o, FieldDef key, Collection<?> keys, List<FieldDef> columns) {
        Map<Object, List<Existing>> out = new HashMap<>();
        if (keys.isEmpty()) {
            return out;
        }
        boolean owner = o.ownerField().isPresent();
        String cols = columns.stream().map(f -> ", t." + q(f.name())).collect(Collectors.joining());
        Class<?> arrayType = db.dialect() == Dialect.POSTGRES ? arrayType(key) : null;
        String sql = "select t.id, t." + q(key.name()) + (owner ? ", t.owner_id" : ", null") + ", t.updated_at, t.deleted_at"
                + cols + " from " + o.tableName() + " t where t." + q(key.name())
                + (arrayType != null ? " = any(:keys)" : " in (<keys>)");
        try {
            for (List<?> part : partitions(new ArrayList<>(keys), arrayType != null ? 10_000 : 1000)) {
                org.jdbi.v3.core.statement.Query q = h.createQuery(sql);
                if (arrayType != null) {
                    q.bindArray("keys", arrayType, part);
                } else {
                    q.bindList("keys", part);
                }
                q.map((rs, ctx) -> {
                    Object[] values = new Object[columns.size()];
                    for (int i = 0; i < values.length; i++) {
                        values[i] = Columns.read(rs, 6 + i, columns.get(i));
                    }
                    Object k = key.name().equals(SystemField.ID) ? rs.getObject(2, UUID.class) : rs.getObject(2);
                    return new Existing(rs.getObject(1, UUID.class), k, rs.getObject(3, UUID.class), values,
                            Columns.utc(rs.getObject(4, OffsetDateTime.class)), Columns.utc(rs.getObject(5, OffsetDateTime.class)));
                }).forEach(e -> out.computeIfAbsent(e.key(), x -> new ArrayList<>()).add(e));
            }
        } catch (RuntimeException e) {
            throw failed(o, e);
        }
        return out;
    }

    /**
     * Ids of the target's records (not in the recycle bin) whose {@code field} equals one of the keys; for
     * names and emails the comparison ignores case. Keys with several records map to all of them.
     */
    public Map<String, List<UUID>> resolve(Handle h, ObjectDef target, String field, Collection<String> keys,
                                           boolean ignoreCase) {
        Map<String, List<UUID>> out = new HashMap<>();
        if (keys.isEmpty()) {
            return out;
        }
        String col = "t." + q(field);
        String sql = "select t.id, " + col + " from " + target.tableName() + " t where t.deleted_at is null and "
                + (ignoreCase ? "lower(" + col + ")" : col) + " = any(:keys)";
        List<String> wanted = keys.stream().map(k -> ignoreCase ? k.toLowerCase(Locale.ROOT) : k).distinct().toList();
        for (List<String> part : partitions(wanted, 10_000)) {
            h.createQuery(sql).bindArray("keys", String.class, part).map((rs, ctx) -> new Object[] {rs.getObject(1, UUID.class), rs.getString(2)})
                    .forEach(r -> {
                        String k = ignoreCase ? ((String) r[1]).toLowerCase(Locale.ROOT) : (String) r[1];
                        out.computeIfAbsent(k, x -> new ArrayList<>()).add((UUID) r[0]);
                    });
        }
        return out;
    }

    /**
     * On PostgreSQL keys are bound as one array ({@code = any(?)}), which it plans as an index lookup or a hashed
     * check whatever the table's statistics; other key types, and H2 — which checks an array condition row by
     * row, but looks an IN list up in the index — use an IN list.
     */
    private static Class<?> arrayType(FieldDef key) {
        if (key.name().equals(SystemField.ID)) {
            return UUID.class;
        }
        return switch (key.type()) {
            case TEXT, EMAIL, PHONE, URL, PICKLIST -> String.class;
            default -> null;
        };
    }

    /** Which of the ids exist as records of the target (not in the recycle bin). */
    public java.util.Set<UUID> existing(Handle h, ObjectDef target, Collection<UUID> ids) {
        java.util.Set<UUID> out = new java.util.HashSet<>();
        for (List<UUID> part : partitions(new ArrayList<>(ids), 10_000)) {
            out.addAll(h.createQuery("select id from " + target.tableName() + " where deleted_at is null and id = any(:ids)")
                    .bindArray("ids", UUID.class, part).mapTo(UUID.class).list());
        }
        return out;
    }

    /**
     * Inserts new records with the columns' values (the external id may be one of the columns), stamped as
     * created and updated at {@code stamp} by {@code by}.
     */
    public void insert(Handle h, ObjectDef o, List<FieldDef> columns, List<NewRecord> rows, OffsetDateTime stamp, UUID by) {
        if (rows.isEmpty()) {
            return;
        }
        ChangeFence.enter(h, db.dialect());
        try {
            if (db.dialect() == Dialect.POSTGRES) {
                copyInsert(h.getConnection(), o, columns, rows, stamp, by);
            } else {
                batchInsert(h.getConnection(), o, columns, rows, stamp, by);
            }
        } catch (SQLException e) {
            throw failed(o, e);
        }
    }

    /**
     * Writes the changed columns of existing records (rows are grouped by which columns change, and only those
     * are set, so unchanged indexed columns cost nothing), takes them out of the recycle bin, and stamps them.
     * PostgreSQL: one {@code UPDATE … FROM unnest(arrays)} per group; H2: one batch per group.
     */
    public void update(Handle h, ObjectDef o, List<FieldDef> columns, List<Change> rows, OffsetDateTime stamp, UUID by) {
        if (rows.isEmpty()) {
            return;
        }
        ChangeFence.enter(h, db.dialect());
        Map<String, List<Change>> groups = new java.util.LinkedHashMap<>();
        for (Change c : rows) {
            groups.computeIfAbsent(java.util.Arrays.toString(c.changed()), k -> new ArrayList<>()).add(c);
        }
        try {
            for (List<Change> group : groups.values()) {
                List<Integer> cols = new ArrayList<>();
                boolean[] mask = group.get(0).changed();
                for (int i = 0; i < mask.length; i++) {
                    if (mask[i]) {
                        cols.add(i);
                    }
                }
                if (db.dialect() == Dialect.POSTGRES) {
                    unnestUpdate(h.getConnection(), o, columns, cols, group, stamp, by);
                } else {
                    batchUpdate(h.getConnection(), o, columns, cols, group, stamp, by);
                }
            }
        } catch (SQLException e) {
            throw failed(o, e);
        }
    }

    /**
     * Deletes records for good, first clearing lookups of any object that point at them (stamping those
     * records as changed).
     */
    public void deleteRecords(Handle h, ObjectDef o, List<UUID> ids, OffsetDateTime stamp, UUID by) {
        if (ids.isEmpty()) {
            return;
        }
        ChangeFence.enter(h, db.dialect());
        for (ObjectDef other : schema.catalogue().objects()) {
            for (FieldDef f : other.fields()) {
                if (f.type() == io.hotcrm.metadata.FieldType.LOOKUP && o.name().equals(f.target())) {
                    h.createUpdate("update " + other.tableName() + " set " + q(f.name()) + " = null, updated_at = :now,"
                                    + " updated_by = cast(:by as uuid), change_seq = nextval('hc_change_seq') where "
                                    + q(f.name()) + " in (<ids>)")
                            .bind("now", stamp).bind("by", by).bindList("ids", ids).execute();
                }
            }
        }
        for (List<UUID> part : partitions(ids, 1000)) {
            tombstones(h, o, "id in (<ids>)", Map.of("ids", part), stamp);
            h.createUpdate("delete from " + o.tableName() + " where id in (<ids>)").bindList("ids", part).execute();
        }
    }

    /**
     * Leaves a tombstone — id, external id, owner, a new change_seq — for each record about to be deleted for
     * good ({@code where} selects them; a {@code <ids>} list or named parameters), so incremental exports can
     * report the deletion.
     */
    static void tombstones(Handle h, ObjectDef o, String where, Map<String, ?> params, OffsetDateTime at) {
        String owner = o.ownerField().isPresent() ? "owner_id" : "cast(null as uuid)";
        var u = h.createUpdate("insert into hc_tombstone (object_name, record_id, external_id, owner_id, change_seq, deleted_at)"
                + " select :object, id, external_id, " + owner + ", nextval('hc_change_seq'), :at from " + o.tableName()
                + " where " + where).bind("object", o.name()).bind("at", at);
        params.forEach((k, v) -> {
            if (v instanceof java.util.Collection<?> c) {
                u.bindList(k, new ArrayList<>(c));
            } else {
                u.bind(k, v);
            }
        });
        u.execute();
    }

    /** Sets one column of the given records (used to link rows of one file to each other once all exist). */
    public void setColumn(Handle h, ObjectDef o, FieldDef column, Map<UUID, Object> values, OffsetDateTime stamp, UUID by) {
        if (values.isEmpty()) {
            return;
        }
        ChangeFence.enter(h, db.dialect());
        String sql = "update " + o.tableName() + " set " + q(column.name()) + " = ?, updated_at = ?, updated_by = ?,"
                + " change_seq = nextval('hc_change_seq') where id = ?";
        try (PreparedStatement ps = h.getConnection().prepareStatement(sql)) {
            for (Map.Entry<UUID, Object> e : values.entrySet()) {
                Columns.bind(ps, 1, column, e.getValue());
                ps.setObject(2, stamp);
                ps.setObject(3, by);
                ps.setObject(4, e.getKey());
                ps.addBatch();
            }
            ps.executeBatch();
        } catch (SQLException e) {
            throw failed(o, e);
        }
    }

    private static void copyInsert(Connection c, ObjectDef o, List<FieldDef> columns, List<NewRecord> rows,
                                   OffsetDateTime stamp, UUID by) throws SQLException {
        int createdAt = indexOf(columns, SystemField.CREATED_AT);
        int createdBy = indexOf(columns, SystemField.CREATED_BY);
        List<String> names = new ArrayList<>();
        names.add(SystemField.ID);
        columns.forEach(f -> names.add(f.name()));
        if (createdAt < 0) {
            names.add(SystemField.CREATED_AT);
        }
        if (createdBy < 0) {
            names.add(SystemField.CREATED_BY);
        }
        names.addAll(List.of(SystemField.UPDATED_AT, SystemField.UPDATED_BY));
        int fields = names.size();
        try (PgBinaryCopy copy = new PgBinaryCopy(c, o.tableName(), PgBinaryCopy.columnList(names))) {
            for (NewRecord r : rows) {
                copy.row(fields);
                copy.uuid(r.id());
                for (int i = 0; i < columns.size(); i++) {
                    copy.value(columns.get(i), audit(i, createdAt, createdBy, r.values()[i], stamp, by));
                }
                if (createdAt < 0) {
                    copy.timestamp(stamp);
                }
                if (createdBy < 0) {
                    copy.uuid(by);
                }
                copy.timestamp(stamp);
                copy.uuid(by);
            }
            copy.finish();
        }
    }

    private static int indexOf(List<FieldDef> columns, String name) {
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * A new record's value of column {@code i}: as given, except that a migration's blank created date or creator
     * becomes the import's own.
     */
    private static Object audit(int i, int createdAt, int createdBy, Object v, OffsetDateTime stamp, UUID by) {
        if (v != null) {
            return v;
        }
        return i == createdAt ? stamp : i == createdBy ? by : null;
    }

    private void unnestUpdate(Connection c, ObjectDef o, List<FieldDef> columns, List<Integer> cols, List<Change> rows,
                              OffsetDateTime stamp, UUID by) throws SQLException {
        StringBuilder sql = new StringBuilder("update " + o.tableName() + " t set ");
        for (int k = 0; k < cols.size(); k++) {
            FieldDef f = columns.get(cols.get(k));
            sql.append(q(f.name())).append(" = cast(v.c").append(k).append(" as ").append(columnType(f)).append("), ");
        }
        sql.append("updated_at = ?, updated_by = ?, change_seq = nextval('hc_change_seq'), deleted_at = null from unnest(?::uuid[]");
        for (int k = 0; k < cols.size(); k++) {
            sql.append(", ?::text[]");
        }
        sql.append(") as v(id");
        for (int k = 0; k < cols.size(); k++) {
            sql.append(", c").append(k);
        }
        sql.append(") where t.id = v.id");
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            ps.setObject(1, stamp);
            ps.setObject(2, by);
            Object[] ids = new Object[rows.size()];
            for (int r = 0; r < rows.size(); r++) {
                ids[r] = rows.get(r).id();
            }
            ps.setArray(3, c.createArrayOf("uuid", ids));
            for (int k = 0; k < cols.size(); k++) {
                FieldDef f = columns.get(cols.get(k));
                String[] texts = new String[rows.size()];
                for (int r = 0; r < rows.size(); r++) {
                    texts[r] = dbText(f, rows.get(r).values()[cols.get(k)]);
                }
                ps.setArray(4 + k, c.createArrayOf("text", texts));
            }
            ps.executeUpdate();
        }
    }

    /** A value as the text PostgreSQL casts back to the column's type. */
    private static String dbText(FieldDef f, Object v) {
        if (v == null) {
            return null;
        }
        Object d = Columns.toDb(f, v);
        return d instanceof java.math.BigDecimal b ? b.toPlainString() : d.toString();
    }

    private String columnType(FieldDef f) {
        return f.name().equals(SystemField.EXTERNAL_ID) ? "varchar(255)" : db.dialect().columnType(f);
    }

    /** Rows per multi-row INSERT on H2: one statement executes them all, which saves H2 its per-statement work. */
    static final int H2_ROWS_PER_INSERT = 100;

    private static void batchInsert(Connection c, ObjectDef o, List<FieldDef> columns, List<NewRecord> rows,
                                    OffsetDateTime stamp, UUID by) throws SQLException {
        int createdAt = indexOf(columns, SystemField.CREATED_AT);
        int createdBy = indexOf(columns, SystemField.CREATED_BY);
        String cols = columns.stream().map(f -> q(f.name())).collect(Collectors.joining(", "));
        String tuple = "(?, " + columns.stream().map(f -> "?").collect(Collectors.joining(", "))
                + (createdAt < 0 ? ", ?" : "") + (createdBy < 0 ? ", ?" : "") + ", ?, ?, nextval('hc_change_seq'))";
        String head = "insert into " + o.tableName() + " (id, " + cols + (createdAt < 0 ? ", created_at" : "")
                + (createdBy < 0 ? ", created_by" : "") + ", updated_at, updated_by, change_seq) values ";
        for (List<NewRecord> part : partitions(rows, H2_ROWS_PER_INSERT)) {
            String sql = head + String.join(", ", java.util.Collections.nCopies(part.size(), tuple));
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                int i = 1;
                for (NewRecord r : part) {
                    ps.setObject(i++, r.id());
                    for (int j = 0; j < columns.size(); j++) {
                        Columns.bind(ps, i++, columns.get(j), audit(j, createdAt, createdBy, r.values()[j], stamp, by));
                    }
                    if (createdAt < 0) {
                        ps.setObject(i++, stamp);
                    }
                    if (createdBy < 0) {
                        ps.setObject(i++, by);
                    }
                    ps.setObject(i++, stamp);
                    ps.setObject(i++, by);
                }
                ps.executeUpdate();
            }
        }
    }

    private static void batchUpdate(Connection c, ObjectDef o, List<FieldDef> columns, List<Integer> cols, List<Change> rows,
                                    OffsetDateTime stamp, UUID by) throws SQLException {
        StringBuilder sets = new StringBuilder();
        for (int k : cols) {
            sets.append(q(columns.get(k).name())).append(" = ?, ");
        }
        String sql = "update " + o.tableName() + " set " + sets + "updated_at = ?, updated_by = ?,"
                + " change_seq = nextval('hc_change_seq'), deleted_at = null where id = ?";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (Change r : rows) {
                int i = 1;
                for (int k : cols) {
                    Columns.bind(ps, i++, columns.get(k), r.values()[k]);
                }
                ps.setObject(i++, stamp);
                ps.setObject(i++, by);
                ps.setObject(i, r.id());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static HotCrmException failed(ObjectDef o, Exception e) {
        String m = e.getMessage();
        if (m != null && (m.contains("unique") || m.contains("Unique") || m.contains("duplicate key"))) {
            return new HotCrmException(ErrorCode.CONFLICT, "Writing " + o.pluralLabel() + " hit a duplicate value of a"
                    + " unique field (changed by someone else at the same moment?): " + firstLine(m), e);
        }
        return new HotCrmException(ErrorCode.UNAVAILABLE, "Writing " + o.pluralLabel() + " failed: " + firstLine(m), e);
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "no detail";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    static <T> List<List<T>> partitions(List<T> all, int size) {
        List<List<T>> out = new ArrayList<>();
        for (int i = 0; i < all.size(); i += size) {
            out.add(all.subList(i, Math.min(all.size(), i + size)));
        }
        return out;
    }
}
