package io.hotcrm.store;

import static io.hotcrm.store.Dialect.q;

import io.hotcrm.common.ErrorCode;
import io.hotcrm.common.HotCrmException;
import io.hotcrm.metadata.Catalogue;
import io.hotcrm.metadata.CatalogueJson;
import io.hotcrm.metadata.FieldDef;
import io.hotcrm.metadata.FieldType;
import io.hotcrm.metadata.ObjectDef;
import io.hotcrm.metadata.SystemField;
import io.hotcrm.security.AccessGuard;
import io.hotcrm.security.AuditLog;
import io.hotcrm.security.Principal;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/**
 * The catalogue in force and the tables that hold it. {@link #sync()} creates every object table (and any
 * column a newer catalogue adds) at start-up; {@link #addCustomField} adds a field at runtime as a real
 * column. Other processes on the same database see a new field within a second ({@link #catalogue()}).
 */
public final class Schema {
    private static final long REFRESH_MILLIS = 1000;
    private final Database db;
    private final Catalogue standard;
    private volatile Catalogue current;
    private volatile long version = -1;
    private volatile long checkedAt;

    public Schema(Database db, Catalogue standard) {
        this.db = db;
        this.standard = standard;
        this.current = standard;
    }

    /** Creates missing tables, columns and indexes for the standard catalogue plus stored custom fields. */
    public void sync() {
        db.jdbi().useHandle(h -> {
            Catalogue cat = load(h);
            // the tables were made for exactly this catalogue by this code before: nothing to check (a command's start
            // is then a few queries lighter); any other catalogue, custom field or HotCRM version checks every table
            String print = fingerprint(cat);
            boolean same = print.equals(h.createQuery("select meta_value from hc_meta where meta_key = 'schema_synced'")
                    .mapTo(String.class).findOne().orElse(null));
            // and every table is there (a restore brings the marker with the system tables, before the tables it marks)
            if (!same || h.createQuery("select count(*) from information_schema.tables where table_schema = current_schema()"
                    + " and table_name in (<tables>)").bindList("tables", cat.objects().stream().map(ObjectDef::tableName).toList())
                    .mapTo(Integer.class).one() < cat.objects().size()) {
                for (ObjectDef o : cat.objects()) {
                    syncTable(h, o);
                }
                h.useTransaction(t -> {
                    t.createUpdate("delete from hc_meta where meta_key = 'schema_synced'").execute();
                    t.createUpdate("insert into hc_meta (meta_key, meta_value) values ('schema_synced', :v)").bind("v", print).execute();
                });
            }
            current = cat;
            version = readVersion(h);
            checkedAt = System.currentTimeMillis();
        });
    }

    /**
     * What the tables were last made for: the catalogue's every object and field and the revision of the code that makes
     * them ({@link #SYNC_REVISION}: raise it when {@code syncTable} changes what it does) — not the database kind: a restore
     * from the other kind makes its tables itself and keeps the marker.
     */
    private String fingerprint(Catalogue cat) {
        StringBuilder b = new StringBuilder(SYNC_REVISION);
        for (ObjectDef o : cat.objects()) {
            b.append('|').append(o.name()).append(':').append(o.tableName());
            for (FieldDef f : o.fields()) {
                b.append(f); // every component of the definition, in a fixed order
            }
        }
        return io.hotcrm.common.Digests.sha256Hex(b.toString());
    }

    /** The revision of {@code syncTable}'s rules; a new one makes every database check its tables once. */
    static final String SYNC_REVISION = "1";

    /** The catalogue in force, refreshed when another process added a field. */
    public Catalogue catalogue() {
        long now = System.currentTimeMillis();
        if (now - checkedAt > REFRESH_MILLIS) {
            checkedAt = now;
            db.jdbi().useHandle(h -> {
                long v = readVersion(h);
                if (v != version) {
                    current = load(h);
                    version = v;
                }
            });
        }
        return current;
    }

    public ObjectDef object(String name) {
        return catalogue().object(name);
    }

    /** Adds a custom field: a stored definition and a new column, usable at once by every feature. */
    public FieldDef addCustomField(Principal by, String objectName, FieldDef requested) {
        AccessGuard.requireSetup(by, "add custom fields");
        ObjectDef object = object(objectName);
        FieldDef field = requested.asCustom();
        if (object.field(field.name()).isPresent() || SystemField.isSystem(field.name())) {
            throw new HotCrmException(ErrorCode.CONFLICT, "Object \"" + objectName + "\" already has a field named \""
                    + field.name() + "\". Choose another name.");
        }
        if (field.type() == FieldType.OWNER) {
            throw HotCrmException.invalid("Custom fields cannot be owner fields; use a lookup to user instead.");
        }
        Catalogue next = catalogue().withField(objectName, field);
        db.jdbi().useTransaction(h -> {
            h.createUpdate("insert into hc_custom_field (object_name, field_name, definition, created_at, created_by)"
                            + " values (:o, :f, :d, :now, :by)")
                    .bind("o", objectName).bind("f", field.name()).bind("d", CatalogueJson.writeField(field).toString())
                    .bind("now", OffsetDateTime.now(ZoneOffset.UTC)).bind("by", by.actor()).execute();
            h.execute("alter table " + object.tableName() + " add column " + q(field.name()) + " "
                    + db.dialect().columnType(field));
            createIndexes(h, next.object(objectName), List.of(field));
            h.execute("update hc_meta set meta_value = cast(cast(meta_value as bigint) + 1 as varchar(40))"
                    + " where meta_key = 'catalogue_version'");
            AuditLog.record(h, by, "field.add", objectName, field.name(), CatalogueJson.writeField(field).toString());
        });
        current = next;
        version = db.jdbi().withHandle(Schema::readVersion);
        return field;
    }

    private Catalogue load(Handle h) {
        Catalogue cat = standard;
        List<String[]> rows = h.createQuery("select object_name, definition from hc_custom_field order by created_at, field_name")
                .map((rs, c) -> new String[] {rs.getString(1), rs.getString(2)}).list();
        for (String[] row : rows) {
            if (cat.find(row[0]).isPresent()) {
                cat = cat.withField(row[0], CatalogueJson.parseField(row[1]));
            }
        }
        return cat;
    }

    private static long readVersion(Handle h) {
        return Long.parseLong(h.createQuery("select meta_value from hc_meta where meta_key = 'catalogue_version'")
                .mapTo(String.class).one());
    }

    private void syncTable(Handle h, ObjectDef o) {
        Map<String, Integer> columns = columns(h, o.tableName());
        Set<String> existing = columns.keySet();
        if (existing.isEmpty()) {
            h.execute(createTable(o));
            changeSeqDefault(h, o);
            createIndexes(h, o, o.fields());
            h.execute("create unique index if not exists " + indexName(o, "external_id") + " on " + o.tableName()
                    + " (" + q(SystemField.EXTERNAL_ID) + ")");
            // change_seq grows with the table's physical order: on PostgreSQL a BRIN index finds "changed since N"
            // at a fraction of a B-tree's upkeep on every write; and 90% fill leaves room for in-page updates
            if (db.dialect() == Dialect.POSTGRES) {
                h.execute("create index if not exists " + indexName(o, "change_seq") + " on " + o.tableName()
                        + " using brin (" + q(SystemField.CHANGE_SEQ) + ")");
                h.execute("alter table " + o.tableName() + " set (fillfactor = 90)");
            } else {
                h.execute("create index if not exists " + indexName(o, "change_seq") + " on " + o.tableName()
                        + " (" + q(SystemField.CHANGE_SEQ) + ")");
            }
            return;
        }
        changeSeqDefault(h, o);
        widen(h, o, columns);
        List<FieldDef> added = new ArrayList<>();
        for (FieldDef f : o.fields()) {
            if (!existing.contains(f.name())) {
                h.execute("alter table " + o.tableName() + " add column " + q(f.name()) + " " + db.dialect().columnType(f));
                added.add(f);
            }
        }
        createIndexes(h, o, added);
    }

    /** Rows written without a change_seq (COPY on the bulk paths) take the next value of the sequence. */
    private static void changeSeqDefault(Handle h, ObjectDef o) {
        h.execute("alter table " + o.tableName() + " alter column " + q(SystemField.CHANGE_SEQ)
                + " set default nextval('hc_change_seq')");
    }

    private String createTable(ObjectDef o) {
        StringBuilder sql = new StringBuilder("create table if not exists " + o.tableName() + " (\n  ")
                .append(q(SystemField.ID)).append(" uuid primary key,\n  ")
                .append(q(SystemField.EXTERNAL_ID)).append(" varchar(255)");
        for (FieldDef f : o.fields()) {
            sql.append(",\n  ").append(q(f.name())).append(' ').append(db.dialect().columnType(f));
        }
        sql.append(",\n  ").append(q(SystemField.CREATED_AT)).append(" timestamp with time zone not null")
                .append(",\n  ").append(q(SystemField.CREATED_BY)).append(" uuid")
                .append(",\n  ").append(q(SystemField.UPDATED_AT)).append(" timestamp with time zone not null")
                .append(",\n  ").append(q(SystemField.UPDATED_BY)).append(" uuid")
                .append(",\n  ").append(q(SystemField.CHANGE_SEQ)).append(" bigint not null")
                .append(",\n  ").append(q(SystemField.DELETED_AT)).append(" timestamp with time zone)");
        return sql.toString();
    }

    private static void createIndexes(Handle h, ObjectDef o, List<FieldDef> fields) {
        for (FieldDef f : fields) {
            if (f.unique()) {
                h.execute("create unique index if not exists " + indexName(o, f.name()) + " on " + o.tableName()
                        + " (" + q(f.name()) + ")");
            } else if (f.type().isReference()) {
                h.execute("create index if not exists " + indexName(o, f.name()) + " on " + o.tableName()
                        + " (" + q(f.name()) + ")");
            }
        }
    }

    static String indexName(ObjectDef o, String column) {
        String name = "ix_" + o.name() + "_" + column;
        return name.length() <= 60 ? name : name.substring(0, 50) + "_" + Integer.toHexString(name.hashCode());
    }

    /**
     * Text columns the catalogue now allows longer values in (a note's parent id held 18 characters, a Salesforce id,
     * before it held HotCRM's 36-character ids) are widened; values are kept.
     */
    private void widen(Handle h, ObjectDef o, Map<String, Integer> lengths) {
        for (FieldDef f : o.fields()) {
            Integer now = lengths.get(f.name());
            if (now != null && f.type().isText() && f.type() != FieldType.TEXTAREA && f.maxLength() > now) {
                h.execute("alter table " + o.tableName() + " alter column " + q(f.name()) + " set data type "
                        + db.dialect().columnType(f));
            }
        }
    }

    /** The table's columns with their character length (null for columns that have none), in one query. */
    private static Map<String, Integer> columns(Handle h, String table) {
        Map<String, Integer> out = new java.util.HashMap<>();
        h.createQuery("select column_name, character_maximum_length from information_schema.columns"
                        + " where table_schema = current_schema() and table_name = :t")
                .bind("t", table).map((rs, c) -> new Object[] {rs.getString(1), rs.getObject(2)})
                .forEach(r -> out.put((String) r[0], r[1] == null ? null : ((Number) r[1]).intValue()));
        return out;
    }
}
