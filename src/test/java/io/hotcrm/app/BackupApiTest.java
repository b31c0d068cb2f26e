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

        r = send(token, "POST", "/api/v1/backups/" + id + "/restore");
        assertThat(r.statusCode()).isEqualTo(409);
        assertThat(r.body()).contains("hotcrm backup restore");
        // a standard user may not
        assertThat(send(salesToken, "POST", "/api/v1/backups").statusCode()).isEqualTo(403);
        assertThat(send(salesToken, "GET", "/api/v1/backups").statusCode()).isEqualTo(403);
        assertThat(send(salesToken, "GET", "/api/v1/backups/" + id + "/download").statusCode()).isEqualTo(403);
    }
}
