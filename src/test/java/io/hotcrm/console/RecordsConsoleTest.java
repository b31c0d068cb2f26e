package io.hotcrm.console;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import io.hotcrm.security.Principal;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Records read like a CRM's in a real browser: an object switcher, field labels as headers, the person's name as the
 * link, lookups and owners by name and linked, sort indicators, previous/next with the total.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RecordsConsoleTest {
    @TempDir
    static Path data;
    ConsoleInstance c;
    String base;
    UUID fjord;
    UUID maja;

    @BeforeAll
    void start() throws Exception {
        c = new ConsoleInstance(data, hc -> {
            hc.security().users().add(Principal.system(), "admin@example.com", "Ada Admin", "admin", "a long console password");
            Principal ada = hc.security().users().principal("admin@example.com");
            fjord = hc.records().create(ada, "account", Map.of("name", "Fjord AS", "industry", "Technology")).id();
            maja = hc.records().create(ada, "contact", Map.of("first_name", "Maja", "last_name", "Berg", "title", "CTO", "email",
                    "maja@fjord.example", "account_id", fjord.toString())).id();
            hc.records().create(ada, "contact", Map.of("first_name", "Ola", "last_name", "Nordmann", "email", "ola@example.org"));
            for (int i = 0; i < 54; i++) {
                hc.records().create(ada, "lead", Map.of("last_name", String.format("Lead%02d", i), "company", "Co " + i));
            }
        });
        base = c.base;
    }

    @AfterAll
    void stop() {
        c.close();
    }

    @Test
    void contactsReadLikeACrmList() {
        Page page = c.signIn("admin@example.com", "a long console password");
        page.navigate(base + "/records/contact");
        var head = page.locator("#records thead th");
        assertThat(head).containsText(new String[] {"Name", "Email", "Account", "Phone", "Owner"});
        var majaRow = page.locator("#records tbody tr", new Page.LocatorOptions().setHasText("Maja Berg"));
        assertThat(majaRow.getByRole(AriaRole.LINK, new com.microsoft.playwright.Locator.GetByRoleOptions().setName("Maja Berg")))
                .hasAttribute("href", "/records/contact/" + maja);
        assertThat(majaRow.getByRole(AriaRole.LINK, new com.microsoft.playwright.Locator.GetByRoleOptions().setName("Fjord AS")))
                .hasAttribute("href", "/records/account/" + fjord);
        assertThat(majaRow).containsText("Ada Admin");
        assertThat(majaRow).not().containsText("CTO");
        assertThat(page.locator("#range")).hasText("1–2 of 2");
        ConsoleTest.shot(page, "console-records");

        // sorted by Name (last name): an indicator, then the other way
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Name").setExact(true)).click();
        assertThat(page.locator("#records thead th").first()).hasAttribute("aria-sort", "ascending");
        assertThat(page.locator("#records tbody tr").first()).containsText("Maja Berg");
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Name").setExact(true)).click();
        assertThat(page.locator("#records thead th").first()).hasAttribute("aria-sort", "descending");
        assertThat(page.locator("#records tbody tr").first()).containsText("Ola Nordmann");

        // the search finds a person by either name
        page.getByLabel("Search by name").fill("berg");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Search").setExact(true)).click();
        assertThat(page.locator("#records tbody tr")).hasCount(1);
        assertThat(page.locator("#range")).hasText("1–1 of 1");

        // the object switcher, by label
        page.getByLabel("Object", new Page.GetByLabelOptions().setExact(true)).selectOption("account");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Open")).click();
        assertThat(page).hasURL(base + "/records/account");
        assertThat(page.locator("#records thead th").first()).hasText("Account Name");
        assertThat(page.locator("#records")).containsText("Technology");
    }

    @Test
    void leadsPageForwardAndBackWithTheTotal() {
        Page page = c.signIn("admin@example.com", "a long console password");
        page.navigate(base + "/records/lead?sort=last_name");
        assertThat(page.locator("#range")).hasText("1–50 of 54");
        assertThat(page.locator("#records tbody tr")).hasCount(50);
        assertThat(page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Previous page"))).hasCount(0);
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Next page")).click();
        assertThat(page.locator("#range")).hasText("51–54 of 54");
        assertThat(page.locator("#records tbody tr").first()).containsText("Lead50");
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Previous page")).click();
        assertThat(page.locator("#range")).hasText("1–50 of 54");
        assertThat(page.locator("#records tbody tr").first()).containsText("Lead00");
        assertThat(page.locator("#records thead")).containsText("Company");
    }
}
