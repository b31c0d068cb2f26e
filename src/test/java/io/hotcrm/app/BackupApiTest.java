package io.hotcrm.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hotcrm.security.Principal;
import io.hotcrm.testing.TestPlatform;
import io.hotcrm.web.WebServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Backups over REST on the real composition root: make, list, download, verify, drill; restore refused; admins only. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BackupApiTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path data;
    HotCrm hc;
    WebServer web;
    String token;
    String salesToken;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    void start() {
        hc = HotCrm.open(Config.from(data, Map.of("HOTCRM_SECRET_KEY", TestPlatform.SECRET_KEY)));
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
    }

    HttpResponse<String> send(String bearer, String method, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + web.port() + path)).header("Authorization", "Bearer " + bearer)
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    @Test
    void anAdministratorMakesListsDownloadsVerifiesAndDrillsBackups() throws Exception {
        send(token, "POST", "/api/v1/objects/account/records");
        HttpResponse<String> r = send(token, "POST", "/api/v1/backups");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        JsonNode created = JSON.readTree(r.body());
        Path archive = Path.of(created.path("archive").asText());
        assertThat(archive.getParent()).isEqualTo(data.toAbsolutePath().normalize().resolve("backups"));
        String id = created.path("id").asText();

        JsonNode list = JSON.readTree(send(token, "GET", "/api/v1/backups").body());
        assertThat(list.path("backups").get(0).path("id").asText()).isEqualTo(id);
        assertThat(list.path("drill").path("overdue").asBoolean()).isTrue();

        HttpResponse<byte[]> download = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + web.port() + "/api/v1/backups/"
                + id + "/download")).header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(download.body()).isEqualTo(Files.readAllBytes(archive));

        JsonNode verified = JSON.readTree(send(token, "POST", "/api/v1/backups/" + id + "/verify").body());
        assertThat(verified.path("valid").asBoolean()).isTrue();
        r = send(token, "POST", "/api/v1/backups/drills");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        assertThat(JSON.readTree(r.body()).path("succeeded").asBoolean()).as(r.body()).isTrue();
        assertThat(JSON.readTree(send(token, "GET", "/api/v1/backups").body()).path("drill").path("overdue").asBoolean()).isFalse();

        // a sandbox, in its default place only (no caller picks a server path)
        assertThat(send(salesToken, "POST", "/api/v1/sandboxes", "{\"name\":\"api-dry-run\"}").statusCode()).isEqualTo(403);
        r = send(token, "POST", "/api/v1/sandboxes", "{\"name\":\"api-dry-run\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        assertThat(JSON.readTree(r.body()).path("dataDir").asText()).isEqualTo(data.toAbsolutePath().normalize().resolve("sandboxes")
                .resolve("api-dry-run").toString());
        assertThat(send(token, "POST", "/api/v1/sandboxes", "{\"name\":\"../../etc\"}").statusCode()).isEqualTo(400);

        r = send(token, "POST", "/api/v1/backups/" + id + "/restore");
        assertThat(r.statusCode()).isEqualTo(409);
        assertThat(r.body()).contains("hotcrm backup restore");
        // a standard user may not
        assertThat(send(salesToken, "POST", "/api/v1/backups").statusCode()).isEqualTo(403);
        assertThat(send(salesToken, "GET", "/api/v1/backups").statusCode()).isEqualTo(403);
        assertThat(send(salesToken, "GET", "/api/v1/backups/" + id + "/download").statusCode()).isEqualTo(403);
    }

    HttpResponse<String> send(String bearer, String method, String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + web.port() + path)).header("Authorization", "Bearer " + bearer)
                .header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    /** A named destination on a real Azure Blob server (Azurite): backups written there, downloaded, verified; a schedule queued. */
    @Test
    void backupsGoToANamedAzureDestinationAndAScheduleRunsAsAJob() throws Exception {
        new com.azure.storage.blob.BlobServiceClientBuilder().connectionString(io.hotcrm.testing.TestServers.azuriteConnectionString())
                .httpClient(new com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder().build()).buildClient()
                .getBlobContainerClient("backups").createIfNotExists();
        String settings = JSON.writeValueAsString(Map.of("type", "azure", "settings", Map.of("container", "backups", "account",
                io.hotcrm.testing.TestServers.AZURITE_ACCOUNT, "accountKey", io.hotcrm.testing.TestServers.AZURITE_KEY, "endpoint",
                io.hotcrm.testing.TestServers.azurite(), "prefix", "api-" + java.util.UUID.randomUUID() + "/")));
        assertThat(send(salesToken, "PUT", "/api/v1/backups/destinations/blob", settings).statusCode()).isEqualTo(403);
        HttpResponse<String> r = send(token, "PUT", "/api/v1/backups/destinations/blob", settings);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).contains("********").doesNotContain(io.hotcrm.testing.TestServers.AZURITE_KEY);
        assertThat(send(token, "GET", "/api/v1/backups/destinations").body()).contains("\"blob\"")
                .doesNotContain(io.hotcrm.testing.TestServers.AZURITE_KEY);

        r = send(token, "POST", "/api/v1/backups", "{\"destination\":\"blob\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        JsonNode created = JSON.readTree(r.body());
        String id = created.path("id").asText();
        HttpResponse<byte[]> download = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + web.port() + "/api/v1/backups/"
                + id + "/download")).header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(download.body()).hasSize(created.path("bytes").asInt());
        assertThat(java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(download.body())))
                .isEqualTo(created.path("sha256").asText());
        assertThat(JSON.readTree(send(token, "POST", "/api/v1/backups/" + id + "/verify").body()).path("valid").asBoolean()).isTrue();

        r = send(token, "PUT", "/api/v1/backups/schedules/hourly", "{\"cron\":\"0 * * * *\",\"destination\":\"blob\",\"keep\":"
                + "{\"daily\":3,\"weekly\":0,\"monthly\":0}}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(JSON.readTree(r.body()).path("nextRun").asText()).isNotEmpty();
        r = send(token, "POST", "/api/v1/backups/schedules/hourly/run", "");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        String job = JSON.readTree(r.body()).path("jobId").asText();
        String state = "";
        for (int i = 0; i < 300 && !state.equals("succeeded") && !state.equals("failed"); i++) {
            Thread.sleep(100);
            state = JSON.readTree(send(token, "GET", "/api/v1/jobs/" + job).body()).path("state").asText();
        }
        assertThat(state).isEqualTo("succeeded");
        JsonNode schedule = JSON.readTree(send(token, "GET", "/api/v1/backups/schedules").body()).path("schedules").get(0);
        assertThat(schedule.path("lastRunAt").asText()).isNotEmpty();
        assertThat(schedule.path("lastProblem").isNull()).isTrue();
        assertThat(JSON.readTree(send(token, "GET", "/api/v1/backups").body()).path("backups").findValuesAsText("destination"))
                .contains("blob");
        assertThat(send(token, "DELETE", "/api/v1/backups/schedules/hourly").statusCode()).isEqualTo(204);
        assertThat(send(token, "DELETE", "/api/v1/backups/destinations/blob").statusCode()).isEqualTo(204);
    }
}
