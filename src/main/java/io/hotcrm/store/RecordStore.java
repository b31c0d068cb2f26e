package io.hotcrm.store;

import static io.hotcrm.store.Dialect.q;

import io.hotcrm.common.ErrorCode;
import io.hotcrm.common.HotCrmException;
import io.hotcrm.common.Ids;
import io.hotcrm.common.Problem;
import io.hotcrm.metadata.FieldDef;
import io.hotcrm.metadata.FieldType;
import io.hotcrm.metadata.ObjectDef;
import io.hotcrm.metadata.Suggestions;
import io.hotcrm.metadata.SystemField;
import io.hotcrm.metadata.ValueConverter;
import io.hotcrm.security.AccessGuard;
import io.hotcrm.security.Action;
import io.hotcrm.security.AuditLog;
import io.hotcrm.security.Principal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;

/**
 * Front door for single-record reads and writes of any object: create, get, update (partial), soft delete
 * and restore. Every call passes the {@link AccessGuard} (object permission, field-level security, record
 * visibility), validates every value (all problems at once), writes {@code change_seq} and an audit entry.
 * Records the caller may not see are reported as not found.
 */
public final class RecordStore {
    private final Database db;
    private final Schema schema;

    public RecordStore(Database db, Schema schema) {
        this.db = db;
        this.schema = schema;
    }

    public Schema schema() {
        return schema;
    }

    public StoredRecord create(Principal p, String objectName, Map<String, Object> input) {
        ObjectDef o = schema.object(objectName);
        AccessGuard.require(p, o, Action.CREATE);
        Prepared w = prepare(p, o, input, true);
        UUID id = Ids.newId();
        db.jdbi().useTransaction(h -> {
            ChangeFence.enter(h, db.dialect());
            checkReferences(h, o, w);
            checkUnique(h, o, w, null);
            insert(h, o, id, w, p);
            AuditLog.record(h, p, "record.create", o.name(), id.toString(), null);
        });
        return get(p, objectName, id);
    }

    public StoredRecord get(Principal p, String objectName, UUID id) {
        ObjectDef o = schema.object(objectName);
        AccessGuard.require(p, o, Action.READ);
        return db.jdbi().withHandle(h -> find(h, p, o, id)).orElseThrow(() -> notFound(o, id));
    }

    public StoredRecord update(Principal p, String objectName, UUID id, Map<String, Object> input) {
        ObjectDef o = schema.object(objectName);
        AccessGuard.require(p, o, Action.EDIT);
        Prepared w = prepare(p, o, input, false);
        db.jdbi().useTransaction(h -> {
            ChangeFence.enter(h, db.dialect());
            StoredRecord before = find(h, p, o, id).orElseThrow(() -> notFound(o, id));
            if (before.deleted()) {
                throw new HotCrmException(ErrorCode.CONFLICT, "The " + o.label() + " " + id
                        + " is in the recycle bin. Restore it before editing.");
            }
            checkReferences(h, o, w);
            checkUnique(h, o, w, id);
            updateRow(h, o, id, w, p);
            AuditLog.record(h, p, "record.update", o.name(), id.toString(),
                    String.join(",", w.values.keySet().stream().map(FieldDef::name).toList()));
        });
        return get(p, objectName, id);
    }

    /** Moves the record to the recycle bin (soft delete); it can be restored. */
    public void delete(Principal p, String objectName, UUID id) {
        setDeleted(p, objectName, id, true);
    }

    public StoredRecord restore(Principal p, String objectName, UUID id) {
        setDeleted(p, objectName, id, false);
        return get(p, objectName, id);
    }

    private void setDeleted(Principal p, String objectName, UUID id, boolean deleted) {
        ObjectDef o = schema.object(objectName);
        AccessGuard.require(p, o, Action.DELETE);
        db.jdbi().useTransaction(h -> {
            ChangeFence.enter(h, db.dialect());
            StoredRecord r = find(h, p, o, id).orElseThrow(() -> notFound(o, id));
            if (r.deleted() == deleted) {
                throw new HotCrmException(ErrorCode.CONFLICT, "The " + o.label() + " " + id
                        + (deleted ? " is already in the recycle bin." : " is not in the recycle bin."));
            }
            OffsetDateTime now = now();
            h.createUpdate("update " + o.tableName() + " set deleted_at = :del, updated_at = :now, updated_by = :by,"
                            + " change_seq = nextval('hc_change_seq') where id = :id")
                    .bind("del", deleted ? now : null).bind("now", now).bind("by", p.userId()).bind("id", id).execute();
            AuditLog.record(h, p, deleted ? "record.delete" : "record.restore", o.name(), id.toString(), null);
        });
    }

    private static HotCrmException notFound(ObjectDef o, UUID id) {
        return HotCrmException.notFound("There is no " + o.label() + " with id " + id + " that you can see.");
    }

    /** Validated input: field values, the external id when given, and whether it was given. */
    private record Prepared(Map<FieldDef, Object> values, boolean externalIdGiven, String externalId) {
    }

    private Prepared prepare(Principal p, ObjectDef o, Map<String, Object> input, boolean creating) {
        List<Problem> problems = new ArrayList<>();
        Map<FieldDef, Object> values = new LinkedHashMap<>();
        boolean extGiven = false;
        String ext = null;
        for (Map.Entry<String, Object> e : input.entrySet()) {
            String name = e.getKey();
            if (name.equals(SystemField.EXTERNAL_ID)) {
                extGiven = true;
                ext = e.getValue() == null || e.getValue().toString().isBlank() ? null : e.getValue().toString().trim();
                if (ext != null && ext.length() > 255) {
                    problems.add(new Problem(name, "too_long", "External ID: at most 255 characters allowed."));
                }
                continue;
            }
            if (SystemField.isSystem(name)) {
                problems.add(new Problem(name, "read_only", "\"" + name + "\" is set by HotCRM and cannot be written."));
                continue;
            }
            Optional<FieldDef> f = o.field(name);
            if (f.isEmpty()) {
                problems.add(new Problem(name, "unknown_field", "Object \"" + o.name() + "\" has no field \"" + name
                        + "\"." + Suggestions.didYouMean(name, o.fields().stream().map(FieldDef::name).toList())));
                continue;
            }
            ValueConverter.Converted c = ValueConverter.convert(f.get(), e.getValue());
            if (c.ok()) {
                values.put(f.get(), c.value());
            } else {
                problems.add(c.problem());
            }
        }
        if (creating) {
            applyDefaults(p, o, values);
        }
        for (FieldDef f : o.fields()) {
            boolean missing = creating ? values.get(f) == null : values.containsKey(f) && values.get(f) == null;
            if (f.required() && missing) {
                problems.add(new Problem(f.name(), "required", f.label() + " (" + f.name() + ") is required."));
            }
        }
        if (!problems.isEmpty()) {
            throw new HotCrmException(ErrorCode.VALIDATION_FAILED, (creating ? "The " : "The changes to the ")
                    + o.label() + (creating ? " was not created: " : " were not saved: ") + problems.size()
                    + (problems.size() == 1 ? " problem." : " problems."), problems);
        }
        AccessGuard.requireEditable(p, o, input.keySet().stream().map(o::field).flatMap(Optional::stream).toList());
        return new Prepared(values, extGiven, ext);
    }

    private static void applyDefaults(Principal p, ObjectDef o, Map<FieldDef, Object> values) {
        for (FieldDef f : o.fields()) {
            if (values.get(f) != null) {
                continue;
            }
            if (f.type() == FieldType.OWNER && p.userId() != null) {
                values.put(f, p.userId());
            } else if (f.defaultValue() != null) {
                ValueConverter.Converted c = ValueConverter.convert(f, f.defaultValue());
                if (c.ok()) {
                    values.put(f, c.value());
                }
            }
        }
    }

    private void checkReferences(Handle h, ObjectDef o, Prepared w) {
        List<Problem> problems = new ArrayList<>();
        for (Map.Entry<FieldDef, Object> e : w.values.entrySet()) {
            FieldDef f = e.getKey();
            if (f.type().isReference() && e.getValue() != null) {
                ObjectDef target = schema.object(f.target());
                int n = h.createQuery("select count(*) from " + target.tableName() + " where id = :id and deleted_at is null")
                        .bind("id", e.getValue()).mapTo(Integer.class).one();
                if (n == 0) {
                    problems.add(new Problem(f.name(), "not_found", f.label() + ": there is no " + target.label() + " with id "
                            + e.getValue() + "."));
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new HotCrmException(ErrorCode.VALIDATION_FAILED, "The " + o.label() + " refers to records that do not"
                    + " exist.", problems);
        }
    }

    private static void checkUnique(Handle h, ObjectDef o, Prepared w, UUID self) {
        List<Problem> problems = new ArrayList<>();
        Map<String, Object> keys = new LinkedHashMap<>();
        if (w.externalIdGiven && w.externalId != null) {
            keys.put(SystemField.EXTERNAL_ID, w.externalId);
        }
        w.values.forEach((f, v) -> {
            if (f.unique() && v != null) {
                keys.put(f.name(), v);
            }
        });
        keys.forEach((column, value) -> {
            Optional<UUID> other = h.createQuery("select id from " + o.tableName() + " where " + q(column) + " = :v")
                    .bind("v", value).mapTo(UUID.class).findFirst();
            if (other.isPresent() && !other.get().equals(self)) {
                problems.add(new Problem(column, "duplicate", "Another " + o.label() + " (" + other.get()
                        + ") already has " + column + " \"" + value + "\"."));
            }
        });
        if (!problems.isEmpty()) {
            throw new HotCrmException(ErrorCode.CONFLICT, "The " + o.label() + " duplicates an existing record.", problems);
        }
    }

    private static void insert(Handle h, ObjectDef o, UUID id, Prepared w, Principal p) {
        List<FieldDef> fields = new ArrayList<>(w.values.keySet());
        String cols = fields.stream().map(f -> q(f.name())).collect(Collectors.joining(", "));
        String marks = fields.stream().map(f -> "?").collect(Collectors.joining(", "));
        String sql = "insert into " + o.tableName() + " (id, external_id" + (fields.isEmpty() ? "" : ", " + cols)
                + ", created_at, created_by, updated_at, updated_by, change_seq) values (?, ?"
                + (fields.isEmpty() ? "" : ", " + marks) + ", ?, ?, ?, ?, nextval('hc_change_seq'))";
        execute(h, sql, ps -> {
            int i = 1;
            ps.setObject(i++, id);
            ps.setString(i++, w.externalId);
            for (FieldDef f : fields) {
                Columns.bind(ps, i++, f, w.values.get(f));
            }
            OffsetDateTime now = now();
            ps.setObject(i++, now);
            ps.setObject(i++, p.userId());
            ps.setObject(i++, now);
            ps.setObject(i, p.userId());
        });
    }

    private static void updateRow(Handle h, ObjectDef o, UUID id, Prepared w, Principal p) {
        List<FieldDef> fields = new ArrayList<>(w.values.keySet());
        String sets = fields.stream().map(f -> q(f.name()) + " = ?").collect(Collectors.joining(", "));
        String sql = "update " + o.tableName() + " set " + (sets.isEmpty() ? "" : sets + ", ")
                + (w.externalIdGiven ? "external_id = ?, " : "")
                + "updated_at = ?, updated_by = ?, change_seq = nextval('hc_change_seq') where id = ?";
        execute(h, sql, ps -> {
            int i = 1;
            for (FieldDef f : fields) {
                Columns.bind(ps, i++, f, w.values.get(f));
            }
            if (w.externalIdGiven) {
                ps.setString(i++, w.externalId);
            }
            ps.setObject(i++, now());
            ps.setObject(i++, p.userId());
            ps.setObject(i, id);
        });
    }

    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    private static void execute(Handle h, String sql, Binder binder) {
        Connection c = h.getConnection();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            ps.executeUpdate();
        } catch (SQLException e) {
            if ("23505".equals(e.getSQLState())) {
                throw new HotCrmException(ErrorCode.CONFLICT, "Another record already has one of these unique values.", e);
            }
            throw new HotCrmException(ErrorCode.UNAVAILABLE, "The database refused the write: " + e.getMessage(), e);
        }
    }

    /** Reads one record the principal may see (deleted ones included), with only readable fields. */
    static Optional<StoredRecord> find(Handle h, Principal p, ObjectDef o, UUID id) {
        Visibility.Condition vis = Visibility.of(p, o, "t");
        String sql = "select * from " + o.tableName() + " t where t.id = ?" + (vis.isEmpty() ? "" : " and " + vis.sql());
        try (PreparedStatement ps = h.getConnection().prepareStatement(sql)) {
            ps.setObject(1, id);
            int i = 2;
            for (Object param : vis.params()) {
                ps.setObject(i++, param);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(map(rs, o, AccessGuard.readableFields(p, o))) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new HotCrmException(ErrorCode.UNAVAILABLE, "Could not read " + o.name() + " " + id + ": " + e.getMessage(), e);
        }
    }

    static StoredRecord map(ResultSet rs, ObjectDef o, List<FieldDef> readable) throws SQLException {
        Map<String, Object> values = new LinkedHashMap<>();
        for (FieldDef f : readable) {
            values.put(f.name(), Columns.read(rs, rs.findColumn(f.name()), f));
        }
        return new StoredRecord(o.name(), rs.getObject("id", UUID.class), rs.getString("external_id"), values,
                Columns.utc(rs.getObject("created_at", OffsetDateTime.class)), rs.getObject("created_by", UUID.class),
                Columns.utc(rs.getObject("updated_at", OffsetDateTime.class)), rs.getObject("updated_by", UUID.class),
                rs.getLong("change_seq"), Columns.utc(rs.getObject("deleted_at", OffsetDateTime.class)));
    }

    private static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC);
    }
}
