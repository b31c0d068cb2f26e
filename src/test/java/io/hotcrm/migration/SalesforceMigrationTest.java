package io.hotcrm.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hotcrm.common.HotCrmException;
import io.hotcrm.common.Work;
import io.hotcrm.migration.MigrationPlan.PlanObject;
import io.hotcrm.migration.salesforce.SalesforceKind;
import io.hotcrm.store.Dialect;
import io.hotcrm.testing.DialectContract;
import io.hotcrm.testing.FakeSalesforce;
import io.hotcrm.testing.PlanReview;
import io.hotcrm.testing.TestPlatform;
import java.util.LinkedHashMap;
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
 * A whole org migrated from the fake Salesforce, on each database: connect (JWT bearer), plan, dry-run, run,
 * reconcile with gap 0 and a clean spot-check, changes and deletes in the org, a delta, reconcile again.
 */
class SalesforceMigrationTest {

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

    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    abstract static class Contract extends DialectContract {
        final FakeSalesforce sf = new FakeSalesforce(10);
        final Migrations migrations;

        Contract(Dialect dialect) {
            super(dialect);
            migrations = t.migrations;
        }

        @AfterAll
        void stopFake() {
            sf.close();
        }

        Map<String, String> settings() {
            Map<String, String> s = new LinkedHashMap<>();
            s.put(SalesforceKind.LOGIN_URL, sf.url());
            s.put(SalesforceKind.CLIENT_ID, FakeSalesforce.CLIENT_ID);
            s.put(SalesforceKind.FLOW, "jwt");
            s.put(SalesforceKind.USERNAME, "admin@acme.example.sf");
            s.put(SalesforceKind.PRIVATE_KEY, sf.privateKeyPem());
            s.put(SalesforceKind.BULK_THRESHOLD, "2500");
            s.put(SalesforceKind.RETRY_MILLIS, "5");
            return s;
        }

        long count(String object) {
            return t.live(object);
        }

        @Test
        @Order(1)
        void connectLogsInWithTheJwtBearerFlowAndShowsTheOrg() {
            SourceOrg org = migrations.connect(t.admin, "acme", "salesforce", settings(), true).orElseThrow();
            assertThat(org.name()).isEqualTo("Acme Fake Org");
            assertThat(org.sandbox()).isTrue();
            assertThat(org.timeZone()).isEqualTo("Europe/Berlin");
            assertThat(org.apiMax()).isEqualTo(15000);
            MigrationInfo info = migrations.show(t.admin, "acme");
            assertThat(info.settings()).containsEntry(SalesforceKind.PRIVATE_KEY, "(set)");
            String stored = t.db.jdbi().withHandle(h -> h.createQuery("select settings from hc_migration where name = 'acme'")
                    .mapTo(String.class).one());
            assertThat(stored).doesNotContain("BEGIN PRIVATE KEY").contains("v1:");
            Map<String, String> wrong = settings();
            wrong.put(SalesforceKind.CLIENT_ID, "someone-else");
            assertThatThrownBy(() -> migrations.connect(t.admin, "other", "salesforce", wrong, true))
                    .hasMessageContaining("refused the login").hasMessageContaining("invalid_grant");
            assertThat(migrations.list(t.admin)).extracting(MigrationInfo::name).containsExactly("acme");
        }

        @Test
        @Order(2)
        void thePlanPairsObjectsInDependencyOrderProposesCustomFieldsAndListsWhatItLeavesOut() {
            MigrationPlan plan = migrations.plan(t.admin, "acme", Set.of(), null);
            List<String> order = plan.objects().stream().map(PlanObject::source).toList();
            assertThat(order.get(0)).isEqualTo("User");
            assertThat(order.indexOf("Account")).isLessThan(order.indexOf("Contact"));
            assertThat(order.indexOf("Opportunity")).isLessThan(order.indexOf("OpportunityLineItem"));
            assertThat(order.indexOf("Case")).isLessThan(order.indexOf("Task"));
            PlanObject account = plan.object("Account").orElseThrow();
            assertThat(account.count()).isEqualTo(sf.live("Account").size());
            assertThat(account.field("SLA__c").orElseThrow().create()).isNotNull();
            assertThat(account.field("SLA__c").orElseThrow().target()).isEqualTo("sla");
            PlanObject task = plan.object("Task").orElseThrow();
            assertThat(task.field("WhatId").orElseThrow().targets()).containsEntry("Opportunity", "opportunity_id")
                    .containsEntry("Case", "case_id").containsEntry("Account", "what_id");
            assertThat(order.indexOf("Pricebook2")).isLessThan(order.indexOf("Quote"));
            assertThat(order.indexOf("Opportunity")).isLessThan(order.indexOf("Quote"));
            assertThat(order.indexOf("Quote")).isLessThan(order.indexOf("QuoteLineItem"));
            // a single-currency org's price books are in its currency (the org's, not the catalogue's default)
            assertThat(plan.object("Pricebook2").orElseThrow().fill()).containsEntry("currency", "EUR");
            assertThat(plan.object("Quote").orElseThrow().fill()).containsEntry("currency_code", "EUR");
            assertThat(plan.skipped()).anySatisfy(s -> assertThat(s.name()).isEqualTo("PricebookEntry"));
            assertThat(plan.unsettled()).isNotEmpty();
            assertThatThrownBy(() -> migrations.start(t.admin, "acme", Migrations.RUN, null, Work.Run.here(null)))
                    .isInstanceOf(HotCrmException.class).hasMessageContaining("not ready to run");
            migrations.savePlan(t.admin, "acme", PlanReview.settle(plan, t.schema.catalogue()));
            assertThat(migrations.currentPlan(t.admin, "acme").unsettled()).isEmpty();
        }

        @Test
        @Order(3)
        void aDryRunSaysWhatWouldHappenAndWritesNothing() {
            RunSummary s = migrations.start(t.admin, "acme", Migrations.DRY_RUN, null, Work.Run.here(null));
            s = migrations.get(t.admin, s.id());
            assertThat(s.state()).as(s.message()).isEqualTo(MigrationState.SUCCEEDED);
            RunSummary.Step contacts = s.steps().stream().filter(x -> x.source().equals("Contact")).findFirst().orElseThrow();
            assertThat(contacts.created()).isEqualTo(sf.live("Contact").size());
            assertThat(s.failed()).as(s.steps().toString()).isZero();
            assertThat(count("contact")).isZero();
            assertThat(count("account")).isZero();
        }

        @Test
        @Order(4)
        void theRunMigratesTheOrgAndReconcilesWithoutAGap() {
            RunSummary s = migrations.get(t.admin, migrations.start(t.admin, "acme", Migrations.RUN, null, Work.Run.here(null)).id());
            assertThat(s.failed()).as(s.steps().toString()).isZero();
            assertThat(s.reconcile().objects()).allSatisfy(o -> assertThat(o.gap()).as(o.source() + " " + o.missing()).isZero());
            assertThat(s.reconcile().differences()).as(s.reconcile().objects().toString()).isZero();
            assertThat(s.state()).isEqualTo(MigrationState.SUCCEEDED);
            assertThat(count("contact")).isEqualTo(sf.live("Contact").size());
            assertThat(count("task")).isEqualTo(sf.live("Task").size());
            // quotes with their price book and lines; a line's product is its price book entry's
            assertThat(count("quote")).isEqualTo(sf.live("Quote").size());
            assertThat(count("quote_line_item")).isEqualTo(sf.live("QuoteLineItem").size());
            Map<String, Object> line = t.db.jdbi().withHandle(h -> h.createQuery("select l.line_number, l.unit_price, p.product_code,"
                    + " q.quote_number, b.currency from obj_quote_line_item l join obj_product p on p.id = l.product_id"
                    + " join obj_quote q on q.id = l.quote_id join obj_pricebook b on b.id = q.pricebook_id"
                    + " order by q.quote_number, l.line_number limit 1").mapToMap().one());
            assertThat(line.get("quote_number")).isEqualTo("00000001");
            assertThat(((Number) line.get("line_number")).intValue()).isEqualTo(1);
            assertThat(new java.math.BigDecimal(line.get("unit_price").toString())).isEqualByComparingTo("89.50");
            assertThat((String) line.get("product_code")).startsWith("W-");
            assertThat(line.get("currency")).isEqualTo("EUR");
            RunSummary.Step leads = s.steps().stream().filter(x -> x.source().equals("Lead")).findFirst().orElseThrow();
            assertThat(leads.queueOwned()).isPositive();
            RunSummary.Step tasks = s.steps().stream().filter(x -> x.source().equals("Task")).findFirst().orElseThrow();
            assertThat(tasks.orphans()).containsKey("WhatId → Campaign");
            // notes and files, each on the record it belonged to; a file's latest version, its bytes in the file store
            assertThat(count("note")).isEqualTo(sf.live("Note").size() + sf.live("ContentNote").size());
            // a Lightning note's HTML body becomes text; it belongs to the record it is shared with (not the user)
            Map<String, Object> lightning = t.db.jdbi().withHandle(h -> h.createQuery("select * from obj_note where title ="
                    + " 'Gesprächsnotiz 3'").mapToMap().one());
            assertThat(lightning.get("body")).isEqualTo("Anruf mit Müller & Co.\n- Preise für 3 Lizenzen\n- Angebot <Q3>\n"
                    + "Nächster Schritt:\nVertrag");
            assertThat(String.valueOf(lightning.get("parent_type")).toLowerCase(java.util.Locale.ROOT)).isIn("contact", "opportunity");
            long latest = sf.live("ContentVersion").stream().filter(v -> Boolean.TRUE.equals(v.get("IsLatest"))).count();
            assertThat(count("file")).isEqualTo(sf.live("Attachment").size() + latest);
            Map<String, Object> file = t.db.jdbi().withHandle(h -> h.createQuery("select * from obj_file where name like 'vertrag-%'"
                    + " order by name limit 1").mapToMap().one());
            assertThat(file.get("parent_object")).isEqualTo("account");
            assertThat(t.text((String) file.get("storage_key"))).contains("latest version").doesNotContain("old version");
            Map<String, Object> note = t.db.jdbi().withHandle(h -> h.createQuery("select * from obj_note order by title limit 1")
                    .mapToMap().one());
            String parentType = String.valueOf(note.get("parent_type")).toLowerCase(java.util.Locale.ROOT);
            long parentExists = t.db.jdbi().withHandle(h -> h.createQuery("select count(*) from obj_" + parentType + " where cast(id as varchar(36)) = :id")
                    .bind("id", String.valueOf(note.get("parent_id"))).mapTo(Long.class).one());
            assertThat(parentExists).isEqualTo(1);
            // the same run again creates nothing twice
            RunSummary again = migrations.get(t.admin, migrations.start(t.admin, "acme", Migrations.RUN, null, Work.Run.here(null)).id());
            assertThat(again.steps()).allSatisfy(x -> assertThat(x.created()).as(x.source()).isZero());
            assertThat(count("contact")).isEqualTo(sf.live("Contact").size());
        }

        @Test
        @Order(5)
        void aDeltaBringsChangesAndDeletionsAcross() {
            String contact = (String) sf.live("Contact").get(5).get("Id");
            sf.update("Contact", contact, "Title", "Chief Happiness Officer");
            String gone = (String) sf.live("Lead").get(3).get("Id");
            sf.delete("Lead", gone);
            sf.insert("Lead", Map.of("FirstName", "Neu", "LastName", "Kundin", "Company", "Späte GmbH", "Email", "late@lead.example",
                    "Status", sf.values("Lead", "Status").get(0), "OwnerId", sf.live("User").get(0).get("Id"),
                    "CreatedById", sf.live("User").get(0).get("Id")));
            RunSummary s = migrations.get(t.admin, migrations.start(t.admin, "acme", Migrations.DELTA, null, Work.Run.here(null)).id());
            assertThat(s.state()).as(s.message()).isEqualTo(MigrationState.SUCCEEDED);
            RunSummary.Step leads = s.steps().stream().filter(x -> x.source().equals("Lead")).findFirst().orElseThrow();
            assertThat(leads.created()).isEqualTo(1);
            assertThat(leads.deleted()).isEqualTo(1);
            assertThat(s.reconcile().gap()).isZero();
            String title = t.db.jdbi().withHandle(h -> h.createQuery("select title from obj_contact where external_id = :x")
                    .bind("x", contact).mapTo(String.class).one());
            assertThat(title).isEqualTo("Chief Happiness Officer");
            assertThat(count("lead")).isEqualTo(sf.live("Lead").size());
        }

        @Test
        @Order(6)
        void theSpotCheckReadsFilesAgainAndFindsBytesThatChanged() {
            List<String> keys = t.db.jdbi().withHandle(h -> h.createQuery("select storage_key from obj_file where storage_key is not null")
                    .mapTo(String.class).list());
            assertThat(keys).isNotEmpty();
            for (String key : keys) {
                t.files.put(key, new java.io.ByteArrayInputStream("tampered".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            }
            ReconcileReport r = migrations.reconcile(t.admin, "acme");
            assertThat(r.gap()).isZero();
            assertThat(r.objects()).filteredOn(o -> o.source().equals("Attachment")).singleElement()
                    .satisfies(o -> assertThat(o.differences()).isNotEmpty()
                            .allSatisfy(d -> assertThat(d.field()).isEqualTo("storage_key")));
        }
    }
}
