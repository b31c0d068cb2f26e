package io.hotcrm.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hotcrm.security.Principal;
import io.hotcrm.store.Dialect;
import io.hotcrm.testing.Child;
import io.hotcrm.testing.TestDb;
import io.hotcrm.testing.TestServers;
import io.hotcrm.web.WebServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several {@code serve} nodes on one PostgreSQL and one bucket (S3Mock), each with its own data directory, as
 * in production: a file uploaded to one node is imported by another and its results download from either;
 * and an import whose node is killed (SIGKILL) mid-way is finished by another node from its last committed
 * chunk — no row lost, none twice, every row once in the result file, and its user told.
 */
class TwoNodesTest {
    static final ObjectMapper JSON = new ObjectMapper();
    final HttpClient http = HttpClient.newHttpClient();
    @TempDir
    Path dirs;

    /** Settings every node shares: the database and the bucket (a fresh prefix per test). */
    static Map<String, String> shared() {
        Map<String, String> env = new HashMap<>();
        env.put("HOTCRM_DB_URL", TestDb.url(Dialect.POSTGRES));
        env.put("HOTCRM_DB_USER", "postgres");
        env.put("HOTCRM_DB_PASSWORD", "postgres");
        env.put("HOTCRM_FILES_BUCKET", TestServers.S3_BUCKET);
        env.put("HOTCRM_FILES_PREFIX", "nodes-" + UUID.randomUUID() + "/");
        env.put("HOTCRM_FILES_ENDPOINT", TestServers.s3());
        env.put("HOTCRM_FILES_PATH_STYLE", "true");
        env.put("HOTCRM_FILES_ACCESS_KEY_ID", "test");
        env.put("HOTCRM_FILES_SECRET_ACCESS_KEY", "test-secret");
        return env;
    }

    static Map<String, String> node(Map<String, String> shared, String name, int workers) {
        Map<String, String> env = new HashMap<>(shared);
        env.put("HOTCRM_NODE", name);
        env.put("HOTCRM_JOB_WORKERS", String.valueOf(workers));
        return env;
    }

    /** Creates the user the test acts as, and a token for the REST API. */
    static String userToken(Map<String, String> env, Path data) {
        try (HotCrm hc = HotCrm.open(Config.from(data, env))) {
            hc.security().users().add(Principal.system(), "ann@example.com", "Ann Admin", "admin", null);
            return hc.security().tokens().create(Principal.system(), "ann@example.com", "test").token();
        }
    }

    HttpResponse<String> send(int port, String token, String method, String path, String type, byte[] body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Authorization", "Bearer " + token)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (type != null) {
            b.header("Content-Type", type);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Uploads the CSV to the node and starts its import; returns the import's id. */
    String startImport(int port, String token, String csv) throws Exception {
        HttpResponse<String> up = send(port, token, "POST", "/api/v1/imports/files?name=contacts.csv", "text/csv",
                csv.getBytes(StandardCharsets.UTF_8));
        assertThat(up.statusCode()).as(up.body()).isEqualTo(201);
        String fileId = JSON.readTree(up.body()).get("fileId").asText();
        HttpResponse<String> start = send(port, token, "POST", "/api/v1/imports", "application/json",
                ("{\"fileId\": \"" + fileId + "\", \"object\": \"contact\"}").getBytes(StandardCharsets.UTF_8));
        assertThat(start.statusCode()).as(start.body()).isEqualTo(202);
        return JSON.readTree(start.body()).path("import").path("id").asText();
    }

    JsonNode awaitImport(int port, String token, String id, long seconds) throws Exception {
        long end = System.currentTimeMillis() + seconds * 1000;
        JsonNode s = null;
        while (System.currentTimeMillis() < end) {
            s = JSON.readTree(send(port, token, "GET", "/api/v1/imports/" + id, null, null).body());
            if (List.of("succeeded", "completed_with_failures", "failed", "cancelled").contains(s.path("state").asText())) {
                return s;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("import " + id + " did not end: " + s);
    }

    static String contacts(int rows, String prefix) {
        StringBuilder b = new StringBuilder(rows * 48).append("external_id,first_name,last_name,email\n");
        for (int i = 0; i < rows; i++) {
            b.append(prefix).append(i).append(",Nod,Node ").append(i).append(",").append(prefix.toLowerCase()).append(i)
                    .append("@example.com\n");
        }
        return b.toString();
    }

    /** The ids of a result file, each checked to be a created row of the header's width. */
    static List<String> resultIds(String csv) {
        List<String> lines = csv.lines().toList();
        int width = lines.get(0).split(",", -1).length;
        return lines.stream().skip(1).map(l -> {
            String[] f = l.split(",", -1);
            assertThat(f).as(l).hasSize(width);
            assertThat(f[width - 3]).as(l).isEqualTo("created");
            return f[0];
        }).toList();
    }

    @Test
    void aFileUploadedToOneNodeIsImportedByAnotherAndItsResultsDownloadFromEither() throws Exception {
        Map<String, String> shared = shared();
        String token = userToken(shared, dirs.resolve("a"));
        try (HotCrm a = HotCrm.open(Config.from(dirs.resolve("a"), node(shared, "node-a", 0)));
             HotCrm b = HotCrm.open(Config.from(dirs.resolve("b"), node(shared, "node-b", 1)))) {
            WebServer webA = a.start(0);
            WebServer webB = b.start(0);
            try {
                String id = startImport(webA.port(), token, contacts(5_000, "S-") + "S-bad,Bad,,not-an-email\n");
                JsonNode done = awaitImport(webA.port(), token, id, 90);
                assertThat(done.path("state").asText()).as(done.toString()).isEqualTo("completed_with_failures");
                assertThat(done.path("created").asLong()).isEqualTo(5_000);
                assertThat(done.path("failed").asLong()).isEqualTo(1);
                assertThat(done.path("job").path("node").asText()).isEqualTo("node-b");
                assertThat(done.toString()).doesNotContain(dirs.toString());
                String fromA = send(webA.port(), token, "GET", "/api/v1/imports/" + id + "/results", null, null).body();
                String fromB = send(webB.port(), token, "GET", "/api/v1/imports/" + id + "/results", null, null).body();
                assertThat(fromA).isEqualTo(fromB);
                assertThat(fromA.lines()).hasSize(5_002);
                String errors = send(webA.port(), token, "GET", "/api/v1/imports/" + id + "/errors", null, null).body();
                assertThat(errors.lines()).hasSize(2);
                assertThat(errors).contains("S-bad");
                assertThat(dirs.resolve("a").resolve("uploads")).doesNotExist();
                assertThat(dirs.resolve("b").resolve("imports")).doesNotExist();
            } finally {
                webA.stop();
                webB.stop();
            }
        }
    }

    @Test
    void anImportWhoseNodeIsKilledIsFinishedByAnotherNodeWithoutLosingOrRepeatingARow() throws Exception {
        int rows = 150_000;
        Map<String, String> shared = shared();
        String token = userToken(shared, dirs.resolve("a"));
        int portA = TestServers.freePort();
        String id;
        long doneWhenKilled;
        try (Child a = Child.start(dirs.resolve("a"), node(shared, "node-a", 1), "serve", "--port", String.valueOf(portA))) {
            long up = System.currentTimeMillis() + 60_000;
            while (!a.output().contains("HotCRM is running")) {
                assertThat(a.alive() && System.currentTimeMillis() < up).as(a.output()).isTrue();
                Thread.sleep(100);
            }
            id = startImport(portA, token, contacts(rows, "N-"));
            JsonNode s;
            long end = System.currentTimeMillis() + 120_000;
            do {
                Thread.sleep(20);
                s = JSON.readTree(send(portA, token, "GET", "/api/v1/imports/" + id, null, null).body());
                assertThat(System.currentTimeMillis()).as(s.toString()).isLessThan(end);
            } while (s.path("rowsDone").asLong() < 6_000);
            assertThat(s.path("state").asText()).isEqualTo("running");
            a.kill();
            doneWhenKilled = s.path("rowsDone").asLong();
        }
        try (HotCrm b = HotCrm.open(Config.from(dirs.resolve("b"), node(shared, "node-b", 1)))) {
            WebServer webB = b.start(0);
            try {
                JsonNode done = awaitImport(webB.port(), token, id, 150);
                assertThat(done.path("state").asText()).as(done.toString()).isEqualTo("succeeded");
                assertThat(done.path("rowsDone").asLong()).isEqualTo(rows);
                assertThat(done.path("created").asLong()).isEqualTo(rows);
                JsonNode job = done.path("job");
                assertThat(job.path("node").asText()).isEqualTo("node-b");
                assertThat(job.path("attempts").asInt()).isEqualTo(2);
                JsonNode history = JSON.readTree(send(webB.port(), token, "GET", "/api/v1/jobs/" + job.path("id").asText(), null,
                        null).body()).path("history");
                assertThat(history.toString()).contains("The node running it (node-a) stopped during attempt 1 of 3; retrying"
                        + " on another node").contains("Attempt 2 on node-b");
                long inDb = b.database().jdbi().withHandle(h -> h.createQuery("select count(*) from obj_contact"
                        + " where external_id like 'N-%'").mapTo(Long.class).one());
                long distinct = b.database().jdbi().withHandle(h -> h.createQuery("select count(distinct external_id)"
                        + " from obj_contact where external_id like 'N-%'").mapTo(Long.class).one());
                assertThat(inDb).as("rows lost or repeated (killed after " + doneWhenKilled + ")").isEqualTo(rows);
                assertThat(distinct).isEqualTo(rows);
                List<String> ids = resultIds(send(webB.port(), token, "GET", "/api/v1/imports/" + id + "/results", null, null).body());
                assertThat(ids).hasSize(rows);
                assertThat(new HashSet<>(ids)).hasSize(rows);
                System.out.printf("two nodes: node-a killed at %d of %d rows; node-b finished: %d rows in the database (%d distinct),"
                        + " %d result rows (%d distinct): lost %d, duplicated %d%n", doneWhenKilled, rows, inDb, distinct, ids.size(),
                        new HashSet<>(ids).size(), rows - distinct, inDb - distinct);
                assertThat(b.security().users().principal("ann@example.com")).isNotNull();
                String notices = send(webB.port(), token, "GET", "/api/v1/notices", null, null).body();
                assertThat(notices).contains("HotCRM import of contacts.csv succeeded");
            } finally {
                webB.stop();
            }
        }
    }
}
