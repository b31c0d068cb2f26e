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
    UUID sam;

    @BeforeAll
    void start() throws Exception {
        c = new ConsoleInstance(data, hc -> {
            hc.security().users().add(Principal.system(), "admin@example.com", "Ada Admin", "admin", "a long console password");
            Principal ada = hc.security().users().principal("admin@example.com");
            fjord = hc.records().create(ada, "account", Map.of("name", "Fjord AS", "industry", "Technology")).id();
            maja = hc.records().create(ada, "contact", Map.of("first_name", "Maja", "last_name", "Berg", "title", "CTO", "email",
                    "maja@fjord.example", "account_id", fjord.toString())).id();
            hc.records().create(ada, "contact", Map.of("first_name", "Ola", "last_name", "Nordmann", "email", "ola@example.org"));
            sam = hc.security().users().add(Principal.system(), "sam@example.com", "Sam Sales", "read_only", "a long reader password").id();
            hc.records().create(ada, "opportunity", Map.of("name", "Fjord renewal", "account_id", fjord.toString(), "stage", "Prospecting",
                    "amount", "1234567.5", "close_date", "2027-03-31"));
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

    @Test
    void theSwitcherCountsAmountsAndDatesFollowTheLocaleAndColumnsAreChosenAndSavedAsAView() {
        Page page = c.signIn("admin@example.com", "a long console password", "de-DE", "Europe/Berlin");
        page.navigate(base + "/records/opportunity");
        assertThat(page.locator("#object-choice option[value=lead]")).hasText("Leads (54)");
        var row = page.locator("#records tbody tr", new Page.LocatorOptions().setHasText("Fjord renewal"));
        // German grouping and decimal comma, a German date
        assertThat(row).containsText("1.234.567,50");
        assertThat(row).containsText("31. März 2027");

        page.locator("#column-chooser summary").click();
        page.locator("#column-chooser").getByLabel("Stage").uncheck();
        page.locator("#column-chooser").getByLabel("Win Probability").check();
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Show these columns")).click();
        assertThat(page.locator("#records thead")).not().containsText("Stage");
        assertThat(page.locator("#records thead")).containsText("Win Probability");
        page.getByLabel("Save this list as a list view").fill("Pipeline by probability");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save list view")).click();
        assertThat(page.getByRole(AriaRole.STATUS)).containsText("Saved the list view \"Pipeline by probability\"");
        assertThat(page.locator("#records thead")).containsText("Win Probability");
        assertThat(page.locator("#records thead")).not().containsText("Stage");

        // change the view's columns, save it under its name, then delete it
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Change its columns")).click();
        assertThat(page.getByLabel("Save this list as a list view")).hasValue("Pipeline by probability");
        page.locator("#column-chooser summary").click();
        page.locator("#column-chooser").getByLabel("Stage").check();
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Show these columns")).click();
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save list view")).click();
        assertThat(page.locator("#records thead")).containsText("Stage");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Delete this list view")).click();
        assertThat(page.getByRole(AriaRole.STATUS)).hasText("Deleted the list view \"Pipeline by probability\".");
        assertThat(page.locator("#view option")).not().containsText(new String[] {"Pipeline by probability"});
    }

    @Test
    void anAccountShowsItsRelatedRecordsAndIsEditedAndDeletedThroughTheStore() {
        Page page = c.signIn("admin@example.com", "a long console password");
        page.navigate(base + "/records/account/" + fjord);
        assertThat(page.locator("#related-contact-account_id")).containsText("Maja Berg");
        assertThat(page.locator("#related-contact-account_id h2")).containsText("(1)");
        assertThat(page.locator("#related-opportunity-account_id")).containsText("Fjord renewal");
        assertThat(page.locator("#record-fields")).containsText("Technology");
        ConsoleTest.shot(page, "console-record");

        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Edit")).click();
        page.getByLabel("Industry").selectOption("Finance");
        page.getByLabel("Number of Employees").fill("40");
        page.locator("#r-name").fill("");
        page.locator("#r-name").evaluate("e => e.form.noValidate = true");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save")).click();
        // refused by the store's validation: the message by the field, what was typed kept
        assertThat(page.getByRole(AriaRole.ALERT)).containsText("were not saved");
        assertThat(page.locator("#r-name-error")).containsText("is required");
        assertThat(page.getByLabel("Industry")).hasValue("Finance");
        assertThat(page.getByLabel("Number of Employees")).hasValue("40");
        page.locator("#r-name").fill("Fjord AS");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save")).click();
        assertThat(page.getByRole(AriaRole.STATUS)).hasText("Saved 2 changes.");
        assertThat(page.locator("#record-fields")).containsText("Finance");
        var audit = c.hc.security().audit().recent(5).stream().filter(e -> "record.update".equals(e.action())
                && fjord.toString().equals(e.recordId())).findFirst().orElseThrow();
        org.assertj.core.api.Assertions.assertThat(audit.details()).contains("industry").contains("number_of_employees");

        // a read-only user sees the page without Edit or Delete
        Page reader = c.signIn("sam@example.com", "a long reader password");
        reader.navigate(base + "/records/account/" + fjord);
        assertThat(reader.locator("h1")).hasText("Fjord AS");
        assertThat(reader.locator("#record-actions")).hasCount(0);

        page.navigate(base + "/records/opportunity");
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Fjord renewal")).click();
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Delete")).click();
        assertThat(page.getByRole(AriaRole.STATUS)).containsText("Moved \"Fjord renewal\" to the recycle bin");
        assertThat(page.locator("#records")).hasCount(0);
    }
}
