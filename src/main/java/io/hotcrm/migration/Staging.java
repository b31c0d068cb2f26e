package io.hotcrm.migration;

import de.siegmar.fastcsv.writer.CsvWriter;
import io.hotcrm.migration.MigrationPlan.PlanField;
import io.hotcrm.migration.MigrationPlan.PlanObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Turns a source object's records into a file the importer reads: one column per HotCRM field the plan fills
 * ({@code external_id} first: the source's id), values translated through the plan — picklist values mapped,
 * references as the target's source id (its external id in HotCRM), polymorphic references split by the type of
 * record they point at, owners and creators as the email of their HotCRM user (the fallback owner for queues and
 * users HotCRM does not have). Also writes the keys of the staged records, one per line (for a dry-run's later
 * steps), and counts what it could not keep. The file streams: memory does not grow with the object.
 */
final class Staging {
    static final String EXTERNAL_ID = "external_id";
    /** The columns a file's content fills besides its storage key. */
    static final String SIZE = "size_bytes";
    static final String CHECKSUM = "checksum_sha256";
    /** Records staged together when their parents are looked up or their content copied. */
    static final int BATCH = 200;

    /** Finds HotCRM records by their source id: object → (external id → record id), one query per object and batch. */
    @FunctionalInterface
    interface Links {
        Map<String, java.util.UUID> ids(String object, java.util.Collection<String> externalIds);
    }

    /** Copies a file's bytes from the source into HotCRM's file store. */
    @FunctionalInterface
    interface Contents {
        StoredContent copy(CrmSource source, String object, String id, String field);
    }

    /** Where a copied file's bytes are, how many there are, and their SHA-256. */
    record StoredContent(String key, long size, String sha256) {
    }

    /** What a source user is to the migration: their email, and whether HotCRM has (or will have) them. */
    record SourceUser(String email, boolean inHotCrm) {
    }

    /** What staging one object read and left out. */
    record Staged(Path file, Path keys, List<String> columns, long rows, long skipped, long queueOwned, long unmatchedOwners,
                  Map<String, Long> orphans) {
    }

    private final SourceDefaults defaults;
    private final MigrationPlan plan;
    private final Map<String, SourceUser> users;
    private final java.util.function.Function<String, CrmSource.Reference> refs;
    private final Links links;
    private final Contents contents;

    /**
     * @param users the source's users by id
     * @param refs what a reference's value points at (polymorphic references, parents); null when it does not say
     * @param contents copies file contents; null (a dry-run) copies none
     */
    Staging(SourceDefaults defaults, MigrationPlan plan, Map<String, SourceUser> users,
            java.util.function.Function<String, CrmSource.Reference> refs, Links links, Contents contents) {
        this.defaults = defaults;
        this.plan = plan;
        this.users = users;
        this.refs = refs;
        this.links = links;
        this.contents = contents;
    }

    /** The columns the staged file has, in order. */
    static List<String> columns(PlanObject o, boolean users) {
        Set<String> cols = new LinkedHashSet<>();
        if (!users) {
            cols.add(EXTERNAL_ID);
        }
        for (PlanField f : o.fields()) {
            if (f.kind().equals(PlanField.POLYMORPHIC)) {
                cols.addAll(new java.util.TreeSet<>(f.targets().values()));
            } else if (f.target() != null) {
                cols.add(f.target());
            }
            if (f.kind().equals(PlanField.PARENT)) {
                cols.add(f.typeTarget());
            }
            if (f.kind().equals(PlanField.CONTENT)) {
                cols.add(SIZE);
                cols.add(CHECKSUM);
            }
        }
        o.fill().keySet().forEach(cols::add);
        if (users) {
            cols.add("active");
        }
        return new ArrayList<>(cols);
    }

    /** The source fields to read for the object. */
    static List<String> sourceFields(PlanObject o) {
        List<String> out = new ArrayList<>();
        for (PlanField f : o.fields()) {
            // a file's bytes (and a note's body kept as one) are fetched one by one, never in a query (Bulk API queries
            // refuse binary fields)
            if (!out.contains(f.source()) && !f.kind().equals(PlanField.CONTENT) && !f.kind().equals(PlanField.TEXT)) {
                out.add(f.source());
            }
        }
        return out;
    }

    /**
     * Reads the object from the source into a new staged file in {@code dir}, copying file contents; the parents of
     * notes and files stay source ids until {@link #resolveParents(Staged, PlanObject, Path)} looks them up.
     */
    Staged stage(CrmSource source, PlanObject o, Slice slice, Path dir, Set<String> hotcrmEmails) throws IOException {
        boolean userObject = o.source().equals(defaults.userObject());
        List<String> columns = columns(o, userObject);
        Path file = Files.createTempFile(dir, "staged-" + o.target() + "-", ".csv");
        Path keys = Files.createTempFile(dir, "keys-" + o.target() + "-", ".txt");
        long[] counts = new long[4];
        Map<String, Long> orphans = new TreeMap<>();
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8); CsvWriter csv = CsvWriter.builder().build(w);
             Writer k = Files.newBufferedWriter(keys, StandardCharsets.UTF_8)) {
            csv.writeRecord(columns);
            List<Map<String, String>> batch = new ArrayList<>(BATCH);
            Runnable flush = () -> {
                List<Map<String, String>> rows = new ArrayList<>(batch.size());
                for (Map<String, String> rec : batch) {
                    Map<String, String> row = userObject ? userRow(o, rec, hotcrmEmails, counts) : row(o, rec, counts, orphans);
                    if (row != null) {
                        rows.add(row);
                    }
                }
                copyContents(source, o, rows);
                for (Map<String, String> row : rows) {
                    try {
                        csv.writeRecord(record(columns, row));
                        k.write(userObject ? row.get("email") : row.get(EXTERNAL_ID));
                        k.write('\n');
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    counts[0]++;
                }
                batch.clear();
            };
            source.read(o.source(), sourceFields(o), userObject ? Slice.ALL : slice, rec -> {
                batch.add(rec);
                if (batch.size() >= BATCH) {
                    flush.run();
                }
                return true;
            });
            flush.run();
        }
        return new Staged(file, keys, columns, counts[0], counts[1], counts[2], counts[3], orphans);
    }

    /**
     * A source record as HotCRM field → text, through the plan (what spot-checks compare too). Counts queue-owned
     * records ({@code counts[2]}), owners HotCRM has no user for ({@code counts[3]}) and references to records of
     * types the plan does not keep ({@code orphans}).
     */
    Map<String, String> row(PlanObject o, Map<String, String> rec, long[] counts, Map<String, Long> orphans) {
        Map<String, String> row = new LinkedHashMap<>();
        row.put(EXTERNAL_ID, rec.get(defaults.idField()));
        for (PlanField f : o.fields()) {
            String v = rec.get(f.source());
            switch (f.kind()) {
                case PlanField.PICKLIST -> row.put(f.target(), picklist(f, v));
                case PlanField.POLYMORPHIC -> {
                    if (v != null) {
                        CrmSource.Reference ref = refs.apply(v);
                        String type = ref == null ? null : ref.object();
                        String target = type == null ? null : f.targets().get(type);
                        if (target != null) {
                            row.put(target, ref.id());
                        } else {
                            orphans.merge(f.source() + " → " + (type == null ? "an unknown object (" + v.substring(0, Math.min(3, v.length())) + "…)"
                                    : type), 1L, Long::sum);
                        }
                    }
                }
                case PlanField.PARENT -> {
                    if (v != null) {
                        CrmSource.Reference ref = refs.apply(v);
                        String type = ref == null ? null : ref.object();
                        String object = type == null ? null : f.targets().get(type);
                        if (object != null) {
                            row.put(f.target(), PENDING + object + ":" + ref.id());
                            row.put(f.typeTarget(), object);
                        } else {
                            orphans.merge(f.source() + " → " + (type == null ? "an unknown object" : type), 1L, Long::sum);
                        }
                    }
                }
                case PlanField.CONTENT, PlanField.TEXT -> {
                    // fetched when the batch is settled
                }
                case PlanField.OWNER -> row.put(f.target(), owner(v, counts));
                case PlanField.CREATED_BY -> {
                    SourceUser u = v == null ? null : users.get(v);
                    row.put(f.target(), u != null && u.inHotCrm() ? u.email() : null);
                }
                default -> row.put(f.target(), v);
            }
            String more = rec.get(CrmSource.MORE + f.source());
            if (more != null) {
                orphans.merge(f.source() + " → more records than one lookup holds (the first kept)", Long.parseLong(more), Long::sum);
            }
        }
        o.fill().forEach((field, value) -> {
            if ((row.get(field) == null || row.get(field).isBlank()) && value != null && !value.isBlank()) {
                row.put(field, value);
            }
        });
        return row;
    }

    /** A staged row as the file's record: its value per column, blank for none. */
    private static List<String> record(List<String> columns, Map<String, String> row) {
        List<String> out = new ArrayList<>(columns.size());
        for (String c : columns) {
            String v = row.get(c);
            out.add(v == null ? "" : v);
        }
        return out;
    }

    /** The same staging, copying no file contents (for dry-runs and spot-checks). */
    Staging withoutContents() {
        return new Staging(defaults, plan, users, refs, links, null);
    }

    /**
     * Downloads of file contents in flight at once. Each file is one round trip, so the copy is bound by the
     * source's latency, not by bandwidth; eight stay well under Salesforce's 25 concurrent long-running requests.
     */
    static final int PARALLEL_DOWNLOADS = 8;
    private static final java.util.concurrent.ExecutorService DOWNLOADS = java.util.concurrent.Executors.newFixedThreadPool(
            PARALLEL_DOWNLOADS, r -> {
                Thread t = new Thread(r, "hotcrm-migration-download");
                t.setDaemon(true);
                return t;
            });

    private static String text(CrmSource source, String object, String id, String field) {
        try (java.io.InputStream in = source.content(object, id, field)) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return text.isBlank() ? null : text;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Marks a parent not yet resolved to its HotCRM record: {@code @object:sourceId}. */
    static final String PENDING = "@";

    /**
     * Finishes staged rows: parents (notes', files') become the HotCRM record ids of their source records, and file
     * contents are copied unless this is a dry-run.
     */
    void settle(CrmSource source, PlanObject o, List<Map<String, String>> rows, Map<String, Long> orphans) {
        resolveParents(o, rows, orphans);
        copyContents(source, o, rows);
    }

    /** Whether the object's staged file names parents still to be looked up in HotCRM ({@link #resolveParents(Staged, PlanObject, Path)}). */
    static boolean hasParents(PlanObject o) {
        return o.fields().stream().anyMatch(f -> f.kind().equals(PlanField.PARENT));
    }

    /**
     * Looks up the parents a staged file names (notes', files'), once the objects they belong to are imported: a new
     * staged file with HotCRM record ids in their place, the same rows in the same order. A parent HotCRM does not
     * hold is left blank and counted among the orphans.
     */
    Staged resolveParents(Staged st, PlanObject o, Path dir) throws IOException {
        if (!hasParents(o)) {
            return st;
        }
        Path file = Files.createTempFile(dir, "settled-" + o.target() + "-", ".csv");
        Map<String, Long> orphans = new TreeMap<>(st.orphans());
        try (java.io.Reader r = Files.newBufferedReader(st.file(), StandardCharsets.UTF_8);
             Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8); CsvWriter csv = CsvWriter.builder().build(w)) {
            csv.writeRecord(st.columns());
            List<Map<String, String>> batch = new ArrayList<>(BATCH);
            Runnable flush = () -> {
                resolveParents(o, batch, orphans);
                for (Map<String, String> row : batch) {
                    csv.writeRecord(record(st.columns(), row));
                }
                batch.clear();
            };
            boolean header = true;
            for (de.siegmar.fastcsv.reader.CsvRecord rec : de.siegmar.fastcsv.reader.CsvReader.builder().ofCsvRecord(r)) {
                if (header) {
                    header = false;
                    continue;
                }
                batch.add(CsvRows.of(st.columns(), rec));
                if (batch.size() >= BATCH) {
                    flush.run();
                }
            }
            flush.run();
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(file);
            throw e;
        }
        Files.deleteIfExists(st.file());
        return new Staged(file, st.keys(), st.columns(), st.rows(), st.skipped(), st.queueOwned(), st.unmatchedOwners(), orphans);
    }

    /** Parents become the HotCRM record ids of their source records, one query per object and batch. */
    private void resolveParents(PlanObject o, List<Map<String, String>> rows, Map<String, Long> orphans) {
        for (PlanField f : o.fields()) {
            if (f.kind().equals(PlanField.PARENT)) {
                Map<String, List<String>> wanted = new java.util.HashMap<>();
                for (Map<String, String> row : rows) {
                    String v = row.get(f.target());
                    if (v != null && v.startsWith(PENDING)) {
                        int colon = v.indexOf(':');
                        wanted.computeIfAbsent(v.substring(1, colon), x -> new ArrayList<>()).add(v.substring(colon + 1));
                    }
                }
                Map<String, Map<String, java.util.UUID>> found = new java.util.HashMap<>();
                wanted.forEach((object, ids) -> found.put(object, links.ids(object, ids)));
                for (Map<String, String> row : rows) {
                    String v = row.get(f.target());
                    if (v != null && v.startsWith(PENDING)) {
                        int colon = v.indexOf(':');
                        java.util.UUID id = found.get(v.substring(1, colon)).get(v.substring(colon + 1));
                        row.put(f.target(), id == null ? null : id.toString());
                        if (id == null) {
                            orphans.merge(f.source() + " → a " + v.substring(1, colon) + " not in HotCRM", 1L, Long::sum);
                        }
                    }
                }
            }
        }
    }

    /**
     * File contents are copied into the file store, a few at a time (none in a dry-run); notes' bodies kept as binary
     * fields are read as text (in a dry-run and a spot-check too: they are values like any other).
     */
    private void copyContents(CrmSource source, PlanObject o, List<Map<String, String>> rows) {
        for (PlanField f : o.fields()) {
            if (f.kind().equals(PlanField.TEXT)) {
                List<java.util.concurrent.Future<String>> texts = new ArrayList<>(rows.size());
                for (Map<String, String> row : rows) {
                    texts.add(DOWNLOADS.submit(() -> text(source, o.source(), row.get(EXTERNAL_ID), f.source())));
                }
                for (int i = 0; i < rows.size(); i++) {
                    rows.get(i).put(f.target(), Waits.await(texts.get(i), "copying files"));
                }
            }
            if (f.kind().equals(PlanField.CONTENT) && contents != null) {
                // files are fetched a few at a time: each is one request, and Salesforce serves several at once
                List<java.util.concurrent.Future<StoredContent>> copies = new ArrayList<>(rows.size());
                for (Map<String, String> row : rows) {
                    copies.add(DOWNLOADS.submit(() -> contents.copy(source, o.source(), row.get(EXTERNAL_ID), f.source())));
                }
                for (int i = 0; i < rows.size(); i++) {
                    StoredContent c = Waits.await(copies.get(i), "copying files");
                    Map<String, String> row = rows.get(i);
                    row.put(f.target(), c.key());
                    row.put(SIZE, Long.toString(c.size()));
                    row.put(CHECKSUM, c.sha256());
                }
            }
        }
    }

    private Map<String, String> userRow(PlanObject o, Map<String, String> rec, Set<String> hotcrmEmails, long[] counts) {
        String email = rec.get(defaults.userEmailField());
        if (email == null || hotcrmEmails.contains(email.toLowerCase(Locale.ROOT))
                || plan.users().equals(MigrationPlan.MATCH_ONLY)) {
            counts[1]++;
            return null;
        }
        Map<String, String> row = row(o, rec, counts, new TreeMap<>());
        row.remove(EXTERNAL_ID);
        row.put("active", "false");
        return row;
    }

    private String owner(String sourceUserId, long[] counts) {
        if (sourceUserId == null) {
            return null;
        }
        if (defaults.queuePrefixes().stream().anyMatch(sourceUserId::startsWith)) {
            counts[2]++;
            return plan.fallbackOwner();
        }
        SourceUser u = users.get(sourceUserId);
        if (u == null || !u.inHotCrm()) {
            counts[3]++;
            return plan.fallbackOwner();
        }
        return u.email();
    }

    private static String picklist(PlanField f, String v) {
        if (v == null) {
            return null;
        }
        if (!v.contains(";") || f.values().containsKey(v)) {
            return one(f, v);
        }
        List<String> parts = new ArrayList<>();
        for (String part : v.split(";")) {
            String m = one(f, part);
            if (m != null && !parts.contains(m)) {
                parts.add(m);
            }
        }
        return String.join(";", parts);
    }

    private static String one(PlanField f, String v) {
        String m = f.values().get(v);
        if (m != null && !m.isBlank()) {
            return m;
        }
        return f.otherwise() != null ? f.otherwise() : v;
    }
}
