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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.sshd.common.file.virtualfs.VirtualFileSystemFactory;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scheduled exports over REST on the real composition root, its job server and a real SFTP server: the
 * destination's connection test, a schedule saved with its password kept secret, "run now" as a job, the
 * run's record and the file on the server.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExportApiTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path data;
    HotCrm hc;
    WebServer web;
    String token;
    SshServer sftp;
    Path sftpRoot;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    void start() throws Exception {
        sftpRoot = Files.createTempDirectory("hotcrm-api-sftp");
        sftp = SshServer.setUpDefaultServer();
        sftp.setHost("127.0.0.1");
        sftp.setPort(0);
        sftp.setKeyPairProvider(new SimpleGeneratorHostKeyProvider(Files.createTempDirectory("hotcrm-api-key").resolve("host.ser")));
        sftp.setPasswordAuthenticator((user, password, session) -> user.equals("feeds") && password.equals("sftp-pw-42"));
        sftp.setSubsystemFactories(List.of(new SftpSubsystemFactory()));
        sftp.setFileSystemFactory(new VirtualFileSystemFactory(sftpRoot));
        sftp.start();
        hc = HotCrm.open(Config.from(data, Map.of(io.hotcrm.common.Secrets.ENV, TestPlatform.SECRET_KEY)));
        hc.security().users().add(Principal.system(), "ann@example.com", "Ann Admin", "admin", null);
        token = hc.security().tokens().create(Principal.system(), "ann@example.com", "test").token();
        Principal ann = hc.security().users().principal("ann@example.com");
        hc.records().create(ann, "account", Map.of("name", "Acme", "external_id", "ACC-1"));
        hc.records().create(ann, "account", Map.of("name", "Globex", "external_id", "ACC-2"));
        web = hc.start(0);
    }

    @AfterAll
    void stop() throws Exception {
        web.stop();
        hc.close();
        sftp.stop();
    }

    HttpResponse<String> send(String method, String path, String body) throws Exception {
        return send(token, method, path, body);
    }

    HttpResponse<String> send(String bearer, String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + web.port() + path))
                .header("Authorization", "Bearer " + bearer).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    String sftpSettings(String password) {
        return "{\"host\": \"127.0.0.1\", \"port\": \"" + sftp.getPort() + "\", \"username\": \"feeds\", \"password\": \"" + password
                + "\", \"directory\": \"/crm\"}";
    }

    @Test
    void aScheduleToSftpIsTestedSavedRunAndRecorded() throws Exception {
        HttpResponse<String> bad = send("POST", "/api/v1/destinations/test", "{\"type\": \"sftp\", \"settings\": " + sftpSettings("nope") + "}");
        assertThat(bad.statusCode()).isEqualTo(503);
        assertThat(bad.body()).contains("credentials were refused").doesNotContain("nope");
        HttpResponse<String> ok = send("POST", "/api/v1/destinations/test", "{\"type\": \"sftp\", \"settings\": " + sftpSettings("sftp-pw-42") + "}");
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        assertThat(ok.body()).contains("sftp://feeds@127.0.0.1:" + sftp.getPort() + "/crm");

        HttpResponse<String> saved = send("PUT", "/api/v1/export-schedules/Accounts%20to%20SFTP", "{\"object\": \"account\","
                + " \"fields\": [\"external_id\", \"name\"], \"format\": \"csv\", \"gzip\": true, \"mode\": \"incremental\","
                + " \"cron\": \"15 3 * * *\", \"timeZone\": \"America/New_York\", \"fileTemplate\": \"{object}-{date}-{run}.{ext}\","
                + " \"destination\": {\"type\": \"sftp\", \"settings\": " + sftpSettings("sftp-pw-42") + "}}");
        assertThat(saved.statusCode()).as(saved.body()).isEqualTo(200);
        assertThat(saved.body()).contains("\"password\":\"********\"").doesNotContain("sftp-pw-42").contains("\"nextRun\":\"");

        HttpResponse<String> run = send("POST", "/api/v1/export-schedules/Accounts%20to%20SFTP/run", null);
        assertThat(run.statusCode()).isEqualTo(202);
        String jobId = JSON.readTree(run.body()).get("id").asText();
        JsonNode job = null;
        Instant end = Instant.now().plus(Duration.ofSeconds(60));
        while (Instant.now().isBefore(end)) {
            job = JSON.readTree(send("GET", "/api/v1/jobs/" + jobId, null).body());
            if (List.of("succeeded", "failed").contains(job.get("state").asText())) {
                break;
            }
            Thread.sleep(200);
        }
        assertThat(job.get("state").asText()).as(job.toString()).isEqualTo("succeeded");

        JsonNode runs = JSON.readTree(send("GET", "/api/v1/export-schedules/Accounts%20to%20SFTP/runs", null).body()).get("runs");
        assertThat(runs).hasSize(1);
        assertThat(runs.get(0).get("state").asText()).isEqualTo("succeeded");
        assertThat(runs.get(0).get("rows").asLong()).isEqualTo(2);
        String file = runs.get(0).get("file").asText();
        assertThat(file).startsWith("account-").endsWith(".csv.gz");
        Path written = sftpRoot.resolve("crm").resolve(file);
        try (var in = new java.util.zip.GZIPInputStream(Files.newInputStream(written))) {
            assertThat(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8))
                    .startsWith("external_id,name,_change_seq,_deleted\r\n").contains("ACC-1,Acme,").contains("ACC-2,Globex,");
        }
        assertThat(Files.size(written)).isEqualTo(runs.get(0).get("bytes").asLong());

        assertThat(send("POST", "/api/v1/export-schedules/Accounts%20to%20SFTP/pause", null).body()).contains("\"paused\":true");
        assertThat(send("GET", "/api/v1/export-schedules", null).body()).contains("Accounts to SFTP");
        assertThat(send("DELETE", "/api/v1/export-schedules/Accounts%20to%20SFTP", null).statusCode()).isEqualTo(204);
    }

    @Test
    void aStandardUserCannotWriteServerFilesNorProbeTheNetworkThroughDestinations() throws Exception {
        hc.security().users().add(Principal.system(), "sam@example.com", "Sam Standard", "standard", null);
        String sam = hc.security().tokens().create(Principal.system(), "sam@example.com", "test").token();
        Path cron = data.resolve("not-an-export-dir");
        HttpResponse<String> local = send(sam, "POST", "/api/v1/destinations/test",
                "{\"type\": \"local\", \"settings\": {\"path\": \"" + cron + "\"}}");
        assertThat(local.statusCode()).isEqualTo(403);
        assertThat(local.body()).contains("may not use local destinations");
        assertThat(cron).doesNotExist();
        HttpResponse<String> saved = send(sam, "PUT", "/api/v1/export-schedules/Keys", "{\"object\": \"account\","
                + " \"fields\": [\"name\"], \"format\": \"csv\", \"cron\": \"* * * * *\", \"fileTemplate\": \"authorized_keys\","
                + " \"destination\": {\"type\": \"local\", \"settings\": {\"path\": \"" + cron.resolve(".ssh") + "\"}}}");
        assertThat(saved.statusCode()).isEqualTo(403);
        assertThat(cron).doesNotExist();
        // a closed port and an open one answer alike: the request is refused before any connection is made
        int closed = io.hotcrm.testing.TestServers.freePort();
        HttpResponse<String> probeClosed = send(sam, "POST", "/api/v1/destinations/test", "{\"type\": \"sftp\", \"settings\":"
                + " {\"host\": \"127.0.0.1\", \"port\": \"" + closed + "\", \"username\": \"u\", \"password\": \"p\"}}");
        HttpResponse<String> probeOpen = send(sam, "POST", "/api/v1/destinations/test", "{\"type\": \"sftp\", \"settings\":"
                + " {\"host\": \"127.0.0.1\", \"port\": \"" + web.port() + "\", \"username\": \"u\", \"password\": \"p\"}}");
        assertThat(probeClosed.statusCode()).isEqualTo(403);
        assertThat(probeOpen.statusCode()).isEqualTo(403);
        assertThat(probeOpen.body()).isEqualTo(probeClosed.body());
        // even an administrator writes only inside the allowed export directories
        HttpResponse<String> admin = send("POST", "/api/v1/destinations/test",
                "{\"type\": \"local\", \"settings\": {\"path\": \"/etc/cron.d\"}}");
        assertThat(admin.statusCode()).isEqualTo(403);
        assertThat(admin.body()).contains("is outside the directories HotCRM may write exports to (" + data.toAbsolutePath()
                .normalize().resolve("exports") + ")");
        HttpResponse<String> inside = send("POST", "/api/v1/destinations/test",
                "{\"type\": \"local\", \"settings\": {\"path\": \"nightly\"}}");
        assertThat(inside.statusCode()).as(inside.body()).isEqualTo(200);
        assertThat(data.resolve("exports").resolve("nightly")).isDirectory();
    }
}
