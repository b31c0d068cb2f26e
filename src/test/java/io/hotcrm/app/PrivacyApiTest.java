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
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Data-subject requests over REST on the real composition root: their life, the findings, and the privacy right. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PrivacyApiTest {
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

    HttpResponse<String> send(String bearer, String method, String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + web.port() + path))
                .header("Authorization", "Bearer " + bearer).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    @Test
    void aRequestOverRest() throws Exception {
        String contact = JSON.readTree(send(token, "POST", "/api/v1/objects/contact/records",
                "{\"first_name\":\"Maja\",\"last_name\":\"Jørgensen\",\"email\":\"maja@example.org\"}").body()).path("id").asText();
        assertThat(send(salesToken, "POST", "/api/v1/privacy/requests", "{\"email\":\"maja@example.org\"}").statusCode()).isEqualTo(403);
        assertThat(send(salesToken, "GET", "/api/v1/privacy/requests", null).statusCode()).isEqualTo(403);
        HttpResponse<String> r = send(token, "POST", "/api/v1/privacy/requests", "{\"kind\":\"access\",\"email\":\"Maja@Example.org\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        JsonNode req = JSON.readTree(r.body());
        String id = req.path("id").asText();
        assertThat(req.path("state").asText()).isEqualTo("received");
        assertThat(req.path("kind").asText()).isEqualTo("access");
        r = send(token, "POST", "/api/v1/privacy/requests/" + id + "/approve", null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(409);
        r = send(token, "POST", "/api/v1/privacy/requests/" + id + "/verify", "{\"note\":\"Replied from the address on file\"}");
        assertThat(JSON.readTree(r.body()).path("state").asText()).as(r.body()).isEqualTo("verified");
        r = send(token, "POST", "/api/v1/privacy/requests/" + id + "/extend", "{\"days\":61,\"reason\":\"x\"}");
        assertThat(r.statusCode()).isEqualTo(400);
        r = send(token, "GET", "/api/v1/privacy/requests/" + id + "/findings", null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(JSON.readTree(r.body()).path("subjects").path(0).path("id").asText()).isEqualTo(contact);
        r = send(token, "GET", "/api/v1/privacy/requests/" + id, null);
        assertThat(JSON.readTree(r.body()).path("history").size()).isEqualTo(2);
        r = send(token, "GET", "/api/v1/privacy/requests", null);
        assertThat(r.body()).contains(id);
        r = send(token, "POST", "/api/v1/privacy/requests/" + id + "/run", "{\"action\":\"delete\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(r.body()).contains("not an erasure");
        // the access request hands the person their data: one ZIP with its manifest
        send(token, "POST", "/api/v1/privacy/requests/" + id + "/approve", null);
        HttpResponse<byte[]> zip = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + web.port()
                + "/api/v1/privacy/requests/" + id + "/export")).header("Authorization", "Bearer " + token).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(zip.statusCode()).isEqualTo(200);
        assertThat(zip.headers().firstValue("Content-Type").orElse("")).startsWith("application/zip");
        java.util.List<String> names = new java.util.ArrayList<>();
        try (java.util.zip.ZipInputStream in = new java.util.zip.ZipInputStream(new java.io.ByteArrayInputStream(zip.body()))) {
            for (java.util.zip.ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                names.add(e.getName());
            }
        }
        assertThat(names).contains("contact.json", "contact.csv", "manifest.json");
        assertThat(JSON.readTree(send(token, "GET", "/api/v1/privacy/requests/" + id, null).body()).at("/request/state").asText())
                .isEqualTo("done");
        String erasure = JSON.readTree(send(token, "POST", "/api/v1/privacy/requests", "{\"email\":\"maja@example.org\"}").body())
                .path("id").asText();
        send(token, "POST", "/api/v1/privacy/requests/" + erasure + "/verify", "{\"note\":\"Called back\"}");
        send(token, "POST", "/api/v1/privacy/requests/" + erasure + "/approve", null);
        r = send(token, "GET", "/api/v1/privacy/requests/" + erasure + "/preview?action=delete", null);
        assertThat(JSON.readTree(r.body()).path("changes").path(0).path("action").asText()).as(r.body()).isEqualTo("delete");
        r = send(token, "POST", "/api/v1/privacy/requests/" + erasure + "/run", "{\"action\":\"delete\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(JSON.readTree(r.body()).at("/objects/contact/deleted").asInt()).isEqualTo(1);
        assertThat(send(token, "GET", "/api/v1/objects/contact/records/" + contact, null).statusCode()).isEqualTo(404);
        r = send(token, "GET", "/api/v1/privacy/requests/" + erasure + "/certificate", null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).contains("hotcrm-privacy-certificate/1", contact).doesNotContain("maja");
        HttpResponse<byte[]> pdf = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + web.port()
                + "/api/v1/privacy/requests/" + erasure + "/certificate?format=pdf")).header("Authorization", "Bearer " + token).GET()
                .build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(pdf.statusCode()).isEqualTo(200);
        assertThat(pdf.headers().firstValue("Content-Type").orElse("")).startsWith("application/pdf");
        assertThat(pdf.body()).startsWith("%PDF".getBytes(StandardCharsets.US_ASCII));
        // the public key is published to anyone
        HttpResponse<String> key = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + web.port()
                + "/api/v1/privacy/public-key")).GET().build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        assertThat(key.statusCode()).isEqualTo(200);
        JsonNode k = JSON.readTree(key.body());
        assertThat(k.path("algorithm").asText()).isEqualTo("Ed25519");
        assertThat(JSON.readTree(r.body()).at("/signature/keyFingerprint").asText()).isEqualTo(k.path("fingerprint").asText());
        // a customer checks the certificate with the published key alone, without HotCRM
        java.security.PublicKey pub = java.security.KeyFactory.getInstance("Ed25519").generatePublic(
                new java.security.spec.X509EncodedKeySpec(java.util.Base64.getDecoder().decode(k.path("publicKey").asText())));
        com.fasterxml.jackson.databind.node.ObjectNode body = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(r.body());
        byte[] sig = java.util.Base64.getDecoder().decode(body.remove("signature").path("value").asText());
        java.security.Signature v = java.security.Signature.getInstance("Ed25519");
        v.initVerify(pub);
        v.update(sorted(body).toString().getBytes(StandardCharsets.UTF_8));
        assertThat(v.verify(sig)).isTrue();
        r = send(token, "POST", "/api/v1/privacy/requests", "{\"email\":\"no-at-sign\"}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("not an email address");
    }

    /** The certificate's canonical form as docs/privacy.md describes it: keys sorted at every level, no blanks. */
    static JsonNode sorted(JsonNode n) {
        if (n.isObject()) {
            com.fasterxml.jackson.databind.node.ObjectNode out = JSON.createObjectNode();
            java.util.List<String> names = new java.util.ArrayList<>();
            n.fieldNames().forEachRemaining(names::add);
            java.util.Collections.sort(names);
            names.forEach(name -> out.set(name, sorted(n.get(name))));
            return out;
        }
        if (n.isArray()) {
            com.fasterxml.jackson.databind.node.ArrayNode out = JSON.createArrayNode();
            n.forEach(x -> out.add(sorted(x)));
            return out;
        }
        return n;
    }
}
