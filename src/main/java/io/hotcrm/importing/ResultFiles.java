package io.hotcrm.importing;

import io.hotcrm.common.CsvBytes;
import io.hotcrm.files.FileStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The files an import leaves in the file store: {@code results.csv} holds every input row as it was, with its
 * row number in the source, status, the record id and its errors; {@code errors.csv} holds only the failed rows
 * with their row number and errors,
 * ready to fix and import again. Both are UTF-8 with a BOM so spreadsheets open them correctly.
 *
 * <p>Each chunk's rows are written as a part ({@code parts/<rows before it>.csv}, and {@code .errors.csv})
 * <em>before</em> the chunk's transaction commits, so every committed chunk has its part whichever node wrote
 * it and whenever the process died; a chunk that did not commit is done again by the resumed run, which first
 * drops the parts at or after its checkpoint. {@link #assemble} joins the parts of the committed rows, in
 * order, into the two files: every input row appears exactly once.
 */
final class ResultFiles {
    static final String RESULTS = "results.csv";
    static final String ERRORS = "errors.csv";
    /** The column with each row's number in the source file, so a fixed error file can be checked against it. */
    static final String ROW = "_row";
    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    private final FileStore files;
    private final String folder;
    private final List<String> headers;
    private final boolean dryRun;

    /** @param folder the import's folder in the store ({@code imports/<id>}) */
    ResultFiles(FileStore files, String folder, List<String> headers, boolean dryRun) {
        this.files = files;
        this.folder = folder;
        this.headers = headers;
        this.dryRun = dryRun;
    }

    /** One input row's outcome; {@code row} is its number as the user sees it (the file's line, the sheet's row). */
    record Line(long row, String[] values, String status, String id, String errors, String changes) {
    }

    /** Drops parts of chunks at or after the checkpoint: a resumed run writes them again. */
    void discardFrom(long checkpoint) {
        for (String key : files.list(folder + "/parts/")) {
            long offset = offset(key);
            if (offset < 0 || offset >= checkpoint) {
                files.delete(key);
            }
        }
    }

    /** Writes the part of the chunk that follows {@code offset} committed rows. */
    void chunk(long offset, List<Line> lines) {
        write(part(offset, false), lines, false);
        if (lines.stream().anyMatch(l -> l.errors() != null)) {
            write(part(offset, true), lines.stream().filter(l -> l.errors() != null).toList(), true);
        }
    }

    private String part(long offset, boolean errors) {
        return folder + "/parts/" + String.format("%015d", offset) + (errors ? ".errors.csv" : ".csv");
    }

    private static long offset(String key) {
        String name = key.substring(key.lastIndexOf('/') + 1);
        int dot = name.indexOf('.');
        try {
            return Long.parseLong(dot < 0 ? name : name.substring(0, dot));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private void write(String key, List<Line> lines, boolean errorsOnly) {
        try (FileStore.NewFile u = files.create(key)) {
            CsvBytes csv = new CsvBytes(u.stream());
            for (Line l : lines) {
                csv.record(errorsOnly ? errorRecord(l) : resultRecord(l));
            }
            csv.flush();
            u.commit();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private List<String> resultRecord(Line l) {
        List<String> out = values(l);
        out.add(Long.toString(l.row()));
        out.add(l.status());
        out.add(l.id() == null ? "" : l.id());
        out.add(l.errors() == null ? "" : l.errors());
        if (dryRun) {
            out.add(l.changes() == null ? "" : l.changes());
        }
        return out;
    }

    private List<String> errorRecord(Line l) {
        List<String> out = values(l);
        out.add(Long.toString(l.row()));
        out.add(l.errors());
        return out;
    }

    private List<String> values(Line l) {
        List<String> out = new ArrayList<>(headers.size() + 4);
        for (int i = 0; i < headers.size(); i++) {
            out.add(i < l.values().length && l.values()[i] != null ? l.values()[i] : "");
        }
        return out;
    }

    /**
     * Joins the parts of the first {@code rowsDone} rows into results.csv (and errors.csv when a row failed),
     * replacing earlier versions. With {@code dropParts} the parts are removed afterwards (the import is over);
     * otherwise they stay for a resumed run to complete. Returns whether an error file was written.
     */
    boolean assemble(long rowsDone, boolean dropParts) {
        List<String> results = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        for (String key : files.list(folder + "/parts/")) {
            long offset = offset(key);
            if (offset >= 0 && offset < rowsDone) {
                (key.endsWith(".errors.csv") ? errors : results).add(key);
            }
        }
        List<String> head = new ArrayList<>(headers);
        head.add(ROW);
        head.add("_status");
        head.add("_id");
        head.add("_errors");
        if (dryRun) {
            head.add("_changes");
        }
        join(folder + "/" + RESULTS, head, results);
        boolean withErrors = !errors.isEmpty();
        if (withErrors) {
            List<String> errorHead = new ArrayList<>(headers);
            errorHead.add(ROW);
            errorHead.add("_errors");
            join(folder + "/" + ERRORS, errorHead, errors);
        }
        if (dropParts) {
            files.deleteAll(folder + "/parts");
        }
        return withErrors;
    }

    private void join(String key, List<String> header, List<String> parts) {
        try (FileStore.NewFile u = files.create(key)) {
            OutputStream out = u.stream();
            out.write(BOM);
            CsvBytes csv = new CsvBytes(out);
            csv.record(header);
            csv.flush();
            for (String part : parts) {
                try (InputStream in = files.open(part)) {
                    in.transferTo(out);
                }
            }
            out.flush();
            u.commit();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
