package io.hotcrm.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hotcrm.migration.hubspot.HubSpotKind;
import io.hotcrm.store.Dialect;
import io.hotcrm.testing.FakeHubSpot;
import io.hotcrm.testing.HubSpotPortal;
import io.hotcrm.testing.TestPlatform;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Connecting a HubSpot portal: the console's OAuth sign-in (the authorize URL, the code exchanged for a refresh token
 * kept encrypted), the scopes a token lacks shown with the objects they hold back, and the hosts HotCRM refuses.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HubSpotConnectTest {
    final FakeHubSpot hs = new FakeHubSpot();
    final TestPlatform t = new TestPlatform(Dialect.H2);

    HubSpotConnectTest() {
        HubSpotPortal.generate(hs, 40, 11, Instant.parse("2026-10-01T00:00:00Z"));
    }

    @AfterAll
    void stop() {
        hs.close();
        t.close();
    }

    @Test
    void thePublicAppSignsInWithOAuthAndTheRefreshTokenIsKeptEncrypted() {
        t.migrations.connect(t.admin, "acme-oauth", HubSpotKind.KIND, Map.of(HubSpotKind.BASE_URL, hs.url(),
                HubSpotKind.CLIENT_ID, FakeHubSpot.CLIENT_ID, HubSpotKind.CLIENT_SECRET, FakeHubSpot.CLIENT_SECRET), false);
        String url = t.migrations.authorizeUrl(t.admin, "acme-oauth", "https://crm.example.com/setup/migrate/hubspot/callback");
        assertThat(url).startsWith("https://app.hubspot.com/oauth/authorize?client_id=" + FakeHubSpot.CLIENT_ID)
                .contains("redirect_uri=https%3A%2F%2Fcrm.example.com%2Fsetup%2Fmigrate%2Fhubspot%2Fcallback",
                        "scope=oauth+crm.objects.contacts.read", "optional_scope=tickets").doesNotContain(FakeHubSpot.CLIENT_SECRET);
        String state = java.util.Arrays.stream(URI.create(url).getRawQuery().split("&")).filter(p -> p.startsWith("state="))
                .findFirst().orElseThrow().substring(6);
        Migrations.Authorized done = t.migrations.completeAuthorization(t.admin, state, FakeHubSpot.AUTH_CODE);
        assertThat(done.org().id()).isEqualTo("12345678");
        assertThat(t.migrations.show(t.admin, "acme-oauth").settings()).containsEntry(HubSpotKind.REFRESH_TOKEN, "(set)")
                .doesNotContainValue(FakeHubSpot.REFRESH_TOKEN).doesNotContainValue(FakeHubSpot.CLIENT_SECRET);
        // the access token expires: the refresh token gets a new one and the plan is made
        hs.expireTokens();
        MigrationPlan plan = t.migrations.plan(t.admin, "acme-oauth", java.util.Set.of("contacts"), null);
        assertThat(plan.object("contacts").orElseThrow().count()).isEqualTo(40);
        // a code that is no longer valid: HubSpot's refusal, said
        t.migrations.connect(t.admin, "acme-oauth-2", HubSpotKind.KIND, Map.of(HubSpotKind.BASE_URL, hs.url(),
                HubSpotKind.CLIENT_ID, FakeHubSpot.CLIENT_ID, HubSpotKind.CLIENT_SECRET, FakeHubSpot.CLIENT_SECRET), false);
        String again = t.migrations.authorizeUrl(t.admin, "acme-oauth-2", "https://crm.example.com/setup/migrate/hubspot/callback");
        String state2 = again.replaceAll(".*state=([^&]+).*", "$1");
        assertThatThrownBy(() -> t.migrations.completeAuthorization(t.admin, state2, "used-code")).hasMessageContaining("BAD_AUTH_CODE");
    }

    @Test
    void theScopesATokenLacksAreShownWithTheObjectsTheyHoldBack() {
        try (FakeHubSpot limited = new FakeHubSpot()) {
            HubSpotPortal.generate(limited, 20, 12, Instant.parse("2026-10-01T00:00:00Z"));
            limited.deny("tickets");
            limited.deny("quotes");
            SourceOrg org = t.migrations.connect(t.admin, "limited", HubSpotKind.KIND, Map.of(HubSpotKind.BASE_URL, limited.url(),
                    HubSpotKind.TOKEN, FakeHubSpot.PRIVATE_TOKEN), true).orElseThrow();
            assertThat(org.details().get("Missing scopes")).contains("tickets (tickets)", "quotes (crm.objects.quotes.read)");
            MigrationPlan plan = t.migrations.plan(t.admin, "limited", java.util.Set.of(), null);
            assertThat(plan.objects().stream().map(MigrationPlan.PlanObject::source).toList()).doesNotContain("tickets", "quotes")
                    .contains("contacts", "deals");
        }
    }

    @Test
    void onlyHubSpotsOwnHostsOrOnesAnAdministratorAllowedAreReached() {
        HubSpotKind strict = new HubSpotKind(List.of());
        assertThatThrownBy(() -> strict.check(Map.of(HubSpotKind.BASE_URL, hs.url(), HubSpotKind.TOKEN, "x")))
                .hasMessageContaining("not one of HubSpot's hosts").hasMessageContaining("HOTCRM_MIGRATION_HOSTS");
        assertThatThrownBy(() -> strict.check(Map.of(HubSpotKind.BASE_URL, "http://api.hubapi.com", HubSpotKind.TOKEN, "x")))
                .hasMessageContaining("not one of HubSpot's hosts");
        strict.check(Map.of(HubSpotKind.BASE_URL, "https://api-eu1.hubapi.com", HubSpotKind.TOKEN, "x"));
        assertThatThrownBy(() -> strict.check(Map.of(HubSpotKind.TOKEN, "x", HubSpotKind.CLIENT_ID, "y")))
                .hasMessageContaining("not both");
        assertThatThrownBy(() -> strict.check(Map.of())).hasMessageContaining("--token-env");
    }

    @Test
    void aPortalWithMorePropertiesThanAUrlCarriesIsReadWithBatchReads() {
        try (FakeHubSpot wide = new FakeHubSpot()) {
            HubSpotPortal portal = HubSpotPortal.generate(wide, 150, 13, Instant.parse("2026-10-01T00:00:00Z"));
            for (int i = 0; i < 120; i++) {
                wide.property("contacts", "customer_specific_property_number_" + i, "Custom property " + i, "string", "text", false);
            }
            FakeHubSpot.Rec c = portal.contacts.get(42);
            wide.edit("contacts", c, Instant.parse("2026-09-30T00:00:00Z"), "customer_specific_property_number_119", "the last one");
            t.migrations.connect(t.admin, "wide", HubSpotKind.KIND, Map.of(HubSpotKind.BASE_URL, wide.url(),
                    HubSpotKind.TOKEN, FakeHubSpot.PRIVATE_TOKEN), true);
            MigrationPlan plan = t.migrations.plan(t.admin, "wide", java.util.Set.of("contacts", "companies"), null);
            t.migrations.savePlan(t.admin, "wide", io.hotcrm.testing.PlanReview.settle(plan, t.schema.catalogue()));
            RunSummary s = t.migrations.get(t.admin, t.migrations.start(t.admin, "wide", Migrations.RUN, null,
                    io.hotcrm.common.Work.Run.here(null)).id());
            assertThat(s.failed()).as(s.steps().toString()).isZero();
            assertThat(s.reconcile().clean()).as(s.reconcile().toString()).isTrue();
            assertThat(wide.hits("/crm/v3/objects/contacts/batch/read")).isGreaterThanOrEqualTo(2);
            String v = t.db.jdbi().withHandle(h -> h.createQuery("select customer_specific_property_number_119 from obj_contact"
                    + " where external_id = :x").bind("x", c.id()).mapTo(String.class).one());
            assertThat(v).isEqualTo("the last one");
        }
    }
}
