package io.hotcrm.importing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hotcrm.common.HotCrmException;
import io.hotcrm.common.Ids;
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
import io.hotcrm.security.AccessGuard;
import io.hotcrm.security.Principal;
import io.hotcrm.security.Visibility;
import io.hotcrm.store.Database;
import io.hotcrm.store.RecordBatch;
import io.hotcrm.store.RecordBatch.Existing;
import io.hotcrm.store.RecordBatch.Change;
import io.hotcrm.store.RecordBatch.NewRecord;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * One execution of an import (a dry-run or a commit; a resumed commit continues where the last one
 * stopped). A reader thread streams and converts chunks of rows while this thread resolves, matches,
 * classifies and writes the previous chunk, so conversion overlaps writing. Each chunk is one transaction
 * holding its records, its undo journal and the import's checkpoint, so a killed import never leaves a
 * chunk half-written and resumes exactly after the last committed chunk. A dry-run takes the same path with
 * the writes left out, so the two always agree.
 */
final class ImportRun {
    static final int CHUNK = 2000;
    static final int KEEP_PROBLEMS = 100;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Object END = new Object();

    private final Database db;
    private final RecordBatch batch;
    private final ImportLog log;
    private final Principal principal;
    private final ImportRequest request;
    private final UUID id;
    /** The run that owns the import (job and attempt): each chunk's transaction checks it still does. */
    private final String runner;
    private final ObjectDef object;
    private final CompiledMapping mapping;
    private final Map<String, ObjectDef> targetObjects;
    private final FieldDef keyField;
    private final int keyIndex;
    private final OffsetDateTime stamp;
    private final ImportListener listener;
    private final UUID defaultOwner;
    private final List<FieldDef> columns = new ArrayList<>();
    private final int[] columnTarget;
    private final Map<FieldDef, Object> insertDefaults;
    private final Map<String, Object> fieldDefaults = new HashMap<>();
    /** Targets of required fields (not owners, which default to the importing user). */
    private final List<Integer> requiredTargets = new ArrayList<>();
    private final KeyIndex seen = new KeyIndex();
    private final Map<Integer, KeyIndex> fileKeys = new HashMap<>();
    private final Map<String, Map<String, Object>> refCache = new HashMap<>();
    private final List<Deferred> deferred = new ArrayList<>();
    private final List<RowProblem> problems = new ArrayList<>();
    private final List<ImportSummary.Change> changes = new ArrayList<>();
    private Map<String, String> roles;
    private volatile ImportLog.Counts total = new ImportLog.Counts(0, 0, 0, 0, 0, 0);

    /** A reference to another row of the same file, linked once every chunk is written. */
    private record Deferred(UUID recordId, long row, int target, String key) {
    }

    /** One row on its way through the pipeline. */
    static final class Row {
        final long number;
        final String[] raw;
        final Object[] values;
        final List<RowProblem> problems = new ArrayList<>(1);
        boolean blank;
        RowStatus status;
        String note;
        UUID recordId;
        Object key;
        Existing match;
        Object[] finalValues;
        boolean[] changedMask;
        List<ImportSummary.Change> changes;
        List<Integer> deferredTargets;

        Row(long number, String[] raw, int targets) {
            this.number = number;
            this.raw = raw;
            this.values = new Object[targets];
        }

        void fail(String column, String field, String value, String message) {
            problems.add(new RowProblem(number, column, field, value, message));
        }
    }

    ImportRun(Database db, RecordBatch batch, ImportLog log, Principal principal, ImportRequest request, UUID id,
              String runner, CompiledMapping mapping, Map<String, ObjectDef> targetObjects, String keyFieldName, OffsetDateTime stamp,
              UUID defaultOwner, ImportListener listener) {
        this.db = db;
        this.batch = batch;
        this.log = log;
        this.principal = principal;
        this.request = request;
        this.id = id;
        this.runner = runner;
        this.object = mapping.object();
        this.mapping = mapping;
        this.targetObjects = targetObjects;
        this.stamp = stamp;
        this.listener = listener;
        this.defaultOwner = defaultOwner;
        this.keyIndex = mapping.indexOf(keyFieldName);
        this.keyField = keyIndex >= 0 ? mapping.targets().get(keyIndex).field() : CompiledMapping.externalIdField();
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
                io.hotcrm.metadata.ValueConverter.Converted c = io.hotcrm.metadata.ValueConverter.convert(f, f.defaultValue());
                if (c.ok() && c.value() != null) {
                    fieldDefaults.put(f.name(), c.value());
                }
            }
        }
        this.insertDefaults = new LinkedHashMap<>();
        refreshInsertDefaults();
    }

    /**
     * User imports: roles must exist (matched case-insensitively, stored as named), and new users without a
     * role column get "standard" and are active.
     */
    void checkRoles(List<String> known) {
        this.roles = new HashMap<>();
        known.forEach(r -> roles.put(r.toLowerCase(java.util.Locale.ROOT), r));
        fieldDefaults.put(Importer.ROLE, "standard");
        fieldDefaults.put("active", Boolean.TRUE);
        refreshInsertDefaults();
    }

    /** Defaults of fields no column fills, written on every new record. */
    private void refreshInsertDefaults() {
        insertDefaults.clear();
        for (FieldDef f : object.fields()) {
            if (mapping.indexOf(f.name()) < 0 && fieldDefaults.containsKey(f.name())) {
                insertDefaults.put(f, fieldDefaults.get(f.name()));
            }
        }
    }

    private void checkRole(Row row) {
        int i = mapping.indexOf(Importer.ROLE);
        if (roles == null || i < 0 || row.values[i] == null) {
            return;
        }
        String r = roles.get(row.values[i].toString().toLowerCase(java.util.Locale.ROOT));
        if (r == null) {
            row.fail(mapping.targets().get(i).header(), Importer.ROLE, row.values[i].toString(), "There is no role \""
                    + row.values[i] + "\". Roles: " + String.join(", ", new java.util.TreeSet<>(roles.values()))
                    + " (create it first: hotcrm roles create NAME).");
            row.status = RowStatus.FAILED;
        } else {
            row.values[i] = r;
        }
    }

    /** Counts of the rows before this run (a resumed import), so totals continue. */
    void continueFrom(ImportLog.Counts before) {
        this.total = before;
    }

    List<RowProblem> problems() {
        return problems;
    }

    List<ImportSummary.Change> changes() {
        return changes;
    }

    ImportLog.Counts counts() {
        return total;
    }

    /**
     * Collects the keys of this file that rows of the same file may point at (a parent account given by
     * the external id of another row), so those references wait for their row instead of failing.
     */
    void indexFileKeys(Supplier<Source> reopen) throws IOException {
        Map<Integer, Integer> wanted = new HashMap<>();
        for (int i = 0; i < mapping.targets().size(); i++) {
            Target t = mapping.targets().get(i);
            if (selfReference(t)) {
                String keyName = t.by() == LookupBy.EXTERNAL_ID ? SystemField.EXTERNAL_ID
                        : t.by() == LookupBy.NAME ? nameFieldName(object) : t.by() == LookupBy.EMAIL ? "email" : null;
                int idx = keyName == null ? -1 : mapping.indexOf(keyName);
                if (idx >= 0 && mapping.targets().get(idx).fromColumn()) {
                    wanted.put(i, mapping.targets().get(idx).column());
                }
            }
        }
        if (wanted.isEmpty()) {
            return;
        }
        wanted.keySet().forEach(i -> fileKeys.put(i, new KeyIndex()));
        try (Source s = reopen.get()) {
            SourceRow r;
            while ((r = s.next()) != null) {
                for (Map.Entry<Integer, Integer> e : wanted.entrySet()) {
                    String v = e.getValue() < r.values().length ? r.values()[e.getValue()] : null;
                    if (v != null && !v.isBlank()) {
                        fileKeys.get(e.getKey()).putIfAbsent(normaliseRef(mapping.targets().get(e.getKey()).by(), v.strip()), 0);
                    }
                }
            }
        }
    }

    private boolean selfReference(Target t) {
        return t.field().type() == FieldType.LOOKUP && object.name().equals(t.field().target()) && t.by() != LookupBy.ID;
    }

    private static String nameFieldName(ObjectDef o) {
        FieldDef f = CompiledMapping.nameField(o);
        return f == null ? null : f.name();
    }

    private static String normaliseRef(LookupBy by, String key) {
        return by == LookupBy.NAME || by == LookupBy.EMAIL ? key.toLowerCase(java.util.Locale.ROOT) : key;
    }

    /**
     * Runs the import over the source, skipping the first {@code skip} rows (already imported by an earlier,
     * interrupted run; their keys still count for duplicate detection). Returns normally when the file is
     * done or the listener cancelled; returns true if it was cancelled.
     */
    boolean run(Source source, long skip, ResultFiles results) throws IOException {
        BlockingQueue<Object> queue = new ArrayBlockingQueue<>(2);
        Thread reader = new Thread(() -> read(source, skip, queue), "hotcrm-import-reader-" + id);
        reader.setDaemon(true);
        reader.start();
        long totalRows = source.rows();
        Writer writer = new Writer(results, totalRows);
        Thread writing = new Thread(writer, "hotcrm-import-writer-" + id);
        writing.setDaemon(true);
        writing.start();
        boolean cancelled = false;
        try {
            while (true) {
                long w0 = System.nanoTime();
                Object next = take(queue);
                timing[0] += System.nanoTime() - w0;
                if (next == END) {
                    break;
                }
                rethrow(next);
                @SuppressWarnings("unchecked")
                List<Row> chunk = (List<Row>) next;
                Prepared prepared = prepare(chunk);
                writer.put(prepared);
                if (writer.failure != null || listener.cancelled()) {
                    cancelled = writer.failure == null;
                    break;
                }
            }
        } finally {
            reader.interrupt();
            writer.finish();
            try {
                writing.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        rethrow(writer.failure);
        if (!cancelled && !request.dryRun()) {
            linkDeferred();
        }
        return cancelled;
    }

    private static void rethrow(Object failure) throws IOException {
        if (failure instanceof Throwable t) {
            if (t instanceof IOException io) {
                throw io;
            }
            if (t instanceof RuntimeException re) {
                throw re;
            }
            if (t instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(t);
        }
    }

    /**
     * The writing stage, on its own thread and connection: writes chunk N (one transaction) and its result
     * rows while this thread looks up and matches chunk N+1. Chunks are written in order.
     */
    private final class Writer implements Runnable {
        private static final Object DONE = new Object();
        private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(1);
        private final ResultFiles results;
        private final long totalRows;
        volatile Throwable failure;

        Writer(ResultFiles results, long totalRows) {
            this.results = results;
            this.totalRows = totalRows;
        }

        void put(Prepared p) {
            try {
                while (failure == null && !queue.offer(p, 100, TimeUnit.MILLISECONDS)) {
                    // wait for the writer, unless it failed
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new HotCrmException(io.hotcrm.common.ErrorCode.UNAVAILABLE, "The import was interrupted.");
            }
        }

        void finish() {
            try {
                while (failure == null && !queue.offer(DONE, 100, TimeUnit.MILLISECONDS)) {
                    // wait for the writer to take the last chunk
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void run() {
            try {
                while (true) {
                    Object next = queue.take();
                    if (next == DONE) {
                        return;
                    }
                    write((Prepared) next, results);
                    listener.progress(total.done(), totalRows, (request.dryRun() ? "Checked " : "Imported ") + total.done()
                            + (totalRows > 0 ? " of " + totalRows : "") + " rows");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Throwable t) {
                failure = t;
            }
        }
    }

    private static Object take(BlockingQueue<Object> q) {
        try {
            return q.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HotCrmException(io.hotcrm.common.ErrorCode.UNAVAILABLE, "The import was interrupted.");
        }
    }

    /** The reader thread: streams rows, converts them, and hands over chunks. */
    private void read(Source source, long skip, BlockingQueue<Object> queue) {
        try {
            long skipped = 0;
            List<Row> chunk = new ArrayList<>(CHUNK);
            SourceRow r;
            int width = mapping.targets().size();
            while ((r = source.next()) != null) {
                Row row = new Row(r.number(), r.values(), width);
                row.blank = blank(r.values());
                if (!row.blank) {
                    mapping.convert(r.number(), r.values(), row.values, row.problems);
                    checkExtraValues(source, r, row);
                }
                if (skipped < skip) {
                    skipped++;
                    rememberSkipped(row);
                    continue;
                }
                chunk.add(row);
                if (chunk.size() == CHUNK) {
                    queue.put(chunk);
                    chunk = new ArrayList<>(CHUNK);
                }
                if (Thread.currentThread().isInterrupted()) {
                    return;
                }
            }
            if (!chunk.isEmpty()) {
                queue.put(chunk);
            }
            queue.put(END);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            try {
                queue.put(t);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void rememberSkipped(Row row) {
        if (!row.blank && row.problems.isEmpty() && keyIndex >= 0 && row.values[keyIndex] != null) {
            synchronized (seen) {
                seen.putIfAbsent(row.values[keyIndex].toString(), row.number);
            }
        }
    }

    private static void checkExtraValues(Source source, SourceRow r, Row row) {
        int columns = source.headers().size();
        for (int i = columns; i < r.values().length; i++) {
            if (r.values()[i] != null && !r.values()[i].isBlank()) {
                row.fail(null, null, null, "The row has " + r.values().length + " values but the file has " + columns
                        + " columns: a delimiter too many, or a quote missing around a value that contains one?");
                return;
            }
        }
    }

    private static boolean blank(String[] values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return false;
            }
        }
        return true;
    }

    // ------------------------------------------------------------------ one chunk

    /** A chunk looked up, matched and classified, ready to be written. */
    private record Prepared(List<Row> chunk, List<NewRecord> inserts, List<Change> updates, List<UUID> createdIds,
                            ArrayNode updatedJournal, ImportLog.Counts counts) {
    }

    private Prepared prepare(List<Row> chunk) {
        List<Row> pending = new ArrayList<>(chunk.size());
        List<Row> nonBlank = new ArrayList<>(chunk.size());
        for (Row row : chunk) {
            if (row.blank) {
                row.status = RowStatus.SKIPPED;
                row.note = "blank row";
                continue;
            }
            nonBlank.add(row);
            checkRole(row);
            if (!row.problems.isEmpty()) {
                row.status = RowStatus.FAILED;
            } else {
                checkKey(row);
            }
        }
        long t0 = System.nanoTime();
        resolveReferences(nonBlank);
        timing[1] += System.nanoTime() - t0;
        t0 = System.nanoTime();
        for (Row row : nonBlank) {
            if (row.status == null) {
                pending.add(row);
            }
        }
        Map<Object, List<Existing>> existing = match(pending);
        timing[2] += System.nanoTime() - t0;
        t0 = System.nanoTime();
        List<NewRecord> inserts = new ArrayList<>();
        List<Change> updates = new ArrayList<>();
        ArrayNode updatedJournal = JSON.createArrayNode();
        List<UUID> createdIds = new ArrayList<>();
        for (Row row : pending) {
            classify(row, existing);
            if (row.status == RowStatus.CREATED) {
                inserts.add(new NewRecord(row.recordId, insertValues(row)));
                createdIds.add(row.recordId);
            } else if (row.status == RowStatus.UPDATED) {
                updates.add(new Change(row.recordId, row.finalValues, row.changedMask));
                updatedJournal.add(beforeImage(row));
            }
        }
        for (Row row : pending) {
            if (row.deferredTargets != null && (row.status == RowStatus.CREATED || row.status == RowStatus.UPDATED)) {
                for (int t : row.deferredTargets) {
                    Ref ref = ((Pending) row.values[t]).ref();
                    deferred.add(new Deferred(row.recordId, row.number, t, normaliseRef(ref.by(), ref.key())));
                }
            }
        }
        ImportLog.Counts c = count(chunk);
        timing[3] += System.nanoTime() - t0;
        return new Prepared(chunk, inserts, updates, createdIds, updatedJournal, c);
    }

    /**
     * Writes a prepared chunk: first its result rows (a part in the file store), then one transaction with the
     * records, the undo journal and the checkpoint — so every committed chunk has its result rows, and a chunk
     * whose transaction did not commit is written again, part and all, by the resumed run.
     */
    private void write(Prepared prepared, ResultFiles results) {
        long t0 = System.nanoTime();
        List<Row> chunk = prepared.chunk();
        List<ResultFiles.Line> lines = new ArrayList<>(chunk.size());
        for (Row row : chunk) {
            if (row.problems.size() > 1) {
                row.problems.sort(java.util.Comparator.comparingInt(this::columnOrder));
            }
            String errors = row.problems.isEmpty() ? null : String.join("; ", row.problems.stream()
                    .map(p -> (p.column() == null ? "" : p.column() + ": ") + p.message()).toList());
            String changeText = row.changes == null ? null : String.join("; ", row.changes.stream()
                    .map(ch -> ch.field() + ": " + show(ch.before()) + " → " + show(ch.after())).toList());
            lines.add(new ResultFiles.Line(row.raw, row.status.id(request.dryRun()) + (row.note == null ? "" : " (" + row.note + ")"),
                    row.recordId == null ? null : row.recordId.toString(), errors, changeText));
        }
        results.chunk(total.done(), lines);
        timing[5] += System.nanoTime() - t0;
        t0 = System.nanoTime();
        ImportLog.Counts c = prepared.counts();
        if (request.dryRun()) {
            log.advance(id, runner, c);
        } else {
            List<FieldDef> insertColumns = insertColumns();
            db.jdbi().useTransaction(h -> {
                long a = System.nanoTime();
                batch.insert(h, object, insertColumns, prepared.inserts(), stamp, principal.userId());
                long b = System.nanoTime();
                batch.update(h, object, columns, prepared.updates(), stamp, principal.userId());
                timing[6] += b - a;
                timing[7] += System.nanoTime() - b;
                if (!prepared.createdIds().isEmpty() || !prepared.updatedJournal().isEmpty()) {
                    h.createUpdate("insert into hc_import_chunk (import_id, seq, first_row, last_row, created, updated)"
                                    + " values (:id, (select coalesce(max(seq), 0) + 1 from hc_import_chunk where import_id = :id),"
                                    + " :first, :last, :created, :updated)")
                            .bind("id", id).bind("first", chunk.get(0).number).bind("last", chunk.get(chunk.size() - 1).number)
                            .bind("created", prepared.createdIds().isEmpty() ? null : join(prepared.createdIds()))
                            .bind("updated", prepared.updatedJournal().isEmpty() ? null : prepared.updatedJournal().toString()).execute();
                }
                ImportLog.advance(h, id, runner, c);
            });
        }
        total = total.plus(c);
        timing[4] += System.nanoTime() - t0;
        for (Row row : chunk) {
            for (RowProblem p : row.problems) {
                if (problems.size() < KEEP_PROBLEMS) {
                    problems.add(p);
                }
            }
            if (request.dryRun() && row.changes != null) {
                for (ImportSummary.Change ch : row.changes) {
                    if (changes.size() < KEEP_PROBLEMS) {
                        changes.add(ch);
                    }
                }
            }
        }
    }

    /** Where a problem's column is in the file, so a row's problems read left to right. */
    private int columnOrder(RowProblem p) {
        if (p.column() == null) {
            return Integer.MAX_VALUE;
        }
        for (Target t : mapping.targets()) {
            if (p.column().equals(t.header())) {
                return t.column();
            }
        }
        return Integer.MAX_VALUE - 1;
    }

    /** Time spent per stage (wait for the reader, resolve, match, classify, write, results), for the log. */
    final long[] timing = new long[8];

    String timings() {
        String[] names = {"waiting for rows", "lookups", "matching", "classifying", "writing", "result files", "of which inserting",
            "of which updating"};
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < names.length; i++) {
            b.append(i == 0 ? "" : ", ").append(names[i]).append(' ').append(timing[i] / 1_000_000).append(" ms");
        }
        return b.toString();
    }

    private static String show(String s) {
        return s == null ? "(blank)" : s;
    }

    private static String join(List<UUID> ids) {
        StringBuilder b = new StringBuilder(ids.size() * 37);
        for (UUID u : ids) {
            if (b.length() > 0) {
                b.append(',');
            }
            b.append(u);
        }
        return b.toString();
    }

    private static ImportLog.Counts count(List<Row> chunk) {
        long created = 0, updated = 0, unchanged = 0, skipped = 0, failed = 0;
        for (Row r : chunk) {
            switch (r.status) {
                case CREATED -> created++;
                case UPDATED -> updated++;
                case UNCHANGED -> unchanged++;
                case SKIPPED -> skipped++;
                case FAILED -> failed++;
            }
        }
        return new ImportLog.Counts(chunk.size(), created, updated, unchanged, skipped, failed);
    }

    /** Rows need a key to be matched; a key seen on an earlier row of the file is a duplicate. */
    private void checkKey(Row row) {
        Object key = keyIndex >= 0 ? row.values[keyIndex] : null;
        if (key == null) {
            if (request.mode() == ImportMode.UPDATE) {
                row.fail(keyIndex >= 0 ? mapping.targets().get(keyIndex).header() : null, keyField.name(), null,
                        "Nothing to match on: updates find records by " + keyField.name() + ", and this row has none.");
                row.status = RowStatus.FAILED;
            }
            return;
        }
        row.key = key;
        long first;
        synchronized (seen) {
            first = seen.putIfAbsent(key.toString(), row.number);
        }
        if (first >= 0) {
            row.fail(mapping.targets().get(keyIndex).header(), keyField.name(), key.toString(), "Duplicate: row " + first
                    + " of this file has the same " + keyField.name() + " " + Texts.quote(key.toString()) + "; only the first is imported.");
            row.status = RowStatus.FAILED;
        }
    }

    // ------------------------------------------------------------------ references

    private void resolveReferences(List<Row> rows) {
        for (int t = 0; t < mapping.targets().size(); t++) {
            Target target = mapping.targets().get(t);
            if (!(target.field().type().isReference())) {
                continue;
            }
            ObjectDef to = target.field().type() == FieldType.OWNER ? targetObjects.get("user")
                    : targetObjects.get(target.field().target());
            String cacheKey = t + ":" + to.name() + ":" + target.by();
            Map<String, Object> cache = refCache.get(cacheKey);
            if (cache == null) {
                cache = new LinkedHashMap<>(1024, 0.75f, true) {
                    @Override
                    protected boolean removeEldestEntry(Map.Entry<String, Object> eldest) {
                        return size() > CACHE_MAX;
                    }
                };
                refCache.put(cacheKey, cache);
                preload(to, target.by(), cache);
            }
            Set<String> missing = new LinkedHashSet<>();
            for (Row row : rows) {
                Object v = row.values[t];
                if (v instanceof Ref ref) {
                    String k = normaliseRef(ref.by(), ref.key());
                    if (!cache.containsKey(k)) {
                        missing.add(k);
                    }
                }
            }
            if (!missing.isEmpty()) {
                lookup(to, target.by(), missing, cache);
            }
            for (Row row : rows) {
                Object v = row.values[t];
                if (!(v instanceof Ref ref)) {
                    continue;
                }
                String k = normaliseRef(ref.by(), ref.key());
                Object hit = cache.get(k);
                if (hit instanceof UUID u) {
                    row.values[t] = u;
                } else if (hit instanceof List<?> many) {
                    row.fail(target.header(), target.name(), ref.key(), many.size() + " " + to.pluralLabel() + " have the "
                            + byName(ref.by()) + " " + Texts.quote(ref.key()) + " (ids " + many.stream().limit(5).map(String::valueOf)
                            .reduce((a, b) -> a + ", " + b).orElse("") + "); give the external id or id instead.");
                    row.status = RowStatus.FAILED;
                } else if (fileKeys.containsKey(t) && fileKeys.get(t).contains(k)) {
                    row.values[t] = null;
                    if (row.deferredTargets == null) {
                        row.deferredTargets = new ArrayList<>(1);
                    }
                    row.deferredTargets.add(t);
                    row.values[t] = new Pending(ref);
                } else {
                    row.fail(target.header(), target.name(), ref.key(), "No " + to.label().toLowerCase(java.util.Locale.ROOT)
                            + " has the " + byName(ref.by()) + " " + Texts.quote(ref.key())
                            + (to.name().equals("user") ? " (add the user first: hotcrm users add EMAIL)." : "."));
                    row.status = RowStatus.FAILED;
                }
            }
        }
    }

    /** Lookup targets up to this size are read whole once, instead of a query per chunk. */
    static final int PRELOAD_MAX = 250_000;
    static final int CACHE_MAX = 300_000;

    /**
     * Reads every key of a small lookup target into the cache in one streamed query (100k accounts take a
     * fraction of a second), so chunks find their references without a round trip. Keys that are still
     * missing (records created meanwhile, rows of this file) are looked up per chunk as before.
     */
    private void preload(ObjectDef to, LookupBy by, Map<String, Object> cache) {
        if (by == LookupBy.ID) {
            return;
        }
        String field = switch (by) {
            case EXTERNAL_ID -> SystemField.EXTERNAL_ID;
            case NAME -> nameFieldName(to);
            case EMAIL -> "email";
            case ID -> SystemField.ID;
        };
        if (field == null) {
            return;
        }
        long count = db.jdbi().withHandle(h -> h.createQuery("select count(*) from " + to.tableName()
                + " where deleted_at is null").mapTo(Long.class).one());
        if (count > PRELOAD_MAX) {
            return;
        }
        boolean ignoreCase = by == LookupBy.NAME || by == LookupBy.EMAIL;
        db.jdbi().useHandle(h -> h.createQuery("select id, " + io.hotcrm.store.Dialect.q(field) + " from " + to.tableName()
                        + " where deleted_at is null and " + io.hotcrm.store.Dialect.q(field) + " is not null")
                .setFetchSize(10_000)
                .map((rs, c) -> new Object[] {rs.getObject(1, UUID.class), rs.getString(2)})
                .forEach(r -> {
                    String k = ignoreCase ? ((String) r[1]).toLowerCase(java.util.Locale.ROOT) : (String) r[1];
                    Object before = cache.get(k);
                    if (before == null) {
                        cache.put(k, r[0]);
                    } else {
                        List<Object> many = new ArrayList<>(before instanceof List<?> l ? l : List.of(before));
                        many.add(r[0]);
                        cache.put(k, List.copyOf(many));
                    }
                }));
    }

    /** A reference to a row of this file that is not written yet: stored blank, linked at the end. */
    record Pending(Ref ref) {
    }

    private static String byName(LookupBy by) {
        return switch (by) {
            case ID -> "id";
            case EXTERNAL_ID -> "external id";
            case NAME -> "name";
            case EMAIL -> "email";
        };
    }

    private void lookup(ObjectDef to, LookupBy by, Set<String> keys, Map<String, Object> cache) {
        String field = switch (by) {
            case ID -> SystemField.ID;
            case EXTERNAL_ID -> SystemField.EXTERNAL_ID;
            case NAME -> nameFieldName(to);
            case EMAIL -> "email";
        };
        Map<String, List<UUID>> found;
        if (by == LookupBy.ID) {
            List<UUID> ids = keys.stream().map(UUID::fromString).toList();
            Set<UUID> present = db.jdbi().withHandle(h -> batch.existing(h, to, ids));
            found = new HashMap<>();
            present.forEach(u -> found.put(u.toString(), List.of(u)));
        } else {
            boolean ignoreCase = by == LookupBy.NAME || by == LookupBy.EMAIL;
            found = db.jdbi().withHandle(h -> batch.resolve(h, to, field, keys, ignoreCase));
        }
        for (String k : keys) {
            List<UUID> ids = found.get(k);
            if (ids != null && ids.size() == 1) {
                cache.put(k, ids.get(0));
            } else if (ids != null) {
                cache.put(k, List.copyOf(ids));
            } else {
                cache.remove(k);
            }
        }
    }

    // ------------------------------------------------------------------ matching and classifying

    private Map<Object, List<Existing>> match(List<Row> rows) {
        List<Object> keys = new ArrayList<>();
        for (Row r : rows) {
            if (r.key != null) {
                keys.add(r.key);
            }
        }
        if (keys.isEmpty()) {
            return Map.of();
        }
        return db.jdbi().withHandle(h -> batch.match(h, object, keyField, keys, columns));
    }

    private void classify(Row row, Map<Object, List<Existing>> existing) {
        List<Existing> found = row.key == null ? null : existing.get(row.key);
        if (found == null || found.isEmpty()) {
            if (request.mode() == ImportMode.UPDATE) {
                row.fail(mapping.targets().get(keyIndex).header(), keyField.name(), String.valueOf(row.key), "No "
                        + object.label().toLowerCase(java.util.Locale.ROOT) + " has the " + keyField.name() + " " + Texts.quote(String.valueOf(row.key))
                        + "; in update mode a row must match a record.");
                row.status = RowStatus.FAILED;
                return;
            }
            for (int i : requiredTargets) {
                FieldDef f = mapping.targets().get(i).field();
                if (row.values[i] == null && !fieldDefaults.containsKey(f.name())) {
                    row.fail(mapping.targets().get(i).header(), f.name(), "", f.label() + " is required for a new "
                            + object.label().toLowerCase(java.util.Locale.ROOT) + ".");
                    row.status = RowStatus.FAILED;
                    return;
                }
            }
            row.recordId = keyField.name().equals(CompiledMapping.ID) ? (UUID) row.key : Ids.newId();
            row.status = RowStatus.CREATED;
            return;
        }
        if (found.size() > 1) {
            row.fail(mapping.targets().get(keyIndex).header(), keyField.name(), String.valueOf(row.key), found.size() + " "
                    + object.pluralLabel() + " have the " + keyField.name() + " " + Texts.quote(String.valueOf(row.key)) + " (ids " + found.stream()
                    .limit(5).map(e -> e.id().toString()).reduce((a, b) -> a + ", " + b).orElse("")
                    + "); match on a unique field such as external_id.");
            row.status = RowStatus.FAILED;
            return;
        }
        Existing m = found.get(0);
        row.match = m;
        row.recordId = m.id();
        if (AccessGuard.visibility(principal, object) == Visibility.OWN && !Objects.equals(m.ownerId(), principal.userId())) {
            row.fail(mapping.targets().get(keyIndex).header(), keyField.name(), String.valueOf(row.key), "It matches a "
                    + object.label().toLowerCase(java.util.Locale.ROOT) + " owned by another user, which you may not see or change.");
            row.status = RowStatus.FAILED;
            row.recordId = null;
            return;
        }
        if (request.mode() == ImportMode.INSERT) {
            row.status = RowStatus.SKIPPED;
            row.note = m.deletedAt() != null ? "matches a record in the recycle bin; restore it or import in upsert mode"
                    : "already exists";
            return;
        }
        Object[] fin = new Object[columns.size()];
        boolean[] mask = new boolean[columns.size()];
        List<ImportSummary.Change> diff = new ArrayList<>();
        for (int c = 0; c < columns.size(); c++) {
            FieldDef f = columns.get(c);
            Object now = m.values()[c];
            Object given = row.values[columnTarget[c]];
            Object next;
            if (given instanceof Pending) {
                next = now;
            } else if (given == null && !request.blanksClear()) {
                next = now;
            } else {
                next = given;
            }
            fin[c] = next;
            if (!same(f, now, next)) {
                mask[c] = true;
                diff.add(new ImportSummary.Change(row.number, m.id(), f.name(), text(now), text(next)));
            }
        }
        row.finalValues = fin;
        row.changedMask = mask;
        if (diff.isEmpty() && m.deletedAt() == null && row.deferredTargets == null) {
            row.status = RowStatus.UNCHANGED;
            return;
        }
        if (m.deletedAt() != null) {
            row.note = "restored from the recycle bin";
        }
        row.changes = diff;
        row.status = RowStatus.UPDATED;
    }

    private Object[] insertValues(Row row) {
        Object[] out = new Object[columns.size() + insertDefaults.size()];
        for (int c = 0; c < columns.size(); c++) {
            Object v = row.values[columnTarget[c]];
            out[c] = v instanceof Pending ? null : v;
            if (out[c] == null && !(v instanceof Pending)) {
                out[c] = fieldDefaults.get(columns.get(c).name());
            }
        }
        int i = columns.size();
        for (Object d : insertDefaults.values()) {
            out[i++] = d;
        }
        return out;
    }

    private List<FieldDef> insertColumns() {
        List<FieldDef> out = new ArrayList<>(columns);
        out.addAll(insertDefaults.keySet());
        return out;
    }

    private ObjectNode beforeImage(Row row) {
        ObjectNode n = JSON.createObjectNode().put("id", row.recordId.toString());
        if (row.match.deletedAt() != null) {
            n.put("deletedAt", row.match.deletedAt().toString());
        }
        ObjectNode before = n.putObject("before");
        for (int c = 0; c < columns.size(); c++) {
            if (!same(columns.get(c), row.match.values()[c], row.finalValues[c]) || row.values[columnTarget[c]] instanceof Pending) {
                Object v = row.match.values()[c];
                if (v == null) {
                    before.putNull(columns.get(c).name());
                } else if (v instanceof List<?> list) {
                    ArrayNode a = before.putArray(columns.get(c).name());
                    list.forEach(x -> a.add(String.valueOf(x)));
                } else if (v instanceof Boolean b) {
                    before.put(columns.get(c).name(), b);
                } else if (v instanceof BigDecimal d) {
                    before.put(columns.get(c).name(), d.toPlainString());
                } else {
                    before.put(columns.get(c).name(), v.toString());
                }
            }
        }
        return n;
    }

    static boolean same(FieldDef f, Object a, Object b) {
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

    // ------------------------------------------------------------------ references to rows of the same file

    private void linkDeferred() {
        if (deferred.isEmpty()) {
            return;
        }
        Map<Integer, Set<String>> keysByTarget = new HashMap<>();
        for (Deferred d : deferred) {
            keysByTarget.computeIfAbsent(d.target(), k -> new LinkedHashSet<>()).add(d.key());
        }
        for (Map.Entry<Integer, Set<String>> e : keysByTarget.entrySet()) {
            Target t = mapping.targets().get(e.getKey());
            Map<String, Object> cache = new HashMap<>();
            lookup(object, t.by(), e.getValue(), cache);
            Map<UUID, Object> links = new LinkedHashMap<>();
            for (Deferred d : deferred) {
                if (d.target() != e.getKey()) {
                    continue;
                }
                Object hit = cache.get(d.key());
                if (hit instanceof UUID u) {
                    links.put(d.recordId(), u);
                } else if (problems.size() < KEEP_PROBLEMS) {
                    problems.add(new RowProblem(d.row(), t.header(), t.name(), d.key(), "The row was imported, but its "
                            + t.field().label() + " " + Texts.quote(d.key()) + " could not be linked: that row of the file failed."));
                }
            }
            db.jdbi().useTransaction(h -> batch.setColumn(h, object, t.field(), links, stamp, principal.userId()));
        }
    }
}
