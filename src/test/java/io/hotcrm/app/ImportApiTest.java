package io.hotcrm.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hotcrm.security.Principal;
import io.hotcrm.web.WebServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Imports over REST on the real composition root and server: upload, preview, dry-run and commit as jobs on
 * the job server, progress events, result downloads, re-import, undo, and the upload limit.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ImportApiTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path data;
    HotCrm hc;
    WebServer web;
    String token;
    final HttpClient http = HttpClient.newHttpClient();

    com.icegreen.greenmail.util.GreenMail mail;

    @BeforeAll
    void start() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        mail = new com.icegreen.greenmail.util.GreenMail(new com.icegreen.greenmail.util.ServerSetup(port, "127.0.0.1", "smtp"));
        mail.start();
        hc = HotCrm.open(Config.from(data, Map.of("HOTCRM_UPLOAD_MAX_MB", "1", "HOTCRM_SMTP_HOST", "127.0.0.1",
                "HOTCRM_SMTP_PORT", String.valueOf(port), "HOTCRM_SMTP_STARTTLS", "false", "HOTCRM_SMTP_FROM", "crm@example.com")));
        hc.security().users().add(Principal.system(), "ann@example.com", "Ann Admin", "admin", null);
        token = hc.security().tokens().create(Principal.system(), "ann@example.com", "test").token();
        web = hc.start(0);
    }

    @AfterAll
    void stop() {
        web.stop();
        hc.close();
        mail.stop();
    }

    HttpResponse<String> send(String method, String path, String contentType, byte[] body) throws Exception {
        return send(token, method, path, contentType, body);
    }

    HttpResponse<String> send(String bearer, String method, String path, String contentType, byte[] body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + web.port() + path))
                .header("Authorization", "Bearer " + bearer)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    JsonNode json(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body());
    }

    String upload(String name, String csv) throws Exception {
        HttpResponse<String> r = send("POST", "/api/v1/imports/files?name=" + name, "text/csv", csv.getBytes(StandardCharsets.UTF_8));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return json(r).get("fileId").asText();
    }

    JsonNode startImport(String body) throws Exception {
        HttpResponse<String> r = send("POST", "/api/v1/imports", "application/json", body.getBytes(StandardCharsets.UTF_8));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        return json(r);
    }

    JsonNode await(String importId) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        JsonNode s;
        do {
            Thread.sleep(200);
            s = json(send("GET", "/api/v1/imports/" + importId, null, null));
        } while (!s.path("job").path("state").asText().matches("succeeded|failed|cancelled") && System.nanoTime() < deadline);
        return s;
    }

    @Test
    void uploadPreviewDryRunCommitReimportAndUndo() throws Exception {
        String fileId = upload("leads.csv", "Lead ID,First Name,Last Name,Company,E-mail,Lead Status\n"
                + "L-1,Ann,Lee,Acme,ann.lee@example.com,new\nL-2,Bob,Ray,Initech,bob@example.com,contacted\n"
                + "L-3,Cy,,Hooli,cy@example.com,new\n");
        JsonNode preview = json(send("POST", "/api/v1/imports/preview", "application/json",
                ("{\"fileId\":\"" + fileId + "\",\"object\":\"lead\"}").getBytes(StandardCharsets.UTF_8)));
        assertThat(preview.get("source").asText()).startsWith("CSV, UTF-8, comma-separated, 6 columns, 3 rows");
        assertThat(preview.get("suggestions").get(1).get("field").asText()).isEqualTo("first_name");
        assertThat(preview.get("suggestions").get(0).get("field").isNull()).isTrue();

        String mapping = "{\"columns\":{\"Lead ID\":\"external_id\",\"First Name\":\"first_name\",\"Last Name\":\"last_name\","
                + "\"Company\":\"company\",\"E-mail\":\"email\",\"Lead Status\":\"status\"}}";
        JsonNode dry = startImport("{\"fileId\":\"" + fileId + "\",\"object\":\"lead\",\"dryRun\":true,\"mapping\":" + mapping + "}");
        JsonNode dryDone = await(dry.get("import").get("id").asText());
        assertThat(dryDone.get("state").asText()).isEqualTo("completed_with_failures");
        assertThat(dryDone.get("stateText").asText()).isEqualTo("completed with 1 failed row");
        assertThat(dryDone.get("created").asLong()).isEqualTo(2);
        assertThat(dryDone.get("failed").asLong()).isEqualTo(1);
        assertThat(dryDone.get("problems").get(0).get("message").asText()).contains("Last Name is required");
        JsonNode group = dryDone.get("problemGroups").get(0);
        assertThat(group.get("kind").asText()).isEqualTo("error");
        assertThat(group.get("column").asText()).isEqualTo("Last Name");
        assertThat(group.get("count").asLong()).isEqualTo(1);
        assertThat(group.get("rows").get(0).asLong()).isEqualTo(4);
        assertThat(dryDone.get("problemGroups")).filteredOn(g -> g.get("kind").asText().equals("notice")).singleElement()
                .satisfies(g -> assertThat(g.get("message").asText()).isEqualTo("\"new\" was written as \"New\", the picklist's value."))
                .satisfies(g -> assertThat(g.get("count").asLong()).isEqualTo(2));

        HttpResponse<String> commitIt = send("POST", "/api/v1/imports/" + dryDone.get("id").asText() + "/commit", null, null);
        assertThat(commitIt.statusCode()).as(commitIt.body()).isEqualTo(202);
        JsonNode commit = json(commitIt);
        assertThat(commit.get("import").get("dryRun").asBoolean()).isFalse();
        hc.importer().saveMapping(hc.security().users().principal("ann@example.com"), "web leads",
                io.hotcrm.mapping.Mapping.parse(mapping, "test").withObject("lead"));
        String importId = commit.get("import").get("id").asText();
        String jobId = commit.get("job").get("id").asText();
        HttpRequest events = HttpRequest.newBuilder(URI.create("http://localhost:" + web.port() + "/api/v1/jobs/" + jobId + "/events"))
                .header("Authorization", "Bearer " + token).header("Accept", "text/event-stream").build();
        String stream = http.send(events, HttpResponse.BodyHandlers.ofString()).body();
        assertThat(stream).contains("event: done").contains("\"state\":\"succeeded\"");
        JsonNode done = await(importId);
        assertThat(done.get("created").asLong()).isEqualTo(dryDone.get("created").asLong());
        assertThat(done.get("failed").asLong()).isEqualTo(dryDone.get("failed").asLong());
        HttpResponse<String> errors = send("GET", "/api/v1/imports/" + importId + "/errors", null, null);
        assertThat(errors.statusCode()).isEqualTo(200);
        assertThat(errors.headers().firstValue("Content-Disposition").orElse("")).contains("errors.csv");
        assertThat(errors.body()).contains("L-3,Cy,,Hooli,cy@example.com,new,4,Last Name: Last Name is required");
        assertThat(send("GET", "/api/v1/imports/" + importId + "/results", null, null).body()).contains(",created,");
        assertThat(mail.waitForIncomingEmail(10_000, 1)).isTrue();
        jakarta.mail.internet.MimeMessage m = mail.getReceivedMessages()[0];
        assertThat(m.getSubject()).isEqualTo("HotCRM import of leads.csv completed with 1 failed row");
        assertThat(m.getAllRecipients()[0].toString()).isEqualTo("ann@example.com");
        assertThat(m.getContent().toString()).contains("Created 2", "failed 1", "error file");
        assertThat(json(send("GET", "/api/v1/notices", null, null)).get("notices").get(0).get("subject").asText())
                .isEqualTo("HotCRM import of leads.csv completed with 1 failed row");

        JsonNode again = startImport("{\"fileId\":\"" + fileId + "\",\"object\":\"lead\",\"mappingName\":\"web leads\"}");
        JsonNode againDone = await(again.get("import").get("id").asText());
        assertThat(againDone.get("unchanged").asLong()).isEqualTo(2);
        assertThat(againDone.get("created").asLong()).isZero();

        HttpResponse<String> undoing = send("POST", "/api/v1/imports/" + importId + "/undo", null, null);
        assertThat(undoing.statusCode()).as(undoing.body()).isEqualTo(202);
        assertThat(json(undoing).get("job").get("type").asText()).isEqualTo("import-undo");
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        JsonNode undone;
        do {
            Thread.sleep(100);
            undone = json(send("GET", "/api/v1/imports/" + importId, null, null));
        } while (!undone.get("state").asText().equals("undone") && System.nanoTime() < deadline);
        assertThat(undone.get("undo").get("deleted").asLong()).as(undone.toString()).isEqualTo(2);
        HttpResponse<String> twice = send("POST", "/api/v1/imports/" + importId + "/undo", null, null);
        assertThat(twice.statusCode()).isEqualTo(409);
        assertThat(json(send("GET", "/api/v1/imports", null, null)).get("imports")).filteredOn(i -> i.get("object").asText().equals("lead"))
                .hasSize(3);
        HttpResponse<String> badLimit = send("GET", "/api/v1/imports?limit=lots", null, null);
        assertThat(badLimit.statusCode()).isEqualTo(400);
        assertThat(json(badLimit).get("message").asText()).contains("limit must be a number from 1 to 1000");
        assertThat(json(send("GET", "/api/v1/mappings?object=lead", null, null)).get("mappings").get(0).get("name").asText())
                .isEqualTo("web leads");
    }

    @Test
    void theSameIdempotencyKeyReturnsTheSameImport() throws Exception {
        String fileId = upload("idem.csv", "external_id,last_name\nID-1,Idem\n");
        byte[] body = ("{\"fileId\":\"" + fileId + "\",\"object\":\"contact\"}").getBytes(StandardCharsets.UTF_8);
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + web.port() + "/api/v1/imports"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .header("Idempotency-Key", "nightly-2026-12-01").POST(HttpRequest.BodyPublishers.ofByteArray(body));
        JsonNode first = JSON.readTree(http.send(b.build(), HttpResponse.BodyHandlers.ofString()).body());
        JsonNode again = JSON.readTree(http.send(b.build(), HttpResponse.BodyHandlers.ofString()).body());
        assertThat(again.get("import").get("id").asText()).isEqualTo(first.get("import").get("id").asText());
        assertThat(await(first.get("import").get("id").asText()).get("created").asLong()).isEqualTo(1);
    }

    @Test
    void uploadsOverTheLimitAreRefusedWithAWayForward() throws Exception {
        byte[] big = new byte[1024 * 1024 + 10];
        java.util.Arrays.fill(big, (byte) 'x');
        HttpResponse<String> r = send("POST", "/api/v1/imports/files?name=big.csv", "text/csv", big);
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(json(r).get("message").asText()).contains("larger than 1 MB").contains("Split it").contains("hotcrm import FILE");
    }

    @Test
    void savedMappingsBelongToWhoSavedThemAndListWithoutAnObject() throws Exception {
        String mapping = "{\"columns\":{\"Email\":\"email\"}}";
        HttpResponse<String> saved = send("PUT", "/api/v1/mappings/contact/shared%20sheet", "application/json",
                mapping.getBytes(StandardCharsets.UTF_8));
        assertThat(saved.statusCode()).as(saved.body()).isEqualTo(200);
        hc.security().users().add(Principal.system(), "stan@example.com", "Stan Standard", "standard", null);
        String stan = hc.security().tokens().create(Principal.system(), "stan@example.com", "test").token();
        HttpResponse<String> overwrite = send(stan, "PUT", "/api/v1/mappings/contact/shared%20sheet", "application/json",
                "{\"columns\":{\"Email\":\"last_name\"}}".getBytes(StandardCharsets.UTF_8));
        assertThat(overwrite.statusCode()).isEqualTo(403);
        assertThat(json(overwrite).get("message").asText()).isEqualTo("The contact mapping \"shared sheet\" was saved by"
                + " ann@example.com; only they or an administrator may change it. Save yours under another name.");
        assertThat(send("GET", "/api/v1/mappings/contact/shared%20sheet", null, null).body()).contains("\"email\"");
        assertThat(send(stan, "PUT", "/api/v1/mappings/contact/stan%20sheet", "application/json",
                mapping.getBytes(StandardCharsets.UTF_8)).statusCode()).isEqualTo(200);
        HttpResponse<String> all = send(stan, "GET", "/api/v1/mappings", null, null);
        assertThat(all.statusCode()).as(all.body()).isEqualTo(200);
        assertThat(all.body()).contains("shared sheet", "stan sheet");
    }

    @Test
    void aVeryLongUploadNameIsShortenedKeepingItsExtension() throws Exception {
        String name = "x".repeat(5_000) + ".csv";
        HttpResponse<String> r = send("POST", "/api/v1/imports/files?name=" + name, "text/csv",
                "external_id,last_name\nLN-1,Long\n".getBytes(StandardCharsets.UTF_8));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        assertThat(json(r).get("name").asText()).hasSize(120).endsWith("xxx.csv");
        JsonNode started = startImport("{\"fileId\":\"" + json(r).get("fileId").asText() + "\",\"object\":\"contact\",\"dryRun\":true}");
        assertThat(await(started.get("import").get("id").asText()).get("state").asText()).isEqualTo("succeeded");
    }
}
