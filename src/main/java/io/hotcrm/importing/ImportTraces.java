package io.hotcrm.importing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import de.siegmar.fastcsv.writer.CsvWriter;
import de.siegmar.fastcsv.writer.LineDelimiter;
import io.hotcrm.common.TextSearch;
import io.hotcrm.files.FileStore;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import org.jdbi.v3.core.Jdbi;

/**
 * Where imports keep copies of people's data apart from the records they wrote: an import's result and error files
 * (every input row as it was), its source file (the upload it read), its undo journal (the values of the fields it
 * updated, from before), and its findings (the first problems with their values, a dry-run's first changes); and
 * uploads no import has read. {@link #scan} finds the rows of given records, or holding a value that matches, in all
 * of them; with {@code forget} it also erases them: rows in the result and error files keep their row number, status
 * and record id with every value replaced by {@value #REDACTED}, the source file and unread uploads are deleted
 * (their rows are in the records, or were never imported), journal entries and findings about them are dropped (so
 * an undo cannot bring the erased values back).
 *
 * <p>An import still running is left alone (its files are being written): it is listed, and a later erasure of the
 * same person erases it.
 */
final class ImportTraces {
    static final String REDACTED = "[redacted]";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    private final Jdbi jdbi;
    private final FileStore files;
    private final Importer importer;
    /** Whether a text holds one of the ids looked for (set when a scan starts). */
    private Predicate<String> idsIn = t -> false;

    ImportTraces(Jdbi jdbi, FileStore files, Importer importer) {
        this.jdbi = jdbi;
        this.files = files;
        this.importer = importer;
    }

    private record Ref(UUID id, String object, String fileName, String state, String sourceKey, String resultKey,
                       String problems, String changes) {
    }

    List<Importer.Trace> scan(Set<UUID> ids, Predicate<String> matches, boolean forget) {
        idsIn = TextSearch.ids(ids);
        List<Importer.Trace> out = new ArrayList<>();
        List<Ref> imports = jdbi.withHandle(h -> h.createQuery("select id, object_name, file_name, state, source_key, result_key,"
                + " problems, changes from hc_import order by created_at").map((rs, c) -> new Ref(rs.getObject("id", UUID.class),
                rs.getString("object_name"), rs.getString("file_name"), rs.getString("state"), rs.getString("source_key"),
                rs.getString("result_key"), rs.getString("problems"), rs.getString("changes"))).list());
        Set<String> read = new HashSet<>();
        for (Ref r : imports) {
            if (r.sourceKey() != null) {
                read.add(r.sourceKey());
            }
            Importer.Trace t = scan(r, ids, matches, forget);
            if (t != null) {
                out.add(t);
            }
        }
        List<String[]> uploads = jdbi.withHandle(h -> h.createQuery("select id, file_key, file_name from hc_upload order by created_at")
                .map((rs, c) -> new String[] {rs.getString(1), rs.getString(2), rs.getString(3)}).list());
        for (String[] u : uploads) {
            if (read.contains(u[1]) || !files.exists(u[1])) {
                continue;
            }
            long rows = uploadRows(u[1], u[2], matches);
            if (rows > 0) {
                if (forget) {
                    files.delete(u[1]);
                    jdbi.useHandle(h -> h.createUpdate("delete from hc_upload where id = :id").bind("id", UUID.fromString(u[0])).execute());
                }
                out.add(new Importer.Trace("upload", UUID.fromString(u[0]), null, u[2], List.of("uploaded file (never imported)"),
                        rows, forget ? "deleted" : "delete"));
            }
        }
        return out;
    }

    private Importer.Trace scan(Ref r, Set<UUID> ids, Predicate<String> matches, boolean forget) {
        boolean running = r.state().equals(ImportState.RUNNING.id()) || r.state().equals(ImportState.QUEUED.id());
        boolean act = forget && !running;
        List<String> parts = new ArrayList<>();
        Set<Long> rows = new HashSet<>();
        if (r.resultKey() != null) {
            String results = FileStore.key(r.resultKey(), ResultFiles.RESULTS);
            if (files.exists(results) && csv(results, ids, matches, rows, act) > 0) {
                parts.add(ResultFiles.RESULTS);
            }
            String errors = FileStore.key(r.resultKey(), ResultFiles.ERRORS);
            if (files.exists(errors) && csv(errors, ids, matches, rows, act) > 0) {
                parts.add(ResultFiles.ERRORS);
            }
        }
        if (!rows.isEmpty() && r.sourceKey() != null && files.exists(r.sourceKey())) {
            parts.add("source file");
            if (act) {
                files.delete(r.sourceKey());
            }
        }
        if (journal(r.id(), ids, matches, act) > 0) {
            parts.add("undo journal");
        }
        if (findings(r, ids, matches, rows, act)) {
            parts.add("findings");
        }
        if (parts.isEmpty()) {
            return null;
        }
        String action = running ? "kept: the import is running; erase the person again once it has ended"
                : forget ? "redacted" : "redact";
        return new Importer.Trace("import", r.id(), r.object(), r.fileName(), List.copyOf(parts), rows.size(), action);
    }

    /**
     * The rows of a result or error file that are the records or hold a matching value (or whose row number is
     * among {@code rows}, found in the result file); their row numbers are added to {@code rows}. With
     * {@code forget} the file is written again with those rows' values redacted. Returns how many rows matched.
     */
    private long csv(String key, Set<UUID> ids, Predicate<String> matches, Set<Long> rows, boolean forget) {
        if (rows.isEmpty() && !mayHold(key, ids, matches)) {
            return 0;
        }
        long found = 0;
        List<String> header = null;
        try (InputStream in = withoutBom(files.open(key));
             CsvReader<CsvRecord> reader = CsvReader.builder().ofCsvRecord(new InputStreamReader(in, StandardCharsets.UTF_8));
             FileStore.NewFile next = forget ? files.create(key) : null) {
            CsvWriter w = null;
            if (next != null) {
                OutputStream o = next.stream();
                o.write(BOM);
                w = CsvWriter.builder().lineDelimiter(LineDelimiter.CRLF).build(new OutputStreamWriter(o, StandardCharsets.UTF_8));
            }
            int rowAt = -1;
            int idAt = -1;
            int statusAt = -1;
            for (CsvRecord rec : reader) {
                List<String> f = rec.getFields();
                if (header == null) {
                    header = f;
                    rowAt = header.indexOf(ResultFiles.ROW);
                    idAt = header.indexOf("_id");
                    statusAt = header.indexOf("_status");
                    if (w != null) {
                        w.writeRecord(f);
                    }
                    continue;
                }
                long row = rowAt >= 0 && rowAt < f.size() ? parse(f.get(rowAt)) : -1;
                boolean hit = rows.contains(row) || (idAt >= 0 && idAt < f.size() && ids.contains(uuid(f.get(idAt))));
                for (int i = 0; i < f.size() && !hit; i++) {
                    hit = i != rowAt && i != idAt && matches.test(f.get(i));
                }
                if (hit) {
                    found++;
                    rows.add(row);
                }
                if (w != null) {
                    if (hit) {
                        List<String> red = new ArrayList<>(f.size());
                        for (int i = 0; i < f.size(); i++) {
                            red.add(i == rowAt || i == idAt || i == statusAt || f.get(i).isEmpty() ? f.get(i) : REDACTED);
                        }
                        w.writeRecord(red);
                    } else {
                        w.writeRecord(f);
                    }
                }
            }
            if (w != null) {
                w.flush();
                if (found > 0) {
                    next.commit();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return found;
    }

    /** Whether the file holds one of the ids or a matching value anywhere: a quick read before the rows are parsed. */
    private boolean mayHold(String key, Set<UUID> ids, Predicate<String> matches) {
        try (InputStream in = files.open(key)) {
            return TextSearch.anyPiece(in, matches, t -> idsIn.test(t) || matches.test(t), 512);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The journal entries (before-images) of the records, or holding a matching value; dropped with {@code forget}. */
    private int journal(UUID importId, Set<UUID> ids, Predicate<String> matches, boolean forget) {
        List<Integer> seqs = jdbi.withHandle(h -> h.createQuery("select seq from hc_import_chunk where import_id = :id and updated is"
                + " not null order by seq").bind("id", importId).mapTo(Integer.class).list());
        int found = 0;
        for (int seq : seqs) {
            String text = jdbi.withHandle(h -> h.createQuery("select updated from hc_import_chunk where import_id = :id and seq = :seq")
                    .bind("id", importId).bind("seq", seq).mapTo(String.class).one());
            if (!mentions(text, ids, matches)) {
                continue;
            }
            JsonNode entries = read(text);
            ArrayNode kept = JSON.createArrayNode();
            for (JsonNode e : entries) {
                if (ids.contains(uuid(e.path("id").asText())) || anyValue(e.path("before"), matches)) {
                    found++;
                } else {
                    kept.add(e);
                }
            }
            if (forget && kept.size() < entries.size()) {
                jdbi.useHandle(h -> h.createUpdate("update hc_import_chunk set updated = :u where import_id = :id and seq = :seq")
                        .bind("u", kept.isEmpty() ? null : kept.toString()).bind("id", importId).bind("seq", seq).execute());
            }
        }
        return found;
    }

    /** The first problems and a dry-run's first changes about the records or rows, or holding a matching value. */
    private boolean findings(Ref r, Set<UUID> ids, Predicate<String> matches, Set<Long> rows, boolean forget) {
        ArrayNode problems = JSON.createArrayNode();
        ArrayNode changes = JSON.createArrayNode();
        JsonNode p = r.problems() == null ? null : read(r.problems());
        JsonNode c = r.changes() == null ? null : read(r.changes());
        int dropped = 0;
        if (p != null) {
            for (JsonNode n : p.path("first")) {
                boolean hit = rows.contains(n.path("row").asLong(-1)) || matches.test(n.path("value").asText(""))
                        || matches.test(n.path("message").asText(""));
                dropped += hit ? 1 : 0;
                if (!hit) {
                    problems.add(n);
                }
            }
        }
        if (c != null) {
            for (JsonNode n : c) {
                boolean hit = rows.contains(n.path("row").asLong(-1)) || ids.contains(uuid(n.path("id").asText()))
                        || matches.test(n.path("before").asText("")) || matches.test(n.path("after").asText(""));
                dropped += hit ? 1 : 0;
                if (!hit) {
                    changes.add(n);
                }
            }
        }
        if (forget && dropped > 0) {
            if (p != null) {
                ((com.fasterxml.jackson.databind.node.ObjectNode) p).set("first", problems);
            }
            jdbi.useHandle(h -> h.createUpdate("update hc_import set problems = :p, changes = :c where id = :id")
                    .bind("p", p == null ? null : p.toString()).bind("c", c == null || changes.isEmpty() ? null : changes.toString())
                    .bind("id", r.id()).execute());
        }
        return dropped > 0;
    }

    /** How many rows of an upload no import read hold a matching value (read as an import would read it). */
    private long uploadRows(String key, String name, Predicate<String> matches) {
        long found = 0;
        try (FileStore.LocalCopy copy = files.local(key); Source s = importer.open(copy.path(), name, SourceOptions.DETECT)) {
            for (SourceRow row = s.next(); row != null; row = s.next()) {
                for (String v : row.values()) {
                    if (v != null && matches.test(v)) {
                        found++;
                        break;
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // a file no reader understands holds no rows to find (it could not be imported either)
            return 0;
        }
        return found;
    }

    private boolean mentions(String text, Set<UUID> ids, Predicate<String> matches) {
        return idsIn.test(text) || matches.test(text);
    }

    private static boolean anyValue(JsonNode before, Predicate<String> matches) {
        for (Iterator<JsonNode> it = before.elements(); it.hasNext(); ) {
            JsonNode v = it.next();
            if (!v.isNull() && matches.test(v.asText())) {
                return true;
            }
        }
        return false;
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static InputStream withoutBom(InputStream in) throws IOException {
        BufferedInputStream b = new BufferedInputStream(in, 65536);
        b.mark(3);
        byte[] head = b.readNBytes(3);
        if (!(head.length == 3 && head[0] == BOM[0] && head[1] == BOM[1] && head[2] == BOM[2])) {
            b.reset();
        }
        return b;
    }

    private static long parse(String s) {
        try {
            return Long.parseLong(s.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static UUID uuid(String s) {
        try {
            return s == null || s.length() != 36 ? null : UUID.fromString(s);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
