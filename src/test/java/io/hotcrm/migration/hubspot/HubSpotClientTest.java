package io.hotcrm.migration.hubspot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.hotcrm.migration.SourceKind;
import io.hotcrm.testing.FakeHubSpot;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** HubSpot's API as the migration calls it, against the fake portal: paging, tokens, rate limits, errors. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HubSpotClientTest {
    final FakeHubSpot hs = new FakeHubSpot();

    HubSpotClientTest() {
        hs.generate("contacts", 250);
    }

    @AfterAll
    void stop() {
        hs.close();
    }

    @BeforeEach
    void reset() {
        hs.failNext(0, 200, null);
    }

    HubSpotClient privateApp() {
        return new HubSpotClient(hs.url(), HubSpotAuth.privateApp(FakeHubSpot.PRIVATE_TOKEN), 1);
    }

    @Test
    void listsEveryRecordOnceFollowingTheOpaqueCursors() {
        List<JsonNode> read = new ArrayList<>();
        long n = privateApp().list("/crm/v3/objects/contacts?limit=100&properties=email,createdate", read::add);
        assertThat(n).isEqualTo(250);
        Set<String> ids = new HashSet<>();
        read.forEach(r -> assertThat(ids.add(r.path("id").asText())).as("read twice: " + r.path("id")).isTrue());
        assertThat(read.get(7).path("properties").path("email").asText()).isEqualTo("person7@example.com");
        assertThat(hs.hits("/crm/v3/objects/contacts")).isGreaterThanOrEqualTo(3);
    }

    @Test
    void theTenSecondWindowIsWaitedOutAndBadGatewaysRetriedButTheDailyLimitStopsTheRun() {
        HubSpotClient c = privateApp();
        hs.failNext(2, 429, "TEN_SECONDLY_ROLLING");
        assertThat(c.get("/account-info/v3/details").path("portalId").asLong()).isEqualTo(12345678);
        hs.failNext(2, 502, null);
        assertThat(c.get("/account-info/v3/details").path("timeZone").asText()).isEqualTo("US/Eastern");
        hs.failNext(1, 429, "DAILY");
        assertThatThrownBy(() -> c.get("/account-info/v3/details")).hasMessageContaining("daily limit")
                .hasMessageContaining("goes on where it stopped");
    }

    @Test
    void anExpiredOAuthTokenIsRenewedOnceWithTheRefreshToken() {
        List<Map<String, String>> saved = new ArrayList<>();
        HubSpotClient c = new HubSpotClient(hs.url(), HubSpotAuth.oauth(hs.url(), FakeHubSpot.CLIENT_ID, FakeHubSpot.CLIENT_SECRET,
                FakeHubSpot.REFRESH_TOKEN, saved::add), 1);
        assertThat(c.get("/account-info/v3/details").path("companyCurrency").asText()).isEqualTo("USD");
        int renewals = hs.hits("/oauth/v1/token");
        hs.expireTokens();
        assertThat(c.get("/account-info/v3/details").path("dataHostingLocation").asText()).isEqualTo("na1");
        assertThat(hs.hits("/oauth/v1/token")).isEqualTo(renewals + 1);
        assertThat(saved).as("HubSpot's refresh tokens do not rotate: nothing new to keep").isEmpty();
        HubSpotClient wrong = new HubSpotClient(hs.url(), HubSpotAuth.oauth(hs.url(), FakeHubSpot.CLIENT_ID, FakeHubSpot.CLIENT_SECRET,
                "revoked", SourceKind.SettingsSaver.NONE), 1);
        assertThatThrownBy(() -> wrong.get("/account-info/v3/details")).hasMessageContaining("BAD_REFRESH_TOKEN")
                .hasMessageContaining("connect the portal again");
    }

    @Test
    void ownersAreReadActiveAndArchivedAcrossPages() {
        for (int i = 0; i < 150; i++) {
            hs.owner("rep" + i + "@acme.example", "Rep", "Nummer " + i, "PERSON", i % 10 == 0);
        }
        hs.owner(null, null, null, "QUEUE", false);
        List<HubSpotOwners.Owner> owners = HubSpotOwners.read(privateApp());
        assertThat(owners).hasSize(151);
        assertThat(owners).filteredOn(o -> !o.active() && !o.queue()).hasSize(15);
        assertThat(owners).filteredOn(HubSpotOwners.Owner::queue).singleElement()
                .satisfies(q -> assertThat(q.email()).isNull());
        assertThat(owners.stream().map(HubSpotOwners.Owner::id).distinct()).hasSize(151);
    }

    @Test
    void aDeltaWindowOfMoreThanTenThousandChangesIsReadWholeThroughTheCappedSearch() {
        FakeHubSpot big = new FakeHubSpot();
        try (big) {
            // a record a day since 2024 (a month of them in the window), and a bulk update of 10,500 in one millisecond
            big.generate("contacts", 12_000);
            java.time.Instant bulk = java.time.Instant.parse("2026-11-20T10:00:00.123Z");
            big.touch("contacts", 1_100, 10_500, bulk);
            HubSpotClient c = new HubSpotClient(big.url(), HubSpotAuth.privateApp(FakeHubSpot.PRIVATE_TOKEN), 1);
            // the cap is real: a page past the 10,000th result is refused
            assertThatThrownBy(() -> c.post("/crm/v3/objects/contacts/search", "{\"limit\":200,\"after\":\"9900\"}"))
                    .hasMessageContaining("400");
            java.time.Instant from = java.time.Instant.parse("2026-11-01T00:00:00Z");
            java.time.Instant until = java.time.Instant.parse("2026-12-01T00:00:00Z");
            Set<String> ids = new HashSet<>();
            long n = new HubSpotSearch(c).changed("contacts", "lastmodifieddate", from, until, List.of("email"),
                    r -> assertThat(ids.add(r.path("id").asText())).as("handed on twice: " + r.path("id")).isTrue());
            assertThat(n).isEqualTo(big.changedBetween("contacts", from, until)).isGreaterThan(10_500);
            assertThat(ids).hasSize((int) n);
        }
    }

    @Test
    void aWrongPrivateTokenSaysWhatToDo() {
        HubSpotClient c = new HubSpotClient(hs.url(), HubSpotAuth.privateApp("pat-na1-wrong"), 1);
        assertThatThrownBy(() -> c.get("/account-info/v3/details")).hasMessageContaining("refused the token")
                .hasMessageContaining("private app token");
    }
}
