package io.hotcrm.console;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import io.hotcrm.importing.ImportListener;
import io.hotcrm.importing.ImportRequest;
import io.hotcrm.security.Principal;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The console on a 390-px-wide phone: the setup menu folds behind a Menu button and no page is wider than the screen. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SmallScreenConsoleTest {
    @TempDir
    static Path data;
    ConsoleInstance c;

    @BeforeAll
    void start() throws Exception {
        c = new ConsoleInstance(data, hc -> hc.security().users().add(Principal.system(), "ada@example.com", "Ada Admin", "admin",
                "a long console password"));
        Path csv = Files.writeString(data.resolve("phone-contacts.csv"), "first_name,last_name,email,phone,title\n"
                + "Kimberly-Anne,Vandenberghe-Lee,kimberly-anne.vandenberghe-lee@a-very-long-domain-name.example.com,+1 555 0100,Head of Procurement\n");
        c.hc.importer().run(c.hc.security().users().principal("ada@example.com"), ImportRequest.of(csv, "contact"), ImportListener.NONE);
    }

    @AfterAll
    void stop() {
        c.close();
    }

    @Test
    void pagesReadOnAPhoneAndTheMenuFolds() {
        Page page = c.chromium.browser.newContext(new com.microsoft.playwright.Browser.NewContextOptions().setViewportSize(390, 844)
                .setIsMobile(true).setHasTouch(true)).newPage();
        page.navigate(c.base + "/login");
        assertThat(widest(page)).isLessThanOrEqualTo(390);
        page.getByLabel("Email").fill("ada@example.com");
        page.getByLabel("Password").fill("a long console password");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();
        assertThat(page.locator("#setup-menu")).isHidden();
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Menu")).click();
        assertThat(page.locator("#setup-menu")).isVisible();
        assertThat(page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Menu"))).hasAttribute("aria-expanded", "true");
        ConsoleTest.shot(page, "console-phone-menu");
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Import history")).click();
        assertThat(page.locator("#setup-menu")).isHidden();
        for (String path : new String[] {"/setup", "/setup/data", "/setup/data/import", "/setup/data/imports", "/setup/jobs",
            "/setup/notices", "/setup/data/exports", "/setup/data/exports/new", "/setup/users", "/setup/roles", "/records/contact",
            "/setup/data/backups", "/setup/privacy", "/setup/data/migrate"}) {
            page.navigate(c.base + path);
            assertThat(page.locator("main")).isVisible();
            assertThat(widest(page)).as("width of " + path).isLessThanOrEqualTo(390);
        }
        page.navigate(c.base + "/records/contact");
        ConsoleTest.shot(page, "console-phone-records");
    }

    /** How wide the page is laid out (wider than the screen means sideways scrolling of the whole page). */
    private static int widest(Page page) {
        return ((Number) page.evaluate("() => document.documentElement.scrollWidth")).intValue();
    }
}
