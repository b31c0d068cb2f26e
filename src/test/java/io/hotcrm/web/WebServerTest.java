package io.hotcrm.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.hotcrm.security.Principal;
import io.hotcrm.store.Dialect;
import io.hotcrm.testing.TestPlatform;
import io.hotcrm.jobs.Job;
import io.hotcrm.jobs.JobContext;
import io.hotcrm.jobs.JobHandler;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebServerTest {
    TestPlatform t;
    WebServer web;
    String adminToken;
    String readerToken;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    void start() {
        t = new TestPlatform(Dialect.H2);
        web = new WebServer(new WebServer.Features(t.schema, t.records, t.query, t.security, t.jobs, t.importer,
                64 * 1024, new io.hotcrm.notify.Notifier(t.db.dataSource(), null), "H2", t.exporter, t.schedules, t.migrations, t.privacy, t.backups, t.recycleBin));
        web.start(0);
        adminToken = t.security.tokens().create(t.admin, "admin@example.com", "test").token();
        t.security.users().add(Principal.system(), "reader@example.com", "Reader", "read_only", null);
        readerToken = t.security.tokens().create(t.admin, "reader@example.com", "test").token();
        t.jobs.register(new SlowCount());
    }

    /** Counts to the payload's number, 100 ms per step. */
    static final class SlowCount implements JobHandler {
        @Override
        public String type() {
            return "slow-count";
        }

        @Override
        public String run(JobContext ctx) throws InterruptedException {
            int total = Integer.parseInt(ctx.payload().trim());
            ctx.total(total);
            for (int i = 1; i <= total; i++) {
                ctx.checkCancelled();
                Thread.sleep(100);
                ctx.progress(i);
            }
            return "{\"counted\":" + total + "}";
        }
    }

    @AfterAll
    void stop() {
        web.stop();
        t.close();
    }

    HttpResponse<String> send(String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + web.port() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void answersHealthAndTheLoginPage() throws Exception {
        assertThat(send("GET", "/api/v1/health", null, null).body()).isEqualTo("{\"status\":\"ok\",\"database\":\"h2\"}");
        HttpResponse<String> login = send("GET", "/login", null, null);
        assertThat(login.statusCode()).isEqualTo(200);
        assertThat(login.body()).contains("<form method=\"post\" action=\"/login\">");
    }

    @Test
    void createsAndQueriesRecordsWithAToken() throws Exception {
        HttpResponse<String> created = send("POST", "/api/v1/objects/account/records", adminToken,
                "{\"name\":\"Web Co\",\"industry\":\"finance\"}");
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(created.body()).contains("\"industry\":\"Finance\"");
        HttpResponse<String> page = send("POST", "/api/v1/query", adminToken,
                "{\"object\":\"account\",\"fields\":[\"name\"],\"where\":{\"name\":{\"$startsWith\":\"web\"}}}");
        assertThat(page.body()).contains("\"name\":\"Web Co\"").contains("\"hasMore\":false");
    }

    @Test
    void aUserWithoutPermissionGets403ProblemJson() throws Exception {
        HttpResponse<String> r = send("POST", "/api/v1/objects/account/records", readerToken, "{\"name\":\"Nope\"}");
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(r.body()).contains("\"code\":\"permission_denied\"")
                .contains("User reader@example.com (role \\\"read_only\\\") may not create account records.");
    }

    @Test
    void validationErrorsListEveryField() throws Exception {
        HttpResponse<String> r = send("POST", "/api/v1/objects/contact/records", adminToken, "{\"email\":\"bob@\"}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("\"field\":\"email\"").contains("\"field\":\"last_name\"");
    }

    @Test
    void missingOrBadCredentialsGet401() throws Exception {
        assertThat(send("GET", "/api/v1/objects", null, null).statusCode()).isEqualTo(401);
        assertThat(send("GET", "/api/v1/objects", "hcrm_not-a-real-token", null).statusCode()).isEqualTo(401);
    }

    @Test
    void aCustomFieldAddedOverRestIsUsableAtOnce() throws Exception {
        HttpResponse<String> f = send("POST", "/api/v1/objects/lead/fields", adminToken,
                "{\"name\":\"region\",\"type\":\"picklist\",\"values\":[\"EMEA\",\"APAC\"]}");
        assertThat(f.statusCode()).isEqualTo(201);
        HttpResponse<String> rec = send("POST", "/api/v1/objects/lead/records", adminToken,
                "{\"last_name\":\"Ng\",\"company\":\"Ng Ltd\",\"region\":\"apac\"}");
        assertThat(rec.body()).contains("\"region\":\"APAC\"");
    }

    @Test
    void unknownEndpointsAndMalformedJsonGetClearProblems() throws Exception {
        assertThat(send("GET", "/api/v1/nothing", adminToken, null).body()).contains("There is no endpoint GET /api/v1/nothing");
        HttpResponse<String> bad = send("POST", "/api/v1/query", adminToken, "{\"object\":");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("The request body is not valid JSON");
    }

    @Test
    void usersSeeTheirOwnJobsAndAdminsEveryones() throws Exception {
        Job mine = t.jobs.runHere("slow-count", "2", "reader@example.com", null);
        Job admins = t.jobs.runHere("slow-count", "1", "admin@example.com", null);
        HttpResponse<String> readerList = send("GET", "/api/v1/jobs?type=slow-count", readerToken, null);
        assertThat(readerList.statusCode()).isEqualTo(200);
        assertThat(readerList.body()).contains(mine.id().toString()).doesNotContain(admins.id().toString());
        assertThat(send("GET", "/api/v1/jobs?type=slow-count", adminToken, null).body())
                .contains(mine.id().toString(), admins.id().toString());
        HttpResponse<String> shown = send("GET", "/api/v1/jobs/" + mine.id(), readerToken, null);
        assertThat(shown.body()).contains("\"state\":\"succeeded\"", "\"percent\":100", "\"result\":{\"counted\":2}",
                "\"history\":[{\"state\":\"queued\"");
        assertThat(send("GET", "/api/v1/jobs/" + admins.id(), readerToken, null).statusCode()).isEqualTo(404);
        assertThat(send("GET", "/api/v1/jobs?state=bogus", readerToken, null).body()).contains("Unknown job state 'bogus'");
    }

    @Test
    void aQueuedJobIsCancelledOverRestOnce() throws Exception {
        Job queued = t.jobs.submit("slow-count", "3", "reader@example.com", null);
        HttpResponse<String> cancelled = send("POST", "/api/v1/jobs/" + queued.id() + "/cancel", readerToken, null);
        assertThat(cancelled.statusCode()).isEqualTo(200);
        assertThat(cancelled.body()).contains("\"state\":\"cancelled\"");
        HttpResponse<String> again = send("POST", "/api/v1/jobs/" + queued.id() + "/cancel", readerToken, null);
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(again.body()).contains("already ended (cancelled)");
    }

    @Test
    void progressStreamsAsServerSentEventsUntilTheJobEnds() throws Exception {
        java.util.concurrent.CompletableFuture<Job> running = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> t.jobs.runHere("slow-count", "20", "admin@example.com", null));
        Job j;
        do {
            Thread.sleep(50);
            j = t.jobs.list("admin@example.com", java.util.Set.of(io.hotcrm.jobs.JobState.RUNNING), "slow-count", null, 1)
                    .stream().findFirst().orElse(null);
        } while (j == null);
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://localhost:" + web.port() + "/api/v1/jobs/" + j.id() + "/events"))
                .header("Authorization", "Bearer " + adminToken).header("Accept", "text/event-stream").build();
        String stream = http.send(req, HttpResponse.BodyHandlers.ofString()).body();
        running.get();
        assertThat(stream).contains("event: progress").contains("event: done");
        assertThat(stream.indexOf("event: done")).isGreaterThan(stream.lastIndexOf("event: progress"));
        assertThat(stream).contains("\"done\":20").contains("\"state\":\"succeeded\"");
        assertThat(stream.split("event: progress", -1).length).isGreaterThan(2);
    }

    @Test
    void viewsAreSavedAndRunAndExportsStreamWithTheFieldsLeftOutInAHeader() throws Exception {
        t.records.create(t.admin, "lead", java.util.Map.of("last_name", "Lee", "company", "RestCo", "email", "lee@restco.example"));
        t.records.create(t.admin, "lead", java.util.Map.of("last_name", "=Ng", "company", "RestCo"));
        t.security.roles().create(t.admin, "rest_exp", "Exporter");
        t.security.roles().grant(t.admin, "rest_exp", "lead", new io.hotcrm.security.ObjectPermission(true, false, false, false, true,
                io.hotcrm.security.Visibility.ALL));
        t.security.roles().setFieldAccess(t.admin, "rest_exp", "lead", "email", new io.hotcrm.security.FieldAccess(false, false));
        t.security.users().add(Principal.system(), "exporter@example.com", "Exporter", "rest_exp", null);
        String exporter = t.security.tokens().create(t.admin, "exporter@example.com", "test").token();

        HttpResponse<String> saved = send("PUT", "/api/v1/views/lead/RestCo%20leads", adminToken, "{\"definition\": {\"fields\":"
                + " [\"last_name\", \"email\"], \"where\": {\"company\": \"RestCo\"}, \"orderBy\": [{\"field\": \"last_name\"}]},"
                + " \"shared\": true}");
        assertThat(saved.statusCode()).isEqualTo(200);
        assertThat(saved.body()).contains("\"kind\":\"list\"", "\"shared\":true", "\"object\":\"lead\"");
        assertThat(send("GET", "/api/v1/views?object=lead", exporter, null).body()).contains("RestCo leads");
        HttpResponse<String> results = send("GET", "/api/v1/views/lead/RestCo%20leads/results", exporter, null);
        assertThat(results.body()).contains("\"hiddenFields\":[\"email\"]").doesNotContain("lee@restco.example");

        HttpResponse<String> csv = send("POST", "/api/v1/exports", exporter, "{\"object\": \"lead\", \"view\": \"RestCo leads\"}");
        assertThat(csv.statusCode()).isEqualTo(200);
        assertThat(csv.headers().firstValue("X-HotCRM-Omitted-Fields")).hasValue("email");
        assertThat(csv.headers().firstValue("Content-Disposition").orElseThrow()).matches("attachment; filename=\"restco-leads-\\d{8}-\\d{6}\\.csv\"");
        assertThat(csv.body()).isEqualTo("last_name\r\n'=Ng\r\nLee\r\n");

        HttpRequest get = HttpRequest.newBuilder(URI.create("http://localhost:" + web.port()
                + "/api/v1/exports?object=lead&view=RestCo%20leads&format=xlsx")).header("Authorization", "Bearer " + adminToken).build();
        HttpResponse<byte[]> xlsx = http.send(get, HttpResponse.BodyHandlers.ofByteArray());
        assertThat(xlsx.statusCode()).isEqualTo(200);
        assertThat(xlsx.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/vnd.openxmlformats");
        assertThat(new String(xlsx.body(), 0, 2, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("PK");

        HttpResponse<String> bad = send("POST", "/api/v1/exports", adminToken, "{\"object\": \"lead\", \"format\": \"pdf\"}");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("Unknown export format \\\"pdf\\\". Use csv, xlsx, jsonl, parquet.");
        assertThat(send("POST", "/api/v1/exports", readerToken, "{\"object\": \"lead\"}").statusCode()).isEqualTo(403);
        assertThat(send("DELETE", "/api/v1/views/lead/RestCo%20leads", exporter, null).statusCode()).isEqualTo(403);
        assertThat(send("DELETE", "/api/v1/views/lead/RestCo%20leads", adminToken, null).statusCode()).isEqualTo(204);
        assertThat(send("GET", "/api/v1/views/lead/RestCo%20leads", adminToken, null).statusCode()).isEqualTo(404);
    }
}
