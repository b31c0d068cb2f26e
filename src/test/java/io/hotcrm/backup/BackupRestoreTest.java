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
        return open(data, pgUrl, null);
    }

    HotCrm open(Path data, String pgUrl, String backupKey) {
        Map<String, String> env = new HashMap<>();
        if (backupKey != null) {
            env.put("HOTCRM_BACKUP_KEY", backupKey);
        }
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
            a1 = Path.of(a.backups().create(SYSTEM, tmp.resolve("backups")).archive());
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
            b1 = Path.of(b.backups().create(SYSTEM, tmp.resolve("backups-b")).archive());
        }
        Path c1;
        try (HotCrm c = open("c", Dialect.H2)) {
            c.backups().restore(SYSTEM, b1, false);
        }
        try (HotCrm c = open("c", Dialect.H2)) {
            c1 = Path.of(c.backups().create(SYSTEM, tmp.resolve("backups-c")).archive());
        }
        // what PostgreSQL held, H2 holds: every table's rows and content hash
        assertThat(tables(c1)).isEqualTo(tables(b1));
        Map<String, String> a = tables(a1);
        assertThat(tables(b1).get("obj_account")).isEqualTo(a.get("obj_account"));
        assertThat(tables(b1).get("hc_custom_field")).isEqualTo(a.get("hc_custom_field"));
        assertThat(manifest(c1).path("files").size()).isEqualTo(manifest(a1).path("files").size());
    }

    /** A copy of the archive with one bit flipped at the offset. */
    static Path flipped(Path archive, long offset, Path to) throws IOException {
        byte[] b = Files.readAllBytes(archive);
        b[(int) offset] ^= 0x10;
        return Files.write(to, b);
    }

    /**
     * A copy of the archive whose entries are changed by {@code change} (name → bytes, in order), with the manifest's
     * SHA-256s, counts and checksum made to match again: an archive that verifies but is not what was backed up.
     */
    static Path rewritten(Path archive, Path to, java.util.function.Consumer<Map<String, byte[]>> change,
                          java.util.function.Consumer<ObjectNode> manifestChange) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipFile z = new ZipFile(archive.toFile())) {
            for (var e : java.util.Collections.list(z.entries())) {
                try (InputStream in = z.getInputStream(e)) {
                    entries.put(e.getName(), in.readAllBytes());
                }
            }
        }
        change.accept(entries);
        ObjectNode m = (ObjectNode) JSON.readTree(entries.get(Archive.MANIFEST));
        for (JsonNode t : m.path("tables")) {
            byte[] body = entries.get(t.path("entry").asText());
            long lines = 0;
            for (byte x : body) {
                lines += x == '\n' ? 1 : 0;
            }
            ((ObjectNode) t).put("sha256", sha(body)).put("rows", lines);
        }
        manifestChange.accept(m);
        byte[] mb = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(m);
        entries.put(Archive.MANIFEST, mb);
        entries.put(Archive.MANIFEST_SUM, (sha(mb) + "\n").getBytes(StandardCharsets.US_ASCII));
        try (OutputStream out = Files.newOutputStream(to); ZipOutputStream z = new ZipOutputStream(out)) {
            for (var e : entries.entrySet()) {
                z.putNextEntry(new ZipEntry(e.getKey()));
                z.write(e.getValue());
                z.closeEntry();
            }
        }
        return to;
    }

    static String sha(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String entryOf(Path archive, String table) throws IOException {
        for (JsonNode t : manifest(archive).path("tables")) {
            if (t.path("name").asText().equals(table)) {
                return t.path("entry").asText();
            }
        }
        throw new IllegalArgumentException(table);
    }

    @Test
    void aDamagedOrCutArchiveIsRefusedNamingItsEntryAndNothingIsTouched() throws Exception {
        try (HotCrm a = open("damaged", Dialect.H2)) {
            seed(a);
            Path good = Path.of(a.backups().create(SYSTEM, tmp.resolve("backups")).archive());
            long size = Files.size(good);
            // a flipped bit inside the contacts' entry
            byte[] bytes = Files.readAllBytes(good);
            String entry = entryOf(good, "obj_contact");
            int name = indexOf(bytes, entry.getBytes(StandardCharsets.UTF_8));
            long at = name + entry.length() + 40;
            Path flippedArchive = flipped(good, at, tmp.resolve("flipped.zip"));
            Backups.Verification flipped = a.backups().verify(SYSTEM, flippedArchive);
            assertThat(flipped.valid()).isFalse();
            assertThat(flipped.entry()).isEqualTo(entry);
            assertThat(flipped.problem()).contains(entry);
            // a download cut short
            Path cut = tmp.resolve("cut.zip");
            Files.write(cut, java.util.Arrays.copyOf(bytes, (int) (size * 0.6)));
            Backups.Verification c = a.backups().verify(SYSTEM, cut);
            assertThat(c.valid()).isFalse();
            assertThat(c.problem()).containsAnyOf("cut short", "truncated");
            assertThat(c.entry()).isNotNull();
            // a restore of either is refused before anything changes, even when told to replace
            long contacts = count(a, "obj_contact");
            assertThatThrownBy(() -> a.backups().restore(SYSTEM, cut, true)).hasMessageContaining("not sound")
                    .hasMessageContaining("Nothing was restored");
            assertThat(count(a, "obj_contact")).isEqualTo(contacts);
            // the flipped bit is found while the entry is read, before anything is put in place
            assertThatThrownBy(() -> a.backups().restore(SYSTEM, flippedArchive, true)).hasMessageContaining(entry);
            assertThat(count(a, "obj_contact")).isEqualTo(contacts);
            // the manifest changed without its checksum: refused, naming the manifest
            Path edited = rewritten(good, tmp.resolve("edited.zip"), e -> { }, m -> { });
            Path forged = tmp.resolve("forged.zip");
            Map<String, byte[]> entries = new LinkedHashMap<>();
            try (ZipFile z = new ZipFile(edited.toFile())) {
                for (var e : java.util.Collections.list(z.entries())) {
                    try (InputStream in = z.getInputStream(e)) {
                        entries.put(e.getName(), in.readAllBytes());
                    }
                }
            }
            entries.put(Archive.MANIFEST, new String(entries.get(Archive.MANIFEST), StandardCharsets.UTF_8).replace("\"rows\" : 30",
                    "\"rows\" : 31").getBytes(StandardCharsets.UTF_8));
            try (OutputStream out = Files.newOutputStream(forged); ZipOutputStream z = new ZipOutputStream(out)) {
                for (var e : entries.entrySet()) {
                    z.putNextEntry(new ZipEntry(e.getKey()));
                    z.write(e.getValue());
                    z.closeEntry();
                }
            }
            Backups.Verification f = a.backups().verify(SYSTEM, forged);
            assertThat(f.valid()).isFalse();
            assertThat(f.entry()).isEqualTo(Archive.MANIFEST);
        }
    }

    static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /**
     * A large table on PostgreSQL is loaded without its key and indexes, which are built after its rows (as pg_restore
     * does): afterwards it has the same primary key, unique and other indexes as the source, and they work.
     */
    @Test
    void aLargeTableGetsItsKeyAndIndexesBackAfterItsRowsOnPostgres() throws Exception {
        Path archive;
        java.util.List<String> before;
        StringBuilder csv = new StringBuilder("external_id,first_name,last_name,email\n");
        for (int i = 0; i < 12_000; i++) {
            csv.append("C-").append(i).append(",Kim,Lund").append(i).append(",kim").append(i).append("@example.com\n");
        }
        Path file = Files.writeString(tmp.resolve("many.csv"), csv);
        try (HotCrm src = open("large-src", Dialect.POSTGRES)) {
            src.importer().run(admin(src), io.hotcrm.importing.ImportRequest.of(file, "contact"), io.hotcrm.importing.ImportListener.NONE);
            assertThat(count(src, "obj_contact")).isEqualTo(12_000);
            before = indexes(src);
            archive = Path.of(src.backups().create(SYSTEM, tmp.resolve("large-backups")).archive());
        }
        String pg = TestDb.url(Dialect.POSTGRES);
        try (HotCrm t = open(tmp.resolve("large-target"), pg)) {
            t.backups().restore(SYSTEM, archive, true);
        }
        try (HotCrm t = open(tmp.resolve("large-target"), pg)) {
            assertThat(count(t, "obj_contact")).isEqualTo(12_000);
            assertThat(indexes(t)).isEqualTo(before).anyMatch(d -> d.contains("(id)") && d.startsWith("CREATE UNIQUE INDEX"));
            long keys = t.database().jdbi().withHandle(h -> h.createQuery("select count(*) from pg_constraint where contype = 'p' and"
                    + " conrelid = cast('obj_contact' as regclass)").mapTo(Long.class).one());
            assertThat(keys).isEqualTo(1);
            // the unique external id is enforced again, and the key finds a record
            assertThatThrownBy(() -> t.database().jdbi().useHandle(h -> h.execute("insert into obj_contact (id, external_id, last_name,"
                    + " owner_id, created_at, updated_at) select gen_random_uuid(), external_id, last_name, owner_id, created_at, updated_at"
                    + " from obj_contact where external_id = 'C-7'"))).hasMessageContaining("duplicate key");
            assertThat(t.query().run(admin(t), io.hotcrm.query.ObjectQl.parse("{\"object\":\"contact\",\"fields\":[\"email\"],"
                    + "\"where\":{\"external_id\":\"C-11999\"}}")).toString()).contains("kim11999@example.com");
        }
    }

    /**
     * Files come back byte for byte: one compressed already (a photo) takes no more room than it is (it is stored, not
     * deflated again — the time saved shows in the benchmark, not here), text is deflated.
     */
    @Test
    void compressedFilesTakeNoMoreRoomTextIsDeflatedAndBothComeBackByteForByte() throws Exception {
        Path data = tmp.resolve("files-src");
        byte[] noise = new byte[300_000];
        new java.util.Random(7).nextBytes(noise);
        String text = "id,name\n" + "1,Acme Ålborg\n".repeat(20_000);
        Path archive;
        try (HotCrm src = open(data, null)) {
            Files.createDirectories(data.resolve("attachments"));
            Files.write(data.resolve("attachments").resolve("photo.jpg"), noise);
            Files.writeString(data.resolve("attachments").resolve("list.csv"), text);
            archive = Path.of(src.backups().create(SYSTEM, tmp.resolve("files-backups")).archive());
        }
        try (ZipFile z = new ZipFile(archive.toFile())) {
            ZipEntry photo = z.getEntry("files/attachments/photo.jpg");
            ZipEntry list = z.getEntry("files/attachments/list.csv");
            assertThat(photo.getCompressedSize()).isLessThan(noise.length + noise.length / 100);
            assertThat(list.getCompressedSize()).isLessThan(list.getSize() / 10);
        }
        Path fresh = tmp.resolve("files-target");
        try (HotCrm t = open(fresh, null)) {
            t.backups().restore(SYSTEM, archive, false);
        }
        assertThat(Files.readAllBytes(fresh.resolve("attachments").resolve("photo.jpg"))).isEqualTo(noise);
        assertThat(Files.readString(fresh.resolve("attachments").resolve("list.csv"))).isEqualTo(text);
    }

    static java.util.List<String> indexes(HotCrm hc) {
        return hc.database().jdbi().withHandle(h -> h.createQuery("select regexp_replace(indexdef, ' ON [a-z_0-9.]+\\.', ' ON ')"
                + " from pg_indexes where schemaname = current_schema() and tablename = 'obj_contact' order by indexname")
                .mapTo(String.class).list());
    }

    @Test
    void aDatabaseWithRecordsIsReplacedOnlyWhenToldAndAFailedRestoreLeavesItAsItWas() throws Exception {
        for (Dialect d : Dialect.values()) {
            Path archive;
            try (HotCrm src = open("src-" + d, d)) {
                seed(src);
                archive = Path.of(src.backups().create(SYSTEM, tmp.resolve("backups-" + d)).archive());
            }
            Path data = tmp.resolve("target-" + d);
            String pg = d == Dialect.POSTGRES ? TestDb.url(Dialect.POSTGRES) : null;
            try (HotCrm t = open(data, pg)) {
                t.records().create(admin(t), "account", Map.of("name", "Already here"));
                assertThatThrownBy(() -> t.backups().restore(SYSTEM, archive, false)).hasMessageContaining("already holds 1 records")
                        .hasMessageContaining("--replace");
                // newer than this HotCRM: refused
                Path newer = rewritten(archive, tmp.resolve("newer-" + d + ".zip"), e -> { }, m -> m.put("schemaVersion", "999"));
                assertThatThrownBy(() -> t.backups().restore(SYSTEM, newer, true)).hasMessageContaining("newer HotCRM");
                // sound checksums, wrong content (a contact row of another table's shape): the load fails, nothing changes
                String entry = entryOf(archive, "obj_contact");
                Path bad = rewritten(archive, tmp.resolve("bad-" + d + ".zip"), e -> e.put(entry, (new String(e.get(entry),
                        StandardCharsets.UTF_8) + "[\"not-an-id\"]\n").getBytes(StandardCharsets.UTF_8)), m -> { });
                assertThat(t.backups().verify(SYSTEM, bad).valid()).isTrue();
                assertThatThrownBy(() -> t.backups().restore(SYSTEM, bad, true)).hasMessageContaining("not touched");
                assertThat(count(t, "obj_account")).isEqualTo(1);
                assertThat(count(t, "obj_contact")).isZero();
                // sound checksums and counts, one value changed: the check of the loaded table against the content hash refuses it
                Path changed = rewritten(archive, tmp.resolve("changed-" + d + ".zip"), e -> e.put(entry, new String(e.get(entry),
                        StandardCharsets.UTF_8).replaceFirst("kim7@example.com", "kim7@example.net").getBytes(StandardCharsets.UTF_8)),
                        m -> { });
                assertThat(t.backups().verify(SYSTEM, changed).valid()).isTrue();
                assertThatThrownBy(() -> t.backups().restore(SYSTEM, changed, true)).hasMessageContaining("obj_contact does not match the"
                        + " backup").hasMessageContaining("content differs");
                assertThat(count(t, "obj_account")).isEqualTo(1);
                // the archive's files (the seed's import files) were written while the tables loaded: all removed again
                try (var walk = Files.walk(data)) {
                    assertThat(walk.filter(Files::isRegularFile).map(f -> data.relativize(f).toString())
                            .filter(f -> f.startsWith("imports")).toList()).as("files of a failed restore").isEmpty();
                }
                Backups.Restored r = t.backups().restore(SYSTEM, archive, true);
                assertThat(r.keptAs()).startsWith("hotcrm_before_restore_");
            }
            try (HotCrm t = open(data, pg)) {
                assertThat(count(t, "obj_contact")).isEqualTo(30);
                long before = t.database().jdbi().withHandle(h -> h.createQuery("select count(*) from obj_account where name ="
                        + " 'Already here'").mapTo(Long.class).one());
                assertThat(before).as("the replaced data is not in the restored database").isZero();
            }
        }
    }

    @Test
    void anErasedPersonStaysErasedAfterAnOlderBackupIsRestored() throws Exception {
        for (Dialect d : Dialect.values()) {
            Path data = tmp.resolve("ledger-" + d);
            String pg = d == Dialect.POSTGRES ? TestDb.url(Dialect.POSTGRES) : null;
            Path before;
            UUID maja;
            UUID mention;
            try (HotCrm hc = open(data, pg)) {
                seed(hc);
                Principal ada = admin(hc);
                maja = hc.records().create(ada, "contact", Map.of("first_name", "Maja", "last_name", "Berg", "email", "maja.berg@example.org",
                        "phone", "+47 912 34 567")).id();
                mention = hc.records().create(ada, "account", Map.of("name", "Fjord AS", "description", "Met Maja Berg"
                        + " (maja.berg@example.org) at the fair")).id();
                before = Path.of(hc.backups().create(SYSTEM, tmp.resolve("ledger-backups-" + d)).archive());
                PrivacyRequest r = hc.privacy().create(SYSTEM, "erasure", new Identifiers("maja.berg@example.org", null, null, null));
                hc.privacy().verify(SYSTEM, r.id(), "Replied from the address on file");
                hc.privacy().approve(SYSTEM, r.id(), null);
                hc.privacy().run(SYSTEM, r.id(), "anonymise");
                assertThat(emails(hc, maja)).startsWith("redacted-");
                hc.backups().restore(SYSTEM, before, true);
            }
            try (HotCrm hc = open(data, pg)) {
                // opening the restored database replayed the ledger first
                assertThat(hc.ledgerReplayed()).isPositive();
                assertThat(emails(hc, maja)).startsWith("redacted-");
                String description = hc.database().jdbi().withHandle(h -> h.createQuery("select description from obj_account where id = :id")
                        .bind("id", mention).mapTo(String.class).one());
                assertThat(description).doesNotContain("maja.berg@example.org").doesNotContain("Maja Berg").contains("at the fair");
                long phones = hc.database().jdbi().withHandle(h -> h.createQuery("select count(*) from obj_contact where phone like '%912%'")
                        .mapTo(Long.class).one());
                assertThat(phones).isZero();
                // the other people are as they were
                assertThat(count(hc, "obj_contact")).isEqualTo(31);
            }
            try (HotCrm hc = open(data, pg)) {
                assertThat(hc.ledgerReplayed()).as("replayed once").isEqualTo(-1);
            }
        }
    }

    static String emails(HotCrm hc, UUID id) {
        return hc.database().jdbi().withHandle(h -> h.createQuery("select email from obj_contact where id = :id").bind("id", id)
                .mapTo(String.class).one());
    }

    @Test
    void aBackupTakenWhileRecordsAreWrittenRestoresAStateThatExisted() throws Exception {
        for (Dialect d : Dialect.values()) {
            Path archive;
            try (HotCrm hc = open("busy-" + d, d)) {
                seed(hc);
                Principal ada = admin(hc);
                AtomicBoolean stop = new AtomicBoolean();
                // each transaction writes an account and a contact of it: a snapshot has both or neither
                Thread writer = new Thread(() -> {
                    int i = 0;
                    while (!stop.get()) {
                        int n = i++;
                        hc.database().jdbi().useTransaction(h -> {
                            UUID acc = UUID.randomUUID();
                            h.createUpdate("insert into obj_account (id, name, owner_id, created_at, updated_at, change_seq) values (:id,"
                                    + " :n, :o, current_timestamp, current_timestamp, nextval('hc_change_seq'))").bind("id", acc)
                                    .bind("n", "Busy " + n).bind("o", ada.userId()).execute();
                            h.createUpdate("insert into obj_contact (id, last_name, account_id, owner_id, created_at, updated_at, change_seq)"
                                    + " values (:id, :n, :a, :o, current_timestamp, current_timestamp, nextval('hc_change_seq'))")
                                    .bind("id", UUID.randomUUID()).bind("n", "Busy " + n).bind("a", acc).bind("o", ada.userId()).execute();
                        });
                    }
                });
                writer.start();
                Thread.sleep(200);
                try {
                    archive = Path.of(hc.backups().create(SYSTEM, tmp.resolve("busy-backups-" + d)).archive());
                } finally {
                    stop.set(true);
                    writer.join();
                }
            }
            JsonNode m = manifest(archive);
            long accounts = 0;
            long contacts = 0;
            for (JsonNode t : m.path("tables")) {
                accounts += t.path("name").asText().equals("obj_account") ? t.path("rows").asLong() : 0;
                contacts += t.path("name").asText().equals("obj_contact") ? t.path("rows").asLong() : 0;
            }
            assertThat(contacts - 30).as("one contact per account written beside it").isEqualTo(accounts - 1).isPositive();
            String pg = d == Dialect.POSTGRES ? TestDb.url(Dialect.POSTGRES) : null;
            try (HotCrm t = open(tmp.resolve("busy-restored-" + d), pg)) {
                t.backups().restore(SYSTEM, archive, false);
            }
            try (HotCrm t = open(tmp.resolve("busy-restored-" + d), pg)) {
                assertThat(count(t, "obj_contact") - 30).isEqualTo(count(t, "obj_account") - 1);
            }
        }
    }

    @Test
    void anEncryptedBackupOpensOnlyWithItsKeyAndAWrongKeyWritesNothing() throws Exception {
        String k1 = java.util.Base64.getEncoder().encodeToString(new byte[32]);
        byte[] other = new byte[32];
        other[0] = 1;
        String k2 = java.util.Base64.getEncoder().encodeToString(other);
        Path archive;
        try (HotCrm a = open(tmp.resolve("enc"), null, k1)) {
            seed(a);
            archive = Path.of(a.backups().create(SYSTEM, tmp.resolve("enc-backups")).archive());
            assertThat(archive.getFileName().toString()).endsWith(".zip.enc");
            byte[] bytes = Files.readAllBytes(archive);
            assertThat(new String(bytes, StandardCharsets.ISO_8859_1)).doesNotContain("kim1@example.com").doesNotContain("manifest.json");
            assertThat(a.backups().verify(SYSTEM, archive).valid()).isTrue();
            Backups.Verification damaged = a.backups().verify(SYSTEM, flipped(archive, bytes.length / 2, tmp.resolve("enc-flipped")));
            assertThat(damaged.valid()).isFalse();
            assertThat(damaged.problem()).contains("damaged or changed");
        }
        Path target = tmp.resolve("enc-target");
        try (HotCrm t = open(target, null, k2)) {
            t.records().create(admin(t), "account", Map.of("name", "Mine"));
            Backups.Verification wrong = t.backups().verify(SYSTEM, archive);
            assertThat(wrong.valid()).isFalse();
            assertThat(wrong.problem()).contains("does not open this backup");
            assertThatThrownBy(() -> t.backups().restore(SYSTEM, archive, true)).hasMessageContaining("was not restored")
                    .hasMessageContaining("HOTCRM_BACKUP_KEY");
            assertThat(count(t, "obj_account")).isEqualTo(1);
            assertThat(Files.list(target.resolve("db")).map(p -> p.getFileName().toString()).toList()).noneMatch(n -> n.contains("restore"));
        }
        try (HotCrm t = open(tmp.resolve("enc-nokey"), null, null)) {
            assertThatThrownBy(() -> t.backups().verify(SYSTEM, archive)).hasMessageContaining("is encrypted: set HOTCRM_BACKUP_KEY");
        }
        try (HotCrm t = open(tmp.resolve("enc-restored"), null, k1)) {
            t.backups().restore(SYSTEM, archive, false);
        }
        try (HotCrm t = open(tmp.resolve("enc-restored"), null, k1)) {
            assertThat(count(t, "obj_contact")).isEqualTo(30);
        }
        assertThatThrownBy(() -> open(tmp.resolve("enc-bad"), null, "c2hvcnQ=")).hasMessageContaining("32 bytes in base64");
    }

    @Test
    void aDrillRestoresTheNewestBackupIntoAScratchDatabaseAndIsDueAgainAfterSevenDays() throws Exception {
        try (HotCrm hc = open("drill", Dialect.H2)) {
            seed(hc);
            assertThat(hc.backups().drillStatus(SYSTEM).overdue()).isTrue();
            Path archive = Path.of(hc.backups().create(SYSTEM, tmp.resolve("drill-backups")).archive());
            Backups.Drill d = hc.backups().drill(SYSTEM, null);
            assertThat(d.succeeded()).as(d.problem()).isTrue();
            assertThat(d.location()).isEqualTo(archive.toAbsolutePath().toString());
            assertThat(d.rows()).isPositive();
            // the instance's own data is untouched, and nothing of the scratch database is left
            assertThat(count(hc, "obj_contact")).isEqualTo(30);
            Backups.DrillStatus now = hc.backups().drillStatus(SYSTEM);
            assertThat(now.overdue()).isFalse();
            // a week and a day later the console warns again
            Backups later = new Backups(hc.database(), null, "test", null,
                    java.time.Clock.offset(java.time.Clock.systemUTC(), java.time.Duration.ofDays(8)));
            assertThat(later.drillStatus(SYSTEM).overdue()).isTrue();
            assertThat(later.drillStatus(SYSTEM).lastSuccess()).isEqualTo(now.lastSuccess());
            // a damaged backup fails its drill, and the failure is kept
            byte[] bytes = Files.readAllBytes(archive);
            Path cut = Files.write(tmp.resolve("drill-cut.zip"), java.util.Arrays.copyOf(bytes, bytes.length / 2));
            Backups.Drill failed = hc.backups().drill(SYSTEM, cut);
            assertThat(failed.succeeded()).isFalse();
            assertThat(failed.problem()).contains("not sound");
            assertThat(hc.backups().drills(SYSTEM)).hasSize(2).first().satisfies(x -> assertThat(x.succeeded()).isFalse());
        }
    }

    @Test
    void pruningKeepsTheNewestOfEachDayWeekAndMonthAndAlwaysTheNewestVerified() throws Exception {
        try (HotCrm hc = open("prune", Dialect.H2)) {
            java.time.Instant now = java.time.Instant.parse("2026-12-02T10:00:00Z");
            java.time.LocalDate today = java.time.LocalDate.of(2026, 12, 2);
            Map<java.time.LocalDate, UUID> byDay = new LinkedHashMap<>();
            Path dir = Files.createDirectories(tmp.resolve("old-backups"));
            // one backup a day for 400 days; the one of 200 days ago is the only one verified sound
            for (int d = 0; d < 400; d++) {
                java.time.LocalDate day = today.minusDays(d);
                UUID id = UUID.randomUUID();
                Path f = Files.writeString(dir.resolve(day + ".zip"), "x");
                int age = d;
                hc.database().jdbi().useHandle(h -> h.createUpdate("insert into hc_backup (id, created_at, created_by, location, size, sha256,"
                        + " schema_version, database_kind, tables, rows_total, files, verified_at) values (:id, :at, 'ops', :loc, 1, 'x', '21',"
                        + " 'h2', 1, 1, 0, :v)").bind("id", id).bind("at", day.atTime(3, 0).atOffset(java.time.ZoneOffset.UTC))
                        .bind("loc", f.toString()).bind("v", age == 200 ? day.atTime(4, 0).atOffset(java.time.ZoneOffset.UTC) : null).execute());
                byDay.put(day, id);
            }
            Backups b = new Backups(hc.database(), null, "test", null, java.time.Clock.fixed(now, java.time.ZoneOffset.UTC));
            Backups.Pruned r = b.prune(SYSTEM, Backups.Retention.DEFAULT);
            java.util.Set<java.time.LocalDate> expected = new java.util.TreeSet<>();
            for (int d = 0; d < 7; d++) {
                expected.add(today.minusDays(d));
            }
            for (int w = 0; w < 4; w++) {
                java.time.LocalDate sunday = today.with(java.time.DayOfWeek.MONDAY).minusWeeks(w).plusDays(6);
                expected.add(sunday.isAfter(today) ? today : sunday);
            }
            for (int m = 0; m < 12; m++) {
                java.time.LocalDate last = today.withDayOfMonth(1).minusMonths(m).plusMonths(1).minusDays(1);
                expected.add(last.isAfter(today) ? today : last);
            }
            expected.add(today.minusDays(200));
            java.util.Set<java.time.LocalDate> kept = new java.util.TreeSet<>();
            r.kept().forEach(k -> kept.add(java.time.LocalDate.ofInstant(k.createdAt(), java.time.ZoneOffset.UTC)));
            assertThat(kept).isEqualTo(expected);
            assertThat(r.deleted()).hasSize(400 - expected.size());
            assertThat(Files.exists(dir.resolve(today.minusDays(8) + ".zip"))).isFalse();
            assertThat(Files.exists(dir.resolve(today.minusDays(200) + ".zip"))).as("the newest verified").isTrue();
            // pruning again deletes nothing more
            assertThat(b.prune(SYSTEM, Backups.Retention.DEFAULT).deleted()).isEmpty();
        }
    }
}
