package io.hotcrm.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hotcrm.metadata.ObjectDef;
import io.hotcrm.store.Dialect;
import io.hotcrm.testing.PlantedPerson;
import io.hotcrm.testing.TestPlatform;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Erasing a planted person, anonymised and deleted, on each database: afterwards a scan of every object table, the
 * audit log and the file store finds none of the person's email, phone or name; the namesake is intact; the
 * opportunity totals by stage are unchanged; a second request for the same person changes nothing.
 */
class PrivacyErasureTest {

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

    abstract static class Contract {
        final Dialect dialect;
        TestPlatform t;

        Contract(Dialect dialect) {
            this.dialect = dialect;
        }

        @AfterEach
        void close() {
            if (t != null) {
                t.close();
            }
        }

        /**
         * Every value of every table (object tables, the audit log, imports and their journals, export runs, …) and every
         * line of every file in the file store and the export directories (gzipped ones read unzipped) that contains one of
         * the needles, named by where it is.
         */
        List<String> occurrences(String... needles) {
            List<String> out = new ArrayList<>();
            t.db.jdbi().useHandle(h -> {
                List<String> tables = new ArrayList<>();
                try (var rs = h.getConnection().getMetaData().getTables(null, null, "%", new String[] {"TABLE"})) {
                    while (rs.next()) {
                        String schema = rs.getString("TABLE_SCHEM");
                        if (schema != null && (schema.equalsIgnoreCase("public"))) {
                            tables.add(rs.getString("TABLE_NAME"));
                        }
                    }
                } catch (java.sql.SQLException e) {
                    throw new IllegalStateException(e);
                }
                assertThat(tables).hasSizeGreaterThan(40);
                for (String table : tables) {
                    for (Map<String, Object> row : h.createQuery("select * from " + table).mapToMap().list()) {
                        row.forEach((k, v) -> {
                            for (String n : needles) {
                                if (v != null && v.toString().toLowerCase(Locale.ROOT).contains(n.toLowerCase(Locale.ROOT))) {
                                    out.add(table.toLowerCase(Locale.ROOT) + "." + k + " = " + v + " (" + row.get("id") + ")");
                                }
                            }
                        });
                    }
                }
            });
            try (var files = java.nio.file.Files.walk(t.workDir)) {
                for (java.nio.file.Path f : files.filter(java.nio.file.Files::isRegularFile).toList()) {
                    String name = f.getFileName().toString();
                    if (name.endsWith(".db") || f.startsWith(t.workDir.resolve("tmp"))) {
                        continue;
                    }
                    byte[] bytes = java.nio.file.Files.readAllBytes(f);
                    if (name.endsWith(".gz")) {
                        bytes = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(bytes)).readAllBytes();
                    }
                    for (String line : new String(bytes, java.nio.charset.StandardCharsets.UTF_8).split("\n")) {
                        for (String n : needles) {
                            if (line.toLowerCase(Locale.ROOT).contains(n.toLowerCase(Locale.ROOT))) {
                                out.add(t.workDir.relativize(f) + ": " + line.strip());
                            }
                        }
                    }
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return out;
        }

        /** Opportunity amounts summed by stage: what a pipeline report shows. */
        Map<String, String> totals() {
            Map<String, String> out = new java.util.TreeMap<>();
            t.db.jdbi().useHandle(h -> h.createQuery("select stage, cast(sum(amount) as varchar(40)) as total, cast(count(*) as"
                    + " varchar(10)) as n from obj_opportunity where deleted_at is null group by stage").mapToMap()
                    .forEach(r -> out.put(String.valueOf(r.get("stage")), r.get("total") + " / " + r.get("n"))));
            return out;
        }

        PrivacyRequest approved(String email, String phone) {
            PrivacyRequest r = t.privacy.create(t.admin, "erasure", new Identifiers(email, phone, null, null));
            t.privacy.verify(t.admin, r.id(), "Replied from the address on file.");
            return t.privacy.approve(t.admin, r.id(), null);
        }

        void erasesEverythingAndLeavesTheNamesakeAndTheReports(String action) throws java.io.IOException {
            t = new TestPlatform(dialect);
            PlantedPerson person = new PlantedPerson(t);
            person.plantCopies();
            // an incremental feed of contact changes, run once before the erasure: its next run must carry the erasure
            java.nio.file.Path feed = t.workDir.resolve("exports").resolve("changes");
            t.schedules.save(t.admin, new io.hotcrm.exporting.ExportSchedules.Spec("Contact changes", "contact", List.of("id", "first_name",
                    "last_name", "email"), null, io.hotcrm.exporting.ExportFormat.JSONL, false, "local", Map.of("path", feed.toString()),
                    "{object}-{run}.{ext}", "0 2 * * *", "UTC", io.hotcrm.exporting.ExportSchedules.Mode.INCREMENTAL), false);
            t.schedules.runHere(t.admin, "Contact changes", io.hotcrm.common.Work.Progress.NONE);
            Map<String, String> before = totals();
            assertThat(occurrences("maja.jorgensen@example.org")).anyMatch(s -> s.startsWith("imports/"))
                    .anyMatch(s -> s.startsWith("uploads/")).anyMatch(s -> s.startsWith("exports/")).anyMatch(s -> s.startsWith("obj_contact"));
            assertThat(occurrences("20 12 34 56")).anyMatch(s -> s.contains("errors.csv"));
            PrivacyRequest r = approved(PlantedPerson.EMAIL, "+45 20 12 34 56");
            List<PrivacyRequests.Change> preview = t.privacy.preview(t.admin, r.id(), action);
            assertThat(preview).extracting(PrivacyRequests.Change::id).containsAll(person.planted.values()).contains(person.mention)
                    .doesNotContainAnyElementsOf(person.namesake);
            assertThat(preview.toString()).doesNotContainIgnoringCase("jorgensen@");
            assertThat(preview).filteredOn(c -> c.object().equals("import")).singleElement().satisfies(c -> {
                assertThat(c.id()).isEqualTo(person.importId);
                assertThat(c.fields()).containsKeys("results.csv", "errors.csv", "source file", "undo journal");
            });
            assertThat(preview).filteredOn(c -> c.object().equals("upload")).hasSize(1);
            assertThat(preview).filteredOn(c -> c.object().equals("export file")).hasSize(4).allSatisfy(c -> assertThat(c.action())
                    .isEqualTo("delete"));

            Map<String, int[]> counts = t.privacy.run(t.admin, r.id(), action);
            assertThat(counts).containsKeys("contact", "lead", "opportunity", "note", "file");
            PrivacyRequest done = t.privacy.get(t.admin, r.id());
            assertThat(done.state()).isEqualTo(PrivacyRequest.DONE);
            assertThat(done.email()).isNull();
            assertThat(done.phone()).isNull();

            // nothing of the person is left: email, phone (as stored), name
            assertThat(occurrences("maja.jorgensen@example.org", "20 12 34 56", "20123456")).isEmpty();
            // her title before the import updated it was in its undo journal: gone, so an undo cannot bring it back
            assertThat(occurrences("Head of Logistics")).isEmpty();
            List<String> names = occurrences("Jørgensen");
            assertThat(names).as("only the namesake keeps the name").allSatisfy(s -> assertThat(person.namesake.stream()
                    .anyMatch(id -> s.contains(id.toString()))).as(s).isTrue());
            // the import keeps its other rows, and her rows' numbers and status; its undo restores nothing of hers
            String results = new String(t.files.open("imports/" + person.importId + "/results.csv").readAllBytes(),
                    java.nio.charset.StandardCharsets.UTF_8);
            assertThat(results).contains("ola.nordmann@example.net", "[redacted]", "updated");
            try (var left = java.nio.file.Files.list(person.exportDir)) {
                assertThat(left.toList()).as("the export files that held her (CSV, JSON Lines, Parquet) are gone").isEmpty();
            }
            assertThat(t.files.exists(PlantedPerson.FILE_KEY)).isFalse();
            // the incremental feed's next run carries the erasure: her contact anonymised, or its deletion
            t.schedules.runHere(t.admin, "Contact changes", io.hotcrm.common.Work.Progress.NONE);
            try (var files = java.nio.file.Files.list(feed)) {
                List<java.nio.file.Path> left = files.toList();
                assertThat(left).as("the first run's file held her and is gone; the new one is here").hasSize(1);
                String changes = java.nio.file.Files.readString(left.get(0));
                assertThat(changes).contains(person.planted.get("contact").toString())
                        .contains(action.equals("delete") ? "\"_deleted\":true" : "@redacted.invalid")
                        .doesNotContainIgnoringCase("jorgensen@").doesNotContain("Jørgensen\",\"email\":\"maja");
            }
            // the namesake and her records are intact; the reports' totals are the same
            for (UUID id : person.namesake) {
                long n = t.db.jdbi().withHandle(h -> h.createQuery("select count(*) from obj_contact where id = :id union all"
                        + " select count(*) from obj_case where id = :id union all select count(*) from obj_note where id = :id"
                        + " union all select count(*) from obj_opportunity where id = :id").bind("id", id).mapTo(Long.class).list()
                        .stream().mapToLong(Long::longValue).sum());
                assertThat(n).isEqualTo(1);
            }
            assertThat(totals()).isEqualTo(before);
            // the erasure is audited with counts, never values
            String audit = t.db.jdbi().withHandle(h -> h.createQuery("select details from hc_audit where action = 'privacy.erasure'")
                    .mapTo(String.class).one());
            assertThat(audit).startsWith(action).contains("contact:");

            // the erasure ledger, outside the database, names the records and actions, never the person
            List<String> ledger = t.privacy.ledger(t.admin);
            assertThat(ledger).hasSize(1);
            assertThat(ledger.get(0)).contains(r.id().toString(), person.planted.get("contact").toString(), "\"action\" : \"" + action)
                    .doesNotContainIgnoringCase("jorgensen").doesNotContainIgnoringCase("maja");
            // the signed certificate: ids and counts, no personal value; it verifies, and a one-byte change does not
            String cert = t.privacy.certificate(t.admin, r.id());
            assertThat(cert).contains(person.planted.get("contact").toString(), "\"action\" : \"" + action + "\"", "retained")
                    .doesNotContainIgnoringCase("jorgensen").doesNotContainIgnoringCase("maja").doesNotContain("20 12 34 56");
            byte[] bytes = cert.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            assertThat(t.privacy.verify(bytes).valid()).isTrue();
            byte[] tampered = bytes.clone();
            int at = cert.indexOf(person.planted.get("lead").toString());
            tampered[at] = (byte) (tampered[at] == 'a' ? 'b' : 'a');
            PrivacyRequests.Verification bad = t.privacy.verify(tampered);
            assertThat(bad.valid()).isFalse();
            assertThat(bad.reason()).contains("changed after it was signed");
            assertThat(t.privacy.verify("{}".getBytes(java.nio.charset.StandardCharsets.UTF_8)).valid()).isFalse();
            // the PDF to hand the person: readable, no personal value, its signed certificate attached; one changed byte
            // anywhere in it fails the check
            byte[] pdf = t.privacy.certificatePdf(t.admin, r.id());
            assertThat(t.privacy.certificatePdf(t.admin, r.id())).isEqualTo(pdf);
            try (var doc = org.apache.pdfbox.Loader.loadPDF(pdf)) {
                String text = new org.apache.pdfbox.text.PDFTextStripper().getText(doc);
                assertThat(text).contains("Certificate of erasure", r.id().toString(), "contact:", "How to check")
                        .doesNotContainIgnoringCase("jorgensen").doesNotContainIgnoringCase("maja");
            }
            assertThat(t.privacy.verify(pdf).valid()).isTrue();
            for (int at2 : new int[] {pdf.length / 3, pdf.length / 2, pdf.length - 40}) {
                byte[] changed = pdf.clone();
                changed[at2] = (byte) (changed[at2] ^ 0x01);
                assertThat(t.privacy.verify(changed).valid()).as("byte " + at2).isFalse();
            }

                        // the same person asked again: nothing is found, nothing changes
            PrivacyRequest again = approved(PlantedPerson.EMAIL, null);
            Findings nothingLeft = t.privacy.find(t.admin, again.id());
            assertThat(nothingLeft.records()).isZero();
            assertThat(nothingLeft.copies()).isEmpty();
            Map<String, int[]> second = t.privacy.run(t.admin, again.id(), action);
            assertThat(second.values().stream().mapToInt(k -> k[0] + k[1]).sum()).isZero();
            assertThatThrownBy(() -> t.privacy.run(t.admin, again.id(), action)).hasMessageContaining("is done");
        }

        @Test
        void anonymising() throws java.io.IOException {
            erasesEverythingAndLeavesTheNamesakeAndTheReports("anonymise");
            // the person's records stay, anonymised, with unique placeholder emails
            List<String> emails = t.db.jdbi().withHandle(h -> h.createQuery("select email from obj_contact where email like"
                    + " 'redacted-%@redacted.invalid' union all select email from obj_lead where email like 'redacted-%'")
                    .mapTo(String.class).list());
            assertThat(emails).hasSize(2).doesNotHaveDuplicates();
        }

        @Test
        void deleting() throws java.io.IOException {
            erasesEverythingAndLeavesTheNamesakeAndTheReports("delete");
            long redacted = t.db.jdbi().withHandle(h -> h.createQuery("select count(*) from obj_contact where last_name = '[redacted]'")
                    .mapTo(Long.class).one());
            assertThat(redacted).isZero();
        }
    
        @Test
        void aRecordUnderALegalHoldIsListedWithItsGroundAndKept() {
            t = new TestPlatform(dialect);
            PlantedPerson person = new PlantedPerson(t);
            UUID theCase = person.planted.get("case");
            assertThatThrownBy(() -> t.privacy.hold(t.admin, "case", theCase, " ")).hasMessageContaining("legal ground");
            t.privacy.hold(t.admin, "case", theCase, "Disputed invoice: kept until the court rules");
            assertThat(t.privacy.holds(t.admin)).singleElement().satisfies(h -> assertThat(h.record()).isEqualTo(theCase));
            PrivacyRequest r = approved(PlantedPerson.EMAIL, null);
            assertThat(t.privacy.preview(t.admin, r.id(), "anonymise")).filteredOn(c -> c.id().equals(theCase)).singleElement()
                    .satisfies(c -> {
                        assertThat(c.action()).isEqualTo("keep");
                        assertThat(c.why()).contains("legal hold", "court rules");
                    });
            t.privacy.run(t.admin, r.id(), "anonymise");
            String description = t.db.jdbi().withHandle(h -> h.createQuery("select description from obj_case where id = :id")
                    .bind("id", theCase).mapTo(String.class).one());
            assertThat(description).contains("Maja Jørgensen");
            assertThat(t.privacy.certificate(t.admin, r.id())).contains(theCase.toString(), "legal hold: Disputed invoice");
            t.privacy.release(t.admin, "case", theCase);
            assertThat(t.privacy.holds(t.admin)).isEmpty();
        }
    }
}
