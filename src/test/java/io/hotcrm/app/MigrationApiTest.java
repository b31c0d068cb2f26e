package io.hotcrm.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hotcrm.metadata.Catalogue;
import io.hotcrm.migration.MigrationPlan;
import io.hotcrm.security.Principal;
import io.hotcrm.testing.FakeSalesforce;
import io.hotcrm.testing.PlanReview;
import io.hotcrm.testing.TestPlatform;
import io.hotcrm.web.WebServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Migrations over REST on the real composition root, server and job server: connect (the secret never comes back),
 * plan, replace the plan, a dry-run and a run as background jobs, the run's report, reconcile, and the migration right.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MigrationApiTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path data;
    HotCrm hc;
    WebServer web;
    String token;
    String salesToken;
    FakeSalesforce sf;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    void start() {
        sf = new FakeSalesforce(1);
        hc = HotCrm.open(Config.from(data, Map.of("HOTCRM_SECRET_KEY", TestPlatform.SECRET_KEY, "HOTCRM_MIGRATION_HOSTS", "127.0.0.1")));
        hc.security().users().add(Principal.system(), "ann@example.com", "Ann Admin", "admin", null);
        hc.security().users().add(Principal.system(), "sam@example.com", "Sam Sales", "standard", null);
        token = hc.security().tokens().create(Principal.system(), "ann@example.com", "test").token();
        salesToken = hc.security().tokens().create(Principal.system(), "sam@example.com", "test").token();
        web = hc.start(0);
    }

    @AfterAll
    void stop() {
        web.stop();
        hc.close();
        sf.close();
    }

    HttpResponse<String> send(String bearer, String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + web.port() + path))
                .header("Authorization", "Bearer " + bearer).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    JsonNode waitForRun(String runId) throws Exception {
        for (int i = 0; i < 600; i++) {
            JsonNode run = JSON.readTree(send(token, "GET", "/api/v1/migrations/runs/" + runId, null).body());
            String state = run.path("state").asText();
            if (!state.equals("queued") && !state.equals("running")) {
                return run;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the run did not end");
    }

    @Test
    void aMigrationOverRest() throws Exception {
        ObjectNode body = JSON.createObjectNode().put("name", "acme").put("kind", "salesforce");
        body.putObject("settings").put("loginUrl", sf.url()).put("clientId", FakeSalesforce.CLIENT_ID).put("flow", "jwt")
                .put("username", "admin@acme.example.sf").put("privateKey", sf.privateKeyPem());
        HttpResponse<String> r = send(salesToken, "POST", "/api/v1/migrations", body.toString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(403);
        r = send(token, "POST", "/api/v1/migrations", body.toString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        assertThat(r.body()).contains("Acme Fake Org").doesNotContain("PRIVATE KEY");
        assertThat(JSON.readTree(r.body()).at("/migration/settings/privateKey").asText()).isEqualTo("(set)");

        r = send(token, "POST", "/api/v1/migrations/acme/plan", "{}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        MigrationPlan plan = MigrationPlan.parse(r.body(), "test");
        assertThat(plan.object("Contact")).isPresent();
        r = send(token, "POST", "/api/v1/migrations/acme/runs", "{\"mode\":\"run\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(r.body()).contains("not ready to run");
        r = send(token, "PUT", "/api/v1/migrations/acme/plan", PlanReview.settle(plan, Catalogue.standard()).toJson());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);

        r = send(token, "POST", "/api/v1/migrations/acme/runs", "{\"mode\":\"dry-run\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        JsonNode dry = waitForRun(JSON.readTree(r.body()).at("/run/id").asText());
        assertThat(dry.path("state").asText()).as(dry.toString()).isEqualTo("succeeded");

        r = send(token, "POST", "/api/v1/migrations/acme/runs", "{\"mode\":\"run\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        assertThat(JSON.readTree(r.body()).at("/job/type").asText()).isEqualTo("migration");
        JsonNode run = waitForRun(JSON.readTree(r.body()).at("/run/id").asText());
        assertThat(run.path("state").asText()).as(run.toString()).isEqualTo("succeeded");
        assertThat(run.at("/reconcile/objects").size()).isGreaterThan(10);

        r = send(token, "POST", "/api/v1/migrations/acme/reconcile", null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(JSON.readTree(r.body()).path("objects").findValues("gap")).allSatisfy(g -> assertThat(g.asLong()).isZero());
        r = send(token, "GET", "/api/v1/migrations", null);
        assertThat(r.body()).contains("acme").doesNotContain("PRIVATE KEY");

        // undo is a job too: the run's imports are taken back, last first
        String runId = run.path("id").asText();
        r = send(token, "POST", "/api/v1/migrations/runs/" + runId + "/undo", null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        assertThat(JSON.readTree(r.body()).at("/job/type").asText()).isEqualTo("migration-undo");
        JsonNode undone = null;
        for (int i = 0; i < 300 && (undone == null || !undone.path("state").asText().equals("undone")); i++) {
            Thread.sleep(200);
            undone = JSON.readTree(send(token, "GET", "/api/v1/migrations/runs/" + runId, null).body());
        }
        assertThat(undone.path("state").asText()).isEqualTo("undone");
        long contacts = hc.database().jdbi().withHandle(h -> h.createQuery("select count(*) from obj_contact where deleted_at is null")
                .mapTo(Long.class).one());
        assertThat(contacts).isZero();
        r = send(token, "POST", "/api/v1/migrations/runs/" + runId + "/undo", null);
        assertThat(r.statusCode()).isEqualTo(409);
    }

    @Test
    void aDataExportIsUploadedAndConnectedOverRest() throws Exception {
        List<Path> zips = io.hotcrm.testing.DataExport.write(sf, Files.createDirectories(data.resolve("export")), StandardCharsets.UTF_8, 2);
        List<String> ids = new java.util.ArrayList<>();
        for (Path zip : zips) {
            HttpResponse<String> up = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + web.port()
                    + "/api/v1/imports/files?name=" + zip.getFileName())).header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/zip").POST(HttpRequest.BodyPublishers.ofFile(zip)).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            assertThat(up.statusCode()).as(up.body()).isEqualTo(201);
            ids.add(JSON.readTree(up.body()).path("fileId").asText());
        }
        ObjectNode body = JSON.createObjectNode().put("name", "acme-zip").put("kind", "salesforce-export");
        ids.forEach(body.putObject("settings").putArray("files")::add);
        HttpResponse<String> r = send(salesToken, "POST", "/api/v1/migrations", body.toString());
        assertThat(r.statusCode()).isEqualTo(403);
        r = send(token, "POST", "/api/v1/migrations", body.toString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        assertThat(JSON.readTree(r.body()).path("org").path("currency").asText()).isEqualTo("EUR");
        // another user's upload is not taken
        ObjectNode theirs = JSON.createObjectNode().put("name", "not-mine").put("kind", "salesforce-export");
        theirs.putObject("settings").put("files", ids.get(0));
        r = send(salesToken, "POST", "/api/v1/migrations", theirs.toString());
        assertThat(r.statusCode()).isIn(403, 404);
        r = send(token, "POST", "/api/v1/migrations/acme-zip/plan", "{}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).contains("\"Account\"", "\"QuoteLineItem\"");
    }

    @Test
    void aHubSpotPortalIsMigratedOverRestWithItsDelta() throws Exception {
        try (io.hotcrm.testing.FakeHubSpot hs = new io.hotcrm.testing.FakeHubSpot()) {
            io.hotcrm.testing.HubSpotPortal portal = io.hotcrm.testing.HubSpotPortal.generate(hs, 120, 9,
                    java.time.Instant.parse("2026-10-01T00:00:00Z"));
            ObjectNode body = JSON.createObjectNode().put("name", "acme-hs").put("kind", "hubspot");
            body.putObject("settings").put("baseUrl", hs.url()).put("token", io.hotcrm.testing.FakeHubSpot.PRIVATE_TOKEN)
                    .put("retryMillis", "1");
            HttpResponse<String> r = send(token, "POST", "/api/v1/migrations", body.toString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
            assertThat(r.body()).contains("HubSpot portal 12345678", "\"Data hosting\":\"na1\"")
                    .doesNotContain(io.hotcrm.testing.FakeHubSpot.PRIVATE_TOKEN);
            r = send(token, "POST", "/api/v1/migrations/acme-hs/plan", "{}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            MigrationPlan plan = MigrationPlan.parse(r.body(), "test");
            assertThat(plan.object("deals").orElseThrow().field("dealstage").orElseThrow().labels())
                    .containsEntry("closedwon", "Sales Pipeline: Closed Won");
            r = send(token, "PUT", "/api/v1/migrations/acme-hs/plan", PlanReview.settle(plan, Catalogue.standard()).toJson());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            r = send(token, "POST", "/api/v1/migrations/acme-hs/runs", "{\"mode\":\"run\"}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
            JsonNode run = waitForRun(JSON.readTree(r.body()).at("/run/id").asText());
            assertThat(run.path("state").asText()).as(run.toString()).isEqualTo("succeeded");
            hs.edit("companies", portal.companies.get(0), java.time.Instant.now(), "name", "Renamed Company");
            r = send(token, "POST", "/api/v1/migrations/acme-hs/runs", "{\"mode\":\"delta\"}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
            JsonNode delta = waitForRun(JSON.readTree(r.body()).at("/run/id").asText());
            assertThat(delta.path("state").asText()).as(delta.toString()).isEqualTo("succeeded");
            String name = hc.database().jdbi().withHandle(h -> h.createQuery("select name from obj_account where external_id = :x")
                    .bind("x", portal.companies.get(0).id()).mapTo(String.class).one());
            assertThat(name).isEqualTo("Renamed Company");
        }
    }
}
