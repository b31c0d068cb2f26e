package io.hotcrm.bench;

import de.siegmar.fastcsv.writer.CsvWriter;
import io.hotcrm.importing.ImportListener;
import io.hotcrm.importing.ImportRequest;
import io.hotcrm.importing.ImportSummary;
import io.hotcrm.metadata.FieldDef;
import io.hotcrm.metadata.FieldType;
import io.hotcrm.security.Principal;
import io.hotcrm.store.Database;
import io.hotcrm.store.Dialect;
import io.hotcrm.testing.TestPlatform;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.postgresql.PGConnection;

/**
 * The import benchmark: generates users, accounts (rows / 10) and contacts (rows) shaped like the
 * performance baseline — contacts refer to accounts by external id and to owners by email, with picklists,
 * dates, multi-selects, quoted commas and newlines and non-ASCII names — and imports them end to end with
 * HotCRM's importer, printing rows/s, the ratio to a raw {@code COPY FROM STDIN} of the same contacts file
 * into an equivalent indexed table measured in the same run, and the peak heap of each phase.
 * Run: {@code mvn -B -Pbench verify -Dbench.name=ImportBenchmark -Dbench.rows=1000000} (heap capped at 1 GB).
 */
public final class ImportBenchmark {
    static final String[] FIRST = {"Ann", "José", "Zoë", "Łukasz", "Ирина", "李", "Nguyễn Văn", "Søren", "Amélie", "Mohammed",
        "Chloé", "Björn", "Ana", "Ethan", "Yuki", "Olga", "Raúl", "Fatima", "Noah", "Ines"};
    static final String[] LAST = {"Lee", "O'Brien", "Ødegård", "van der Berg", "Müller", "García", "Smith-Jones", "Kowalski",
        "Nakamura", "Rossi", "Dubois", "Öztürk", "Novák", "Silva", "Haddad", "Kim", "Andersson", "Popescu", "Ng", "Costa"};
    static final String[] TITLES = {"CEO", "VP, Sales", "Head of \"Ops\"", "Engineer", "", "Buyer", "CFO", "Director, EMEA"};
    static final String[] LEVELS = {"C-level", "VP", "Director", "Manager", "Individual Contributor"};
    static final String[] STRENGTH = {"Strong", "Medium", "Weak"};
    static final String[] INTERESTS = {"Cloud", "Security", "Analytics", "AI", "Mobile", "IoT", "Data", "DevOps", "CRM", "ERP"};
    static final String[] CITIES = {"Berlin", "München", "Zürich", "São Paulo", "Kraków", "Boston", "Austin", "Paris"};
    static final String[] INDUSTRIES = {"Technology", "Finance", "Manufacturing", "Retail", "Healthcare", "Education"};
    static final List<String> CONTACT_HEADER = List.of("external_id", "first_name", "last_name", "email", "phone", "title",
            "account_external_id", "owner_email", "birthdate", "level", "relationship_strength", "interests", "notes");

    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        // print where each import spends its time (the importer logs its stage timings at debug level)
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("io.hotcrm.importing.Importer"))
                .setLevel(ch.qos.logback.classic.Level.DEBUG);
        int accounts = Math.max(1, rows / 10);
        Path dir = BenchFiles.tempDir("hotcrm-import-bench");
        Path users = dir.resolve("users.csv");
        Path accountsCsv = dir.resolve("accounts.csv");
        Path contacts = dir.resolve("contacts.csv");
        Path changed = dir.resolve("contacts-changed.csv");
        generate(users, accountsCsv, contacts, changed, rows, accounts);
        System.out.printf("Import benchmark: %,d contacts (%,d bytes), %,d accounts, 50 users; heap limit %d MB%n", rows,
                Files.size(contacts), accounts, Runtime.getRuntime().maxMemory() / 1024 / 1024);

        System.out.println("Warming up on " + Math.min(rows, 20_000) + " rows (not measured)…");
        Path warm = dir.resolve("warm");
        Files.createDirectories(warm);
        generate(warm.resolve("u.csv"), warm.resolve("a.csv"), warm.resolve("c.csv"), warm.resolve("x.csv"),
                Math.min(rows, 20_000), Math.max(1, Math.min(rows, 20_000) / 10));
        try (TestPlatform w = platform(Dialect.POSTGRES, null)) {
            runAll(w, warm.resolve("u.csv"), warm.resolve("a.csv"), warm.resolve("c.csv"), warm.resolve("x.csv"), false);
        }

        String only = System.getProperty("bench.db", "");
        if (!only.equalsIgnoreCase("h2")) {
            double[] shaped;
            String used;
            try (TestPlatform pg = platform(Dialect.POSTGRES, null)) {
                double copy = rawCopy(pg, contacts);
                report("PostgreSQL raw COPY FROM STDIN (contacts)", rows, copy, copy, -1);
                shaped = runAll(pg, users, accountsCsv, contacts, changed, true, copy, rows);
                used = pg.db.url();
            }
            quiet(used);
            for (String opts : System.getProperty("bench.javaOpts", "").split("\\|", -1)) {
                asRun(users, accountsCsv, contacts, rows, shaped[0], opts.strip());
            }
        }
        if (!only.equalsIgnoreCase("postgres")) {
            Path h2Dir = BenchFiles.tempDir("hotcrm-bench-h2");
            try (TestPlatform h2 = platform(Dialect.H2, h2Dir)) {
                runAll(h2, users, accountsCsv, contacts, changed, true, 0, rows);
            }
            asRunEmbedded(users, accountsCsv, contacts, rows);
        }
        System.exit(0);
    }

    static TestPlatform platform(Dialect d, Path h2Dir) {
        TestPlatform t = h2Dir == null ? new TestPlatform(d) : new TestPlatform(Database.open(Database.embeddedUrl(h2Dir), "sa", "", 8));
        t.schema.addCustomField(Principal.system(), "contact", FieldDef.custom("birthdate", FieldType.DATE, "Birthdate",
                null, null, false, false, 0, 0));
        t.schema.addCustomField(Principal.system(), "contact", FieldDef.custom("interests", FieldType.MULTI_PICKLIST,
                "Interests", List.of(INTERESTS), null, false, false, 0, 0));
        return t;
    }

    static void runAll(TestPlatform t, Path users, Path accounts, Path contacts, Path changed, boolean print) throws IOException {
        runAll(t, users, accounts, contacts, changed, print, 0, 0);
    }

    /**
     * The import as a user runs it: {@code ./hotcrm import contacts.csv --object contact} as its own process on a new
     * PostgreSQL database (users and accounts imported first by the same command), wall time including the JVM's
     * start, against PostgreSQL's own COPY of the same rows into HotCRM's contact table measured in this run.
     */
    static void asRun(Path users, Path accounts, Path contacts, int rows, double shapedCopy, String javaOpts)
            throws Exception {
        String url = io.hotcrm.testing.TestDb.url(Dialect.POSTGRES);
        Path data = BenchFiles.tempDir("hotcrm-bench-cli");
        Path log = data.resolve("cli.log");
        cli(url, data, log, javaOpts, "import", users.toString(), "--object", "user");
        cli(url, data, log, javaOpts, "fields", "add", "contact", "birthdate", "date", "--label", "Birthdate");
        cli(url, data, log, javaOpts, "fields", "add", "contact", "interests", "multi-picklist", "--label", "Interests", "--values",
                String.join(";", INTERESTS));
        cli(url, data, log, javaOpts, "import", accounts.toString(), "--object", "account");
        checkpoint();
        double seconds = cli(url, data, log, javaOpts, "import", contacts.toString(), "--object", "contact");
        double again = cli(url, data, log, javaOpts, "import", contacts.toString(), "--object", "contact");
        System.out.printf("As a user runs it (./hotcrm import, its own JVM, wall time%s):%n"
                        + "  contacts, all new %.2f s (%,.0f rows/s) → %.2f× PostgreSQL's own COPY into HotCRM's contact table"
                        + " (%.2f s)%n  contacts, unchanged %.2f s → %.2f×%n", javaOpts.isEmpty() ? "" : ", " + javaOpts,
                seconds, rows / seconds, seconds / shapedCopy,
                shapedCopy, again, again / shapedCopy);
    }

    /** The import as a user runs it on the embedded default: {@code ./hotcrm import} into a new data directory. */
    static void asRunEmbedded(Path users, Path accounts, Path contacts, int rows) throws Exception {
        Path data = BenchFiles.tempDir("hotcrm-bench-cli-h2");
        Path log = data.resolve("cli.log");
        cli(null, null, null, data, log, "", "import", users.toString(), "--object", "user");
        cli(null, null, null, data, log, "", "fields", "add", "contact", "birthdate", "date", "--label", "Birthdate");
        cli(null, null, null, data, log, "", "fields", "add", "contact", "interests", "multi-picklist", "--label", "Interests",
                "--values", String.join(";", INTERESTS));
        cli(null, null, null, data, log, "", "import", accounts.toString(), "--object", "account");
        double seconds = cli(null, null, null, data, log, "", "import", contacts.toString(), "--object", "contact");
        double again = cli(null, null, null, data, log, "", "import", contacts.toString(), "--object", "contact");
        System.out.printf("As a user runs it on the embedded H2 (./hotcrm import, its own JVM, wall time):%n"
                + "  contacts, all new %.2f s (%,.0f rows/s); unchanged %.2f s (%,.0f rows/s)%n", seconds, rows / seconds, again,
                rows / again);
    }

    /**
     * Drops the database the in-process runs used and checkpoints, so that its million updated rows (autovacuum,
     * dirty pages) do not slow the command timed next, as they would not on a user's server.
     */
    static void quiet(String usedUrl) throws Exception {
        String name = usedUrl.replaceAll(".*/([^/?]+)(\\?.*)?$", "$1");
        try (Connection c = io.hotcrm.testing.TestDb.postgres().getPostgresDatabase().getConnection();
             Statement st = c.createStatement()) {
            st.execute("drop database if exists " + name + " with (force)");
            st.execute("checkpoint");
        }
    }

    static void checkpoint() throws Exception {
        try (Connection c = io.hotcrm.testing.TestDb.postgres().getPostgresDatabase().getConnection();
             Statement st = c.createStatement()) {
            st.execute("checkpoint");
        }
    }

    /** Runs {@code ./hotcrm ARGS} against the database; returns its wall time in seconds, failing when it fails. */
    static double cli(String url, Path data, Path log, String javaOpts, String... args) throws IOException, InterruptedException {
        return cli(url, "postgres", "postgres", data, log, javaOpts, args);
    }

    /** The same with the database's user and password. */
    static double cli(String url, String user, String password, Path data, Path log, String javaOpts, String... args)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of("hotcrm").toAbsolutePath().toString());
        cmd.addAll(List.of(args));
        ProcessBuilder b = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        if (url != null) {
            b.environment().put("HOTCRM_DB_URL", url);
            b.environment().put("HOTCRM_DB_USER", user);
            b.environment().put("HOTCRM_DB_PASSWORD", password);
        } else {
            // the embedded default a new user starts with
            b.environment().remove("HOTCRM_DB_URL");
        }
        b.environment().put("HOTCRM_DATA", data.toString());
        if (!javaOpts.isBlank()) {
            b.environment().put("HOTCRM_JAVA_OPTS", javaOpts);
        }
        long t0 = System.nanoTime();
        int exit = b.start().waitFor();
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (exit != 0) {
            throw new IllegalStateException("./hotcrm " + String.join(" ", args) + " ended with " + exit + ": "
                    + Files.readString(log));
        }
        return seconds;
    }

    static double[] runAll(TestPlatform t, Path users, Path accounts, Path contacts, Path changed, boolean print, double copy,
                       int rows) throws IOException {
        String db = t.db.dialect() == Dialect.POSTGRES ? "PostgreSQL" : "H2";
        timedImport(t, users, "user");
        Result a = timedImport(t, accounts, "account");
        Result n = timedImport(t, contacts, "contact");
        double[] shaped = print && t.db.dialect() == Dialect.POSTGRES ? shapedReference(t) : null;
        Result u = timedImport(t, contacts, "contact");
        Result c = timedImport(t, changed, "contact");
        if (print) {
            report(db + " import accounts (new)", a.summary.created(), a.seconds, 0, a.peakMb);
            report(db + " import contacts, all new", rows, n.seconds, copy, n.peakMb);
            report(db + " re-import contacts, unchanged", rows, u.seconds, copy, u.peakMb);
            report(db + " import contacts, every row changed", rows, c.seconds, copy, c.peakMb);
            if (shaped != null) {
                System.out.printf("  against the database's own work on HotCRM's contact table (same columns and indexes):%n"
                        + "    COPY of the imported rows %.2f s → all new %.2f×, unchanged %.2f×;"
                        + " one UPDATE of every row %.2f s → every row changed %.2f×%n",
                        shaped[0], n.seconds / shaped[0], u.seconds / shaped[0], shaped[1], c.seconds / shaped[1]);
            }
            System.out.println("  counts: new " + counts(n.summary) + "; unchanged " + counts(u.summary) + "; changed "
                    + counts(c.summary));
        }
        return shaped;
    }

    static String counts(ImportSummary s) {
        return "created " + s.created() + ", updated " + s.updated() + ", unchanged " + s.unchanged() + ", failed " + s.failed();
    }

    record Result(ImportSummary summary, double seconds, long peakMb) {
    }

    static Result timedImport(TestPlatform t, Path file, String object) {
        System.gc();
        List<MemoryPoolMXBean> heap = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP).toList();
        heap.forEach(MemoryPoolMXBean::resetPeakUsage);
        long t0 = System.nanoTime();
        ImportSummary s = t.importer.run(t.admin, ImportRequest.of(file, object), ImportListener.NONE);
        double seconds = (System.nanoTime() - t0) / 1e9;
        long peak = heap.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum() / 1024 / 1024;
        if (s.failed() > 0) {
            System.out.println("  " + object + ": " + s.failed() + " rows failed, e.g. " + s.problems().get(0).describe());
        }
        return new Result(s, seconds, peak);
    }

    static void report(String what, long rows, double seconds, double copySeconds, long peakMb) {
        System.out.printf("%-46s %8.2f s %10.0f rows/s%s%s%n", what, seconds, rows / seconds,
                copySeconds > 0 ? String.format("   %.2f× raw COPY", seconds / copySeconds) : "",
                peakMb >= 0 ? "   peak heap " + peakMb + " MB" : "");
    }

    static void generate(Path users, Path accounts, Path contacts, Path changed, int rows, int accountCount) throws IOException {
        SplittableRandom r = new SplittableRandom(42);
        try (Writer w = Files.newBufferedWriter(users, StandardCharsets.UTF_8); CsvWriter out = CsvWriter.builder().build(w)) {
            out.writeRecord("email", "name", "role", "external_id");
            for (int i = 1; i <= 50; i++) {
                out.writeRecord(String.format("owner%02d@crm.example.com", i), "Owner " + i, "standard", String.format("USR-%04d", i));
            }
        }
        try (Writer w = Files.newBufferedWriter(accounts, StandardCharsets.UTF_8); CsvWriter out = CsvWriter.builder().build(w)) {
            out.writeRecord("external_id", "name", "industry", "annual_revenue", "billing_street", "billing_city", "owner_email");
            for (int i = 1; i <= accountCount; i++) {
                out.writeRecord(String.format("ACC-%06d", i), "Müller & Söhne Holdings " + i + (i % 5 == 0 ? ", Inc." : ""),
                        INDUSTRIES[r.nextInt(INDUSTRIES.length)], r.nextInt(20) == 0 ? "" : (1000 + r.nextInt(9_000_000)) + ".00",
                        (100 + r.nextInt(900)) + " Main St" + (r.nextInt(10) == 0 ? ", Suite " + r.nextInt(99) : "")
                                + (r.nextInt(33) == 0 ? "\nBuilding B" : ""),
                        CITIES[r.nextInt(CITIES.length)], String.format("owner%02d@crm.example.com", 1 + r.nextInt(50)));
            }
        }
        SplittableRandom r2 = new SplittableRandom(7);
        try (Writer w = Files.newBufferedWriter(contacts, StandardCharsets.UTF_8); CsvWriter out = CsvWriter.builder().build(w);
             Writer w2 = Files.newBufferedWriter(changed, StandardCharsets.UTF_8); CsvWriter out2 = CsvWriter.builder().build(w2)) {
            out.writeRecord(CONTACT_HEADER);
            out2.writeRecord(CONTACT_HEADER);
            for (int i = 1; i <= rows; i++) {
                String first = FIRST[r2.nextInt(FIRST.length)];
                String last = LAST[r2.nextInt(LAST.length)];
                List<String> interests = new ArrayList<>();
                int k = r2.nextInt(5);
                for (int j = 0; j < k; j++) {
                    String x = INTERESTS[r2.nextInt(INTERESTS.length)];
                    if (!interests.contains(x)) {
                        interests.add(x);
                    }
                }
                int d = r2.nextInt(100);
                String notes = d < 55 ? "" : d < 93 ? "Met at the fair" : d < 98 ? "Prefers \"email\", not calls, please" : "Line one\nline two";
                List<String> row = List.of(String.format("CON-%07d", i), first, last,
                        ascii(first) + "." + ascii(last) + "." + i + "@example.com",
                        r2.nextInt(10) == 0 ? "" : "+1 555 " + (1000000 + r2.nextInt(8999999)), TITLES[r2.nextInt(TITLES.length)],
                        String.format("ACC-%06d", 1 + r2.nextInt(accountCount)), String.format("owner%02d@crm.example.com", 1 + r2.nextInt(50)),
                        r2.nextInt(10) == 0 ? "" : LocalDate.of(1950, 1, 1).plusDays(r2.nextInt(20000)).toString(),
                        LEVELS[r2.nextInt(LEVELS.length)], STRENGTH[r2.nextInt(STRENGTH.length)], String.join(";", interests), notes);
                out.writeRecord(row);
                List<String> other = new ArrayList<>(row);
                other.set(5, "Changed " + (i % 97));
                out2.writeRecord(other);
            }
        }
    }

    static String ascii(String s) {
        String n = java.text.Normalizer.normalize(s, java.text.Normalizer.Form.NFD).replaceAll("[^A-Za-z]", "").toLowerCase();
        return n.isEmpty() ? "x" : n;
    }

    /**
     * What PostgreSQL itself needs for the same rows in HotCRM's table shape: the imported contacts are copied
     * out as CSV, then timed (1) COPY into an empty table like {@code obj_contact} (same columns, indexes and
     * sequence default) and (2) one UPDATE that changes a column of every row, as the "every row changed" import does.
     */
    static double[] shapedReference(TestPlatform pg) {
        try (Connection c = pg.db.dataSource().getConnection(); Statement st = c.createStatement()) {
            Path out = Files.createTempFile("hotcrm-bench-contacts", ".csv");
            try (Writer w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
                c.unwrap(PGConnection.class).getCopyAPI().copyOut("copy obj_contact to stdout (format csv)", w);
            }
            st.execute("create table bench_shaped (like obj_contact including all) with (fillfactor = 90)");
            st.execute("checkpoint");
            long t0 = System.nanoTime();
            try (Reader in = Files.newBufferedReader(out, StandardCharsets.UTF_8)) {
                c.unwrap(PGConnection.class).getCopyAPI().copyIn("copy bench_shaped from stdin (format csv)", in);
            }
            double copy = (System.nanoTime() - t0) / 1e9;
            st.execute("vacuum analyze bench_shaped");
            st.execute("checkpoint");
            t0 = System.nanoTime();
            st.execute("update bench_shaped set title = coalesce(title, '') || '!', updated_at = now(),"
                    + " change_seq = nextval('hc_change_seq')");
            double update = (System.nanoTime() - t0) / 1e9;
            st.execute("drop table bench_shaped");
            Files.delete(out);
            return new double[] {copy, update};
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static double rawCopy(TestPlatform pg, Path csv) throws Exception {
        try (Connection c = pg.db.dataSource().getConnection(); Statement st = c.createStatement()) {
            st.execute("create table bench_contacts (external_id varchar(255) primary key, first_name varchar(40),"
                    + " last_name varchar(80), email varchar(320) unique, phone varchar(40), title varchar(128),"
                    + " account_external_id varchar(255), owner_email varchar(320), birthdate date, level varchar(255),"
                    + " relationship_strength varchar(255), interests varchar(4000), notes text)");
            long t0 = System.nanoTime();
            try (Reader in = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
                c.unwrap(PGConnection.class).getCopyAPI().copyIn("copy bench_contacts from stdin (format csv, header true)", in);
            }
            return (System.nanoTime() - t0) / 1e9;
        }
    }
}
