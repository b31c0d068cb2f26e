package io.hotcrm.exporting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hotcrm.common.ErrorCode;
import io.hotcrm.common.HotCrmException;
import io.hotcrm.metadata.ObjectDef;
import io.hotcrm.security.ObjectPermission;
import io.hotcrm.security.Principal;
import io.hotcrm.security.Visibility;
import io.hotcrm.store.Dialect;
import io.hotcrm.store.StoredRecord;
import io.hotcrm.testing.DialectContract;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Scheduled exports on each database: full and incremental runs to a directory, deletions (recycle bin and
 * purged) as rows with {@code _deleted}, empty incremental runs, every change exported exactly once while
 * other transactions write concurrently, failures recorded and notified, and credentials stored encrypted.
 */
class ExportScheduleTest {

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

    abstract static class Contract extends DialectContract {
        static final ObjectMapper JSON = new ObjectMapper();

        Contract(Dialect dialect) {
            super(dialect);
        }

        ExportSchedules.Spec spec(String name, String object, Path dir, ExportSchedules.Mode mode, ExportFormat format, String where) {
            return new ExportSchedules.Spec(name, object, List.of("external_id", "name", "industry"), where, format, false, "local",
                    Map.of("path", dir.toString()), "{object}-{schedule}-{run}.{ext}", "0 2 * * *", "Europe/Berlin", mode);
        }

        List<Path> files(Path dir) throws IOException {
            if (!Files.exists(dir)) {
                return List.of();
            }
            try (Stream<Path> s = Files.walk(dir)) {
                return s.filter(Files::isRegularFile).sorted().toList();
            }
        }

        List<JsonNode> lines(Path file) throws IOException {
            List<JsonNode> out = new ArrayList<>();
            for (String l : Files.readAllLines(file)) {
                out.add(JSON.readTree(l));
            }
            return out;
        }

        @Test
        void aFullScheduleWritesEveryMatchingRecordAndRecordsTheRun() throws IOException {
            t.records.create(t.admin, "account", Map.of("name", "Full One", "industry", "technology", "external_id", "F-1"));
            t.records.create(t.admin, "account", Map.of("name", "Full Two", "industry", "finance", "external_id", "F-2"));
            Path dir = Files.createTempDirectory("hotcrm-full-export");
            ExportSchedules.Schedule s = t.schedules.save(t.admin, spec("Nightly tech accounts", "account", dir,
                    ExportSchedules.Mode.FULL, ExportFormat.CSV, "{\"industry\": \"technology\"}"), true);
            assertThat(s.nextRun()).isAfter(java.time.Instant.now());
            assertThat(s.timeZone()).isEqualTo("Europe/Berlin");

            ExportSchedules.Run run = t.schedules.execute(s.id(), "manual", null);
            assertThat(run.state()).isEqualTo("succeeded");
            assertThat(run.rows()).isEqualTo(1);
            assertThat(run.file()).isEqualTo("account-Nightly-tech-accounts-" + run.id() + ".csv");
            List<Path> files = files(dir);
            assertThat(files).hasSize(1);
            assertThat(Files.readString(files.get(0))).isEqualTo("external_id,name,industry\r\nF-1,Full One,Technology\r\n");
            assertThat(run.bytes()).isEqualTo(Files.size(files.get(0)));
            assertThat(t.schedules.runs(t.admin, s.name(), 10)).extracting(ExportSchedules.Run::state).containsExactly("succeeded");

            t.schedules.setPaused(t.admin, s.name(), true);
            assertThat(t.schedules.get(t.admin, s.name()).paused()).isTrue();
            assertThat(t.schedules.execute(s.id(), "schedule", null)).as("a paused schedule skips its timed runs").isNull();
            assertThat(t.schedules.execute(s.id(), "manual", null).state()).as("but runs when asked").isEqualTo("succeeded");
            t.schedules.setPaused(t.admin, s.name(), false);
            t.schedules.delete(t.admin, s.name());
            assertThat(t.schedules.list(t.admin)).extracting(ExportSchedules.Schedule::name).doesNotContain(s.name());
        }

        @Test
        void anExcelScheduleWritesAWorkbookAndRefusesGzip() throws IOException {
            t.records.create(t.admin, "account", Map.of("name", "Sheet One", "industry", "education", "external_id", "X-1"));
            Path dir = Files.createTempDirectory("hotcrm-xlsx-export");
            ExportSchedules.Schedule s = t.schedules.save(t.admin, spec("Weekly sheet", "account", dir, ExportSchedules.Mode.FULL,
                    ExportFormat.XLSX, "{\"external_id\": \"X-1\"}"), true);
            ExportSchedules.Run run = t.schedules.execute(s.id(), "manual", null);
            assertThat(run.file()).endsWith(".xlsx");
            try (var wb = new org.dhatim.fastexcel.reader.ReadableWorkbook(files(dir).get(0).toFile());
                 var rows = wb.getFirstSheet().openStream()) {
                List<String> cells = rows.flatMap(r -> r.stream().map(c -> c == null ? "" : c.getText())).toList();
                assertThat(cells).containsExactly("external_id", "name", "industry", "X-1", "Sheet One", "Education");
            }
            ExportSchedules.Spec gz = spec("Weekly sheet", "account", dir, ExportSchedules.Mode.FULL, ExportFormat.XLSX, null);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> t.schedules.save(t.admin, new ExportSchedules.Spec(gz.name(),
                    gz.object(), gz.fields(), null, ExportFormat.XLSX, true, "local", gz.destination(), gz.fileTemplate(), gz.cron(),
                    gz.timeZone(), gz.mode()), false)).hasMessageContaining("An Excel file is compressed already");
        }

        @Test
        void incrementalRunsExportCreatedChangedAndDeletedRecordsOnce() throws IOException {
            StoredRecord a = t.records.create(t.admin, "account", Map.of("name", "Inc A", "external_id", "I-A"));
            StoredRecord b = t.records.create(t.admin, "account", Map.of("name", "Inc B", "external_id", "I-B"));
            StoredRecord c = t.records.create(t.admin, "account", Map.of("name", "Inc C", "external_id", "I-C"));
            Path dir = Files.createTempDirectory("hotcrm-inc-export");
            ExportSchedules.Schedule s = t.schedules.save(t.admin, spec("Accounts feed", "account", dir,
                    ExportSchedules.Mode.INCREMENTAL, ExportFormat.JSONL, "{\"external_id\": {\"$startsWith\": \"I-\"}}"), true);

            ExportSchedules.Run first = t.schedules.execute(s.id(), "manual", null);
            assertThat(first.rows()).isEqualTo(3);
            assertThat(lines(dir.resolve(first.file()))).extracting(n -> n.get("external_id").asText()).containsExactly("I-A", "I-B", "I-C");
            assertThat(lines(dir.resolve(first.file()))).allSatisfy(n -> assertThat(n.get("_deleted").asBoolean()).isFalse());

            t.records.update(t.admin, "account", a.id(), Map.of("name", "Inc A renamed"));
            t.records.delete(t.admin, "account", b.id());
            t.records.delete(t.admin, "account", c.id());
            ObjectDef account = t.schema.object("account");
            t.recycleBin.purge(t.admin, account, OffsetDateTime.now().plusSeconds(1));
            t.records.create(t.admin, "account", Map.of("name", "Inc D", "external_id", "I-D"));
            ExportSchedules.Run second = t.schedules.execute(s.id(), "manual", null);
            List<JsonNode> changes = lines(dir.resolve(second.file()));
            Map<String, Boolean> deleted = new HashMap<>();
            changes.forEach(n -> deleted.merge(n.get("external_id").asText(), n.get("_deleted").asBoolean(), (x, y) -> x || y));
            assertThat(changes).extracting(n -> n.get("external_id").asText() + (n.get("_deleted").asBoolean() ? " deleted" : ""))
                    .contains("I-A", "I-D", "I-B deleted", "I-C deleted");
            assertThat(changes.stream().filter(n -> n.get("external_id").asText().equals("I-A")).findFirst().orElseThrow()
                    .get("name").asText()).isEqualTo("Inc A renamed");
            assertThat(second.fromSeq()).isEqualTo(first.toSeq());

            ExportSchedules.Run third = t.schedules.execute(s.id(), "manual", null);
            assertThat(third.rows()).isZero();
            assertThat(third.file()).as("no changes, no file").isNull();
            assertThat(files(dir)).hasSize(2);
        }

        @Test
        void concurrentWritersLoseNoChangeAndRepeatNone() throws Exception {
            Path dir = Files.createTempDirectory("hotcrm-race-export");
            ExportSchedules.Schedule s = t.schedules.save(t.admin, spec("Race feed", "lead", dir, ExportSchedules.Mode.INCREMENTAL,
                    ExportFormat.JSONL, null).withFields(List.of("id", "last_name")), true);
            Map<UUID, Long> lastSeq = new ConcurrentHashMap<>();
            Map<UUID, Long> deletedSeq = new ConcurrentHashMap<>();
            Set<String> written = ConcurrentHashMap.newKeySet();
            AtomicBoolean stop = new AtomicBoolean();
            List<Thread> writers = new ArrayList<>();
            List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
            for (int w = 0; w < 3; w++) {
                int n = w;
                Thread th = new Thread(() -> {
                    try {
                        List<UUID> mine = new ArrayList<>();
                        for (int i = 0; !stop.get(); i++) {
                            StoredRecord r;
                            if (i % 7 == 6 && mine.size() > 2) {
                                UUID gone = mine.remove(0);
                                t.records.delete(t.admin, "lead", gone);
                                r = t.records.get(t.admin, "lead", gone);
                                deletedSeq.put(gone, r.changeSeq());
                            } else {
                                r = i % 3 == 0 || mine.isEmpty()
                                        ? t.records.create(t.admin, "lead", Map.of("last_name", "W" + n + "-" + i, "company", "Race"))
                                        : t.records.update(t.admin, "lead", mine.get(i % mine.size()), Map.of("last_name", "W" + n + "-" + i));
                                if (!mine.contains(r.id())) {
                                    mine.add(r.id());
                                }
                            }
                            lastSeq.merge(r.id(), r.changeSeq(), Math::max);
                            written.add(r.id() + "@" + r.changeSeq());
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                });
                th.start();
                writers.add(th);
            }
            List<ExportSchedules.Run> runs = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                Thread.sleep(150);
                runs.add(t.schedules.execute(s.id(), "manual", null));
            }
            stop.set(true);
            for (Thread th : writers) {
                th.join();
            }
            runs.add(t.schedules.execute(s.id(), "manual", null));
            assertThat(failures).isEmpty();

            List<String> exported = new ArrayList<>();
            Map<UUID, Long> exportedLatest = new HashMap<>();
            Map<UUID, Long> exportedDeletions = new HashMap<>();
            for (ExportSchedules.Run r : runs) {
                if (r.file() == null) {
                    continue;
                }
                for (JsonNode n : lines(dir.resolve(r.file()))) {
                    UUID id = UUID.fromString(n.get("id").asText());
                    long seq = n.get("_change_seq").asLong();
                    if (n.get("_deleted").asBoolean()) {
                        exportedDeletions.put(id, seq);
                    }
                    exported.add(id + "@" + seq);
                    exportedLatest.merge(id, seq, Math::max);
                    assertThat(seq).isGreaterThan(r.fromSeq()).isLessThanOrEqualTo(r.toSeq());
                }
            }
            assertThat(new HashSet<>(exported)).as("no change exported twice").hasSameSizeAs(exported);
            assertThat(written).as("only committed writes exported").containsAll(exported);
            assertThat(exportedLatest).as("every record's last change exported").isEqualTo(lastSeq);
            assertThat(exportedDeletions).as("every deletion exported as a deletion").isEqualTo(deletedSeq).isNotEmpty();
            assertThat(runs.stream().filter(r -> r.file() != null).count()).isGreaterThan(3);
        }

        @Test
        void aChangeWhoseTransactionCommitsLateIsExportedByTheRunThatStartedBeforeTheCommit() throws Exception {
            Path dir = Files.createTempDirectory("hotcrm-late-export");
            ExportSchedules.Schedule s = t.schedules.save(t.admin, spec("Late feed", "account", dir, ExportSchedules.Mode.INCREMENTAL,
                    ExportFormat.JSONL, "{\"name\": {\"$endsWith\": \" one\"}}").withFields(List.of("id", "name")), true);
            t.schedules.execute(s.id(), "manual", null);
            java.util.concurrent.CountDownLatch written = new java.util.concurrent.CountDownLatch(1);
            UUID late = io.hotcrm.common.Ids.newId();
            Thread slow = new Thread(() -> t.db.jdbi().useTransaction(h -> {
                io.hotcrm.store.ChangeFence.enter(h, t.db.dialect());
                h.createUpdate("insert into obj_account (id, name, owner_id, created_at, created_by, updated_at,"
                                + " updated_by, change_seq) values (:id, 'Late one', cast(:o as uuid), :now,"
                                + " cast(:o as uuid), :now, cast(:o as uuid), nextval('hc_change_seq'))")
                        .bind("id", late).bind("o", t.admin.userId().toString()).bind("now", OffsetDateTime.now()).execute();
                written.countDown();
                try {
                    Thread.sleep(1500);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
            slow.start();
            written.await();
            StoredRecord early = t.records.create(t.admin, "account", Map.of("name", "Early one"));
            ExportSchedules.Run run = t.schedules.execute(s.id(), "manual", null);
            slow.join();
            List<String> ids = lines(dir.resolve(run.file())).stream().map(n -> n.get("id").asText()).toList();
            assertThat(ids).as("the run waited for the open transaction, then saw its change").contains(late.toString(),
                    early.id().toString());
            if (t.db.dialect() == Dialect.POSTGRES) {
                // writers share the fence on PostgreSQL, so the early record was written while the late one was open
                assertThat(run.seconds()).as("the run waited for the open transaction").isGreaterThan(0.5);
            }
            assertThat(t.schedules.execute(s.id(), "manual", null).rows()).as("and the next run does not repeat it").isZero();
        }

        @Test
        void aFailedRunIsRecordedLeavesNoFileAndTellsTheOwner() throws IOException {
            t.security.roles().create(t.admin, "feed_owner", "Feeds");
            t.security.roles().grant(t.admin, "feed_owner", "*", new ObjectPermission(true, true, true, true, true, Visibility.ALL));
            t.security.roles().setDestinationKinds(t.admin, "feed_owner", List.of("local"));
            Principal owner = t.user("feed-owner@example.com", "feed_owner");
            Path dir = Files.createTempDirectory("hotcrm-fail-export");
            ExportSchedules.Schedule s = t.schedules.save(owner, spec("Owner feed", "account", dir, ExportSchedules.Mode.FULL,
                    ExportFormat.PARQUET, null), true);
            t.security.roles().grant(t.admin, "feed_owner", "account", new ObjectPermission(true, true, true, true, false, Visibility.ALL));
            assertThatThrownBy(() -> t.schedules.execute(s.id(), "schedule", null))
                    .isInstanceOfSatisfying(HotCrmException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.PERMISSION_DENIED));
            ExportSchedules.Run failed = t.schedules.runs(owner, s.name(), 5).get(0);
            assertThat(failed.state()).isEqualTo("failed");
            assertThat(failed.error()).contains("may not export account records");
            assertThat(files(dir)).isEmpty();
            assertThat(t.schedules.get(owner, s.name()).failures()).isEqualTo(1);
            assertThat(t.notifier.notices(owner.email(), true, 10)).anySatisfy(n -> assertThat(n.subject())
                    .isEqualTo("HotCRM export \"Owner feed\" failed"));
            Principal other = t.user("feed-other@example.com", "feed_owner");
            assertThatThrownBy(() -> t.schedules.get(other, s.name())).isInstanceOfSatisfying(HotCrmException.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
        }

        @Test
        void destinationCredentialsAreStoredEncryptedAndNeverShown() {
            Map<String, String> sftp = Map.of("host", "127.0.0.1", "port", "1", "username", "u", "password", "pa55-word-9");
            ExportSchedules.Schedule s = t.schedules.save(t.admin, new ExportSchedules.Spec("Secret feed", "account", List.of("name"),
                    null, ExportFormat.CSV, true, "sftp", sftp, null, "30 6 * * 1", "UTC", ExportSchedules.Mode.FULL), false);
            assertThat(s.destination()).containsEntry("password", ExportSchedules.MASK).containsEntry("host", "127.0.0.1");
            String raw = t.db.jdbi().withHandle(h -> h.createQuery("select destination from hc_export_schedule where name = 'Secret feed'")
                    .mapTo(String.class).one());
            assertThat(raw).doesNotContain("pa55-word-9").contains("\"password\":\"v1:");
            Map<String, String> again = new HashMap<>(sftp);
            again.put("password", ExportSchedules.MASK);
            again.put("port", "2");
            t.schedules.save(t.admin, new ExportSchedules.Spec("Secret feed", "account", List.of("name"), null, ExportFormat.CSV, true,
                    "sftp", again, null, "30 6 * * 1", "UTC", ExportSchedules.Mode.FULL), false);
            String raw2 = t.db.jdbi().withHandle(h -> h.createQuery("select destination from hc_export_schedule where name = 'Secret feed'")
                    .mapTo(String.class).one());
            assertThat(raw2).contains("\"port\":\"2\"").contains("\"password\":\"v1:");
            assertThatThrownBy(() -> t.schedules.save(t.admin, new ExportSchedules.Spec("Bad cron", "account", List.of("name"), null,
                    ExportFormat.CSV, false, "local", Map.of("path", "/tmp"), null, "every day", "UTC", ExportSchedules.Mode.FULL), false))
                    .hasMessageContaining("is not a cron schedule");
            assertThatThrownBy(() -> t.schedules.save(t.admin, new ExportSchedules.Spec("Bad name", "account", List.of("name"), null,
                    ExportFormat.CSV, false, "local", Map.of("path", "/tmp"), "{object}-{colour}.csv", "0 1 * * *", "UTC",
                    ExportSchedules.Mode.FULL), false)).hasMessageContaining("uses {colour}");
        }

        @Test
        void onlyRolesAllowedADestinationKindMayConfigureOrTestIt() throws IOException {
            Principal ann = t.user("dest-ann@example.com", "standard");
            Path dir = Files.createTempDirectory("hotcrm-perm-export");
            ExportSchedules.Spec local = spec("Ann feed", "account", dir, ExportSchedules.Mode.FULL, ExportFormat.CSV, null);
            assertThatThrownBy(() -> t.schedules.save(ann, local, true)).isInstanceOfSatisfying(HotCrmException.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.PERMISSION_DENIED))
                    .hasMessage("User dest-ann@example.com (role \"standard\") may not use local destinations. Ask an administrator"
                            + " to allow them for the role: hotcrm roles destinations standard local.");
            assertThatThrownBy(() -> t.schedules.testDestination(ann, "sftp", Map.of("host", "127.0.0.1", "port", "1",
                    "username", "u", "password", "p"))).hasMessage("User dest-ann@example.com (role \"standard\") may not use sftp"
                    + " destinations. Ask an administrator to allow them for the role: hotcrm roles destinations standard sftp.");
            assertThat(files(dir)).isEmpty();

            t.security.roles().setDestinationKinds(t.admin, "standard", List.of("local"));
            try {
                ExportSchedules.Schedule s = t.schedules.save(t.user("dest-bob@example.com", "standard"), local, true);
                assertThat(s.owner()).isEqualTo("dest-bob@example.com");
                assertThatThrownBy(() -> t.schedules.testDestination(ann, "sftp", Map.of("host", "127.0.0.1", "port", "1",
                        "username", "u", "password", "p"))).hasMessageContaining("may not use sftp destinations");
                // an administrator takes the kind away: the owner's runs stop, with the reason
                t.security.roles().setDestinationKinds(t.admin, "standard", List.of());
                assertThatThrownBy(() -> t.schedules.execute(s.id(), "schedule", null)).hasMessageContaining("may not use local destinations");
                assertThat(files(dir)).isEmpty();
            } finally {
                t.security.roles().setDestinationKinds(t.admin, "standard", List.of());
            }
        }

        @Test
        void aScheduleWhoseFieldsAreAllHiddenFromItsOwnerIsRefused() throws IOException {
            t.security.roles().create(t.admin, "blind_feed", "Blind feeds");
            t.security.roles().grant(t.admin, "blind_feed", "*", new ObjectPermission(true, false, false, false, true, Visibility.ALL));
            t.security.roles().setDestinationKinds(t.admin, "blind_feed", List.of("local"));
            t.security.roles().setFieldAccess(t.admin, "blind_feed", "account", "name", new io.hotcrm.security.FieldAccess(false, false));
            t.security.roles().setFieldAccess(t.admin, "blind_feed", "account", "industry", new io.hotcrm.security.FieldAccess(false, false));
            Principal blind = t.user("blind-feed@example.com", "blind_feed");
            Path dir = Files.createTempDirectory("hotcrm-blind-export");
            ExportSchedules.Spec spec = new ExportSchedules.Spec("Blind feed", "account", List.of("name", "industry"), null,
                    ExportFormat.CSV, false, "local", Map.of("path", dir.toString()), null, "0 1 * * *", "UTC", ExportSchedules.Mode.FULL);
            assertThatThrownBy(() -> t.schedules.save(blind, spec, true)).isInstanceOfSatisfying(HotCrmException.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.PERMISSION_DENIED))
                    .hasMessage("blind-feed@example.com may read none of the fields to export (name, industry) of account"
                            + " (field-level security of role \"blind_feed\"), so the file would hold empty rows. Choose fields the"
                            + " role may read, or ask an administrator for access.");
            assertThat(files(dir)).isEmpty();
        }

        @Test
        void fileNameTemplatesMayNotNameFolders() throws IOException {
            Path dir = Files.createTempDirectory("hotcrm-template-export");
            for (String template : List.of("{object}/{schedule}.{ext}", "..\\{object}.{ext}", "../../.ssh/authorized_keys")) {
                ExportSchedules.Spec spec = new ExportSchedules.Spec("Folder feed", "account", List.of("name"), null, ExportFormat.CSV,
                        false, "local", Map.of("path", dir.toString()), template, "0 1 * * *", "UTC", ExportSchedules.Mode.FULL);
                assertThatThrownBy(() -> t.schedules.save(t.admin, spec, true)).isInstanceOf(HotCrmException.class)
                        .hasMessage("The file name template \"" + template + "\" contains a path separator. Files are written into"
                                + " the destination's own folder (its path, prefix or directory setting): use '-' or '_' between"
                                + " the template's parts, e.g. {object}-{schedule}-{datetime}.{ext}.");
            }
            assertThatThrownBy(() -> t.schedules.save(t.admin, new ExportSchedules.Spec("Cron feed", "account", List.of("name"), null,
                    ExportFormat.CSV, false, "local", Map.of("path", "/etc/cron.d"), null, "0 1 * * *", "UTC",
                    ExportSchedules.Mode.FULL), true)).hasMessageContaining("is outside the directories HotCRM may write exports to");
            assertThat(files(dir)).isEmpty();
        }
    }
}
