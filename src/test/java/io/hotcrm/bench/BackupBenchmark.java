package io.hotcrm.bench;

import io.hotcrm.backup.Backups;
import io.hotcrm.security.Principal;
import io.hotcrm.store.Database;
import io.hotcrm.testing.TestPlatform;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The backup benchmark: HotCRM's backup and restore of {@code rows} contacts (and a tenth as many accounts, with their
 * import files) on PostgreSQL, against PostgreSQL's own {@code pg_dump -Fc} and {@code pg_restore} of the same database,
 * measured in the same run on the same server. The server is a PostgreSQL of this machine started for the run (Debian's
 * {@code postgresql-15}: {@code apt-get install -y postgresql}), so that {@code pg_dump} and the server are the same
 * version; it runs without autovacuum, and each restore starts after a checkpoint, so neither side's background work
 * lands in the other's time. Prints MB/s, rows/s and the ratios.
 * Run: {@code mvn -B -Pbench verify -Dbench.name=BackupBenchmark -Dbench.rows=1000000}.
 */
public final class BackupBenchmark {
    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        Path bin = Path.of(System.getProperty("bench.pgbin", "/usr/lib/postgresql/15/bin"));
        if (!Files.isExecutable(bin.resolve("pg_dump"))) {
            System.out.println("Backup benchmark: no PostgreSQL tools in " + bin + " (apt-get install -y postgresql, or -Dbench.pgbin=DIR)");
            System.exit(2);
        }
        Path dir = BenchFiles.tempDir("hotcrm-backup-bench");
        int port = 55000 + (int) (ProcessHandle.current().pid() % 1000);
        Path cluster = dir.resolve("cluster");
        Path server = Files.createDirectories(dir.resolve("server"));
        // PostgreSQL does not run as root: the server runs as the postgres user when this process is root
        List<String> as = "root".equals(System.getProperty("user.name")) ? List.of("runuser", "-u", "postgres", "--") : List.of();
        if (!as.isEmpty()) {
            run(dir, "chmod", "755", dir.toString());
            run(dir, "chown", "postgres", server.toString());
            cluster = server.resolve("cluster");
        }
        run(dir, cat(as, bin.resolve("initdb").toString(), "-D", cluster.toString(), "-U", "postgres", "-A", "trust", "--no-sync"));
        run(dir, cat(as, bin.resolve("pg_ctl").toString(), "-D", cluster.toString(), "-l", server.resolve("pg.log").toString(), "-o",
                "-p " + port + " -k " + server + " -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c autovacuum=off",
                "-w", "start"));
        try {
            for (String db : List.of("source", "restored", "reference")) {
                run(dir, bin.resolve("createdb").toString(), "-h", "localhost", "-p", Integer.toString(port), "-U", "postgres", db);
            }
            String url = "jdbc:postgresql://localhost:" + port + "/";
            int accounts = Math.max(1, rows / 10);
            Path users = dir.resolve("users.csv");
            Path accountsCsv = dir.resolve("accounts.csv");
            Path contacts = dir.resolve("contacts.csv");
            ImportBenchmark.generate(users, accountsCsv, contacts, dir.resolve("changed.csv"), rows, accounts);
            try (TestPlatform t = new TestPlatform(Database.open(url + "source", "postgres", "", 8))) {
                long t0 = System.nanoTime();
                ImportBenchmark.timedImport(t, users, "user");
                ImportBenchmark.timedImport(t, accountsCsv, "account");
                ImportBenchmark.timedImport(t, contacts, "contact");
                long dbBytes = t.db.jdbi().withHandle(h -> h.createQuery("select pg_database_size(current_database())").mapTo(Long.class)
                        .one());
                long fileBytes = 0;
                for (String key : t.files.listAll()) {
                    try (var in = t.files.open(key)) {
                        fileBytes += in.transferTo(java.io.OutputStream.nullOutputStream());
                    }
                }
                System.out.printf("Backup benchmark: %,d contacts and %,d accounts on PostgreSQL 15 (2 cores), loaded in %.1f s: database"
                        + " %.0f MB, files %.0f MB%n", rows, accounts, (System.nanoTime() - t0) / 1e9, dbBytes / 1e6, fileBytes / 1e6);
                List<double[]> rounds = new ArrayList<>();
                for (int round = 1; round <= 2; round++) {
                    Path out = dir.resolve("backups-" + round);
                    Backups.Created c = t.backups.create(Principal.system(), out);
                    Path dump = dir.resolve("dump-" + round + ".pgdump");
                    long d0 = System.nanoTime();
                    run(dir, bin.resolve("pg_dump").toString(), "-h", "localhost", "-p", Integer.toString(port), "-U", "postgres",
                            "-Fc", "-f", dump.toString(), "source");
                    double dumpSeconds = (System.nanoTime() - d0) / 1e9;

                    // neither restore pays for the other's dirty pages: a checkpoint before each (autovacuum is off for the
                    // run, so no background vacuum of one's fresh tables slows the other)
                    checkpoint(url);
                    Backups.Restored r;
                    try (Database target = Database.open(url + "restored", "postgres", "", 4)) {
                        r = new Backups(target, t.files, "bench").restore(Principal.system(), Path.of(c.archive()), true);
                    }
                    checkpoint(url);
                    long r0 = System.nanoTime();
                    run(dir, bin.resolve("pg_restore").toString(), "-h", "localhost", "-p", Integer.toString(port), "-U", "postgres",
                            "--clean", "--if-exists", "-d", "reference", dump.toString());
                    double restoreRef = (System.nanoTime() - r0) / 1e9;
                    double mb = c.bytes() / 1e6;
                    System.out.printf("  round %d: backup %.1f s (%,.0f rows/s, %.0f MB archive, %.1f MB/s) vs pg_dump -Fc %.1f s (%.0f MB)"
                                    + " → %.2f×; restore %.1f s (%,.0f rows/s, checked against the manifest) vs pg_restore %.1f s → %.2f×%n",
                            round, c.seconds(), c.rows() / c.seconds(), mb, mb / c.seconds(), dumpSeconds, Files.size(dump) / 1e6,
                            c.seconds() / dumpSeconds, r.seconds(), r.rows() / r.seconds(), restoreRef, r.seconds() / restoreRef);
                    rounds.add(new double[] {c.seconds() / dumpSeconds, r.seconds() / restoreRef});
                    try (Database target = Database.open(url + "restored", "postgres", "", 2)) {
                        target.jdbi().useHandle(h -> h.createQuery("select string_agg(nspname, ',') from pg_namespace where nspname like"
                                + " 'hotcrm_before_restore_%'").mapTo(String.class).findOne().ifPresent(kept -> {
                                    for (String k : kept.split(",")) {
                                        h.execute("drop schema " + k + " cascade");
                                    }
                                }));
                    }
                }
                for (double[] x : rounds) {
                    System.out.printf("  ratios: backup %.2f× pg_dump, restore %.2f× pg_restore%n", x[0], x[1]);
                }
            }
        } finally {
            run(dir, cat(as, bin.resolve("pg_ctl").toString(), "-D", cluster.toString(), "-m", "immediate", "stop"));
            BenchFiles.delete(dir);
        }
        System.exit(0);
    }

    private static String[] cat(List<String> prefix, String... cmd) {
        List<String> all = new ArrayList<>(prefix);
        all.addAll(List.of(cmd));
        return all.toArray(String[]::new);
    }

    private static void checkpoint(String url) throws java.sql.SQLException {
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(url + "postgres", "postgres", "");
             java.sql.Statement s = c.createStatement()) {
            s.execute("checkpoint");
        }
    }

    private static void run(Path dir, String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(
                dir.resolve("commands.log").toFile())).start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed: see " + dir.resolve("commands.log"));
        }
    }
}
