package io.hotcrm.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.hotcrm.store.Dialect;
import io.hotcrm.testing.DialectContract;
import io.hotcrm.testing.PlantedPerson;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Handing a planted person their data, on each database: one ZIP with JSON and CSV per object and the file's bytes,
 * every entry's SHA-256 in the manifest, none of the namesake's data nor the other addresses of a logged email.
 */
class PrivacyHandOverTest {

    @Nested
    class OnH2 extends Contract {
        OnH2() {
            super(Dialect.H2);
        }
    }

    @Nested
    class OnPostgres extends Contract {
        OnPostgres() {
            super(Dialect.POSTGRES);
        }
    }

    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    abstract static class Contract extends DialectContract {
        PlantedPerson person;

        Contract(Dialect dialect) {
            super(dialect);
        }

        @BeforeAll
        void plant() {
            person = new PlantedPerson(t);
        }

        @Test
        void anAccessRequestGetsOneZipWithAManifestAndNothingOfAnyoneElse() throws Exception {
            PrivacyRequest r = t.privacy.create(t.admin, "access", new Identifiers(PlantedPerson.EMAIL, null, null, null));
            assertThatThrownBy(() -> t.privacy.export(t.admin, r.id(), new ByteArrayOutputStream())).hasMessageContaining("approved");
            t.privacy.verify(t.admin, r.id(), "Replied from the address on file.");
            t.privacy.approve(t.admin, r.id(), null);
            ByteArrayOutputStream zip = new ByteArrayOutputStream();
            int[] n = t.privacy.export(t.admin, r.id(), zip);
            assertThat(n[1]).isEqualTo(1);
            Map<String, byte[]> entries = new LinkedHashMap<>();
            try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip.toByteArray()))) {
                for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                    entries.put(e.getName(), in.readAllBytes());
                }
            }
            assertThat(entries).containsKeys("contact.json", "contact.csv", "lead.json", "case.json", "opportunity.csv",
                    "email_message.json", "note.json", "manifest.json");
            assertThat(entries.keySet()).anyMatch(k -> k.startsWith("files/") && k.endsWith("scan.pdf"));
            JsonNode manifest = Certificates.JSON.readTree(entries.get("manifest.json"));
            assertThat(manifest.path("entries").size()).isEqualTo(entries.size() - 1);
            for (JsonNode e : manifest.path("entries")) {
                byte[] bytes = entries.get(e.path("name").asText());
                assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes))).as(e.path("name").asText())
                        .isEqualTo(e.path("sha256").asText());
                assertThat(bytes.length).isEqualTo(e.path("bytes").asInt());
            }
            String all = entries.values().stream().map(b -> new String(b, StandardCharsets.UTF_8)).reduce("", String::concat)
                    .toLowerCase(java.util.Locale.ROOT);
            assertThat(all).contains("maja.jorgensen@example.org", "head of logistics", "maja likes cycling")
                    .doesNotContain("maja.j@other.example", "other maja's case", "x@acme.example", "billing@acme.example");
            for (java.util.UUID other : person.namesake) {
                assertThat(all).doesNotContain(other.toString());
            }
            // an access request is done once handed over; it keeps no identifiers
            PrivacyRequest done = t.privacy.get(t.admin, r.id());
            assertThat(done.state()).isEqualTo(PrivacyRequest.DONE);
            assertThat(done.email()).isNull();
        }
    }
}
