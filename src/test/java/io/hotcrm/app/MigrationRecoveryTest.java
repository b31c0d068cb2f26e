package io.hotcrm.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.hotcrm.metadata.Catalogue;
import io.hotcrm.migration.MigrationPlan;
import io.hotcrm.store.Dialect;
import io.hotcrm.testing.Child;
import io.hotcrm.testing.CliRun;
import io.hotcrm.testing.FakeSalesforce;
import io.hotcrm.testing.PlanReview;
import io.hotcrm.testing.TestDb;
import io.hotcrm.testing.TestPlatform;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A migration run killed with SIGKILL in its own process midway (as when a machine dies): the next command sees it
 * interrupted, {@code hotcrm migrate resume} goes on from the object it stopped in, and in the end every source
 * record is in HotCRM exactly once — nothing lost, nothing twice — and the reconcile finds no gap.
 */
@Timeout(value = 300, unit = java.util.concurrent.TimeUnit.SECONDS)
class MigrationRecoveryTest {
    @TempDir
    Path dir;

    @Test
    void aRunKilledMidwayResumesWithNothingLostOrTwice() throws Exception {
        String url = TestDb.url(Dialect.POSTGRES);
        Map<String, String> env = Map.of("HOTCRM_DB_URL", url, "HOTCRM_DB_USER", "postgres", "HOTCRM_DB_PASSWORD", "postgres",
                "HOTCRM_SECRET_KEY", TestPlatform.SECRET_KEY, "HOTCRM_MIGRATION_HOSTS", "127.0.0.1");
        Path data = dir.resolve("data");
        CliRun cli = new CliRun();
        try (FakeSalesforce sf = new FakeSalesforce(2)) {
            Path key = Files.writeString(dir.resolve("server.key"), sf.privateKeyPem());
            assertThat(cli.run(data, env, "migrate", "connect", "salesforce", "acme", "--login-url", sf.url(), "--client-id",
                    FakeSalesforce.CLIENT_ID, "--jwt-key", key.toString(), "--username", "admin@acme.example.sf")).as(cli.err()).isZero();
            Path planFile = dir.resolve("plan.json");
            assertThat(cli.run(data, env, "migrate", "plan", "acme", "--output", planFile.toString())).as(cli.err()).isZero();
            Files.writeString(planFile, PlanReview.settle(MigrationPlan.parse(Files.readString(planFile), "test"),
                    Catalogue.standard()).toJson(), StandardCharsets.UTF_8);

            sf.delayMillis = 15;
            String runId;
            try (Child child = Child.start(data, env, "migrate", "run", "acme", "--plan", planFile.toString())) {
                long deadline = System.currentTimeMillis() + 180_000;
                while (scalar(url, "select count(*) from hc_migration_step where state = 'done'") < 4) {
                    assertThat(child.alive()).as("the run ended before it could be killed:\n" + child.output()).isTrue();
                    assertThat(System.currentTimeMillis()).as("no progress: " + child.output()).isLessThan(deadline);
                    Thread.sleep(50);
                }
                while (scalar(url, "select count(*) from hc_migration_step where state in ('staging', 'importing')") == 0) {
                    Thread.sleep(10);
                }
                child.kill();
            }
            sf.delayMillis = 0;
            runId = text(url, "select cast(id as varchar(36)) from hc_migration_run");
            long done = scalar(url, "select count(*) from hc_migration_step where state = 'done'");
            long steps = scalar(url, "select count(*) from hc_migration_step");
            assertThat(done).isLessThan(steps);

            assertThat(cli.run(data, env, "migrate", "show", runId)).isEqualTo(1);
            assertThat(cli.out()).contains("interrupted");
            assertThat(cli.run(data, env, "migrate", "resume", runId)).as(cli.out() + cli.err()).isZero();
            assertThat(cli.out()).contains("succeeded", "no gap", "without differences");
            for (String[] o : new String[][] {{"Contact", "obj_contact"}, {"Account", "obj_account"}, {"Task", "obj_task"},
                {"OpportunityLineItem", "obj_opportunity_line_item"}}) {
                assertThat(scalar(url, "select count(*) from " + o[1] + " where deleted_at is null")).as(o[0])
                        .isEqualTo(sf.live(o[0]).size());
                assertThat(scalar(url, "select count(distinct external_id) from " + o[1])).as(o[0]).isEqualTo(sf.live(o[0]).size());
            }
        }
    }

    static long scalar(String url, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(url, "postgres", "postgres"); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getLong(1) : -1;
        } catch (java.sql.SQLException e) {
            return -1;
        }
    }

    static String text(String url, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(url, "postgres", "postgres"); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }
}
