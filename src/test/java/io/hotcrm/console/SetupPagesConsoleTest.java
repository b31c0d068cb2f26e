package io.hotcrm.console;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import io.hotcrm.security.Principal;
import io.hotcrm.store.StoredRecord;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Setup pages that only the CLI had, in a real browser: API tokens (shown once, working, revoked), the audit log
 * filtered, custom fields added (picklist values), the recycle bin (restore, delete for good, purge) — each with the
 * permissions the CLI enforces.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SetupPagesConsoleTest {
    @TempDir
    static Path data;
    ConsoleInstance c;
    Principal ada;
    Principal sam;

    @BeforeAll
    void start() throws Exception {
        c = new ConsoleInstance(data, hc -> {
            hc.security().users().add(Principal.system(), "ada@example.com", "Ada Admin", "admin", "a long console password");
            hc.security().users().add(Principal.system(), "sam@example.com", "Sam Sales", "standard", "a long sales password");
        });
        ada = c.hc.security().users().principal("ada@example.com");
        sam = c.hc.security().users().principal("sam@example.com");
    }

    @AfterAll
    void stop() {
        c.close();
    }

    private int api(String token) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(c.base + "/api/v1/objects"))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void aTokenIsShownOnceWorksAndIsRevoked() throws Exception {
        Page page = c.signIn("ada@example.com", "a long console password");
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("API tokens")).click();
        page.getByLabel("Token for").selectOption("sam@example.com");
        page.getByLabel("What it is for").fill("nightly sync");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create token")).click();
        assertThat(page.locator("#new-token")).containsText("Token \"nightly sync\" for sam@example.com created");
        String secret = page.getByLabel("Token", new Page.GetByLabelOptions().setExact(true)).inputValue();
        assertThat(secret).startsWith("hcrm_");
        assertThat(api(secret)).isEqualTo(200);
        ConsoleTest.shot(page, "console-tokens");
        Locator row = page.locator("#tokens tbody tr", new Page.LocatorOptions().setHasText("nightly sync"));
        assertThat(row).containsText(secret.substring(0, 12));
        page.navigate(c.base + "/setup/tokens?user=sam%40example.com");
        assertThat(page.locator("#new-token")).hasCount(0);
        assertThat(page.content()).doesNotContain(secret);

        page.navigate(c.base + "/setup/tokens?user=sam%40example.com");
        page.locator("#tokens tbody tr", new Page.LocatorOptions().setHasText("nightly sync"))
                .getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Revoke nightly sync")).click();
        assertThat(page.getByRole(AriaRole.STATUS)).containsText("Revoked");
        assertThat(page.locator("#tokens tbody tr", new Page.LocatorOptions().setHasText("nightly sync"))).containsText("revoked");
        assertThat(api(secret)).isEqualTo(401);

        // a user manages their own tokens only
        c.hc.security().tokens().create(ada, "ada@example.com", "ada's own");
        Page sams = c.signIn("sam@example.com", "a long sales password");
        sams.navigate(c.base + "/setup/tokens?user=ada%40example.com");
        assertThat(sams.locator("#tokens")).not().containsText("ada's own");
        assertThat(sams.getByLabel("Tokens of")).hasCount(0);
        sams.getByLabel("What it is for").fill("my laptop");
        sams.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create token")).click();
        assertThat(sams.locator("#new-token")).containsText("for sam@example.com");
        sams.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Revoke my laptop")).click();
        assertThat(sams.getByRole(AriaRole.STATUS)).containsText("Revoked");
    }

    @Test
    void theAuditLogIsFilteredByUserObjectActionAndDayAndIsForAdministrators() {
        StoredRecord acme = c.hc.records().create(sam, "account", Map.of("name", "Audit Acme"));
        c.hc.records().update(sam, "account", acme.id(), Map.of("industry", "Retail"));
        c.hc.records().create(ada, "contact", Map.of("last_name", "Audited"));
        Page page = c.signIn("ada@example.com", "a long console password");
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Audit log")).click();
        page.getByLabel("User").fill("sam@");
        page.getByLabel("Object").selectOption("account");
        page.getByLabel("Action").selectOption("Record changes");
        page.getByLabel("From").fill(LocalDate.now(ZoneOffset.UTC).toString());
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Show")).click();
        Locator rows = page.locator("#audit tbody tr");
        assertThat(rows).hasCount(2);
        assertThat(rows.first()).containsText("record.update");
        assertThat(rows.last()).containsText("record.create");
        assertThat(page.locator("#audit")).not().containsText("contact");
        ConsoleTest.shot(page, "console-audit");
        page.getByLabel("Until").fill(LocalDate.now(ZoneOffset.UTC).minusDays(1).toString());
        page.getByLabel("From").fill("");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Show")).click();
        assertThat(page.getByText("No entries match.")).isVisible();

        Page sams = c.signIn("sam@example.com", "a long sales password");
        assertThat(sams.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Audit log"))).hasCount(0);
        sams.navigate(c.base + "/setup/audit");
        assertThat(sams.getByRole(AriaRole.ALERT)).containsText("read the audit log");
    }

    @Test
    void anAdministratorAddsAPicklistFieldAndAMistakeKeepsTheForm() {
        Page page = c.signIn("ada@example.com", "a long console password");
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Fields")).click();
        page.getByLabel("Object").selectOption("account");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Show")).click();
        page.getByLabel("Label").fill("Customer tier");
        page.getByLabel("Type").selectOption("picklist");
        page.locator("#f-values").fill("Gold\nSilver\nBronze");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Add field")).click();
        assertThat(page.getByRole(AriaRole.STATUS)).hasText("Added the field \"Customer tier\" (customer_tier, picklist).");
        assertThat(page.locator("#field-customer_tier")).containsText("Gold; Silver; Bronze;");
        assertThat(page.locator("#field-customer_tier")).containsText("custom");
        ConsoleTest.shot(page, "console-fields");
        StoredRecord a = c.hc.records().create(ada, "account", Map.of("name", "Tiered", "customer_tier", "Gold"));
        assertThat(a.get("customer_tier")).isEqualTo("Gold");

        page.getByLabel("Label").fill("Customer tier");
        page.getByLabel("Type").selectOption("text");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Add field")).click();
        assertThat(page.getByRole(AriaRole.ALERT)).containsText("already has a field named \"customer_tier\"");
        assertThat(page.getByLabel("Label")).hasValue("Customer tier");
        assertThat(page.getByLabel("Type")).hasValue("text");

        Page sams = c.signIn("sam@example.com", "a long sales password");
        sams.navigate(c.base + "/setup/fields");
        assertThat(sams.getByRole(AriaRole.ALERT)).containsText("manage custom fields");
    }

    @Test
    void deletedRecordsAreRestoredOrDeletedForGoodAndTheBinIsPurgedAsAJob() {
        StoredRecord keep = c.hc.records().create(sam, "contact", Map.of("first_name", "Bin", "last_name", "Keeper"));
        StoredRecord drop = c.hc.records().create(sam, "contact", Map.of("first_name", "Bin", "last_name", "Dropper"));
        StoredRecord adas = c.hc.records().create(ada, "contact", Map.of("first_name", "Ada's", "last_name", "Deleted"));
        c.hc.records().delete(sam, "contact", keep.id());
        c.hc.records().delete(sam, "contact", drop.id());
        c.hc.records().delete(ada, "contact", adas.id());
        Page page = c.signIn("sam@example.com", "a long sales password");
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Recycle bin")).click();
        page.getByLabel("Object", new Page.GetByLabelOptions().setExact(true)).first().selectOption("contact");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Show")).click();
        assertThat(page.locator("#bin")).containsText("Bin Keeper");
        assertThat(page.locator("#bin")).containsText("Bin Dropper");
        ConsoleTest.shot(page, "console-recycle-bin");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Restore Bin Keeper")).click();
        assertThat(page.getByRole(AriaRole.STATUS)).containsText("Restored");
        assertThat(c.hc.records().get(sam, "contact", keep.id()).deleted()).isFalse();
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Delete Bin Dropper for good")).click();
        assertThat(page.getByRole(AriaRole.STATUS)).hasText("Deleted for good.");
        assertThat(page.locator("main")).not().containsText("Bin Dropper");
        assertThat(page.locator("main")).not().containsText("Bin Keeper");

        page.locator("#purge-days").fill("0");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Purge")).click();
        assertThat(page.getByRole(AriaRole.STATUS)).hasText("Purging the recycle bin as this job.");
        assertThat(page.locator("#job-state")).hasText("succeeded", new com.microsoft.playwright.assertions.LocatorAssertions.HasTextOptions().setTimeout(30_000));
    }
}
