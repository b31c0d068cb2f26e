package io.hotcrm.console;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import io.hotcrm.app.Config;
import io.hotcrm.app.HotCrm;
import io.hotcrm.security.Principal;
import io.hotcrm.testing.Chromium;
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

/** Setup → Data → Backups in a real browser: back up now, verify, drill (the warning goes), restore instructions; admins only. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BackupConsoleTest {
    @TempDir
    static Path data;
    HotCrm hc;
    WebServer web;
    Chromium chromium;
    String base;

    @BeforeAll
    void start() throws Exception {
        hc = HotCrm.open(Config.from(data, Map.of(io.hotcrm.common.Secrets.ENV, TestPlatform.SECRET_KEY)));
        hc.security().users().add(Principal.system(), "admin@example.com", "Ada Admin", "admin", "a long console password");
        hc.security().users().add(Principal.system(), "sam@example.com", "Sam Sales", "standard", "a long sales password");
        web = hc.start(0);
        base = "http://localhost:" + web.port();
        chromium = new Chromium();
        Files.createDirectories(Chromium.screenshot("x").getParent());
    }

    @AfterAll
    void stop() {
        chromium.close();
        web.stop();
        hc.close();
    }

    @Test
    void anAdminBacksUpVerifiesAndDrillsFromTheConsole() {
        Page page = ConsoleTest.signIn(chromium, base, "admin@example.com", "a long console password", 900);
        page.navigate(base + "/setup/data");
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Open backups")).click();
        assertThat(page.locator("#drill-warning")).containsText("No restore drill has passed yet");
        page.locator("#backup-now").click();
        assertThat(page.getByRole(AriaRole.STATUS)).containsText("Backed up");
        assertThat(page.locator("#backups tbody tr")).hasCount(1);
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Verify")).click();
        assertThat(page.getByRole(AriaRole.STATUS)).containsText("Sound");
        assertThat(page.locator("#backups")).containsText("sound");
        page.locator("#drill-now").click();
        assertThat(page.getByRole(AriaRole.STATUS)).containsText("Drill passed");
        assertThat(page.locator("#drill-warning")).hasCount(0);
        assertThat(page.locator("#drills")).containsText("passed");
        assertThat(page.locator("main")).containsText("backup restore ARCHIVE --replace");
        ConsoleTest.shot(page, "console-backups");
    }

    @Test
    void aStandardUserSeesNoBackups() {
        Page page = ConsoleTest.signIn(chromium, base, "sam@example.com", "a long sales password", 800);
        page.navigate(base + "/setup/data");
        assertThat(page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Open backups"))).hasCount(0);
        page.navigate(base + "/setup/data/backups");
        assertThat(page.getByRole(AriaRole.ALERT)).containsText("manages setup");
        assertThat(page.locator("#backup-now")).hasCount(0);
    }
}
