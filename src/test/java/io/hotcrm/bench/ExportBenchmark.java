package io.hotcrm.bench;

import io.hotcrm.exporting.ExportFormat;
import io.hotcrm.exporting.ExportOptions;
import io.hotcrm.exporting.ExportRequest;
import io.hotcrm.exporting.ExportSummary;
import io.hotcrm.importing.ImportListener;
import io.hotcrm.importing.ImportRequest;
import io.hotcrm.store.Dialect;
import io.hotcrm.testing.TestPlatform;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import org.postgresql.PGConnection;

/**
 * The export benchmark: loads the import benchmark's contacts (rows) and accounts (rows / 10) with the
 * importer, then exports every contact — its fields, the account's and owner's ids, names, external id and
 * email: the columns HotCRM's export writes — to CSV, JSON Lines and Parquet (and Excel up to 1M rows) as an administrator, printing rows/s, the
 * ratio to the database's own dump of the same rows and columns measured in the same run (PostgreSQL
 * {@code COPY (SELECT …) TO STDOUT}; H2 {@code CSVWRITE}; the median of three), and the peak heap of each export; then
 * CSV and Parquet as a user runs them ({@code ./hotcrm export}, its own process; the median of three runs).
 * Run: {@code mvn -B -Pbench verify -Dbench.name=ExportBenchmark -Dbench.rows=1000000} (heap capped at 1 GB).
 */
public final class ExportBenchmark {
    static final String SELECT = "select t.id, t.external_id, t.first_name, t.last_name, t.email, t.phone, t.title,"
            + " t.account_id, a.name as account_name, a.external_id as account_external_id, t.birthdate, t.level,"
            + " t.relationship_strength, t.interests, t.notes, t.owner_id, u.name as owner_name, u.email as owner_email,"
            + " t.created_at, t.updated_at"
            + " from obj_contact t left join obj_account a on a.id = t.account_id and a.deleted_at is null"
            + " left join obj_user u on u.id = t.owner_id and u.deleted_at is null where t.deleted_at is null order by t.id";
    static final List<String> FIELDS = List.of("id", "external_id", "first_name", "last_name", "email", "phone", "title",
            "account_id", "birthdate", "level", "relationship_strength", "interests", "notes", "owner_id", "created_at", "updated_at");

    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        Path dir = BenchFiles.tempDir("hotcrm-export-bench");
        ImportBenchmark.generate(dir.resolve("users.csv"), dir.resolve("accounts.csv"), dir.resolve("contacts.csv"),
                dir.resolve("changed.csv"), rows, Math.max(1, rows / 10));
        System.out.printf("Export benchmark: %,d contacts; heap limit %d MB%n", rows, Runtime.getRuntime().maxMemory() / 1024 / 1024);
        String only = System.getProperty("bench.db", "");
        for (Dialect d : List.of(Dialect.POSTGRES, Dialect.H2)) {
            if (!only.isEmpty() && !only.equalsIgnoreCase(d.name())) {
                continue;
            }
            Path h2 = d == Dialect.H2 ? BenchFiles.tempDir("hotcrm-export-bench-h2") : null;
            String url;
            double ref;
            String db = d == Dialect.POSTGRES ? "PostgreSQL" : "H2";
            Path out = dir.resolve("out");
            try (TestPlatform t = h2 == null ? ImportBenchmark.platform(d, null)
                    : ImportBenchmark.platform(d, h2)) {
                url = t.db.url();
                for (String[] f : new String[][] {{"users.csv", "user"}, {"accounts.csv", "account"}, {"contacts.csv", "contact"}}) {
                    t.importer.run(t.admin, ImportRequest.of(dir.resolve(f[0]), f[1]), ImportListener.NONE);
                }
                Files.createDirectories(out);
                settle(t);
                reference(t, out.resolve("ref.csv"));
                // the median of three: one dump swung by a third between consecutive runs of the benchmark
                double[] refs = new double[RUNS];
                for (int k = 0; k < RUNS; k++) {
                    refs[k] = reference(t, out.resolve("ref.csv"));
                }
                ref = median(refs);
                report(db + (d == Dialect.POSTGRES ? " COPY (SELECT …) TO STDOUT csv" : " CSVWRITE"), rows, ref, ref, -1,
                        Files.size(out.resolve("ref.csv")));
                System.out.println(runs(refs));
                export(t, ExportFormat.CSV, out, rows, 0, "(warm-up)");
                for (ExportFormat f : List.of(ExportFormat.CSV, ExportFormat.JSONL, ExportFormat.PARQUET, ExportFormat.XLSX)) {
                    if (f == ExportFormat.XLSX && rows > 1_000_000) {
                        continue;
                    }
                    export(t, f, out, rows, ref, db);
                }
            }
            // as a user runs it: ./hotcrm export as its own process (the database no longer held by this one), wall time
            // with the JVM's start, against the same dump measured above
            asRun(url, d, out, rows, ref, db);
        }
        System.exit(0);
    }

    static void asRun(String url, Dialect d, Path out, int rows, double ref, String db) throws Exception {
        Path data = BenchFiles.tempDir("hotcrm-export-cli");
        Path log = data.resolve("cli.log");
        String user = d == Dialect.POSTGRES ? "postgres" : "sa";
        String password = d == Dialect.POSTGRES ? "postgres" : "";
        // not timed: builds the jar and its class-data archive if need be, as a user's first command would
        ImportBenchmark.cli(url, user, password, data, log, "", "objects");
        if (d == Dialect.POSTGRES) {
            ImportBenchmark.checkpoint();
        }
        for (ExportFormat f : List.of(ExportFormat.CSV, ExportFormat.PARQUET)) {
            double[] seconds = new double[RUNS];
            Path file = null;
            for (int k = 0; k < RUNS; k++) {
                file = out.resolve("cli-contacts-" + k + "." + f.extension());
                seconds[k] = ImportBenchmark.cli(url, user, password, data, log, "", "export", "--object", "contact", "--fields",
                        String.join(",", FIELDS), "--format", f.wireName(), "--output", file.toString());
            }
            report(db + " ./hotcrm export " + f.wireName() + " (as run)", rows, median(seconds), ref, -1, Files.size(file));
            System.out.println(runs(seconds));
        }
    }

    /** Each timing that a single sample would make a lottery (the dump, a command as run) is the median of this many. */
    static final int RUNS = 3;

    static double median(double[] samples) {
        double[] sorted = samples.clone();
        java.util.Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    static String runs(double[] samples) {
        StringBuilder b = new StringBuilder("    (median of");
        for (double v : samples) {
            b.append(String.format(" %.2f", v));
        }
        return b.append(" s)").toString();
    }

    /**
     * PostgreSQL: vacuums, analyses and checkpoints the loaded tables, so that no measurement shares the machine with
     * autovacuum's pass over the new rows (nor sets their hint bits), as none would on a user's settled database.
     */
    static void settle(TestPlatform t) throws Exception {
        if (t.db.dialect() == Dialect.POSTGRES) {
            try (Connection c = t.db.dataSource().getConnection(); Statement st = c.createStatement()) {
                st.execute("vacuum analyze");
                st.execute("checkpoint");
            }
        }
    }

    static double reference(TestPlatform t, Path file) throws Exception {
        try (Connection c = t.db.dataSource().getConnection(); Statement st = c.createStatement()) {
            long t0 = System.nanoTime();
            if (t.db.dialect() == Dialect.POSTGRES) {
                try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
                    c.unwrap(PGConnection.class).getCopyAPI().copyOut("copy (" + SELECT + ") to stdout (format csv, header true)", o);
                }
            } else {
                st.execute("call csvwrite('" + file.toAbsolutePath() + "', '" + SELECT.replace("'", "''") + "', 'charset=UTF-8')");
            }
            return (System.nanoTime() - t0) / 1e9;
        }
    }

    static void export(TestPlatform t, ExportFormat f, Path dir, int rows, double ref, String db) throws Exception {
        System.gc();
        List<MemoryPoolMXBean> heap = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP).toList();
        heap.forEach(MemoryPoolMXBean::resetPeakUsage);
        Path file = dir.resolve("contacts." + f.extension());
        long t0 = System.nanoTime();
        ExportSummary s;
        try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            s = t.exporter.export(t.admin, new ExportRequest("contact", null, null, FIELDS, List.of(), ExportOptions.of(f)), o);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        long peak = heap.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum() / 1024 / 1024;
        if (s.rows() != rows) {
            throw new IllegalStateException("exported " + s.rows() + " rows, expected " + rows);
        }
        if (ref > 0) {
            report(db + " export " + f.wireName(), rows, seconds, ref, peak, Files.size(file));
        }
    }

    static void report(String what, long rows, double seconds, double ref, long peakMb, long bytes) {
        System.out.printf("%-44s %8.2f s %10.0f rows/s %9.1f MB   %.2f× the database's dump%s%n", what, seconds, rows / seconds,
                bytes / 1e6, seconds / ref, peakMb >= 0 ? "   peak heap " + peakMb + " MB" : "");
    }

}
