package io.hotcrm.console;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import io.hotcrm.app.HotCrm;
import io.hotcrm.importing.ImportListener;
import io.hotcrm.importing.ImportRequest;
import io.hotcrm.importing.ImportSummary;
import io.hotcrm.security.Principal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Setup → Import history in a real browser: who ran each import, times in the reader's own zone, filters by object,
 * user and state, and Undo only where something can be undone (not a dry-run, not an import that wrote nothing).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ImportHistoryConsoleTest {
    @TempDir
    static Path data;
    ConsoleInstance c;
    ImportSummary samsContacts;
    ImportSummary adasLeads;
    ImportSummary dryRun;
    ImportSummary nothingWritten;

    @BeforeAll
    void start() throws Exception {
        c = new ConsoleInstance(data, hc -> {
            hc.security().users().add(Principal.system(), "ada@example.com", "Ada Admin", "admin", "a long console password");
            hc.security().users().add(Principal.system(), "sam@example.com", "Sam Sales", "standard", "a long sales password");
        });
        HotCrm hc = c.hc;
        Principal sam = hc.security().users().principal("sam@example.com");
        Principal ada = hc.security().users().principal("ada@example.com");
        samsContacts = hc.importer().run(sam, ImportRequest.of(csv("sams-contacts.csv", "first_name,last_name,email\nKim,Lee,kim@example.com\nJo,Ng,jo@example.com\n"),
                "contact"), ImportListener.NONE);
        adasLeads = hc.importer().run(ada, ImportRequest.of(csv("leads.csv", "last_name,company\nPark,Acme\n"), "lead"), ImportListener.NONE);
        dryRun = hc.importer().run(ada, ImportRequest.of(csv("leads-try.csv", "last_name,company\nChoi,Globex\n"), "lead").withDryRun(true),
                ImportListener.NONE);
        nothingWritten = hc.importer().run(ada, ImportRequest.of(csv("bad-leads.csv", "last_name,company,annual_revenue\nHan,Initech,lots\n"),
                "lead"), ImportListener.NONE);
        assertThat(nothingWritten.created()).isZero();
        assertThat(nothingWritten.failed()).isEqualTo(1);
    }

    private static Path csv(String name, String text) {
        try {
            return Files.writeString(data.resolve(name), text);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @AfterAll
    void stop() {
        c.close();
    }

    private Locator row(Page page, ImportSummary s) {
        return page.locator("#import-" + s.id());
    }

    @Test
    void anAdministratorSeesWhoRanWhatInTheirOwnZoneFiltersAndIsOfferedUndoOnlyWhereItUndoesSomething() {
        Page page = c.signIn("ada@example.com", "a long console password", "en-US", "America/New_York");
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Import history")).click();
        assertThat(row(page, samsContacts).locator(".who")).hasText("sam@example.com");
        assertThat(row(page, adasLeads).locator(".who")).hasText("ada@example.com");
        // New York time, in the browser's locale, with its zone named; the UTC text is only the fallback
        assertThat(row(page, adasLeads).locator("time")).hasText(Pattern.compile("^[A-Z][a-z]{2} \\d{1,2}, \\d{4}, \\d{2}:\\d{2} [AP]M E[SD]T$"));
        assertThat(row(page, adasLeads).getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName("Undo the import of leads.csv"))).isVisible();
        assertThat(row(page, samsContacts).getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName("Undo the import of sams-contacts.csv"))).isVisible();
        assertThat(row(page, dryRun).getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName("Undo the import of leads-try.csv"))).hasCount(0);
        assertThat(row(page, nothingWritten).getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName("Undo the import of bad-leads.csv"))).hasCount(0);
        ConsoleTest.shot(page, "console-import-history");

        page.getByLabel("Object").selectOption("lead");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Show")).click();
        assertThat(page.locator("#imports tbody tr")).hasCount(3);
        assertThat(row(page, samsContacts)).hasCount(0);
        page.getByLabel("State").selectOption("Completed with failures");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Show")).click();
        assertThat(page.locator("#imports tbody tr")).hasCount(1);
        assertThat(row(page, nothingWritten)).isVisible();

        page.navigate(c.base + "/setup/data/imports?who=sam%40example.com");
        assertThat(page.getByLabel("Run by")).hasValue("sam@example.com");
        assertThat(page.locator("#imports tbody tr")).hasCount(1);
        assertThat(row(page, samsContacts)).isVisible();
        // the import's own page offers no undo where nothing can be undone
        page.navigate(c.base + "/setup/data/imports/" + nothingWritten.id());
        assertThat(page.locator("#undo-import")).hasCount(0);
        page.navigate(c.base + "/setup/data/imports/" + adasLeads.id());
        assertThat(page.locator("#undo-import")).isVisible();
    }

    @Test
    void aUserSeesTheirOwnImportsWithoutAWhoFilter() {
        Page page = c.signIn("sam@example.com", "a long sales password");
        page.navigate(c.base + "/setup/data/imports");
        assertThat(page.locator("#imports tbody tr")).hasCount(1);
        assertThat(row(page, samsContacts)).isVisible();
        assertThat(page.getByLabel("Run by")).hasCount(0);
        page.navigate(c.base + "/setup/data/imports?who=ada%40example.com");
        assertThat(page.locator("#imports tbody tr")).hasCount(1);
        assertThat(row(page, adasLeads)).hasCount(0);
    }
}
