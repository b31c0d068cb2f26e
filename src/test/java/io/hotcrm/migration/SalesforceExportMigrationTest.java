package io.hotcrm.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hotcrm.common.Work;
import io.hotcrm.importing.Uploaded;
import io.hotcrm.migration.MigrationPlan.PlanObject;
import io.hotcrm.migration.SourceField.SourceType;
import io.hotcrm.migration.salesforce.SalesforceExportKind;
import io.hotcrm.store.Dialect;
import io.hotcrm.testing.DataExport;
import io.hotcrm.testing.DialectContract;
import io.hotcrm.testing.FakeSalesforce;
import io.hotcrm.testing.PlanReview;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * An org migrated from its weekly Data Export alone, on each database: the export's ZIP files (two parts, quoted line
 * breaks; UTF-8 on H2, ISO-8859-1 on PostgreSQL, found out) uploaded and connected, planned from what the CSVs hold,
 * dry-run, run, reconciled with gap 0 and a clean spot-check against the export's rows.
 */
class SalesforceExportMigrationTest {

    @Nested
    class OnH2 extends Contract {
        OnH2() {
            super(Dialect.H2, StandardCharsets.UTF_8);
        }
    }

    @Nested
    class OnPostgres extends Contract {
        OnPostgres() {
            super(Dialect.POSTGRES, StandardCharsets.ISO_8859_1);
        }
    }

    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    abstract static class Contract extends DialectContract {
        final FakeSalesforce sf = new FakeSalesforce(4);
        final Charset charset;
        final Migrations migrations;
        final List<String> zips = new ArrayList<>();

        Contract(Dialect dialect, Charset charset) {
            super(dialect);
            this.charset = charset;
            this.migrations = t.migrations;
        }

        @AfterAll
        void stopFake() {
            sf.close();
        }

        long count(String object) {
            return t.live(object);
        }

        @Test
        @Order(1)
        void theExportsFilesAreUploadedAndConnectedWithoutASignIn() throws Exception {
            Path dir = Files.createTempDirectory("hotcrm-export-test");
            List<String> uploads = new ArrayList<>();
            for (Path zip : DataExport.write(sf, dir, charset, 2)) {
                try (InputStream in = Files.newInputStream(zip)) {
                    Uploaded u = t.importer.upload(t.admin, zip.getFileName().toString(), in, Long.MAX_VALUE);
                    uploads.add(u.id().toString());
                    zips.add(u.name());
                }
            }
            SourceOrg org = migrations.connect(t.admin, "acme-export", SalesforceExportKind.KIND,
                    Map.of(SalesforceExportKind.FILES, String.join(",", uploads)), true).orElseThrow();
            assertThat(org.id()).isEqualTo(sf.records("Organization").get(0).get("Id"));
            assertThat(org.currency()).isEqualTo("EUR");
            // a file that is no ZIP: a clear refusal, no connection, no copy kept
            Uploaded text = t.importer.upload(t.admin, "WE_notes.ZIP", new java.io.ByteArrayInputStream("hello".getBytes(charset)),
                    Long.MAX_VALUE);
            assertThatThrownBy(() -> migrations.connect(t.admin, "broken", SalesforceExportKind.KIND,
                    Map.of(SalesforceExportKind.FILES, text.id().toString()), true)).hasMessageContaining("not a ZIP file");
            assertThat(migrations.list(t.admin)).extracting(MigrationInfo::name).containsExactly("acme-export");
            assertThat(t.files.list("migrations/broken/")).isEmpty();
        }

        @Test
        @Order(2)
        void thePlanIsTheOneALiveOrgGetsWithKindsReadFromTheData() {
            MigrationPlan plan = migrations.plan(t.admin, "acme-export", Set.of(), null);
            List<String> order = plan.objects().stream().map(PlanObject::source).toList();
            assertThat(order.get(0)).isEqualTo("User");
            assertThat(order.indexOf("Account")).isLessThan(order.indexOf("Contact"));
            PlanObject account = plan.object("Account").orElseThrow();
            assertThat(account.count()).isEqualTo(sf.live("Account").size());
            assertThat(account.field("SLA__c").orElseThrow().create().type()).isEqualTo("picklist");
            assertThat(plan.object("Opportunity").orElseThrow().field("Renewal_Date__c").orElseThrow().create().type()).isEqualTo("date");
            PlanObject contact = plan.object("Contact").orElseThrow();
            assertThat(contact.field("Loyalty_Tier__c").orElseThrow().create().type()).isEqualTo("picklist");
            assertThat(contact.field("AccountId").orElseThrow().lookup()).isEqualTo("Account");
            migrations.savePlan(t.admin, "acme-export", PlanReview.settle(plan, t.schema.catalogue()));
            assertThat(migrations.currentPlan(t.admin, "acme-export").unsettled()).isEmpty();
        }

        @Test
        @Order(3)
        void aDryRunWritesNothing() {
            RunSummary s = migrations.get(t.admin, migrations.start(t.admin, "acme-export", Migrations.DRY_RUN, null,
                    Work.Run.here(null)).id());
            assertThat(s.failed()).as(s.steps().toString()).isZero();
            assertThat(count("contact")).isZero();
        }

        @Test
        @Order(4)
        void theRunMigratesTheExportAndReconcilesWithoutAGap() {
            RunSummary s = migrations.get(t.admin, migrations.start(t.admin, "acme-export", Migrations.RUN, null,
                    Work.Run.here(null)).id());
            assertThat(s.failed()).as(s.steps().toString()).isZero();
            assertThat(s.reconcile().objects()).allSatisfy(o -> assertThat(o.gap()).as(o.source() + " " + o.missing()).isZero());
            assertThat(s.reconcile().differences()).as(s.reconcile().objects().toString()).isZero();
            assertThat(count("account")).isEqualTo(sf.live("Account").size());
            assertThat(count("contact")).isEqualTo(sf.live("Contact").size());
            assertThat(count("quote_line_item")).isEqualTo(sf.live("QuoteLineItem").size());
            long latest = sf.live("ContentVersion").stream().filter(v -> Boolean.TRUE.equals(v.get("IsLatest"))).count();
            assertThat(count("file")).isEqualTo(sf.live("Attachment").size() + latest);
            // a street with a line break inside its quotes, and text in the export's encoding
            long twoLines = t.db.jdbi().withHandle(h -> h.createQuery("select count(*) from obj_account where billing_street"
                    + " like '%Hinterhaus%'").mapTo(Long.class).one());
            assertThat(twoLines).isPositive();
            long umlauts = t.db.jdbi().withHandle(h -> h.createQuery("select count(*) from obj_account where name like '%Müller%'")
                    .mapTo(Long.class).one());
            assertThat(umlauts).isPositive();
            // the same run again creates nothing twice
            RunSummary again = migrations.get(t.admin, migrations.start(t.admin, "acme-export", Migrations.RUN, null,
                    Work.Run.here(null)).id());
            assertThat(again.steps()).allSatisfy(x -> assertThat(x.created()).as(x.source()).isZero());
        }

        @Test
        @Order(6)
        void aNewerExportBringsChangesAndDeletionsAcrossAsADelta() throws Exception {
            String changed = (String) sf.live("Contact").get(3).get("Id");
            String deleted = (String) sf.live("Contact").get(4).get("Id");
            sf.update("Contact", changed, "Title", "Chief Happiness Officer");
            sf.delete("Contact", deleted);
            Map<String, Object> lead = new java.util.LinkedHashMap<>();
            lead.put("LastName", "Neu");
            lead.put("Company", "Neukunde AG");
            lead.put("Status", sf.live("Lead").get(0).get("Status"));
            lead.put("OwnerId", sf.live("User").get(0).get("Id"));
            sf.insert("Lead", lead);
            List<String> uploads = new ArrayList<>();
            for (Path zip : DataExport.write(sf, Files.createTempDirectory("hotcrm-export-newer"), charset, 2)) {
                try (InputStream in = Files.newInputStream(zip)) {
                    uploads.add(t.importer.upload(t.admin, zip.getFileName().toString(), in, Long.MAX_VALUE).id().toString());
                }
            }
            migrations.connect(t.admin, "acme-export", SalesforceExportKind.KIND, Map.of(SalesforceExportKind.FILES,
                    String.join(",", uploads)), true);
            RunSummary s = migrations.get(t.admin, migrations.start(t.admin, "acme-export", Migrations.DELTA, null,
                    Work.Run.here(null)).id());
            assertThat(s.failed()).as(s.steps().toString()).isZero();
            assertThat(s.reconcile().objects()).allSatisfy(o -> assertThat(o.gap()).as(o.source() + " " + o.missing()).isZero());
            assertThat(count("contact")).isEqualTo(sf.live("Contact").size());
            assertThat(count("lead")).isEqualTo(sf.live("Lead").size());
            String title = t.db.jdbi().withHandle(h -> h.createQuery("select title from obj_contact where external_id = :x")
                    .bind("x", changed).mapTo(String.class).one());
            assertThat(title).isEqualTo("Chief Happiness Officer");
            long binned = t.db.jdbi().withHandle(h -> h.createQuery("select count(*) from obj_contact where external_id = :x"
                    + " and deleted_at is not null").bind("x", deleted).mapTo(Long.class).one());
            assertThat(binned).isEqualTo(1);
        }

        @Test
        @Order(5)
        void whatADescribeWouldSayIsReadFromTheValues() {
            String keys = migrations.show(t.admin, "acme-export").settings().get(SalesforceExportKind.FILES);
            try (CrmSource s = new SalesforceExportKind(t.files).open(Map.of(SalesforceExportKind.FILES, keys),
                    SourceKind.SettingsSaver.NONE)) {
                SourceObject opp = s.describe("Opportunity");
                assertThat(opp.field("CloseDate").orElseThrow().type()).isEqualTo(SourceType.DATE);
                assertThat(opp.field("CreatedDate").orElseThrow().type()).isEqualTo(SourceType.DATETIME);
                assertThat(opp.field("Amount").orElseThrow().type()).isEqualTo(SourceType.DECIMAL);
                assertThat(opp.field("AccountId").orElseThrow().referenceTo()).containsExactly("Account");
                assertThat(opp.field("StageName").orElseThrow().values()).isNotEmpty();
            }
        }
    }
}
