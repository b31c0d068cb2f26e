package io.hotcrm.console;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import io.hotcrm.app.Config;
import io.hotcrm.app.HotCrm;
import io.hotcrm.security.Principal;
import io.hotcrm.testing.Chromium;
import io.hotcrm.testing.FakeSalesforce;
import io.hotcrm.testing.TestPlatform;
import io.hotcrm.web.WebServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Setup → Data → Migrate from Salesforce in a real browser: connect with the OAuth web-server flow (the browser goes
 * to the org's login host and comes back), make and review the plan (unmapped picklist values chosen, required values
 * filled), dry-run, run with live progress, and read the reconcile report.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MigrationConsoleTest {
    @TempDir
    static Path data;
    HotCrm hc;
    WebServer web;
    Chromium chromium;
    FakeSalesforce sf;
    String base;

    @BeforeAll
    void start() throws Exception {
        sf = new FakeSalesforce(1);
        hc = HotCrm.open(Config.from(data, Map.of(io.hotcrm.common.Secrets.ENV, TestPlatform.SECRET_KEY, "HOTCRM_MIGRATION_HOSTS", "127.0.0.1")));
        hc.security().users().add(Principal.system(), "admin@example.com", "Ada Admin", "admin", "a long console password");
        web = hc.start(0);
        base = "http://localhost:" + web.port();
        chromium = new Chromium();
        Files.createDirectories(Chromium.screenshot("x").getParent());
    }

    @AfterAll
    void stop() throws Exception {
        chromium.close();
        web.stop();
        hc.close();
        sf.close();
    }

    @Test
    void anAdminConnectsAnOrgReviewsThePlanDryRunsRunsAndReadsTheReconcileReport() {
        Page page = ConsoleTest.signIn(chromium, base, "admin@example.com", "a long console password", 900);
        page.navigate(base + "/setup/data");
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Migrate from Salesforce").setExact(true)).first().click();

        page.getByLabel("Name of this migration").fill("acme");
        page.getByLabel("My Domain or another login URL").check();
        page.getByLabel("Login URL", new Page.GetByLabelOptions().setExact(true)).fill(sf.url());
        page.getByLabel("Consumer key of the connected app").fill(FakeSalesforce.CLIENT_ID);
        ConsoleTest.shot(page, "migrate-connect");
        page.locator("#connect").click();
        assertThat(page.getByRole(AriaRole.STATUS)).containsText("Connected to Acme Fake Org (a sandbox)");
        assertThat(page.locator("#org")).containsText("Europe/Berlin");

        page.locator("#make-plan").click();
        assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Review the plan of acme"))).isVisible();
        Locator unmapped = page.locator("select.unmapped");
        assertThat(unmapped.count()).isPositive();
        for (int i = 0; i < unmapped.count(); i++) {
            unmapped.nth(i).selectOption(new com.microsoft.playwright.options.SelectOption().setIndex(1));
        }
        Locator fills = page.locator("input[name^='fill.']");
        for (int i = 0; i < fills.count(); i++) {
            if (fills.nth(i).inputValue().isBlank()) {
                fills.nth(i).fill("0");
            }
        }
        ConsoleTest.shot(page, "migrate-review");
        page.locator("#save-plan").click();
        assertThat(page.getByRole(AriaRole.STATUS)).containsText("It is ready");
        assertThat(page.locator("#plan-objects")).containsText("OpportunityLineItem");
        ConsoleTest.shot(page, "migrate-plan");

        page.locator("#dry-run").click();
        assertThat(page.locator("#run-state")).hasText("succeeded", new com.microsoft.playwright.assertions.LocatorAssertions.HasTextOptions().setTimeout(120_000));
        assertThat(page.locator("#run-steps")).containsText("Contact → contact");
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Back to the migration")).click();

        page.locator("#run").click();
        assertThat(page.locator("#run-state")).hasText("succeeded", new com.microsoft.playwright.assertions.LocatorAssertions.HasTextOptions().setTimeout(120_000));
        assertThat(page.locator("#reconcile-summary")).containsText("No gap");
        assertThat(page.locator("#reconcile-summary")).containsText("without differences");
        ConsoleTest.shot(page, "migrate-run");
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Back to the migration")).click();
        assertThat(page.locator("#delta")).isVisible();
        page.locator("#reconcile").click();
        assertThat(page.locator("#reconcile-summary")).containsText("No gap");
        page.context().close();
    }

    @Test
    void anAdminUploadsADataExportsZipFilesAndGetsAPlan() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("hotcrm-console-export");
        java.util.List<java.nio.file.Path> zips = io.hotcrm.testing.DataExport.write(sf, dir, java.nio.charset.StandardCharsets.UTF_8, 2);
        Page page = ConsoleTest.signIn(chromium, base, "admin@example.com", "a long console password", 900);
        page.navigate(base + "/setup/data/migrate");
        page.getByLabel("Name of the migration from the export").fill("acme-export");
        page.getByLabel("The export's ZIP files").setInputFiles(zips.toArray(java.nio.file.Path[]::new));
        ConsoleTest.shot(page, "migrate-export");
        page.locator("#connect-export").click();
        assertThat(page.getByRole(AriaRole.STATUS)).containsText("from 2 ZIP files");
        page.locator("#make-plan").click();
        assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Review the plan of acme-export"))).isVisible();
        page.context().close();
    }

    @Test
    void anAdminConnectsAHubSpotPortalWithAPrivateAppTokenAndReviewsItsStages() {
        try (io.hotcrm.testing.FakeHubSpot hs = new io.hotcrm.testing.FakeHubSpot()) {
            io.hotcrm.testing.HubSpotPortal.generate(hs, 100, 5, java.time.Instant.parse("2026-10-01T00:00:00Z"));
            Page page = ConsoleTest.signIn(chromium, base, "admin@example.com", "a long console password", 900);
            page.navigate(base + "/setup/data");
            page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Migrate from HubSpot").setExact(true)).first().click();
            page.getByLabel("Name of the migration from HubSpot").fill("acme-hubspot");
            page.getByLabel("Or another API address").fill(hs.url());
            page.getByLabel("Private app access token").fill(io.hotcrm.testing.FakeHubSpot.PRIVATE_TOKEN);
            ConsoleTest.shot(page, "migrate-hubspot");
            page.locator("#connect-hubspot").click();
            assertThat(page.getByRole(AriaRole.STATUS)).containsText("Connected to HubSpot portal 12345678");
            assertThat(page.locator("#org")).containsText("US/Eastern");
            assertThat(page.locator("#org")).containsText("na1");
            page.locator("#make-plan").click();
            assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Review the plan of acme-hubspot"))).isVisible();
            // every deal stage is shown with the HotCRM stage it becomes before a commit
            assertThat(page.locator("body")).containsText("Sales Pipeline: Closed Won");
            assertThat(page.locator("body")).containsText("Renewals: Churned");
            ConsoleTest.shot(page, "migrate-hubspot-review");
            // a wrong token: a clear message, no connection
            page.navigate(base + "/setup/data/migrate");
            page.getByLabel("Name of the migration from HubSpot").fill("wrong-token");
            page.getByLabel("Or another API address").fill(hs.url());
            page.getByLabel("Private app access token").fill("pat-na1-wrong");
            page.locator("#connect-hubspot").click();
            assertThat(page.getByRole(AriaRole.ALERT)).containsText("refused the token");
            page.context().close();
        }
    }
}
