package io.hotcrm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hotcrm.metadata.Catalogue;
import io.hotcrm.migration.MigrationPlan;
import io.hotcrm.testing.CliRun;
import io.hotcrm.testing.FakeSalesforce;
import io.hotcrm.testing.PlanReview;
import io.hotcrm.testing.TestPlatform;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hotcrm migrate …} as an operator types it, on a new embedded data directory, against the fake Salesforce. */
class MigrateCliTest {
    @TempDir
    Path dir;

    @Test
    void connectPlanDryRunRunReconcileDeltaAndUndoFromTheCommandLine() throws Exception {
        ObjectMapper json = new ObjectMapper();
        Map<String, String> env = Map.of("HOTCRM_SECRET_KEY", TestPlatform.SECRET_KEY, "HOTCRM_MIGRATION_HOSTS", "127.0.0.1");
        Path data = dir.resolve("data");
        CliRun cli = new CliRun();
        try (FakeSalesforce sf = new FakeSalesforce(1)) {
            Path key = dir.resolve("server.key");
            Files.writeString(key, sf.privateKeyPem());
            assertThat(cli.run(data, env, "migrate", "connect", "salesforce", "acme", "--login-url", sf.url(), "--client-id",
                    FakeSalesforce.CLIENT_ID, "--jwt-key", key.toString(), "--username", "admin@acme.example.sf")).as(cli.err()).isZero();
            assertThat(cli.out()).contains("Acme Fake Org", "a sandbox", "Europe/Berlin");

            Path planFile = dir.resolve("plan.json");
            assertThat(cli.run(data, env, "migrate", "plan", "acme", "--output", planFile.toString())).as(cli.err()).isZero();
            assertThat(cli.out()).contains("Account", "→ account", "Left out:", "Pricebook2", "To settle before a run");
            assertThat(cli.run(data, env, "migrate", "run", "acme")).isEqualTo(2);
            assertThat(cli.err()).contains("not ready to run");

            MigrationPlan plan = MigrationPlan.parse(Files.readString(planFile), "test");
            Files.writeString(planFile, PlanReview.settle(plan, Catalogue.standard()).toJson(), StandardCharsets.UTF_8);
            assertThat(cli.run(data, env, "migrate", "dry-run", "acme", "--plan", planFile.toString(), "--json")).as(cli.err()).isZero();
            JsonNode dry = json.readTree(cli.out());
            assertThat(dry.path("mode").asText()).isEqualTo("dry-run");
            assertThat(dry.path("steps").size()).isGreaterThan(10);

            assertThat(cli.run(data, env, "migrate", "run", "acme", "--json")).as(cli.out() + cli.err()).isZero();
            JsonNode run = json.readTree(cli.out());
            assertThat(run.path("reconcile").path("objects").size()).isGreaterThan(10);
            String runId = run.path("id").asText();

            assertThat(cli.run(data, env, "migrate", "reconcile", "acme")).as(cli.out()).isZero();
            assertThat(cli.out()).contains("no gap", "without differences");
            assertThat(cli.run(data, env, "migrate", "list")).isZero();
            assertThat(cli.out()).contains("acme", "salesforce");
            assertThat(cli.run(data, env, "migrate", "show", "acme")).isZero();
            assertThat(cli.out()).contains("privateKey: (set)", runId).doesNotContain("BEGIN PRIVATE KEY");

            sf.update("Account", (String) sf.live("Account").get(0).get("Id"), "Phone", "+49 30 999");
            assertThat(cli.run(data, env, "migrate", "run", "acme", "--delta")).as(cli.out() + cli.err()).isZero();
            assertThat(cli.out()).contains("(delta) succeeded");

            assertThat(cli.run(data, env, "migrate", "undo", runId)).as(cli.err()).isZero();
            assertThat(cli.run(data, env, "migrate", "reconcile", "acme")).isEqualTo(1);
            assertThat(cli.out()).contains("source records missing");
            assertThat(cli.run(data, env, "migrate", "--help")).isZero();
        }
    }

    @Test
    void aDataExportsZipFilesAreMigratedFromTheCommandLine() throws Exception {
        ObjectMapper json = new ObjectMapper();
        Map<String, String> env = Map.of("HOTCRM_SECRET_KEY", TestPlatform.SECRET_KEY);
        Path data = dir.resolve("data");
        CliRun cli = new CliRun();
        java.util.List<Path> zips;
        try (FakeSalesforce sf = new FakeSalesforce(1)) {
            zips = io.hotcrm.testing.DataExport.write(sf, Files.createDirectories(dir.resolve("export")), StandardCharsets.ISO_8859_1, 2);
        }
        assertThat(cli.run(data, env, "migrate", "connect", "salesforce-export", "acme-zip", "--file", zips.get(0).toString(),
                "--file", zips.get(1).toString(), "--encoding", "ISO-8859-1")).as(cli.err()).isZero();
        assertThat(cli.out()).contains("2 ZIP files", "Salesforce Data Export of 00DRz0000000001AAA", "Currency:  EUR");
        Path planFile = dir.resolve("zip-plan.json");
        assertThat(cli.run(data, env, "migrate", "plan", "acme-zip", "--output", planFile.toString())).as(cli.err()).isZero();
        MigrationPlan plan = MigrationPlan.parse(Files.readString(planFile), "test");
        Files.writeString(planFile, PlanReview.settle(plan, Catalogue.standard()).toJson(), StandardCharsets.UTF_8);
        assertThat(cli.run(data, env, "migrate", "run", "acme-zip", "--plan", planFile.toString(), "--json")).as(cli.out() + cli.err())
                .isZero();
        JsonNode run = json.readTree(cli.out());
        assertThat(run.path("reconcile").path("objects").size()).isGreaterThan(10);
        assertThat(cli.run(data, env, "migrate", "connect", "salesforce-export", "nothing")).isEqualTo(2);
        assertThat(cli.err()).contains("--file");
    }

    @Test
    void aHubSpotPortalIsMigratedFromTheCommandLineWithAPrivateAppToken() throws Exception {
        ObjectMapper json = new ObjectMapper();
        Path data = dir.resolve("data");
        CliRun cli = new CliRun();
        try (io.hotcrm.testing.FakeHubSpot hs = new io.hotcrm.testing.FakeHubSpot()) {
            io.hotcrm.testing.HubSpotPortal.generate(hs, 200, 3, java.time.Instant.parse("2026-10-01T00:00:00Z"));
            Map<String, String> env = Map.of("HOTCRM_SECRET_KEY", TestPlatform.SECRET_KEY, "HOTCRM_MIGRATION_HOSTS", "127.0.0.1",
                    "HUBSPOT_TOKEN", io.hotcrm.testing.FakeHubSpot.PRIVATE_TOKEN);
            assertThat(cli.run(data, env, "migrate", "connect", "hubspot", "acme-hs", "--base-url", hs.url(), "--token-env",
                    "HUBSPOT_TOKEN")).as(cli.err()).isZero();
            assertThat(cli.out()).contains("HubSpot portal 12345678", "US/Eastern", "Currency:  USD", "Data hosting: na1");
            Path planFile = dir.resolve("hs-plan.json");
            assertThat(cli.run(data, env, "migrate", "plan", "acme-hs", "--output", planFile.toString())).as(cli.err()).isZero();
            assertThat(cli.out()).contains("deals", "→ opportunity", "attachments");
            MigrationPlan plan = MigrationPlan.parse(Files.readString(planFile), "test");
            Files.writeString(planFile, PlanReview.settle(plan, Catalogue.standard()).toJson(), StandardCharsets.UTF_8);
            assertThat(cli.run(data, env, "migrate", "run", "acme-hs", "--plan", planFile.toString(), "--json")).as(cli.out() + cli.err())
                    .isZero();
            JsonNode run = json.readTree(cli.out());
            assertThat(run.path("reconcile").path("objects").size()).isGreaterThan(10);
            assertThat(cli.run(data, env, "migrate", "show", "acme-hs")).isZero();
            assertThat(cli.out()).contains("token: (set)").doesNotContain(io.hotcrm.testing.FakeHubSpot.PRIVATE_TOKEN);
            assertThat(cli.run(data, env, "migrate", "connect", "hubspot", "nothing")).isEqualTo(2);
            assertThat(cli.err()).contains("--token-env");
            assertThat(cli.run(data, env, "migrate", "connect", "hubspot", "elsewhere", "--base-url", "https://hubspot.evil.example",
                    "--token-env", "HUBSPOT_TOKEN")).isEqualTo(2);
            assertThat(cli.err()).contains("not one of HubSpot's hosts", "HOTCRM_MIGRATION_HOSTS");
        }
    }
}
