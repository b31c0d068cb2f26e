package io.hotcrm.importing;

import io.hotcrm.common.Texts;
import io.hotcrm.mapping.CompiledMapping;
import io.hotcrm.mapping.CompiledMapping.Target;
import io.hotcrm.mapping.LookupBy;
import io.hotcrm.mapping.Ref;
import io.hotcrm.mapping.RowProblem;
import io.hotcrm.metadata.FieldDef;
import io.hotcrm.metadata.FieldType;
import io.hotcrm.metadata.ObjectDef;
import io.hotcrm.metadata.SystemField;
import io.hotcrm.security.Principal;
import io.hotcrm.store.Database;
import io.hotcrm.store.Dialect;
import io.hotcrm.store.RecordBatch;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The references stage: lookups and owners given by external id, name, email or id become record ids. The
 * distinct keys of a chunk are looked up in one query and cached for the run; small targets are read whole
 * once. A key that only a row of this same file has waits for that row ({@link ImportRow.Pending}) and is
 * linked after the last chunk.
 */
final class References {
    /** Lookup targets up to this size are read whole once, instead of a query per chunk. */
    static final int PRELOAD_MAX = 250_000;
    static final int CACHE_MAX = 300_000;

    private final Database db;
    private final RecordBatch batch;
    private final CompiledMapping mapping;
    private final Map<String, ObjectDef> targetObjects;
    private final Keys keys;
    private final Map<String, Map<String, Object>> cache = new HashMap<>();
    private final List<Deferred> deferred = new ArrayList<>();
    private final Map<String, Set<String>> expected;

    /** A reference to another row of the same file, linked once every chunk is written. */
    private record Deferred(UUID recordId, long row, int target, String key) {
    }

    /**
     * @param targetObjects the objects lookups point at, by name ({@code user} for owners)
     * @param expected keys of records a dry-run's earlier steps would create, per object: found, not failed
     */
    References(Database db, RecordBatch batch, CompiledMapping mapping, Map<String, ObjectDef> targetObjects, Keys keys,
               Map<String, Set<String>> expected) {
        this.expected = expected;
        this.db = db;
        this.batch = batch;
        this.mapping = mapping;
        this.targetObjects = targetObjects;
        this.keys = keys;
    }

    /** Resolves every reference of the rows; a missing or ambiguous one fails its row. */
    void resolve(List<ImportRow> rows) {
        for (int t = 0; t < mapping.targets().size(); t++) {
            Target target = mapping.targets().get(t);
            if (!target.field().type().isReference()) {
                continue;
            }
            ObjectDef to = target.field().type() == FieldType.OWNER ? targetObjects.get("user")
                    : targetObjects.get(target.field().target());
            Map<String, Object> found = cacheOf(t, to, target.by());
            Set<String> missing = new LinkedHashSet<>();
            for (ImportRow row : rows) {
                if (row.values[t] instanceof Ref ref) {
                    String k = Keys.normaliseRef(ref.by(), ref.key());
                    if (!found.containsKey(k)) {
                        missing.add(k);
                    }
                }
            }
            if (!missing.isEmpty()) {
                lookup(to, target.by(), missing, found);
            }
            for (ImportRow row : rows) {
                if (row.values[t] instanceof Ref ref) {
                    settle(row, t, target, to, ref, found);
                }
            }
        }
    }

    private void settle(ImportRow row, int t, Target target, ObjectDef to, Ref ref, Map<String, Object> found) {
        String k = Keys.normaliseRef(ref.by(), ref.key());
        Object hit = found.get(k);
        if (hit instanceof UUID u) {
            row.values[t] = u;
        } else if (hit instanceof List<?> many) {
            row.fail(target.header(), target.name(), ref.key(), many.size() + " " + to.pluralLabel() + " have the "
                    + byName(ref.by()) + " " + Texts.quote(ref.key()) + " (ids " + many.stream().limit(5).map(String::valueOf)
                    .reduce((a, b) -> a + ", " + b).orElse("") + "); give the external id or id instead.");
        } else if (expected.getOrDefault(to.name(), Set.of()).contains(k)) {
            // an earlier step of the same migration would create it: resolved in a real run
            row.values[t] = UUID.nameUUIDFromBytes((to.name() + ":" + k).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } else if (keys.inFile(t, k)) {
            if (row.deferredTargets == null) {
                row.deferredTargets = new ArrayList<>(1);
            }
            row.deferredTargets.add(t);
            row.values[t] = new ImportRow.Pending(ref);
        } else {
            row.fail(target.header(), target.name(), ref.key(), "No " + to.label().toLowerCase(Locale.ROOT)
                    + " has the " + byName(ref.by()) + " " + Texts.quote(ref.key())
                    + (to.name().equals("user") ? " (add the user first: hotcrm users add EMAIL)." : "."));
        }
    }

    private Map<String, Object> cacheOf(int t, ObjectDef to, LookupBy by) {
        String cacheKey = t + ":" + to.name() + ":" + by;
        Map<String, Object> c = cache.get(cacheKey);
        if (c == null) {
            c = new LinkedHashMap<>(1024, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Object> eldest) {
                    return size() > CACHE_MAX;
                }
            };
            cache.put(cacheKey, c);
            preload(to, by, c);
        }
        return c;
    }

    /** Rows written in this chunk that wait for another row of the file; linked by {@link #linkDeferred}. */
    void deferWritten(List<ImportRow> rows) {
        for (ImportRow row : rows) {
            if (row.deferredTargets != null && (row.status == RowStatus.CREATED || row.status == RowStatus.UPDATED)) {
                for (int t : row.deferredTargets) {
                    Ref ref = ((ImportRow.Pending) row.values[t]).ref();
                    deferred.add(new Deferred(row.recordId, row.number, t, Keys.normaliseRef(ref.by(), ref.key())));
                }
            }
        }
    }

    /**
     * Reads every key of a small lookup target into the cache in one streamed query (100k accounts take a
     * fraction of a second), so chunks find their references without a round trip. Keys that are still
     * missing (records created meanwhile, rows of this file) are looked up per chunk.
     */
    private void preload(ObjectDef to, LookupBy by, Map<String, Object> into) {
        String field = keyField(to, by);
        if (by == LookupBy.ID || field == null) {
            return;
        }
        long count = db.jdbi().withHandle(h -> h.createQuery("select count(*) from " + to.tableName()
                + " where deleted_at is null").mapTo(Long.class).one());
        if (count > PRELOAD_MAX) {
            return;
        }
        boolean ignoreCase = by == LookupBy.NAME || by == LookupBy.EMAIL;
        db.jdbi().useHandle(h -> h.createQuery("select id, " + Dialect.q(field) + " from " + to.tableName()
                        + " where deleted_at is null and " + Dialect.q(field) + " is not null")
                .setFetchSize(10_000)
                .map((rs, c) -> new Object[] {rs.getObject(1, UUID.class), rs.getString(2)})
                .forEach(r -> {
                    String k = ignoreCase ? ((String) r[1]).toLowerCase(Locale.ROOT) : (String) r[1];
                    Object before = into.get(k);
                    if (before == null) {
                        into.put(k, r[0]);
                    } else {
                        List<Object> many = new ArrayList<>(before instanceof List<?> l ? l : List.of(before));
                        many.add(r[0]);
                        into.put(k, List.copyOf(many));
                    }
                }));
    }

    private void lookup(ObjectDef to, LookupBy by, Set<String> wanted, Map<String, Object> into) {
        Map<String, List<UUID>> found;
        if (by == LookupBy.ID) {
            List<UUID> ids = wanted.stream().map(UUID::fromString).toList();
            Set<UUID> present = db.jdbi().withHandle(h -> batch.existing(h, to, ids));
            found = new HashMap<>();
            present.forEach(u -> found.put(u.toString(), List.of(u)));
        } else {
            boolean ignoreCase = by == LookupBy.NAME || by == LookupBy.EMAIL;
            found = db.jdbi().withHandle(h -> batch.resolve(h, to, keyField(to, by), wanted, ignoreCase));
        }
        for (String k : wanted) {
            List<UUID> ids = found.get(k);
            if (ids != null && ids.size() == 1) {
                into.put(k, ids.get(0));
            } else if (ids != null) {
                into.put(k, List.copyOf(ids));
            } else {
                into.remove(k);
            }
        }
    }

    /**
     * Links the rows that pointed at other rows of this file, now that all are written; a row whose target row
     * failed keeps a blank reference and gets a problem.
     */
    void linkDeferred(OffsetDateTime stamp, Principal by, Consumer<RowProblem> problems) {
        if (deferred.isEmpty()) {
            return;
        }
        ObjectDef object = mapping.object();
        Map<Integer, Set<String>> keysByTarget = new HashMap<>();
        for (Deferred d : deferred) {
            keysByTarget.computeIfAbsent(d.target(), k -> new LinkedHashSet<>()).add(d.key());
        }
        for (Map.Entry<Integer, Set<String>> e : keysByTarget.entrySet()) {
            Target t = mapping.targets().get(e.getKey());
            Map<String, Object> found = new HashMap<>();
            lookup(object, t.by(), e.getValue(), found);
            Map<UUID, Object> links = new LinkedHashMap<>();
            for (Deferred d : deferred) {
                if (d.target() != e.getKey()) {
                    continue;
                }
                Object hit = found.get(d.key());
                if (hit instanceof UUID u) {
                    links.put(d.recordId(), u);
                } else {
                    problems.accept(new RowProblem(d.row(), t.header(), t.name(), d.key(), "The row was imported, but its "
                            + t.field().label() + " " + Texts.quote(d.key()) + " could not be linked: that row of the file failed."));
                }
            }
            db.jdbi().useTransaction(h -> batch.setColumn(h, object, t.field(), links, stamp, by.userId()));
        }
    }

    static String nameFieldName(ObjectDef o) {
        FieldDef f = CompiledMapping.nameField(o);
        return f == null ? null : f.name();
    }

    private static String keyField(ObjectDef to, LookupBy by) {
        return switch (by) {
            case ID -> SystemField.ID;
            case EXTERNAL_ID -> SystemField.EXTERNAL_ID;
            case NAME -> nameFieldName(to);
            case EMAIL -> "email";
        };
    }

    private static String byName(LookupBy by) {
        return switch (by) {
            case ID -> "id";
            case EXTERNAL_ID -> "external id";
            case NAME -> "name";
            case EMAIL -> "email";
        };
    }
}
