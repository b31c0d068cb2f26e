package io.hotcrm.bench;

import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import de.siegmar.fastcsv.writer.CsvWriter;
import io.hotcrm.store.BulkWriter;
import io.hotcrm.store.Database;
import io.hotcrm.store.Dialect;
import io.hotcrm.testing.TestPlatform;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import org.postgresql.PGConnection;

/**
 * Store benchmark (not a test): generates N contacts as CSV, then on PostgreSQL measures a raw
 * {@code COPY FROM STDIN} of the file into an equivalent table (what psql \copy does) and HotCRM's bulk upsert
 * of the same rows (new, then unchanged), and on H2 (a file database, as HotCRM runs it) the bulk upsert.
 * Prints rows/s and the ratios.
 * Run: mvn -B -Pbench verify [-Dbench.rows=1000000]
 */
public final class StoreBenchmark {
    static final List<String> FIELDS = List.of("first_name", "last_name", "email", "phone", "title", "department",
            "level", "relationship_strength", "notes");

    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        Path csv = Files.createTempFile("hotcrm-bench-contacts", ".csv");
        generate(csv, rows);
        System.out.printf("Store benchmark: %,d contacts, %,d bytes of CSV%n", rows, Files.size(csv));
        warmUp();
        try (TestPlatform pg = new TestPlatform(Dialect.POSTGRES)) {
            double copy = rawCopy(pg, csv);
            double insert = timed(() -> upsert(pg, csv));
            double unchanged = timed(() -> upsert(pg, csv));
            report("PostgreSQL raw COPY FROM STDIN", rows, copy, copy);
            report("PostgreSQL bulk upsert, new rows", rows, insert, copy);
            report("PostgreSQL bulk upsert, unchanged", rows, unchanged, copy);
        }
        Path h2Dir = Files.createTempDirectory("hotcrm-bench-h2");
        try (TestPlatform h2 = new TestPlatform(Database.open(Database.embeddedUrl(h2Dir), "sa", "", 8))) {
            double insert = timed(() -> upsert(h2, csv));
            double unchanged = timed(() -> upsert(h2, csv));
            report("H2 bulk upsert, new rows", rows, insert, 0);
            report("H2 bulk upsert, unchanged", rows, unchanged, 0);
        }
        Files.deleteIfExists(csv);
        deleteTree(h2Dir);
        System.exit(0);
    }

    /** Runs every measured path once on a small file first, so the JIT has compiled them before timing. */
    static void warmUp() throws Exception {
        Path small = Files.createTempFile("hotcrm-bench-warmup", ".csv");
        generate(small, 20_000);
        System.out.println("Warming up on 20,000 rows (not measured)…");
        try (TestPlatform pg = new TestPlatform(Dialect.POSTGRES)) {
            rawCopy(pg, small);
            upsert(pg, small);
            upsert(pg, small);
        }
        try (TestPlatform h2 = new TestPlatform(Dialect.H2)) {
            upsert(h2, small);
            upsert(h2, small);
        }
        Files.deleteIfExists(small);
    }

    static void deleteTree(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    interface Work {
        void run() throws Exception;
    }

    static double timed(Work w) throws Exception {
        long t0 = System.nanoTime();
        w.run();
        return (System.nanoTime() - t0) / 1e9;
    }

    static void report(String what, int rows, double seconds, double copySeconds) {
        System.out.printf("%-36s %8.2f s %10.0f rows/s%s%n", what, seconds, rows / seconds,
                copySeconds > 0 ? String.format("   %.2f× raw COPY", seconds / copySeconds) : "");
    }

    static void generate(Path file, int rows) throws IOException {
        Random r = new Random(42);
        String[] levels = {"C-level", "VP", "Director", "Manager", "Individual Contributor"};
        String[] strength = {"Strong", "Medium", "Weak", "Unknown"};
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8); CsvWriter out = CsvWriter.builder().build(w)) {
            out.writeRecord(concat("external_id", FIELDS));
            for (int i = 0; i < rows; i++) {
                out.writeRecord("C-" + i, "Zoë " + i, "Müller-" + (i % 5000), "contact" + i + "@example.com",
                        "+49 30 " + (1000000 + r.nextInt(8999999)), "Head of \"Ops\", EMEA", "Sales",
                        levels[r.nextInt(levels.length)], strength[r.nextInt(strength.length)],
                        "Met at fair " + LocalDate.of(2025, 1, 1).plusDays(r.nextInt(365)) + "\nFollow up, please");
            }
        }
    }

    static List<String> concat(String first, List<String> rest) {
        List<String> all = new java.util.ArrayList<>();
        all.add(first);
        all.addAll(rest);
        return all;
    }

    static double rawCopy(TestPlatform pg, Path csv) throws Exception {
        try (Connection c = pg.db.dataSource().getConnection(); Statement st = c.createStatement()) {
            st.execute("create table bench_copy (external_id varchar(255) primary key, first_name varchar(40), last_name varchar(80),"
                    + " email varchar(320) unique, phone varchar(40), title varchar(128), department varchar(80), level varchar(255),"
                    + " relationship_strength varchar(255), notes text)");
            long t0 = System.nanoTime();
            try (Reader in = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
                c.unwrap(PGConnection.class).getCopyAPI().copyIn("copy bench_copy from stdin (format csv, header true)", in);
            }
            return (System.nanoTime() - t0) / 1e9;
        }
    }

    static void upsert(TestPlatform t, Path csv) throws IOException {
        try (CsvReader<CsvRecord> reader = CsvReader.builder().ofCsvRecord(csv)) {
            Iterator<CsvRecord> it = reader.iterator();
            it.next();
            Iterator<Object[]> rows = new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return it.hasNext();
                }

                @Override
                public Object[] next() {
                    CsvRecord r = it.next();
                    Object[] row = new Object[FIELDS.size() + 1];
                    for (int i = 0; i < row.length; i++) {
                        row[i] = r.getField(i);
                    }
                    return row;
                }
            };
            BulkWriter.Result result = t.bulk.upsert(t.admin, "contact", "external_id", FIELDS, rows);
            System.out.println("  " + result);
        }
    }
}
