package io.hotcrm.migration.salesforce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hotcrm.migration.CrmSource;
import io.hotcrm.migration.Slice;
import io.hotcrm.migration.SourceKind;
import io.hotcrm.testing.FakeSalesforce;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The Salesforce source against the fake org over HTTP: grants, paging, Bulk API 2.0, retries, limits, values. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SalesforceSourceTest {
    final FakeSalesforce sf = new FakeSalesforce(1);
    final SalesforceKind kind = new SalesforceKind(List.of("127.0.0.1"));

    @AfterAll
    void stop() {
        sf.close();
    }

    @BeforeEach
    void reset() {
        sf.pageSize = 500;
        sf.apiUsed = 100;
        sf.expireCursors(false);
        sf.failNext(0, 200, "");
        sf.refreshToken = "5Aep861fake.refresh.token";
    }

    Map<String, String> jwt() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put(SalesforceKind.LOGIN_URL, sf.url() + "/");
        s.put(SalesforceKind.CLIENT_ID, FakeSalesforce.CLIENT_ID);
        s.put(SalesforceKind.FLOW, "jwt");
        s.put(SalesforceKind.USERNAME, "admin@acme.example.sf");
        s.put(SalesforceKind.PRIVATE_KEY, sf.privateKeyPem());
        s.put(SalesforceKind.RETRY_MILLIS, "1");
        return s;
    }

    List<Map<String, String>> readAll(CrmSource s, String object, List<String> fields) {
        List<Map<String, String>> out = new ArrayList<>();
        s.read(object, fields, Slice.ALL, out::add);
        return out;
    }

    @Test
    void readsEveryRecordOnceThroughSoqlPagesAndBulkJobsWithValuesInOneForm() {
        Map<String, String> settings = jwt();
        settings.put(SalesforceKind.BULK_THRESHOLD, "100");
        try (CrmSource rest = kind.open(jwt(), SourceKind.SettingsSaver.NONE);
             CrmSource bulk = kind.open(settings, SourceKind.SettingsSaver.NONE)) {
            List<String> fields = List.of("Name", "AnnualRevenue", "CreatedDate", "SLAExpirationDate__c", "IsPersonAccount");
            List<Map<String, String>> a = readAll(rest, "Account", fields);
            List<Map<String, String>> b = readAll(bulk, "Account", fields);
            assertThat(a).hasSize(sf.live("Account").size());
            assertThat(new HashSet<>(a)).isEqualTo(new HashSet<>(b));
            assertThat(sf.hits("/jobs/query")).isPositive();
            assertThat(a).anySatisfy(r -> assertThat(r.get("AnnualRevenue")).isEqualTo("350000000"));
            assertThat(a).allSatisfy(r -> assertThat(r.get("CreatedDate")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"));
            assertThat(a).anySatisfy(r -> assertThat(r.get("Name")).contains("Müller & Söhne"));
            assertThat(bulk.count("Contact", Slice.ALL)).isEqualTo(sf.live("Contact").size());
            List<Map<String, String>> lines = readAll(bulk, "OpportunityLineItem", List.of("PricebookEntry.Product2Id", "Quantity"));
            assertThat(lines).allSatisfy(r -> assertThat(r.get("PricebookEntry.Product2Id")).startsWith("01t"));
        }
    }

    @Test
    void anObjectTheBulkApiRefusesIsReadWithSoqlPages() {
        Map<String, String> settings = jwt();
        settings.put(SalesforceKind.BULK_THRESHOLD, "10");
        sf.bulkRefused.add("Lead");
        try (CrmSource s = kind.open(settings, SourceKind.SettingsSaver.NONE)) {
            int jobs = sf.hits("/jobs/query");
            List<Map<String, String>> leads = readAll(s, "Lead", List.of("LastName", "Company"));
            assertThat(leads).hasSize(sf.live("Lead").size());
            assertThat(leads.stream().map(r -> r.get("Id")).distinct()).hasSize(leads.size());
            assertThat(sf.hits("/jobs/query")).as("the refused job was asked for once").isEqualTo(jobs + 1);
        } finally {
            sf.bulkRefused.clear();
        }
    }

    @Test
    void anExpiredSessionLogsInOnceMoreAndBusyAnswersAreRetried() {
        try (CrmSource s = kind.open(jwt(), SourceKind.SettingsSaver.NONE)) {
            assertThat(s.count("Lead", Slice.ALL)).isPositive();
            int logins = sf.hits("/services/oauth2/token");
            sf.expireSessions();
            assertThat(s.count("Lead", Slice.ALL)).isPositive();
            assertThat(sf.hits("/services/oauth2/token")).isEqualTo(logins + 1);
            sf.failNext(3, 503, "SERVER_UNAVAILABLE");
            assertThat(s.count("Lead", Slice.ALL)).isPositive();
            sf.failNext(2, 403, "REQUEST_LIMIT_EXCEEDED");
            assertThat(s.count("Lead", Slice.ALL)).isPositive();
            sf.failNext(50, 403, "REQUEST_LIMIT_EXCEEDED");
            assertThatThrownBy(() -> s.count("Lead", Slice.ALL)).hasMessageContaining("refuses more API calls today")
                    .hasMessageContaining("goes on where it stopped");
        }
    }

    @Test
    void anExpiredCursorGoesOnAfterTheLastIdReadWithNothingTwice() {
        sf.pageSize = 200;
        sf.expireCursors(true);
        try (CrmSource s = kind.open(jwt(), SourceKind.SettingsSaver.NONE)) {
            List<Map<String, String>> contacts = readAll(s, "Contact", List.of("LastName"));
            Set<String> ids = new HashSet<>();
            contacts.forEach(r -> assertThat(ids.add(r.get("Id"))).as("read twice: " + r.get("Id")).isTrue());
            assertThat(ids).hasSize(sf.live("Contact").size());
        }
    }

    @Test
    void theRunStopsBeforeTheOrgsDailyAllowanceFallsUnderTheReserve() {
        Map<String, String> settings = jwt();
        settings.put(SalesforceKind.API_RESERVE, "1000");
        sf.apiUsed = 14_500;
        try (CrmSource s = kind.open(settings, SourceKind.SettingsSaver.NONE)) {
            assertThatThrownBy(() -> s.count("Lead", Slice.ALL)).hasMessageContaining("14501 of its 15000")
                    .hasMessageContaining("reserve of 1000");
        }
    }

    @Test
    void theRefreshTokenAndTheConsolesAuthorizationCodeFlowsWork() throws Exception {
        Map<String, String> settings = new HashMap<>();
        settings.put(SalesforceKind.LOGIN_URL, sf.url());
        settings.put(SalesforceKind.CLIENT_ID, FakeSalesforce.CLIENT_ID);
        String verifier = "v".repeat(50);
        String url = kind.authorizeUrl(settings, "http://localhost:8080/setup/migrate/salesforce/callback", "st4te",
                FakeSalesforce.s256(verifier));
        assertThat(url).startsWith(sf.url() + "/services/oauth2/authorize?response_type=code&client_id=")
                .contains("code_challenge_method=S256", "state=st4te");
        HttpResponse<Void> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.discarding());
        String location = r.headers().firstValue("Location").orElseThrow();
        String code = location.replaceAll(".*code=([^&]+).*", "$1");
        assertThatThrownBy(() -> kind.exchangeCode(settings, code, "http://localhost:8080/cb", "wrong-verifier"))
                .hasMessageContaining("invalid_grant");
        r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding());
        String code2 = r.headers().firstValue("Location").orElseThrow().replaceAll(".*code=([^&]+).*", "$1");
        Map<String, String> added = kind.exchangeCode(settings, code2, "http://localhost:8080/cb", verifier);
        assertThat(added).containsEntry(SalesforceKind.REFRESH_TOKEN, sf.refreshToken);
        settings.putAll(added);
        try (CrmSource s = kind.open(settings, SourceKind.SettingsSaver.NONE)) {
            assertThat(s.org().name()).isEqualTo("Acme Fake Org");
        }
        settings.put(SalesforceKind.REFRESH_TOKEN, "revoked");
        try (CrmSource s = kind.open(settings, SourceKind.SettingsSaver.NONE)) {
            assertThatThrownBy(s::org).hasMessageContaining("refused the login").hasMessageContaining("connect again");
        }
    }

    @Test
    void deletionsOlderThanTheSourceRemembersAskForAFullReconcile() {
        String id = sf.insert("Lead", Map.of("LastName", "Kurz", "Company", "Weg GmbH"));
        sf.delete("Lead", id);
        try (CrmSource s = kind.open(jwt(), SourceKind.SettingsSaver.NONE)) {
            CrmSource.Deletions d = s.deletedSince("Lead", Instant.now().minus(1, ChronoUnit.HOURS));
            assertThat(d.ids()).contains(id);
            assertThat(d.complete()).isTrue();
            sf.keepDeletionsSince(Instant.now().minus(10, ChronoUnit.MINUTES));
            assertThat(s.deletedSince("Lead", Instant.now().minus(1, ChronoUnit.HOURS)).complete()).isFalse();
        } finally {
            sf.keepDeletionsSince(Instant.parse("2000-01-01T00:00:00Z"));
        }
    }

    @Test
    void onlySalesforcesHostsAndHostsAnAdministratorAllowedAreReached() {
        SalesforceKind strict = new SalesforceKind();
        assertThatThrownBy(() -> strict.check(jwt())).hasMessageContaining("is not one of Salesforce's hosts")
                .hasMessageContaining("HOTCRM_MIGRATION_HOSTS");
        assertThatThrownBy(() -> strict.open(jwt(), SourceKind.SettingsSaver.NONE)).hasMessageContaining("HOTCRM_MIGRATION_HOSTS");
        Map<String, String> prod = jwt();
        prod.put(SalesforceKind.LOGIN_URL, "https://acme.my.salesforce.com");
        strict.check(prod);
        prod.put(SalesforceKind.LOGIN_URL, "http://acme.my.salesforce.com");
        assertThatThrownBy(() -> strict.check(prod)).hasMessageContaining("is not one of Salesforce's hosts");
        prod.put(SalesforceKind.LOGIN_URL, "https://169.254.169.254/latest");
        assertThatThrownBy(() -> strict.check(prod)).hasMessageContaining("is not one of Salesforce's hosts");
        // a token answer naming an instance HotCRM may not reach is refused before any data call
        SalesforceKind localhostOnly = new SalesforceKind(List.of("localhost"));
        Map<String, String> viaLocalhost = jwt();
        viaLocalhost.put(SalesforceKind.LOGIN_URL, sf.url().replace("127.0.0.1", "localhost"));
        viaLocalhost.put(SalesforceKind.AUDIENCE, sf.url());
        try (CrmSource s = localhostOnly.open(viaLocalhost, SourceKind.SettingsSaver.NONE)) {
            assertThatThrownBy(() -> s.count("Lead", Slice.ALL)).hasMessageContaining("The instance Salesforce named");
        }
    }

    @Test
    void dateTimesInEveryFormSalesforceSendsAreReadAsTheSameInstant() {
        Instant t = Instant.parse("2011-07-07T00:37:00.120Z");
        assertThat(SalesforceSource.instant("2011-07-07T00:37:00.120+0000")).isEqualTo(t);
        assertThat(SalesforceSource.instant("2011-07-07T00:37:00.120Z")).isEqualTo(t);
        assertThat(SalesforceSource.instant("2011-07-07T02:37:00.120+02:00")).isEqualTo(t);
        assertThat(SalesforceSource.instant("2011-07-06T19:37:00.12-0500")).isEqualTo(t);
        assertThat(SalesforceSource.instant("2011-07-07T00:37:00Z")).isEqualTo(Instant.parse("2011-07-07T00:37:00Z"));
        assertThatThrownBy(() -> SalesforceSource.instant("2011-13-07T00:37:00.000Z"))
                .isInstanceOf(java.time.format.DateTimeParseException.class);
        assertThatThrownBy(() -> SalesforceSource.normalise(new io.hotcrm.migration.SourceField("CreatedDate", "Created",
                io.hotcrm.migration.SourceField.SourceType.DATETIME, 0, 0, false, true, false, null, null), "yesterday", "CreatedDate"))
                .hasMessageContaining("\"yesterday\" for CreatedDate");
    }

    @Test
    void theJwtAudienceIsTheLoginHostNeverAMyDomain() {
        Map<String, String> s = new HashMap<>();
        s.put(SalesforceKind.LOGIN_URL, "https://acme.my.salesforce.com");
        assertThat(new SalesforceAuth(s, SourceKind.SettingsSaver.NONE).audience()).isEqualTo("https://login.salesforce.com");
        s.put(SalesforceKind.LOGIN_URL, "https://acme--uat.sandbox.my.salesforce.com/");
        assertThat(new SalesforceAuth(s, SourceKind.SettingsSaver.NONE).audience()).isEqualTo("https://test.salesforce.com");
        s.put(SalesforceKind.LOGIN_URL, "https://test.salesforce.com");
        assertThat(new SalesforceAuth(s, SourceKind.SettingsSaver.NONE).audience()).isEqualTo("https://test.salesforce.com");
        s.put(SalesforceKind.LOGIN_URL, "https://partners.acme.com/portal");
        assertThat(new SalesforceAuth(s, SourceKind.SettingsSaver.NONE).audience()).isEqualTo("https://partners.acme.com/portal");
        s.put(SalesforceKind.AUDIENCE, "https://login.salesforce.com/");
        assertThat(new SalesforceAuth(s, SourceKind.SettingsSaver.NONE).audience()).isEqualTo("https://login.salesforce.com");
    }
}
