package io.hotcrm.migration;

import io.hotcrm.metadata.FieldDef;
import io.hotcrm.metadata.FieldType;
import io.hotcrm.metadata.ObjectDef;
import io.hotcrm.migration.MigrationPlan.PlanField;
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
    private final Staging.Links links;
    private final java.util.function.Function<String, String> storedSha256;

    /**
     * @param links finds HotCRM's records by their source ids
     * @param storedSha256 the SHA-256 of a file store key's bytes, read back (null when the key holds nothing)
     */
    Reconciler(Database db, Schema schema, Random random, Staging.Links links,
               java.util.function.Function<String, String> storedSha256) {
        this.db = db;
        this.schema = schema;
        this.random = random;
        this.links = links;
        this.storedSha256 = storedSha256;
    }

    /**
     * The ids a run read, per source object, streamed (one per line) — so a reconcile right after a run compares
     * what the run read with what HotCRM holds, without reading the source twice; null: read the source.
     */
    @FunctionalInterface
    interface ReadIds {
        java.io.Reader open(String sourceObject) throws java.io.IOException;
    }

    ReconcileReport check(CrmSource source, MigrationPlan plan, Staging anyStaging, Map<String, Map<String, String>> failures) {
        return check(source, plan, anyStaging, failures, null);
    }

    /**
     * Reconciles the plan's objects. With {@code readIds} (right after a full run), the source's ids are the ones the
     * run read — the source said how many there were, and the run checked it read them all — and the source is only
     * asked for its count now, to see records created since; otherwise every id is read from the source. Memory does
     * not grow with the object: ids are checked a thousand at a time.
     */
    ReconcileReport check(CrmSource source, MigrationPlan plan, Staging anyStaging, Map<String, Map<String, String>> failures,
                          ReadIds readIds) {
        try (Checks checks = start(source, plan, anyStaging, failures, readIds)) {
            return checks.report();
        }
    }

    /**
     * A reconcile whose objects are checked as they are handed over — a run hands each over once it is imported, so
     * the checks of the first objects overlap the imports of the later ones. {@code failures} (source object →
     * record id → reason) must hold an object's failures when it is handed over.
     */
    Checks start(CrmSource source, MigrationPlan plan, Staging anyStaging, Map<String, Map<String, String>> failures, ReadIds readIds) {
        return new Checks(source, plan, anyStaging.withoutContents(), failures, readIds);
    }

    /** The checks of one reconcile; closing it stops those still running. */
    final class Checks implements AutoCloseable {
        private final CrmSource source;
        private final MigrationPlan plan;
        private final Staging staging;
        private final Map<String, Map<String, String>> failures;
        private final ReadIds readIds;
        private final Map<String, java.util.concurrent.Future<ObjectCheck>> started = new java.util.concurrent.ConcurrentHashMap<>();
        // objects are checked a few at a time: most of a check is waiting for the source (a count, a spot-check's reads)
        private final java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(PARALLEL, r -> {
            Thread t = new Thread(r, "hotcrm-migration-reconcile");
            t.setDaemon(true);
            return t;
        });

        private Checks(CrmSource source, MigrationPlan plan, Staging staging, Map<String, Map<String, String>> failures,
                       ReadIds readIds) {
            this.source = source;
            this.plan = plan;
            this.staging = staging;
            this.failures = failures;
            this.readIds = readIds;
        }

        /** Starts checking the object (once; its records are all written). */
        void object(PlanObject o) {
            SourceDefaults d = source.defaults();
            started.computeIfAbsent(o.source(), k -> pool.submit(() -> o.source().equals(d.userObject()) ? users(source, d, o)
                    : check(source, plan, staging, failures, readIds, o)));
        }

        /** Every object of the plan checked (those not handed over yet, now), in the plan's order. */
        ReconcileReport report() {
            plan.included().forEach(this::object);
            List<ObjectCheck> out = new ArrayList<>();
            for (PlanObject o : plan.included()) {
                out.add(Waits.await(started.get(o.source()), "reconciling"));
            }
            return new ReconcileReport(Instant.now(), out);
        }

        @Override
        public void close() {
            pool.shutdownNow();
        }
    }

    /** Objects checked at once. */
    private static final int PARALLEL = 4;

    private ObjectCheck check(CrmSource source, MigrationPlan plan, Staging staging, Map<String, Map<String, String>> failures,
                              ReadIds readIds, PlanObject o) {
        SourceDefaults d = source.defaults();
        ObjectDef target = schema.object(o.target());
        Map<String, String> failed = failures.getOrDefault(o.source(), Map.of());
        List<Missing> missing = new ArrayList<>();
        long[] counts = new long[3];
        List<String> sample = new ArrayList<>();
        List<String> batch = new ArrayList<>(1000);
        java.util.function.Consumer<List<String>> settle = ids -> {
            Set<String> present = present(target, ids);
            for (String id : ids) {
                counts[0]++;
                if (present.contains(id)) {
                    counts[1]++;
                    // reservoir sample of the records HotCRM holds, for the spot-check
                    if (sample.size() < SPOT_CHECKS) {
                        sample.add(id);
                    } else {
                        int j = random.nextInt((int) Math.min(Integer.MAX_VALUE, counts[1]));
                        if (j < SPOT_CHECKS) {
                            sample.set(j, id);
                        }
                    }
                } else {
                    counts[2]++;
                    if (missing.size() < MISSING_LISTED) {
                        missing.add(new Missing(id, failed.getOrDefault(id, "Not in HotCRM: it was not imported (created in"
                                + " the source after the run read it, or the run stopped before it); run the migration again.")));
                    }
                }
            }
            ids.clear();
        };
        if (readIds != null) {
            try (java.io.BufferedReader in = new java.io.BufferedReader(readIds.open(o.source()))) {
                for (String line; (line = in.readLine()) != null; ) {
                    if (!line.isBlank()) {
                        batch.add(line.strip());
                        if (batch.size() == 1000) {
                            settle.accept(batch);
                        }
                    }
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            settle.accept(batch);
            long now = source.count(o.source(), plan.slice());
            if (now > counts[0]) {
                counts[2] += now - counts[0];
                missing.add(new Missing("(" + (now - counts[0]) + " records)", "Created in the source after the run read "
                        + o.source() + ": a delta run brings them (hotcrm migrate run --delta)."));
                counts[0] = now;
            }
        } else {
            source.read(o.source(), List.of(), plan.slice(), r -> {
                batch.add(r.get(d.idField()));
                if (batch.size() == 1000) {
                    settle.accept(batch);
                }
                return true;
            });
            settle.accept(batch);
        }
        java.util.Collections.sort(sample);
        List<Difference> diffs = spotCheck(source, o, target, staging, sample);
        long gap = counts[2];
        return new ObjectCheck(o.source(), o.target(), counts[0], counts[1], gap,
                counts[0] == 0 ? gap > 0 : gap * 1000 > counts[0], missing, sample.size(), diffs);
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

    private Set<String> present(ObjectDef target, List<String> ids) {
        return ids.isEmpty() ? Set.of() : links.ids(target.name(), ids).keySet();
    }

    private List<Difference> spotCheck(CrmSource source, PlanObject o, ObjectDef target, Staging staging, List<String> sample) {
        List<Difference> diffs = new ArrayList<>();
        if (sample.isEmpty()) {
            return diffs;
        }
        // a note's or file's record: the field holding its id → the field holding its object
        Map<String, String> parents = new HashMap<>();
        o.fields().stream().filter(f -> f.kind().equals(PlanField.PARENT)).forEach(f -> parents.put(f.target(), f.typeTarget()));
        for (Map<String, String> rec : source.byIds(o.source(), Staging.sourceFields(o), sample)) {
            Map<String, String> expected = staging.row(o, rec, new long[4], new HashMap<>());
            staging.settle(source, o, List.of(expected), new HashMap<>());
            String id = expected.get(Staging.EXTERNAL_ID);
            Map<String, Object> actual = db.jdbi().withHandle(h -> h.createQuery("select * from " + target.tableName()
                    + " where external_id = :x and deleted_at is null").bind("x", id).mapToMap().findOne()).orElse(Map.of());
            for (PlanField f : o.fields()) {
                if (f.kind().equals(PlanField.CONTENT)) {
                    // a file's bytes: the source's again, HotCRM's recorded checksum, and what the file store holds
                    String want = sha256(source.content(o.source(), id, f.source()));
                    Object key = actual.get(f.target());
                    String recorded = actual.get(Staging.CHECKSUM) == null ? null : actual.get(Staging.CHECKSUM).toString();
                    String stored = key == null ? null : storedSha256.apply(key.toString());
                    if (!want.equals(recorded) || !want.equals(stored)) {
                        diffs.add(new Difference(id, f.target(), "SHA-256 " + want, "recorded " + recorded + ", stored " + stored));
                    }
                }
            }
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
                String parentType = parents.get(field);
                if (have != null && parentType != null && binned(actual.get(parentType), have)) {
                    have = null;
                }
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

    /** Whether the record a note or file belongs to is in HotCRM's recycle bin (then it belongs to nothing the source has). */
    private boolean binned(Object object, String id) {
        if (object == null) {
            return false;
        }
        java.util.Optional<ObjectDef> def = schema.catalogue().find(object.toString().toLowerCase(java.util.Locale.ROOT));
        if (def.isEmpty()) {
            return false;
        }
        try {
            UUID uuid = UUID.fromString(id);
            return db.jdbi().withHandle(h -> h.createQuery("select count(*) from " + def.get().tableName()
                    + " where id = :id and deleted_at is not null").bind("id", uuid).mapTo(Long.class).one()) > 0;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** A stored value as the staged text would say it: lookups as the target's external id, users as their email. */
    private String text(FieldDef f, Object v) {
        if (v == null) {
            return null;
        }
        if (f.type().isReference()) {
            UUID id = v instanceof UUID u ? u : UUID.fromString(v.toString());
            boolean user = f.type() == FieldType.OWNER || "user".equals(f.target());
            if (user) {
                return db.jdbi().withHandle(h -> h.createQuery("select email from obj_user where id = :id").bind("id", id)
                        .mapTo(String.class).findOne().orElse(id.toString()));
            }
            Map<String, Object> row = db.jdbi().withHandle(h -> h.createQuery("select external_id, deleted_at from "
                    + schema.object(f.target()).tableName() + " where id = :id").bind("id", id).mapToMap().findOne().orElse(null));
            if (row == null) {
                return id.toString();
            }
            // a link to a record in the recycle bin links nothing (the source dropped it when the record went)
            return row.get("deleted_at") != null ? null : row.get("external_id") == null ? id.toString() : row.get("external_id").toString();
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

    static String sha256(java.io.InputStream in) {
        try (in) {
            java.security.MessageDigest d = java.security.MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[65536];
            for (int n; (n = in.read(buf)) > 0; ) {
                d.update(buf, 0, n);
            }
            return java.util.HexFormat.of().formatHex(d.digest());
        } catch (java.io.IOException | java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot read a file to check it: " + e.getMessage(), e);
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
