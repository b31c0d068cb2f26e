package io.hotcrm.exporting;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import io.hotcrm.destinations.Destination;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Iterator;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.io.LocalInputFile;

/**
 * Reads an export file back row by row, whatever format a schedule wrote it in (CSV, JSON Lines — either gzipped —, Parquet), to
 * count the rows a test accepts: how the privacy package finds a person in the export files still held at their
 * destinations. Each row is given to the test as one text, its values one per line.
 */
final class HeldFiles {
    private static final ObjectMapper JSON = new ObjectMapper();

    private HeldFiles() {
    }

    /**
     * How many rows of the file {@code name} at the destination the test accepts; {@code matches} are the values it looks
     * for (plain ASCII ones let the file be read without decoding).
     */
    static long count(Destination d, String name, Predicate<String> matches, Predicate<String> test) throws IOException {
        String lower = name.toLowerCase(java.util.Locale.ROOT);
        boolean gz = lower.endsWith(".gz");
        String plain = gz ? lower.substring(0, lower.length() - 3) : lower;
        if (plain.endsWith(".parquet")) {
            Path local = d.localPath(name).orElse(null);
            Path temp = null;
            if (local == null) {
                temp = Files.createTempFile("hotcrm-held-", ".parquet");
                try (InputStream in = d.open(name)) {
                    Files.copy(in, temp, StandardCopyOption.REPLACE_EXISTING);
                }
                local = temp;
            }
            try {
                return parquet(local, test);
            } finally {
                if (temp != null) {
                    Files.deleteIfExists(temp);
                }
            }
        }
        // a quick read first: most files hold none of it, and are not parsed row by row
        try (InputStream raw = d.open(name); InputStream in = gz ? new GZIPInputStream(raw, 65536) : raw) {
            if (!io.hotcrm.common.TextSearch.anyPiece(in, matches, test, 512)) {
                return 0;
            }
        }
        try (InputStream raw = d.open(name); InputStream in = gz ? new GZIPInputStream(raw, 65536) : raw) {
            return plain.endsWith(".jsonl") || plain.endsWith(".json") || plain.endsWith(".ndjson") ? jsonl(in, test) : csv(in, test);
        }
    }

    private static long csv(InputStream in, Predicate<String> test) {
        long n = 0;
        try (CsvReader<CsvRecord> r = CsvReader.builder().ofCsvRecord(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (CsvRecord rec : r) {
                n += test.test(String.join("\n", rec.getFields())) ? 1 : 0;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return n;
    }

    private static long jsonl(InputStream in, Predicate<String> test) throws IOException {
        long n = 0;
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 65536);
        for (String line = r.readLine(); line != null; line = r.readLine()) {
            if (line.isBlank()) {
                continue;
            }
            StringBuilder b = new StringBuilder();
            for (Iterator<JsonNode> it = JSON.readTree(line).elements(); it.hasNext(); ) {
                JsonNode v = it.next();
                b.append(v.isNull() ? "" : v.asText()).append('\n');
            }
            n += test.test(b.toString()) ? 1 : 0;
        }
        return n;
    }

    /** A Parquet reader of rows as groups, reading a local file without Hadoop's file system. */
    private static final class GroupsOf extends ParquetReader.Builder<Group> {
        GroupsOf(org.apache.parquet.io.InputFile file) {
            super(file, new PlainParquetConfiguration());
        }

        @Override
        protected org.apache.parquet.hadoop.api.ReadSupport<Group> getReadSupport() {
            return new GroupReadSupport();
        }
    }

    private static long parquet(Path file, Predicate<String> test) throws IOException {
        long n = 0;
        try (ParquetReader<Group> r = new GroupsOf(new LocalInputFile(file)).build()) {
            for (Group g = r.read(); g != null; g = r.read()) {
                n += test.test(g.toString()) ? 1 : 0;
            }
        }
        return n;
    }
}
