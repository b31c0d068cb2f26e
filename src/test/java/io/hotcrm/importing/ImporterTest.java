package io.hotcrm.importing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hotcrm.common.HotCrmException;
import io.hotcrm.mapping.ColumnMapping;
import io.hotcrm.mapping.Formats;
import io.hotcrm.mapping.LookupBy;
import io.hotcrm.mapping.Mapping;
import io.hotcrm.query.ObjectQl;
import io.hotcrm.query.QueryResult;
import io.hotcrm.security.Principal;
import io.hotcrm.store.Dialect;
import io.hotcrm.testing.DialectContract;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Imports end to end on each database: create, re-run, dry-run, errors, modes, references, undo, resume. */
class ImporterTest {

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
        Principal ann;

        Contract(Dialect dialect) {
            super(dialect);
        }

        @BeforeAll
        void users() {
            ann = t.user("ann@example.com", "standard");
            t.user("bob@example.com", "standard");
        }

        Path file(String name, String content) {
            try {
                Path dir = Files.createDirectories(t.workDir.resolve("in"));
                return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        ImportSummary run(Principal p, ImportRequest r) {
            return t.importer.run(p, r, ImportListener.NONE);
        }

        List<Map<String, Object>> query(String json) {
            QueryResult r = t.query.run(t.admin, ObjectQl.parse(json));
            return r.records();
        }

        @Test
        void accountsAndContactsImportWithReferencesAndReRunsUnchanged() throws IOException {
            Path accounts = file("accounts-1.csv", """
                    External ID,Account Name,Industry,Annual Revenue,Owner
                    ACC-1,"Müller & Söhne, Holdings",technology,"1,200,000.50",ann@example.com
                    ACC-2,Acme,Finance,,bob@example.com
                    """);
            ImportSummary a = run(t.admin, ImportRequest.of(accounts, "account"));
            assertThat(a.state()).isEqualTo(ImportState.SUCCEEDED);
            assertThat(a).extracting(ImportSummary::created, ImportSummary::failed).containsExactly(2L, 0L);

            Path contacts = file("contacts-1.csv", """
                    external_id,First Name,Last Name,E-mail,Account External ID,Owner,Seniority Level
                    C-1,Zoë,Lee,ZOE@example.com,ACC-1,ann@example.com,vp
                    C-2,José,"O'Brien",jose@example.com,ACC-2,,
                    """);
            ImportSummary c = run(t.admin, ImportRequest.of(contacts, "contact"));
            assertThat(c).extracting(ImportSummary::created, ImportSummary::failed, ImportSummary::rows).containsExactly(2L, 0L, 2L);
            List<Map<String, Object>> rows = query("{\"object\":\"contact\",\"fields\":[\"external_id\",\"email\",\"level\","
                    + "\"account.name\",\"owner.email\"],\"where\":{\"external_id\":{\"$in\":[\"C-1\",\"C-2\"]}},"
                    + "\"orderBy\":[{\"field\":\"external_id\"}]}");
            assertThat(rows.get(0)).containsEntry("email", "zoe@example.com").containsEntry("level", "VP")
                    .containsEntry("account.name", "Müller & Söhne, Holdings").containsEntry("owner.email", "ann@example.com");
            assertThat(rows.get(1)).containsEntry("account.name", "Acme").containsEntry("owner.email", "admin@example.com");

            ImportSummary again = run(t.admin, ImportRequest.of(contacts, "contact"));
            assertThat(again).extracting(ImportSummary::created, ImportSummary::updated, ImportSummary::unchanged)
                    .containsExactly(0L, 0L, 2L);
            assertThat(query("{\"object\":\"contact\",\"fields\":[\"id\"],\"where\":{\"external_id\":{\"$in\":[\"C-1\",\"C-2\"]}}}"))
                    .hasSize(2);
            String results = t.text(again.resultFile());
            assertThat(results).startsWith("\uFEFFexternal_id,First Name,Last Name,E-mail,Account External ID,Owner,"
                    + "Seniority Level,_row,_status,_id,_errors");
            assertThat(results.lines().skip(1)).allMatch(l -> l.contains(",unchanged,")).first().asString().contains(",vp,2,unchanged,");
        }

        @Test
        void aDryRunReportsFieldChangesAndAgreesWithTheCommit() throws IOException {
            run(t.admin, ImportRequest.of(file("dr-0.csv", "external_id,last_name,title,phone\nD-1,Dry,CEO,+1 555\nD-2,Run,CTO,\n"),
                    "contact"));
            Path changed = file("dr-1.csv", "external_id,last_name,title,phone\nD-1,Dry,Chair,+1 555\nD-2,Run,CTO,\nD-3,New,,\n"
                    + "D-4,,,\n");
            ImportSummary dry = run(t.admin, ImportRequest.of(changed, "contact").withDryRun(true));
            assertThat(dry.dryRun()).isTrue();
            assertThat(dry).extracting(ImportSummary::created, ImportSummary::updated, ImportSummary::unchanged,
                    ImportSummary::failed).containsExactly(1L, 1L, 1L, 1L);
            assertThat(dry.changes()).singleElement().satisfies(ch -> {
                assertThat(ch.field()).isEqualTo("title");
                assertThat(ch.before()).isEqualTo("CEO");
                assertThat(ch.after()).isEqualTo("Chair");
                assertThat(ch.row()).isEqualTo(2);
            });
            assertThat(dry.problems()).singleElement().satisfies(p -> {
                assertThat(p.row()).isEqualTo(5);
                assertThat(p.message()).contains("Last Name is required for a new contact");
            });
            assertThat(t.text(dry.resultFile())).contains("would update", "title: CEO → Chair", "would create",
                    "would fail");
            assertThat(query("{\"object\":\"contact\",\"fields\":[\"title\"],\"where\":{\"external_id\":\"D-1\"}}").get(0))
                    .containsEntry("title", "CEO");
            assertThat(query("{\"object\":\"contact\",\"fields\":[\"id\"],\"where\":{\"external_id\":\"D-3\"}}")).isEmpty();

            ImportSummary commit = run(t.admin, ImportRequest.of(changed, "contact"));
            assertThat(commit).extracting(ImportSummary::created, ImportSummary::updated, ImportSummary::unchanged,
                    ImportSummary::failed).containsExactly(dry.created(), dry.updated(), dry.unchanged(), dry.failed());
            assertThat(query("{\"object\":\"contact\",\"fields\":[\"title\"],\"where\":{\"external_id\":\"D-1\"}}").get(0))
                    .containsEntry("title", "Chair");
        }

        @Test
        void everyBadRowIsReportedAndTheGoodOnesStillImport() throws IOException {
            Path bad = file("bad.csv", """
                    external_id,last_name,email,Account External ID,Owner,Seniority Level,Last Contact Date
                    B-1,Good,good@example.com,,,,2026-03-01
                    B-2,Bad,not-an-email,NOPE,carol@example.com,Boss,01/03/2026
                    B-1,Dup,dup@example.com,,,,
                    B-3,"Wide",w@example.com,,,,,extra
                    """);
            ImportSummary s = run(t.admin, ImportRequest.of(bad, "contact"));
            assertThat(s).extracting(ImportSummary::created, ImportSummary::failed).containsExactly(1L, 3L);
            assertThat(s.problems()).extracting(p -> p.row() + ":" + p.column())
                    .containsExactly("3:email", "3:Account External ID", "3:Owner", "3:Seniority Level", "4:external_id", "5:null");
            assertThat(s.ignoredColumns()).containsExactly("Last Contact Date");
            assertThat(s.problems()).anySatisfy(p -> assertThat(p.message()).contains("row 2 of this file has the same"
                    + " external_id \"B-1\""));
            ImportSummary noRefs = run(t.admin, ImportRequest.of(file("refs.csv",
                    "external_id,last_name,Account External ID,Owner\nB-9,Ref,NOPE,carol@example.com\n"), "contact"));
            assertThat(noRefs.problems()).extracting(p -> p.message()).containsExactly(
                    "No account has the external id \"NOPE\".",
                    "No user has the email \"carol@example.com\" (add the user first: hotcrm users add EMAIL).");
            String errors = t.text(s.errorFile());
            assertThat(errors.lines().count()).isEqualTo(4);
            assertThat(errors).contains("B-2,Bad,not-an-email", "email: \"\"not-an-email\"\" is not an email address.",
                    "Account External ID: No account has the external id");
        }

        @Test
        void insertSkipsMatchesAndUpdateFailsWithoutOne() throws IOException {
            run(t.admin, ImportRequest.of(file("m-0.csv", "external_id,last_name\nM-1,Existing\n"), "contact"));
            Path f = file("m-1.csv", "external_id,last_name\nM-1,Changed\nM-2,Fresh\n");
            ImportSummary insert = run(t.admin, ImportRequest.of(f, "contact").withMode(ImportMode.INSERT));
            assertThat(insert).extracting(ImportSummary::created, ImportSummary::skipped).containsExactly(1L, 1L);
            Path g = file("m-2.csv", "external_id,last_name\nM-1,Updated\nM-404,Ghost\n");
            ImportSummary update = run(t.admin, ImportRequest.of(g, "contact").withMode(ImportMode.UPDATE));
            assertThat(update).extracting(ImportSummary::updated, ImportSummary::failed).containsExactly(1L, 1L);
            assertThat(update.problems().get(0).message()).contains("No contact has the external_id \"M-404\"");
            assertThat(query("{\"object\":\"contact\",\"fields\":[\"last_name\"],\"where\":{\"external_id\":\"M-1\"}}").get(0))
                    .containsEntry("last_name", "Updated");
        }

        @Test
        void rowsMayPointAtOtherRowsOfTheSameFile() throws IOException {
            Path f = file("tree.csv", """
                    external_id,name,Parent External ID
                    T-3,Grandchild,T-2
                    T-2,Child,T-1
                    T-1,Root,
                    """);
            Mapping m = new Mapping("account", List.of(ColumnMapping.of("external_id", "external_id"), ColumnMapping.of("name", "name"),
                    ColumnMapping.lookup("Parent External ID", "parent_id", LookupBy.EXTERNAL_ID)), Map.of(), Formats.DEFAULT);
            ImportSummary s = run(t.admin, ImportRequest.of(f, "account").withMapping(m));
            assertThat(s).extracting(ImportSummary::created, ImportSummary::failed).containsExactly(3L, 0L);
            List<Map<String, Object>> rows = query("{\"object\":\"account\",\"fields\":[\"name\",\"parent.name\"],"
                    + "\"where\":{\"external_id\":{\"$in\":[\"T-1\",\"T-2\",\"T-3\"]}},\"orderBy\":[{\"field\":\"name\"}]}");
            assertThat(rows).extracting(r -> r.get("name") + "<" + r.get("parent.name"))
                    .containsExactly("Child<Root", "Grandchild<Child", "Root<null");
        }

        @Test
        void undoRemovesCreatedRecordsRestoresUpdatedOnesAndKeepsLaterEdits() throws IOException {
            run(t.admin, ImportRequest.of(file("u-0.csv", "external_id,last_name,title\nU-1,One,Old\nU-2,Two,Old\n"), "contact"));
            ImportSummary s = run(t.admin, ImportRequest.of(file("u-1.csv",
                    "external_id,last_name,title\nU-1,One,New\nU-2,Two,New\nU-3,Three,New\nU-4,Four,New\n"), "contact"));
            assertThat(s).extracting(ImportSummary::created, ImportSummary::updated).containsExactly(2L, 2L);
            UUID u2 = (UUID) query("{\"object\":\"contact\",\"fields\":[\"id\"],\"where\":{\"external_id\":\"U-2\"}}").get(0).get("id");
            UUID u4 = (UUID) query("{\"object\":\"contact\",\"fields\":[\"id\"],\"where\":{\"external_id\":\"U-4\"}}").get(0).get("id");
            t.records.update(t.admin, "contact", u2, Map.of("title", "Edited later"));
            t.records.update(t.admin, "contact", u4, Map.of("title", "Edited later"));

            ImportSummary.UndoResult undo = t.importer.undo(t.admin, s.id(), io.hotcrm.common.Work.Run.here(null)).undo();
            assertThat(undo).extracting(ImportSummary.UndoResult::deleted, ImportSummary.UndoResult::restored).containsExactly(1L, 1L);
            assertThat(undo.leftAlone()).hasSize(2).allMatch(x -> x.contains("kept"));
            List<Map<String, Object>> rows = query("{\"object\":\"contact\",\"fields\":[\"external_id\",\"title\"],"
                    + "\"where\":{\"external_id\":{\"$startsWith\":\"U-\"}},\"orderBy\":[{\"field\":\"external_id\"}]}");
            assertThat(rows).extracting(r -> r.get("external_id") + "=" + r.get("title"))
                    .containsExactly("U-1=Old", "U-2=Edited later", "U-4=Edited later");
            assertThat(t.importer.get(t.admin, s.id()).state()).isEqualTo(ImportState.UNDONE);
            assertThatThrownBy(() -> t.importer.undo(t.admin, s.id(), io.hotcrm.common.Work.Run.here(null))).hasMessageContaining("already been undone");
        }

        @Test
        void aKilledImportResumesAfterItsLastChunkWithoutDuplicates() throws IOException {
            int n = ImportRun.CHUNK * 2 + 500;
            StringBuilder csv = new StringBuilder("external_id,last_name\n");
            for (int i = 0; i < n; i++) {
                csv.append("K-").append(i).append(",Kill ").append(i).append('\n');
            }
            Path f = file("kill.csv", csv.toString());
            UUID startedId = t.importer.record(t.admin, ImportRequest.of(f, "contact"), null);
            AtomicInteger chunks = new AtomicInteger();
            assertThatThrownBy(() -> t.importer.execute(startedId, null, 1, new ImportListener() {
                @Override
                public void progress(long done, long total, String message) {
                    if (chunks.incrementAndGet() == 1) {
                        throw new IllegalStateException("process killed");
                    }
                }
            })).hasMessageContaining("process killed");
            ImportSummary broken = t.importer.get(t.admin, startedId);
            assertThat(broken.state()).isEqualTo(ImportState.FAILED);
            assertThat(broken.rowsDone()).isEqualTo(ImportRun.CHUNK);
            assertThat(broken.message()).contains("Resume it");

            ImportSummary resumed = t.importer.execute(startedId, null, 1, ImportListener.NONE);
            assertThat(resumed).extracting(ImportSummary::state, ImportSummary::created, ImportSummary::rowsDone)
                    .containsExactly(ImportState.SUCCEEDED, (long) n, (long) n);
            assertThat(query("{\"object\":\"contact\",\"fields\":[\"id\"],\"where\":{\"external_id\":{\"$startsWith\":\"K-\"}},"
                    + "\"limit\":2000}")).hasSize(2000);
            long count = t.db.jdbi().withHandle(h -> h.createQuery("select count(*) from obj_contact where external_id like 'K-%'")
                    .mapTo(Long.class).one());
            assertThat(count).isEqualTo(n);
            assertThat(t.text(resumed.resultFile()).lines().count()).isEqualTo(n + 1);
        }

        @Test
        void aMigrationKeepsTheSourcesCreatedDateAndCreatorAndFillsReadOnlyFieldsAPlainImportMayNot() throws IOException {
            Principal rep = t.user("migrating-rep@example.com", "standard");
            Path f = file("migrated.csv", "external_id,last_name,created_at,created_by,last_contact_date\n"
                    + "MG-1,Old,2011-03-04T05:06:07Z,migrating-rep@example.com,2019-12-31\nMG-2,Older,,,\n");
            assertThatThrownBy(() -> run(t.admin, ImportRequest.of(f, "contact").withMapping(io.hotcrm.mapping.Mapping.parse(
                    "{\"columns\":{\"external_id\":\"external_id\",\"last_name\":\"last_name\",\"created_at\":\"created_at\"}}", "t"))))
                    .hasMessageContaining("created_at is set by HotCRM; only a migration");
            assertThatThrownBy(() -> run(t.admin, ImportRequest.of(f, "contact").withMapping(io.hotcrm.mapping.Mapping.parse(
                    "{\"columns\":{\"external_id\":\"external_id\",\"last_name\":\"last_name\","
                            + "\"last_contact_date\":\"last_contact_date\"}}", "t"))))
                    .hasMessageContaining("calculated by HotCRM and cannot be imported");
            io.hotcrm.mapping.Mapping all = io.hotcrm.mapping.Mapping.parse("{\"columns\":{\"external_id\":\"external_id\","
                    + "\"last_name\":\"last_name\",\"created_at\":\"created_at\",\"created_by\":\"created_by:email\","
                    + "\"last_contact_date\":\"last_contact_date\"}}", "t");
            assertThatThrownBy(() -> run(rep, ImportRequest.of(f, "contact").withMapping(all).toBuilder().migration(true).build()))
                    .hasMessageContaining("may not import as a migration")
                    .hasMessageContaining("hotcrm roles migrate standard on");

            ImportSummary s = run(t.admin, ImportRequest.of(f, "contact").withMapping(all).toBuilder().migration(true).build());
            assertThat(s.created()).as(s.problems().toString()).isEqualTo(2);
            UUID mg1 = (UUID) query("{\"object\":\"contact\",\"fields\":[\"id\"],\"where\":{\"external_id\":\"MG-1\"}}").get(0).get("id");
            io.hotcrm.store.StoredRecord r = t.records.get(t.admin, "contact", mg1);
            assertThat(r.createdAt().toInstant()).isEqualTo(java.time.Instant.parse("2011-03-04T05:06:07Z"));
            assertThat(r.createdBy()).isEqualTo(rep.userId());
            assertThat(r.get("last_contact_date")).isEqualTo(java.time.LocalDate.of(2019, 12, 31));
            assertThat(r.updatedAt().toInstant()).as("updated_at stays HotCRM's own record of the write").isAfter(
                    java.time.Instant.now().minusSeconds(600));
            UUID mg2 = (UUID) query("{\"object\":\"contact\",\"fields\":[\"id\"],\"where\":{\"external_id\":\"MG-2\"}}").get(0).get("id");
            assertThat(t.records.get(t.admin, "contact", mg2).createdBy()).as("a blank creator is the importing user")
                    .isEqualTo(t.admin.userId());

            t.security.roles().setMigrateData(t.admin, "standard", true);
            Principal allowed = t.security.users().principal("migrating-rep@example.com");
            Path more = file("migrated-more.csv", "external_id,last_name,created_at,created_by,last_contact_date\n"
                    + "MG-3,Third,2012-01-01T00:00:00Z,migrating-rep@example.com,\n");
            assertThat(run(allowed, ImportRequest.of(more, "contact").withMapping(all).toBuilder().migration(true).dryRun(true).build())
                    .created()).isEqualTo(1);
            assertThat(t.importer.undo(t.admin, s.id(), io.hotcrm.common.Work.Run.here(null)).undo().deleted()).isEqualTo(2);
        }

        @Test
        void setupProblemsStopTheImportBeforeAnythingIsRecorded() {
            Path f = file("setup.csv", "external_id,first_name\nS-1,Ann\n");
            assertThatThrownBy(() -> run(t.admin, ImportRequest.of(f, "contact")))
                    .isInstanceOf(HotCrmException.class).hasMessageContaining("New contacts need Last Name (last_name)");
            Principal reader = t.user("importing-reader@example.com", "read_only");
            assertThatThrownBy(() -> run(reader, ImportRequest.of(f, "contact").withMode(ImportMode.UPDATE)))
                    .hasMessageContaining("may not edit contact records");
            assertThatThrownBy(() -> run(t.admin, ImportRequest.of(f, "contact").withMatch("email")))
                    .hasMessageContaining("matched on email, but no column of the file is mapped to it");
            assertThat(t.importer.list(reader, 10)).isEmpty();
        }
    }
}
