package io.hotcrm.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import io.hotcrm.security.Principal;
import io.hotcrm.testing.TestPlatform;
import io.hotcrm.web.WebServer;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A person confirms their own request: HotCRM emails a single-use link (through a real SMTP server, GreenMail) to the
 * address on the request; following it verifies the request once; a used or unknown link confirms nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PrivacyVerificationLinkTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path data;
    HotCrm hc;
    WebServer web;
    GreenMail mail;
    String token;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    void start() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        mail = new GreenMail(new ServerSetup(port, "127.0.0.1", "smtp"));
        mail.start();
        hc = HotCrm.open(Config.from(data, Map.of("HOTCRM_SECRET_KEY", TestPlatform.SECRET_KEY, "HOTCRM_SMTP_HOST", "127.0.0.1",
                "HOTCRM_SMTP_PORT", String.valueOf(port), "HOTCRM_SMTP_STARTTLS", "false", "HOTCRM_SMTP_FROM", "privacy@crm.example")));
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

    HttpResponse<String> send(String method, String path, String body, boolean signedIn) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + web.port() + path))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (signedIn) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    @Test
    void thePersonConfirmsTheirRequestOnceThroughTheEmailedLink() throws Exception {
        String id = JSON.readTree(send("POST", "/api/v1/privacy/requests", "{\"email\":\"maja@example.org\"}", true).body()).path("id").asText();
        HttpResponse<String> r = send("POST", "/api/v1/privacy/requests/" + id + "/send-verification",
                "{\"baseUrl\":\"http://localhost:" + web.port() + "\"}", true);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(mail.waitForIncomingEmail(10_000, 1)).isTrue();
        var message = mail.getReceivedMessages()[0];
        assertThat(message.getAllRecipients()[0].toString()).isEqualTo("maja@example.org");
        String body = GreenMailUtil.getBody(message).replace("=\r\n", "").replace("=3D", "=");
        Matcher m = Pattern.compile("http://localhost:\\d+/privacy/verify/[A-Za-z0-9_-]+").matcher(body);
        assertThat(m.find()).as(body).isTrue();
        String link = m.group().substring(("http://localhost:" + web.port()).length());
        // no other request's data and no token is kept readable: only its hash
        String kept = hc.database().jdbi().withHandle(h -> h.createQuery("select token_hash from hc_privacy_link").mapTo(String.class).one());
        assertThat(link).doesNotContain(kept);

        assertThat(send("GET", link.replaceAll(".$", "x"), null, false).statusCode()).isEqualTo(404);
        r = send("GET", link, null, false);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("your request is confirmed");
        assertThat(JSON.readTree(send("GET", "/api/v1/privacy/requests/" + id, null, true).body()).at("/request/state").asText())
                .isEqualTo("verified");
        r = send("GET", link, null, false);
        assertThat(r.statusCode()).isEqualTo(409);
        assertThat(r.body()).contains("used already");
        // a verified request is not sent another link
        r = send("POST", "/api/v1/privacy/requests/" + id + "/send-verification", "{\"baseUrl\":\"http://localhost\"}", true);
        assertThat(r.statusCode()).isEqualTo(409);
    }
}
