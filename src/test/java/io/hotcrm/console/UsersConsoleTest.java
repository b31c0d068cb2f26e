package io.hotcrm.console;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import io.hotcrm.security.Principal;
import io.hotcrm.security.Users;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Setup → Users in a real browser: a new user's role starts at the least-privileged one, the password rule is stated
 * once and is the server's, a refused form keeps what was typed, and the last active administrator cannot be
 * deactivated or demoted.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UsersConsoleTest {
    @TempDir
    static Path data;
    ConsoleInstance c;
    String base;

    @BeforeAll
    void start() throws Exception {
        // the only administrator (no first start here, so no generated one)
        c = new ConsoleInstance(data, hc -> hc.security().users().add(Principal.system(), "ada@example.com", "Ada Admin", "admin",
                "a long console password"));
        base = c.base;
    }

    @AfterAll
    void stop() {
        c.close();
    }

    @Test
    void theFormStartsLeastPrivilegedStatesTheRuleOnceAndKeepsWhatWasTyped() {
        Page page = c.signIn("ada@example.com", "a long console password");
        page.navigate(base + "/setup/users");
        Locator role = page.getByLabel("Role", new Page.GetByLabelOptions().setExact(true));
        assertThat(role).not().hasValue("admin");
        assertThat(role).hasValue("read_only");
        assertThat(page.locator("#u-password-rule")).hasText("At least " + Users.MIN_PASSWORD + " characters. Leave it empty to set"
                + " it later.");
        assertThat(page.locator("#u-password")).hasAttribute("minlength", String.valueOf(Users.MIN_PASSWORD));

        page.getByLabel("Email", new Page.GetByLabelOptions().setExact(true)).fill("sam@example.com");
        page.getByLabel("Full name").fill("Sam Sales");
        role.selectOption("standard");
        // the browser would stop a short password; the server's rule is the same, so send it past the browser
        page.locator("#u-password").evaluate("e => e.removeAttribute('minlength')");
        page.locator("#u-password").fill("short");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Add user")).click();
        assertThat(page.getByRole(AriaRole.ALERT)).hasText("Passwords need at least " + Users.MIN_PASSWORD + " characters.");
        assertThat(page.getByLabel("Email", new Page.GetByLabelOptions().setExact(true))).hasValue("sam@example.com");
        assertThat(page.getByLabel("Full name")).hasValue("Sam Sales");
        assertThat(role).hasValue("standard");
        assertThat(page.locator("#u-password")).hasValue("");
        page.locator("#u-password").fill("a long sales password");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Add user")).click();
        assertThat(page.getByRole(AriaRole.STATUS)).containsText("Added sam@example.com with the role standard");
        assertThat(page.getByLabel("Email", new Page.GetByLabelOptions().setExact(true))).hasValue("");
        ConsoleTest.shot(page, "console-users-form");
    }

    @Test
    void theLastActiveAdministratorStays() {
        Page page = c.signIn("ada@example.com", "a long console password");
        page.navigate(base + "/setup/users");
        Locator ada = page.locator("#users tbody tr", new Page.LocatorOptions().setHasText("ada@example.com"));
        ada.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Deactivate")).click();
        assertThat(page.getByRole(AriaRole.ALERT)).containsText("ada@example.com is the last active administrator");
        ada = page.locator("#users tbody tr", new Page.LocatorOptions().setHasText("ada@example.com"));
        assertThat(ada).containsText("active");
        ada.getByLabel("Role of ada@example.com").selectOption("standard");
        ada.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Change role")).click();
        assertThat(page.getByRole(AriaRole.ALERT)).containsText("last active administrator");
    }
}
