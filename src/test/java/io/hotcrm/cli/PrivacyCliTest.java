package io.hotcrm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hotcrm.testing.CliRun;
import io.hotcrm.testing.TestPlatform;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hotcrm privacy …} as an operator types it, on a new embedded data directory. */
class PrivacyCliTest {
    @TempDir
    Path dir;

    @Test
    void aRequestIsCreatedVerifiedApprovedAndItsPersonFoundFromTheCommandLine() throws Exception {
        ObjectMapper json = new ObjectMapper();
        Map<String, String> env = Map.of("HOTCRM_SECRET_KEY", TestPlatform.SECRET_KEY);
        Path data = dir.resolve("data");
        CliRun cli = new CliRun();
        Path csv = dir.resolve("contacts.csv");
        Files.writeString(csv, "First Name,Last Name,Email,Phone\nMaja,Jørgensen,maja@example.org,+45 20 12 34 56\n"
                + "Maja,Jørgensen,other.maja@example.org,+45 99 88 77 66\n");
        assertThat(cli.run(data, env, "import", csv.toString(), "--object", "contact")).as(cli.err()).isZero();

        assertThat(cli.run(data, env, "privacy", "request", "create", "--email", "Maja@Example.org", "--json")).as(cli.err()).isZero();
        JsonNode created = json.readTree(cli.out());
        String id = created.path("id").asText();
        assertThat(created.path("state").asText()).isEqualTo("received");
        assertThat(created.path("dueAt").asText()).isNotEmpty();
        assertThat(cli.run(data, env, "privacy", "approve", id)).isEqualTo(5);
        assertThat(cli.err()).contains("only when verified");
        assertThat(cli.run(data, env, "privacy", "request", "verify", id, "--note", "Replied from the address on file")).as(cli.err()).isZero();
        assertThat(cli.run(data, env, "privacy", "request", "extend", id, "--days", "20", "--reason", "Many records")).isZero();
        assertThat(cli.out()).contains("extended by 20 days");
        assertThat(cli.run(data, env, "privacy", "approve", id)).as(cli.err()).isZero();
        assertThat(cli.out()).contains("approved");

        assertThat(cli.run(data, env, "privacy", "find", id, "--json")).as(cli.err()).isZero();
        JsonNode found = json.readTree(cli.out());
        assertThat(found.path("subjects").size()).isEqualTo(1);
        assertThat(found.path("subjects").path(0).path("label").asText()).isEqualTo("Maja Jørgensen");
        assertThat(cli.run(data, env, "privacy", "find", id)).isZero();
        assertThat(cli.out()).contains("The person's records: 1", "Linked records: 0");
        assertThat(cli.run(data, env, "privacy", "request", "show", id)).isZero();
        assertThat(cli.out()).contains("received", "verified", "approved", "Replied from the address on file");
        assertThat(cli.run(data, env, "privacy", "list")).isZero();
        assertThat(cli.out()).contains(id, "erasure", "approved");
        assertThat(cli.run(data, env, "privacy", "preview", id)).as(cli.err()).isZero();
        assertThat(cli.out()).contains("anonymise  contact", "email: a unique redacted-").doesNotContain("maja@example.org");
        assertThat(cli.run(data, env, "privacy", "run", id, "--action", "anonymise", "--json")).as(cli.err()).isZero();
        assertThat(json.readTree(cli.out()).path("objects").path("contact").path("anonymised").asInt()).isEqualTo(1);
        assertThat(cli.run(data, env, "privacy", "request", "show", id)).isZero();
        assertThat(cli.out()).contains("done", "(cleared once done)");
        Path cert = dir.resolve("certificate.json");
        assertThat(cli.run(data, env, "privacy", "certificate", id, "--output", cert.toString())).as(cli.err()).isZero();
        assertThat(cli.run(data, env, "privacy", "verify", cert.toString())).as(cli.out()).isZero();
        assertThat(cli.out()).contains("Valid", "signed by this instance's key SHA256:");
        String text = Files.readString(cert);
        int at = text.indexOf("\"completedAt\"") + 20;
        Files.writeString(cert, text.substring(0, at) + (text.charAt(at) == '1' ? '2' : '1') + text.substring(at + 1));
        assertThat(cli.run(data, env, "privacy", "verify", cert.toString())).isEqualTo(1);
        assertThat(cli.out()).contains("NOT valid", "changed after it was signed");
        // the PDF to hand the person checks the same way; one changed byte in it does not
        Path pdf = dir.resolve("certificate.pdf");
        assertThat(cli.run(data, env, "privacy", "certificate", id, "--output", pdf.toString())).as(cli.err()).isZero();
        assertThat(Files.readAllBytes(pdf)).startsWith("%PDF".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        assertThat(cli.run(data, env, "privacy", "verify", pdf.toString())).as(cli.out()).isZero();
        assertThat(cli.out()).contains("Valid", "the PDF is the one made from it");
        byte[] bytes = Files.readAllBytes(pdf);
        bytes[bytes.length / 2] ^= 0x20;
        Files.write(pdf, bytes);
        assertThat(cli.run(data, env, "privacy", "verify", pdf.toString())).isEqualTo(1);
        assertThat(cli.out()).contains("NOT valid");

        // the other Maja asks for her data: a ZIP with a manifest, written whole or not at all
        assertThat(cli.run(data, env, "privacy", "request", "create", "--email", "other.maja@example.org", "--kind", "access",
                "--json")).as(cli.err()).isZero();
        String access = json.readTree(cli.out()).path("id").asText();
        assertThat(cli.run(data, env, "privacy", "request", "verify", access, "--note", "ID seen")).isZero();
        assertThat(cli.run(data, env, "privacy", "approve", access)).isZero();
        Path zip = dir.resolve("her-data.zip");
        assertThat(cli.run(data, env, "privacy", "export", access, "--output", zip.toString())).as(cli.err()).isZero();
        assertThat(cli.out()).contains("Wrote 1 records");
        try (java.util.zip.ZipFile z = new java.util.zip.ZipFile(zip.toFile())) {
            assertThat(z.getEntry("manifest.json")).isNotNull();
            assertThat(new String(z.getInputStream(z.getEntry("contact.csv")).readAllBytes(), java.nio.charset.StandardCharsets.UTF_8))
                    .contains("other.maja@example.org").doesNotContain("[redacted]");
        }
        assertThat(cli.run(data, env, "privacy", "export", access, "--output", dir.resolve("again.zip").toString())).isEqualTo(5);
        assertThat(Files.exists(dir.resolve("again.zip"))).isFalse();

        // a standard user sees none of it until their role may handle privacy requests
        assertThat(cli.run(data, env, "users", "add", "sam@example.com", "--name", "Sam", "--role", "standard")).as(cli.err()).isZero();
        assertThat(cli.run(data, env, "--as", "sam@example.com", "privacy", "list")).isNotZero();
        assertThat(cli.err()).contains("hotcrm roles privacy standard on");
        assertThat(cli.run(data, env, "privacy", "request", "create")).isEqualTo(2);
        assertThat(cli.err()).contains("--email");
    }
}
