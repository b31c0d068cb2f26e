package io.hotcrm.importing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hotcrm.common.Ids;
import io.hotcrm.common.Texts;
import io.hotcrm.mapping.CompiledMapping;
import io.hotcrm.mapping.CompiledMapping.Target;
import io.hotcrm.metadata.FieldDef;
import io.hotcrm.metadata.FieldType;
import io.hotcrm.metadata.ObjectDef;
import io.hotcrm.metadata.ValueConverter;
import io.hotcrm.security.AccessGuard;
import io.hotcrm.security.Principal;
import io.hotcrm.security.Visibility;
import io.hotcrm.store.Database;
import io.hotcrm.store.RecordBatch;
import io.hotcrm.store.RecordBatch.Existing;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * The matching and classifying stage: the keys of a chunk are matched against existing records in one query,
 * then each row becomes a creation (with defaults for fields no column fills), an update (only the fields that
 * change, with their values before for the undo journal), unchanged, skipped, or failed.
 */
final class Classifier {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Database db;
    private final RecordBatch batch;
    private final Principal principal;
    private final ImportMode mode;
    private final boolean blanksClear;
    private final ObjectDef object;
    private final CompiledMapping mapping;
    private final Keys keys;
    /** The fields written to existing records, in order: every target but the id pseudo-field. */
    final List<FieldDef> columns = new ArrayList<>();
    private final int[] columnTarget;
    private final Map<FieldDef, Object> insertDefaults = new LinkedHashMap<>();
    private final Map<String, Object> fieldDefaults = new HashMap<>();
    private final List<FieldDef> insertColumns;
    /** Targets of required fields (not owners, which default to the importing user). */
    private final List<Integer> requiredTargets = new ArrayList<>();

    Classifier(Database db, RecordBatch batch, Principal principal, ImportMode mode, boolean blanksClear,
               CompiledMapping mapping, Keys keys, UUID defaultOwner, Map<String, Object> extraDefaults) {
        this.db = db;
        this.batch = batch;
        this.principal = principal;
        this.mode = mode;
        this.blanksClear = blanksClear;
        this.object = mapping.object();
        this.mapping = mapping;
        this.keys = keys;
        List<Integer> ct = new ArrayList<>();
        for (int i = 0; i < mapping.targets().size(); i++) {
            Target t = mapping.targets().get(i);
            if (!t.name().equals(CompiledMapping.ID)) {
                columns.add(t.field());
                ct.add(i);
            }
            if (t.field().required() && t.field().type() != FieldType.OWNER) {
                requiredTargets.add(i);
            }
        }
        this.columnTarget = ct.stream().mapToInt(Integer::intValue).toArray();
        for (FieldDef f : object.fields()) {
            if (f.computed()) {
                continue;
            }
            if (f.type() == FieldType.OWNER) {
                fieldDefaults.put(f.name(), defaultOwner);
            } else if (f.defaultValue() != null) {
                ValueConverter.Converted c = ValueConverter.convert(f, f.defaultValue());
                if (c.ok() && c.value() != null) {
                    fieldDefaults.put(f.name(), c.value());
                }
            }
        }
        fieldDefaults.putAll(extraDefaults);
        for (FieldDef f : object.fields()) {
            if (mapping.indexOf(f.name()) < 0 && fieldDefaults.containsKey(f.name())) {
                insertDefaults.put(f, fieldDefaults.get(f.name()));
            }
        }
        List<FieldDef> all = new ArrayList<>(columns);
        all.addAll(insertDefaults.keySet());
        this.insertColumns = List.copyOf(all);
    }

    ObjectDef object() {
        return object;
    }

    CompiledMapping mapping() {
        return mapping;
    }

    /** The existing records of the rows' keys, by key (one query for the chunk). */
    Map<Object, List<Existing>> match(List<ImportRow> rows) {
        List<Object> wanted = new ArrayList<>();
        for (ImportRow r : rows) {
            if (r.key != null) {
                wanted.add(r.key);
            }
        }
        if (wanted.isEmpty()) {
            return Map.of();
        }
        return db.jdbi().withHandle(h -> batch.match(h, object, keys.keyField, wanted, columns));
    }

    void classify(ImportRow row, Map<Object, List<Existing>> existing) {
        List<Existing> found = row.key == null ? null : existing.get(row.key);
        String what = object.label().toLowerCase(Locale.ROOT);
        String keyName = keys.keyField.name();
        if (found == null || found.isEmpty()) {
            if (mode == ImportMode.UPDATE) {
                row.fail(keys.keyHeader(), keyName, String.valueOf(row.key), "No " + what + " has the " + keyName + " "
                        + Texts.quote(String.valueOf(row.key)) + "; in update mode a row must match a record.");
                return;
            }
            for (int i : requiredTargets) {
                FieldDef f = mapping.targets().get(i).field();
                if (row.values[i] == null && !fieldDefaults.containsKey(f.name())) {
                    row.fail(mapping.targets().get(i).header(), f.name(), "", f.label() + " is required for a new " + what + ".");
                    return;
                }
            }
            row.recordId = keyName.equals(CompiledMapping.ID) ? (UUID) row.key : Ids.newId();
            row.status = RowStatus.CREATED;
            return;
        }
        if (found.size() > 1) {
            row.fail(keys.keyHeader(), keyName, String.valueOf(row.key), found.size() + " " + object.pluralLabel() + " have the "
                    + keyName + " " + Texts.quote(String.valueOf(row.key)) + " (ids " + found.stream().limit(5)
                    .map(e -> e.id().toString()).reduce((a, b) -> a + ", " + b).orElse("")
                    + "); match on a unique field such as external_id.");
            return;
        }
        Existing m = found.get(0);
        row.match = m;
        row.recordId = m.id();
        if (AccessGuard.visibility(principal, object) == Visibility.OWN && !Objects.equals(m.ownerId(), principal.userId())) {
            row.fail(keys.keyHeader(), keyName, String.valueOf(row.key), "It matches a " + what
                    + " owned by another user, which you may not see or change.");
            row.recordId = null;
            return;
        }
        if (mode == ImportMode.INSERT) {
            row.status = RowStatus.SKIPPED;
            row.note = m.deletedAt() != null ? "matches a record in the recycle bin; restore it or import in upsert mode"
                    : "already exists";
            return;
        }
        diff(row, m);
    }

    /** The fields an update changes; a row that changes nothing (and needs no link) is unchanged. */
    private void diff(ImportRow row, Existing m) {
        Object[] fin = new Object[columns.size()];
        boolean[] mask = new boolean[columns.size()];
        List<ImportSummary.Change> changes = new ArrayList<>();
        for (int c = 0; c < columns.size(); c++) {
            FieldDef f = columns.get(c);
            Object now = m.values()[c];
            Object given = row.values[columnTarget[c]];
            Object next = given instanceof ImportRow.Pending || (given == null && !blanksClear) ? now : given;
            fin[c] = next;
            if (!same(now, next)) {
                mask[c] = true;
                changes.add(new ImportSummary.Change(row.number, m.id(), f.name(), text(now), text(next)));
            }
        }
        row.finalValues = fin;
        row.changedMask = mask;
        if (changes.isEmpty() && m.deletedAt() == null && row.deferredTargets == null) {
            row.status = RowStatus.UNCHANGED;
            return;
        }
        if (m.deletedAt() != null) {
            row.note = "restored from the recycle bin";
        }
        row.changes = changes;
        row.status = RowStatus.UPDATED;
    }

    /** The fields a new record is written with: the mapped ones, then the defaults of the others. */
    List<FieldDef> insertColumns() {
        return insertColumns;
    }

    /** A new record's values, in {@link #insertColumns} order. */
    Object[] insertValues(ImportRow row) {
        Object[] out = new Object[columns.size() + insertDefaults.size()];
        for (int c = 0; c < columns.size(); c++) {
            Object v = row.values[columnTarget[c]];
            out[c] = v instanceof ImportRow.Pending ? null : v;
            if (out[c] == null && !(v instanceof ImportRow.Pending)) {
                out[c] = fieldDefaults.get(columns.get(c).name());
            }
        }
        int i = columns.size();
        for (Object d : insertDefaults.values()) {
            out[i++] = d;
        }
        return out;
    }

    /** The undo journal's entry of an updated row: its id, recycle-bin state, and the values before of what changes. */
    ObjectNode beforeImage(ImportRow row) {
        ObjectNode n = JSON.createObjectNode().put("id", row.recordId.toString());
        if (row.match.deletedAt() != null) {
            n.put("deletedAt", row.match.deletedAt().toString());
        }
        ObjectNode before = n.putObject("before");
        for (int c = 0; c < columns.size(); c++) {
            if (!same(row.match.values()[c], row.finalValues[c]) || row.values[columnTarget[c]] instanceof ImportRow.Pending) {
                String name = columns.get(c).name();
                Object v = row.match.values()[c];
                if (v == null) {
                    before.putNull(name);
                } else if (v instanceof List<?> list) {
                    ArrayNode a = before.putArray(name);
                    list.forEach(x -> a.add(String.valueOf(x)));
                } else if (v instanceof Boolean b) {
                    before.put(name, b);
                } else if (v instanceof BigDecimal d) {
                    before.put(name, d.toPlainString());
                } else {
                    before.put(name, v.toString());
                }
            }
        }
        return n;
    }

    static boolean same(Object a, Object b) {
        if (a == null || b == null) {
            return a == b;
        }
        if (a instanceof BigDecimal x && b instanceof BigDecimal y) {
            return x.compareTo(y) == 0;
        }
        if (a instanceof OffsetDateTime x && b instanceof OffsetDateTime y) {
            return x.isEqual(y);
        }
        return a.equals(b);
    }

    private static String text(Object v) {
        if (v == null) {
            return null;
        }
        if (v instanceof BigDecimal d) {
            return d.stripTrailingZeros().toPlainString();
        }
        if (v instanceof List<?> l) {
            return String.join(";", l.stream().map(String::valueOf).toList());
        }
        return v.toString();
    }
}
