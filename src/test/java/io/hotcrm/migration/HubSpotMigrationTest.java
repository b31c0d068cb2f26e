package io.hotcrm.migration;

import static org.assertj.core.api.Assertions.assertThat;

import io.hotcrm.common.Work;
import io.hotcrm.migration.MigrationPlan.PlanField;
import io.hotcrm.migration.MigrationPlan.PlanObject;
import io.hotcrm.migration.hubspot.HubSpotKind;
import io.hotcrm.store.Dialect;
import io.hotcrm.testing.DialectContract;
import io.hotcrm.testing.FakeHubSpot;
import io.hotcrm.testing.FakeHubSpot.Rec;
import io.hotcrm.testing.HubSpotPortal;
import io.hotcrm.testing.PlanReview;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
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
 * A generated HubSpot portal of more than 20,000 records migrated on each database: connected with a private app
 * token, planned (every deal and ticket stage mapped from its pipeline's metadata, pipelines and custom properties as
 * custom fields), dry-run, run with reconcile gap 0 and a clean spot-check; then edits, archives, a merge and a bulk
 * update of 10,500 contacts in one millisecond in HubSpot, and a delta that brings them across with gap 0.
 */
class HubSpotMigrationTest {

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
        static final int CONTACTS = 12_000;
        final FakeHubSpot hs = new FakeHubSpot();
        final HubSpotPortal portal = HubSpotPortal.generate(hs, CONTACTS, 7, Instant.now().minus(30, ChronoUnit.DAYS));
        final Migrations migrations;

        Contract(Dialect dialect) {
            super(dialect);
            this.migrations = t.migrations;
        }

        @AfterAll
        void stopFake() {
            hs.close();
        }

        String one(String sql, String x) {
            return t.db.jdbi().withHandle(h -> h.createQuery(sql).bind("x", x).mapTo(String.class).findOne().orElse(null));
        }

        @Test
        @Order(1)
        void aPrivateAppTokenConnectsAndThePortalIsShown() {
            assertThat(hs.sizes().values().stream().mapToInt(Integer::intValue).sum()).isGreaterThan(20_000);
            SourceOrg org = migrations.connect(t.admin, "acme-hs", HubSpotKind.KIND, Map.of(HubSpotKind.BASE_URL, hs.url(),
                    HubSpotKind.TOKEN, FakeHubSpot.PRIVATE_TOKEN, HubSpotKind.RETRY_MILLIS, "1", HubSpotKind.LOOKBACK_SECONDS, "5"),
                    true).orElseThrow();
            assertThat(org.id()).isEqualTo("12345678");
            assertThat(org.timeZone()).isEqualTo("US/Eastern");
            assertThat(org.currency()).isEqualTo("USD");
            assertThat(org.details()).containsEntry("Data hosting", "na1").doesNotContainKey("Missing scopes");
            // the token is a secret: never shown back
            assertThat(migrations.show(t.admin, "acme-hs").settings()).doesNotContainValue(FakeHubSpot.PRIVATE_TOKEN);
        }

        @Test
        @Order(2)
        void thePlanMapsEveryStageAndKeepsPipelinesAndCustomProperties() {
            MigrationPlan plan = migrations.plan(t.admin, "acme-hs", Set.of(), null);
            List<String> order = plan.objects().stream().map(PlanObject::source).toList();
            assertThat(order.get(0)).isEqualTo("owners");
            assertThat(order.indexOf("companies")).isLessThan(order.indexOf("contacts"));
            assertThat(order.indexOf("deals")).isLessThan(order.indexOf("line_items"));
            assertThat(order.indexOf("product_library")).isLessThan(order.indexOf("quotes"));
            PlanObject deals = plan.object("deals").orElseThrow();
            assertThat(deals.count()).isEqualTo(portal.deals.size());
            PlanField stage = deals.field("dealstage").orElseThrow();
            assertThat(stage.values()).containsEntry("closedwon", "Closed Won").containsEntry("closedlost", "Closed Lost")
                    .containsEntry("appointmentscheduled", "Qualification").containsEntry("contractsent", "Negotiation")
                    .containsEntry("75123458", "Closed Won").containsEntry("75123459", "Closed Lost");
            assertThat(stage.values().values()).doesNotContainNull();
            assertThat(deals.field("pipeline").orElseThrow().create().values()).containsExactly("Sales Pipeline", "Renewals");
            assertThat(deals.field("closedate").orElseThrow().target()).isEqualTo("close_date");
            assertThat(deals.field("associated_company").orElseThrow().lookup()).isEqualTo("companies");
            PlanObject tickets = plan.object("tickets").orElseThrow();
            assertThat(tickets.field("hs_pipeline_stage").orElseThrow().values()).containsEntry("1", "New").containsEntry("4", "Closed")
                    .containsEntry("2", "Waiting on Customer");
            PlanObject contacts = plan.object("contacts").orElseThrow();
            assertThat(contacts.field("customer_tier").orElseThrow().create().type()).isEqualTo("picklist");
            assertThat(contacts.field("date_of_birth").orElseThrow().create().type()).isEqualTo("date");
            assertThat(contacts.field("lifecyclestage").orElseThrow().create().values()).contains("marketingqualifiedlead");
            assertThat(plan.object("notes").orElseThrow().field("parent").orElseThrow().targets())
                    .containsEntry("deals", "opportunity").containsEntry("contacts", "contact");
            assertThat(plan.object("attachments").orElseThrow().count()).isEqualTo(portal.files);
            migrations.savePlan(t.admin, "acme-hs", PlanReview.settle(plan, t.schema.catalogue()));
            assertThat(migrations.currentPlan(t.admin, "acme-hs").unsettled()).isEmpty();
        }

        @Test
        @Order(3)
        void aDryRunWritesNothing() {
            RunSummary s = migrations.get(t.admin, migrations.start(t.admin, "acme-hs", Migrations.DRY_RUN, null,
                    Work.Run.here(null)).id());
            assertThat(s.failed()).as(s.steps().toString()).isZero();
            assertThat(t.live("contact")).isZero();
        }

        @Test
        @Order(4)
        void theRunMigratesThePortalAndReconcilesWithoutAGap() {
            // the portal's ten-second limit is reached as the run starts: it waits the window out and goes on
            hs.failNext(3, 429, "TEN_SECONDLY_ROLLING");
            RunSummary s = migrations.get(t.admin, migrations.start(t.admin, "acme-hs", Migrations.RUN, null,
                    Work.Run.here(null)).id());
            assertThat(s.failed()).as(s.steps().toString()).isZero();
            assertThat(s.reconcile().objects()).allSatisfy(o -> assertThat(o.gap()).as(o.source() + " " + o.missing()).isZero());
            assertThat(s.reconcile().differences()).as(s.reconcile().objects().toString()).isZero();
            assertThat(t.live("account")).isEqualTo(portal.companies.size());
            assertThat(t.live("contact")).isEqualTo(CONTACTS);
            assertThat(t.live("opportunity")).isEqualTo(portal.deals.size());
            assertThat(t.live("file")).isEqualTo(portal.files);
            assertThat(t.live("pricebook")).isEqualTo(1);
            // a close date at midnight in New York is that day, not the day before in UTC
            Rec deal = portal.deals.get(3);
            String day = Instant.parse(deal.get("closedate")).atZone(java.time.ZoneId.of("US/Eastern")).toLocalDate().toString();
            assertThat(one("select cast(close_date as varchar(10)) from obj_opportunity where external_id = :x", deal.id())).isEqualTo(day);
            // a task due at 23:30 in New York (the next day in UTC) is due that day
            Rec task = portal.tasks.get(2);
            String due = Instant.parse(task.get("hs_timestamp")).atZone(java.time.ZoneId.of("US/Eastern")).toLocalDate().toString();
            assertThat(due).isNotEqualTo(task.get("hs_timestamp").substring(0, 10));
            assertThat(one("select cast(due_date as varchar(10)) from obj_task where external_id = :x", task.id())).isEqualTo(due);
            // a date property (a custom date of birth) is the day written, never shifted
            Rec born = portal.contacts.stream().filter(c -> c.get("date_of_birth") != null).findFirst().orElseThrow();
            assertThat(one("select cast(date_of_birth as varchar(10)) from obj_contact where external_id = :x", born.id()))
                    .isEqualTo(born.get("date_of_birth"));
            // the plan says what HotCRM has no object for
            assertThat(migrations.currentPlan(t.admin, "acme-hs").skipped()).extracting(MigrationPlan.Skipped::name)
                    .contains("communications");
            // a contact's primary company is its account; a deal with two contacts keeps one and the run says so
            assertThat(one("select a.external_id from obj_contact c join obj_account a on a.id = c.account_id where c.external_id = :x",
                    portal.contacts.get(5).id())).isNotNull();
            assertThat(s.steps()).filteredOn(x -> x.source().equals("deals")).singleElement()
                    .satisfies(x -> assertThat(x.orphans()).containsKey("associated_contact → more records than one lookup holds (the first kept)"));
            // a note's HTML body is text, its record the deal it is about
            Rec note = portal.notes.get(0);
            assertThat(one("select body from obj_note where external_id = :x", note.id())).contains("Call with contact 0 & team")
                    .doesNotContain("<p>");
            assertThat(one("select parent_type from obj_note where external_id = :x", note.id())).isEqualToIgnoringCase("opportunity");
            // the same run again creates nothing twice
            RunSummary again = migrations.get(t.admin, migrations.start(t.admin, "acme-hs", Migrations.RUN, null,
                    Work.Run.here(null)).id());
            assertThat(again.steps()).allSatisfy(x -> assertThat(x.created()).as(x.source()).isZero());
        }

        @Test
        @Order(5)
        void editsArchivesAMergeAndABulkUpdateOfTenThousandContactsComeAcrossAsADelta() {
            Instant now = Instant.now();
            Rec edited = portal.contacts.get(10);
            hs.edit("contacts", edited, now, "jobtitle", "Chief Happiness Officer");
            Rec archived = portal.contacts.get(11);
            hs.archive("contacts", archived, now);
            Rec survivor = portal.contacts.get(12);
            // the merged-away contact is the primary contact of a deal: after the merge the deal points at the survivor
            Rec dealOfLoser = portal.deals.stream().filter(d -> {
                String first = hs.associated("deals", d, "contacts").get(0);
                return !first.equals(survivor.id()) && portal.contacts.indexOf(portal.contacts.stream().filter(c -> c.id().equals(first))
                        .findFirst().orElseThrow()) > 12;
            }).findFirst().orElseThrow();
            String loserId = hs.associated("deals", dealOfLoser, "contacts").get(0);
            Rec loser = portal.contacts.stream().filter(c -> c.id().equals(loserId)).findFirst().orElseThrow();
            hs.merge("contacts", survivor, loser, now);
            Rec deal = portal.deals.get(7);
            hs.edit("deals", deal, now, "amount", "777", "dealstage", "closedwon");
            Rec lateDeal = hs.add("deals", now, "dealname", "Brand new deal", "amount", "10", "pipeline", "default",
                    "dealstage", "qualifiedtobuy", "closedate", "2026-12-24T05:00:00Z", "hubspot_owner_id", portal.owners.get(0));
            hs.associate("deals", lateDeal, "companies", portal.companies.get(0));
            // a workflow touches 10,500 contacts in one millisecond: one window holds more than the search API's cap
            Instant bulk = now.plusMillis(5).truncatedTo(ChronoUnit.MILLIS);
            hs.touch("contacts", 100, 10_500, bulk);
            assertThat(hs.changedBetween("contacts", bulk, bulk.plusMillis(1))).isGreaterThan(10_000);

            hs.failNext(2, 502, null);
            RunSummary s = migrations.get(t.admin, migrations.start(t.admin, "acme-hs", Migrations.DELTA, null,
                    Work.Run.here(null)).id());
            assertThat(s.failed()).as(s.steps().toString()).isZero();
            assertThat(s.reconcile().objects()).allSatisfy(o -> assertThat(o.gap()).as(o.source() + " " + o.missing()).isZero());
            assertThat(s.reconcile().differences()).as(s.reconcile().objects().toString()).isZero();
            assertThat(s.steps()).filteredOn(x -> x.source().equals("contacts")).singleElement()
                    .satisfies(x -> assertThat(x.read()).isGreaterThanOrEqualTo(10_500));
            assertThat(t.live("contact")).isEqualTo(CONTACTS - 2);
            assertThat(t.live("opportunity")).isEqualTo(portal.deals.size() + 1);
            assertThat(one("select title from obj_contact where external_id = :x", edited.id())).isEqualTo("Chief Happiness Officer");
            assertThat(one("select cast(amount as varchar(20)) from obj_opportunity where external_id = :x", deal.id())).startsWith("777");
            assertThat(one("select stage from obj_opportunity where external_id = :x", deal.id())).isEqualTo("Closed Won");
            for (Rec gone : List.of(archived, loser)) {
                assertThat(one("select cast(count(*) as varchar(5)) from obj_contact where external_id = :x and deleted_at is not null",
                        gone.id())).as("binned " + gone.id()).isEqualTo("1");
            }
            assertThat(one("select cast(count(*) as varchar(5)) from obj_contact where external_id = :x and deleted_at is null",
                    survivor.id())).isEqualTo("1");
            assertThat(one("select c.external_id from obj_opportunity o join obj_contact c on c.id = o.contact_id where o.external_id = :x",
                    dealOfLoser.id())).isEqualTo(survivor.id());
        }
    }
}
