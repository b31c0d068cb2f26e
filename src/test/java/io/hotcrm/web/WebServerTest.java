package io.hotcrm.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.hotcrm.security.Principal;
import io.hotcrm.store.Dialect;
import io.hotcrm.testing.TestPlatform;
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
        web = new WebServer(t.schema, t.records, t.query, t.security, "H2");
        web.start(0);
        adminToken = t.security.tokens().create(t.admin, "admin@example.com", "test").token();
        t.security.users().add(Principal.system(), "reader@example.com", "Reader", "read_only", null);
        readerToken = t.security.tokens().create(t.admin, "reader@example.com", "test").token();
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
}
