package io.hotcrm.migration;

import io.hotcrm.metadata.FieldDef;
import io.hotcrm.metadata.FieldType;
import io.hotcrm.metadata.ObjectDef;
import io.hotcrm.migration.MigrationPlan.PlanObject;
import io.hotcrm.migration.ReconcileReport.Difference;
import io.hotcrm.migration.ReconcileReport.Missing;
import io.hotcrm.migration.ReconcileReport.ObjectCheck;
import io.hotcrm.store.Database;
import io.hotcrm.store.Schema;
import java.math.BigDecimal;
import java.sql.Array;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Compares the source with HotCRM after a run: every source id of the slice against the external ids HotCRM holds
 * (users by email), each missing record with its reason, and ten random records per object re-read from the source,
 * translated through the plan as the run did, and compared with HotCRM field by field.
 */
final class Reconciler {
    static final int SPOT_CHECKS = 10;
    private static final int MISSING_LISTED = 1000;

    private final Database db;
    private final Schema schema;
    private final Random random;

    Reconciler(Database db, Schema schema, Random random) {
        this.db = db;
        this.schema = schema;
        this.random = random;
    }

    ReconcileReport check(CrmSource source, MigrationPlan plan, Staging anyStaging, Map<String, Map<String, String>> failures) {
        Staging staging = anyStaging.withoutContents();
        SourceDefaults d = source.defaults();
        List<ObjectCheck> out = new ArrayList<>();
        for (PlanObject o : plan.included()) {
            if (o.source().equals(d.userObject())) {
                out.add(users(source, d, o));
                continue;
            }
            ObjectDef target = schema.object(o.target());
            Set<String> ids = new HashSet<>();
            source.read(o.source(), List.of(), plan.slice(), r -> {
                ids.add(r.get(d.idField()));
                return true;
            });
            Set<String> present = present(target, ids);
            List<Missing> missing = new ArrayList<>();
            Map<String, String> failed = failures.getOrDefault(o.source(), Map.of());
            long gap = 0;
            for (String id : new TreeSet<>(ids)) {
                if (!present.contains(id)) {
                    gap++;
                    if (missing.size() < MISSING_LISTED) {
                        missing.add(new Missing(id, failed.getOrDefault(id, "Not in HotCRM: it was not imported (created in the"
                                + " source after the run read it, or the run stopped before it); run the migration again.")));
                    }
                }
            }
            List<String> sample = new ArrayList<>(present);
            java.util.Collections.sort(sample);
            java.util.Collections.shuffle(sample, random);
            sample = sample.subList(0, Math.min(SPOT_CHECKS, sample.size()));
            List<Difference> diffs = spotCheck(source, o, target, staging, sample);
            out.add(new ObjectCheck(o.source(), o.target(), ids.size(), present.size(), gap,
                    ids.isEmpty() ? gap > 0 : gap * 1000 > ids.size(), missing, sample.size(), diffs));
        }
        return new ReconcileReport(Instant.now(), out);
    }

    private ObjectCheck users(CrmSource source, SourceDefaults d, PlanObject o) {
        Set<String> emails = new HashSet<>();
        source.read(o.source(), List.of(d.userEmailField()), Slice.ALL, r -> {
            String e = r.get(d.userEmailField());
            if (e != null) {
                emails.add(e.toLowerCase(Locale.ROOT));
            }
            return true;
        });
        Set<String> have = new HashSet<>(db.jdbi().withHandle(h -> h.createQuery("select lower(email) from obj_user")
                .mapTo(String.class).list()));
        List<Missing> missing = new ArrayList<>();
        for (String e : new TreeSet<>(emails)) {
            if (!have.contains(e)) {
                missing.add(new Missing(e, "No HotCRM user has this email (the plan's users: match-only, or the user failed"
                        + " to import); their records went to the fallback owner."));
            }
        }
        long gap = missing.size();
        return new ObjectCheck(o.source(), o.target(), emails.size(), emails.size() - gap, gap, gap * 1000 > emails.size(),
                missing, 0, List.of());
    }

    private Set<String> present(ObjectDef target, Set<String> ids) {
        Set<String> out = new HashSet<>();
        List<String> all = new ArrayList<>(ids);
        for (int i = 0; i < all.size(); i += 1000) {
            List<String> part = all.subList(i, Math.min(all.size(), i + 1000));
            out.addAll(db.jdbi().withHandle(h -> h.createQuery("select external_id from " + target.tableName()
                    + " where deleted_at is null and external_id in (<ids>)").bindList("ids", part).mapTo(String.class).list()));
        }
        return out;
    }

    private List<Difference> spotCheck(CrmSource source, PlanObject o, ObjectDef target, Staging staging, List<String> sample) {
        List<Difference> diffs = new ArrayList<>();
        if (sample.isEmpty()) {
            return diffs;
        }
        for (Map<String, String> rec : source.byIds(o.source(), Staging.sourceFields(o), sample)) {
            Map<String, String> expected = staging.row(o, rec, new long[5], new HashMap<>());
            staging.settle(source, o, List.of(expected), new HashMap<>());
            String id = expected.get(Staging.EXTERNAL_ID);
            Map<String, Object> actual = db.jdbi().withHandle(h -> h.createQuery("select * from " + target.tableName()
                    + " where external_id = :x and deleted_at is null").bind("x", id).mapToMap().findOne()).orElse(Map.of());
            for (Map.Entry<String, String> e : expected.entrySet()) {
                String field = e.getKey();
                if (field.equals(Staging.EXTERNAL_ID)) {
                    continue;
                }
                FieldDef f = field.equals("created_by") ? FieldDef.custom("created_by", FieldType.LOOKUP, null, null, "user", false, false, 0, 0)
                        : field.equals("created_at") ? FieldDef.custom("created_at", FieldType.DATETIME, null, null, null, false, false, 0, 0)
                        : target.field(field).orElse(null);
                if (f == null) {
                    continue;
                }
                String have = text(f, actual.get(field));
                String want = e.getValue() == null || e.getValue().isBlank() ? null : e.getValue();
                if (field.equals("created_by") && want == null) {
                    continue;
                }
                if (!same(f, want, have)) {
                    diffs.add(new Difference(id, field, want, have));
                }
            }
        }
        return diffs;
    }

    /** A stored value as the staged text would say it: lookups as the target's external id, users as their email. */
    private String text(FieldDef f, Object v) {
        if (v == null) {
            return null;
        }
        if (f.type().isReference()) {
            UUID id = v instanceof UUID u ? u : UUID.fromString(v.toString());
            boolean user = f.type() == FieldType.OWNER || "user".equals(f.target());
            String table = user ? "obj_user" : schema.object(f.target()).tableName();
            return db.jdbi().withHandle(h -> h.createQuery("select " + (user ? "email" : "external_id") + " from " + table
                    + " where id = :id").bind("id", id).mapTo(String.class).findOne().orElse(id.toString()));
        }
        if (v instanceof Array a) {
            try {
                Object[] items = (Object[]) a.getArray();
                List<String> parts = new ArrayList<>();
                for (Object i : items) {
                    parts.add(String.valueOf(i));
                }
                return String.join(";", parts);
            } catch (SQLException e) {
                return v.toString();
            }
        }
        if (v instanceof Object[] items) {
            List<String> parts = new ArrayList<>();
            for (Object i : items) {
                parts.add(String.valueOf(i));
            }
            return String.join(";", parts);
        }
        if (v instanceof OffsetDateTime t) {
            return t.toInstant().toString();
        }
        if (v instanceof java.sql.Timestamp t) {
            return t.toInstant().toString();
        }
        if (v instanceof java.sql.Date d) {
            return d.toLocalDate().toString();
        }
        return v.toString();
    }

    private static boolean same(FieldDef f, String want, String have) {
        if (want == null && have != null && (f.defaultValue() != null && have.equals(f.defaultValue().toString())
                || f.type() == FieldType.BOOLEAN && have.equals("false"))) {
            // blank in the source: HotCRM gave the field its default, as it does for any record created without it
            return true;
        }
        if (want == null || have == null) {
            return (want == null || want.isBlank()) && (have == null || have.isBlank());
        }
        try {
            return switch (f.type()) {
                case NUMBER, CURRENCY, PERCENT -> new BigDecimal(want).compareTo(new BigDecimal(have)) == 0;
                case DATE -> LocalDate.parse(want.substring(0, 10)).equals(LocalDate.parse(have.substring(0, 10)));
                case DATETIME -> Instant.parse(want).equals(Instant.parse(have));
                case BOOLEAN -> Boolean.parseBoolean(want) == Boolean.parseBoolean(have);
                case MULTI_PICKLIST -> parts(want).equals(parts(have));
                case PICKLIST -> want.equalsIgnoreCase(have);
                case EMAIL -> want.equalsIgnoreCase(have);
                default -> want.equals(have) || want.strip().equals(have.strip());
            };
        } catch (RuntimeException e) {
            return want.equals(have);
        }
    }

    private static Set<String> parts(String s) {
        Set<String> out = new TreeSet<>();
        for (String p : s.replaceAll("^[\\[{]|[\\]}]$", "").split("[;,]")) {
            if (!p.isBlank()) {
                out.add(p.strip().replaceAll("^\"|\"$", ""));
            }
        }
        return out;
    }
}
