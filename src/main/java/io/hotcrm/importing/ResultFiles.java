package io.hotcrm.importing;

import de.siegmar.fastcsv.writer.CsvWriter;
import de.siegmar.fastcsv.writer.LineDelimiter;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The files an import leaves: {@code results.csv} holds every input row as it was, with its status, the
 * record id and its errors; {@code errors.csv} holds only the failed rows with their errors, ready to fix
 * and import again. Both are UTF-8 with a BOM so spreadsheets open them correctly. Appended to when an
 * interrupted import resumes.
 */
final class ResultFiles implements Closeable {
    static final String RESULTS = "results.csv";
    static final String ERRORS = "errors.csv";

    private final Path dir;
    private final CsvWriter results;
    private final List<String> headers;
    private final boolean dryRun;
    private CsvWriter errors;

    ResultFiles(Path dir, List<String> headers, boolean dryRun, boolean append) throws IOException {
        Files.createDirectories(dir);
        this.dir = dir;
        this.headers = headers;
        this.dryRun = dryRun;
        Path file = dir.resolve(RESULTS);
        boolean fresh = !append || !Files.exists(file);
        this.results = writer(file, fresh);
        if (fresh) {
            List<String> h = new ArrayList<>(headers);
            h.add("_status");
            h.add("_id");
            h.add("_errors");
            if (dryRun) {
                h.add("_changes");
            }
            results.writeRecord(h);
        }
        if (append && Files.exists(dir.resolve(ERRORS))) {
            errors = writer(dir.resolve(ERRORS), false);
        }
    }

    private static CsvWriter writer(Path file, boolean fresh) throws IOException {
        OutputStream out = fresh ? Files.newOutputStream(file)
                : Files.newOutputStream(file, StandardOpenOption.APPEND);
        if (fresh) {
            out.write(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
        }
        Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
        return CsvWriter.builder().lineDelimiter(LineDelimiter.CRLF).build(w);
    }

    void row(String[] values, String status, String id, String errorText, String changes) throws IOException {
        List<String> out = new ArrayList<>(headers.size() + 4);
        for (int i = 0; i < headers.size(); i++) {
            out.add(i < values.length ? values[i] : "");
        }
        out.add(status);
        out.add(id == null ? "" : id);
        out.add(errorText == null ? "" : errorText);
        if (dryRun) {
            out.add(changes == null ? "" : changes);
        }
        results.writeRecord(out);
        if (errorText != null && !errorText.isEmpty()) {
            if (errors == null) {
                errors = writer(dir.resolve(ERRORS), true);
                List<String> h = new ArrayList<>(headers);
                h.add("_errors");
                errors.writeRecord(h);
            }
            List<String> e = new ArrayList<>(out.subList(0, headers.size()));
            e.add(errorText);
            errors.writeRecord(e);
        }
    }

    void flush() throws IOException {
        results.flush();
        if (errors != null) {
            errors.flush();
        }
    }

    @Override
    public void close() throws IOException {
        results.close();
        if (errors != null) {
            errors.close();
        }
    }
}
