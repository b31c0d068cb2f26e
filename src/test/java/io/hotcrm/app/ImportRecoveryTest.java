package io.hotcrm.app;

import static org.assertj.core.api.Assertions.assertThat;

import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import io.hotcrm.store.Database;
import io.hotcrm.store.Dialect;
import io.hotcrm.testing.Child;
import io.hotcrm.testing.TestDb;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Command-line imports killed with SIGKILL in their own process, as when a terminal, container or machine
 * dies: the next command sees them interrupted at once, they can be undone or resumed, a resumed import's
 * result file holds every input row exactly once, and an import that is still running is not run twice.
 */
class ImportRecoveryTest {
    static final int ROWS = 120_000;

    @org.junit.jupiter.api.Timeout(value = 240, unit = java.util.concurrent.TimeUnit.SECONDS)
    abstract static class Contract {
        @TempDir
        Path data;
        final io.hotcrm.testing.CliRun run = new io.hotcrm.testing.CliRun();
        Map<String, String> env;

        abstract Map<String, String> database();

        Map<String, String> env() {
            if (env == null) {
                env = new HashMap<>(database());
            }
            return env;
        }

        int cli(String... args) {
            return run.run(data, env(), args);
        }

        String out() {
            return run.out();
        }

        String err() {
            return run.err();
        }

        String url() {
            return env().getOrDefault("HOTCRM_DB_URL", Database.embeddedUrl(data.toAbsolutePath().normalize()));
        }

        Connection connect() throws SQLException {
            return DriverManager.getConnection(url(), env().getOrDefault("HOTCRM_DB_USER", ""), env().getOrDefault("HOTCRM_DB_PASSWORD", ""));
        }

        long scalar(String sql) throws SQLException {
            try (Connection c = connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
                return rs.next() ? rs.getLong(1) : -1;
            }
        }

        String text(String sql) throws SQLException {
            try (Connection c = connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
                return rs.next() ? rs.getString(1) : null;
            }
        }

        Path contacts() throws IOException {
            Path f = data.resolve("contacts.csv");
            StringBuilder b = new StringBuilder(ROWS * 48).append("external_id,first_name,last_name,email\n");
            for (int i = 0; i < ROWS; i++) {
                b.append("K-").append(i).append(",Kim,Kill ").append(i).append(",k").append(i).append("@example.com\n");
            }
            return Files.writeString(f, b);
        }

        /** Starts the import in its own process and kills it once a few chunks are committed. */
        String importKilledMidway(Path csv) throws Exception {
            addAdministrator();
            try (Child child = Child.start(data, env(), "import", csv.toString(), "--object", "contact")) {
                waitForRows(child, 4_000);
                if (!env().containsKey("HOTCRM_DB_URL")) {
                    // H2 writes committed transactions to its file within a second (its write delay): wait for that,
                    // so the chunks seen committed are also on disk when the process is killed
                    Thread.sleep(1_500);
                }
                child.kill();
            }
            return text("select cast(id as varchar(36)) from hc_import");
        }

        /** The administrator who owns the records the command line imports. */
        void addAdministrator() {
            assertThat(cli("users", "add", "admin@example.com", "--name", "Admin", "--role", "admin")).as(err()).isZero();
        }

        /**
         * Waits until the child has committed at least {@code rows} rows. On H2 the test must not open the
         * database while the child runs: the first process to open an embedded database serves it to the others
         * (AUTO_SERVER), and the child would then write through this JVM. So it counts the result parts in the
         * file store instead: each is written before its chunk commits and named by the rows before its chunk.
         */
        void waitForRows(Child child, long rows) throws Exception {
            long deadline = System.currentTimeMillis() + 120_000;
            while (System.currentTimeMillis() < deadline) {
                assertThat(child.alive()).as("the import ended before it could be killed:\n" + child.output()).isTrue();
                if (committedRows() >= rows) {
                    return;
                }
                Thread.sleep(20);
            }
            throw new AssertionError("no progress: " + child.output());
        }

        long committedRows() throws IOException {
            if (env().containsKey("HOTCRM_DB_URL")) {
                try {
                    return scalar("select coalesce(max(rows_done), 0) from hc_import");
                } catch (SQLException e) {
                    return 0;
                }
            }
            Path imports = data.resolve("imports");
            if (!Files.isDirectory(imports)) {
                return 0;
            }
            // the importing process renames its part files as this walks them: a file gone between listing and reading
            // its attributes is counted on the next look
            for (int attempt = 0; ; attempt++) {
                try (var parts = Files.find(imports, 3, (p, a) -> p.getParent().getFileName().toString().equals("parts")
                        && p.getFileName().toString().matches("\\d{15}\\.csv"))) {
                    // a part is named by the rows before its chunk; the newest three may be of chunks not yet committed
                    // (one being written, one waiting, one just prepared), so the third newest names rows committed
                    long[] offsets = parts.mapToLong(p -> Long.parseLong(p.getFileName().toString().substring(0, 15)))
                            .sorted().toArray();
                    return offsets.length < 3 ? 0 : offsets[offsets.length - 3];
                } catch (java.io.UncheckedIOException e) {
                    if (!(e.getCause() instanceof java.nio.file.NoSuchFileException) || attempt >= 20) {
                        throw e;
                    }
                }
            }
        }

        long contactsInDatabase() throws SQLException {
            return scalar("select count(*) from obj_contact where external_id like 'K-%' and deleted_at is null");
        }

        /** Reads a result file: every record must have the header's width; returns the external ids in order. */
        List<String> resultIds(String importId) throws IOException {
            Path f = data.resolve("results-" + importId + ".csv");
            assertThat(cli("import", "results", importId, "--output", f.toString())).as(err()).isZero();
            List<String> ids = new ArrayList<>();
            try (CsvReader<CsvRecord> r = CsvReader.builder().ofCsvRecord(f)) {
                int width = -1;
                for (CsvRecord rec : r) {
                    if (width < 0) {
                        width = rec.getFieldCount();
                        assertThat(rec.getField(0)).isEqualTo("\uFEFFexternal_id");
                        continue;
                    }
                    assertThat(rec.getFieldCount()).as("line " + rec.getStartingLineNumber()).isEqualTo(width);
                    assertThat(rec.getField(width - 3)).as("status of line " + rec.getStartingLineNumber()).isEqualTo("created");
                    assertThat(rec.getField(width - 2)).as("id of line " + rec.getStartingLineNumber()).hasSize(36);
                    ids.add(rec.getField(0));
                }
            }
            return ids;
        }

        @Test
        void aKilledImportIsInterruptedAtOnceAndCanBeUndone() throws Exception {
            String id = importKilledMidway(contacts());
            long written = contactsInDatabase();
            assertThat(written).isBetween(4_000L, ROWS - 1L);

            assertThat(cli("import", "show", id)).isZero();
            assertThat(out()).contains("\"state\" : \"interrupted\"", "resume it (hotcrm import resume " + id + ")");
            assertThat(cli("jobs", "list")).isZero();
            assertThat(out()).contains("interrupted");
            assertThat(cli("import", "undo", id)).as(err()).isZero();
            assertThat(out()).contains("Import " + id + " undone: " + written + " created records deleted");
            assertThat(contactsInDatabase()).isZero();
            assertThat(text("select state from hc_import")).isEqualTo("undone");
        }

        @Test
        void aKilledImportThatIsCancelledIsCancelledAndCanBeUndone() throws Exception {
            String id = importKilledMidway(contacts());
            String job = text("select cast(job_id as varchar(36)) from hc_import");
            assertThat(cli("jobs", "cancel", job)).as(err()).isZero();
            assertThat(text("select state from hc_job")).isEqualTo("cancelled");
            assertThat(text("select state from hc_import")).isEqualTo("cancelled");
            assertThat(cli("import", "resume", id)).isEqualTo(2);
            assertThat(cli("import", "undo", id)).as(err()).isZero();
            assertThat(contactsInDatabase()).isZero();
        }

        @Test
        void aKilledImportResumesAndItsResultFileHoldsEveryRowOnce() throws Exception {
            String id = importKilledMidway(contacts());
            long kept = contactsInDatabase();
            assertThat(cli("import", "resume", id, "--json")).as(err()).isZero();
            assertThat(out()).contains("\"state\" : \"succeeded\"", "\"rowsDone\" : " + ROWS, "\"created\" : " + ROWS);
            assertThat(contactsInDatabase()).isEqualTo(ROWS);
            List<String> ids = resultIds(id);
            assertThat(ids).hasSize(ROWS);
            Set<String> unique = new HashSet<>(ids);
            assertThat(unique).hasSize(ROWS);
            assertThat(ids.get(0)).isEqualTo("K-0");
            assertThat(ids.get(ROWS - 1)).isEqualTo("K-" + (ROWS - 1));
            System.out.printf("%s: command-line import killed with %d of %d rows committed; resumed: %d rows in the database,"
                    + " %d result rows (%d distinct)%n", getClass().getSimpleName(), kept, ROWS, contactsInDatabase(), ids.size(),
                    unique.size());
            assertThat(data.resolve("imports").resolve(id).resolve("parts")).doesNotExist();
        }

        @Test
        void anImportThatIsStillRunningIsNotResumedASecondTime() throws Exception {
            Path csv = contacts();
            addAdministrator();
            try (Child child = Child.start(data, env(), "import", csv.toString(), "--object", "contact")) {
                waitForRows(child, 2_000);
                String id = text("select cast(id as varchar(36)) from hc_import");
                assertThat(cli("import", "resume", id)).isEqualTo(5);
                assertThat(err()).contains("Import " + id + " is running", "resuming it now would write its rows twice");
                assertThat(child.await(180)).as(child.output()).isZero();
            }
            assertThat(scalar("select rows_done from hc_import")).isEqualTo(ROWS);
            assertThat(scalar("select created from hc_import")).isEqualTo(ROWS);
            assertThat(contactsInDatabase()).isEqualTo(ROWS);
            assertThat(scalar("select count(*) from hc_job")).isEqualTo(1);
        }
    }

    @Nested
    class OnH2 extends Contract {
        @Override
        Map<String, String> database() {
            return Map.of();
        }
    }

    @Nested
    class OnPostgres extends Contract {
        @Override
        Map<String, String> database() {
            return Map.of("HOTCRM_DB_URL", TestDb.url(Dialect.POSTGRES), "HOTCRM_DB_USER", "postgres", "HOTCRM_DB_PASSWORD", "postgres");
        }
    }
}
