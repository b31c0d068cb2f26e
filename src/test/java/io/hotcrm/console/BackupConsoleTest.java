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
    ConsoleInstance c;
    HotCrm hc;
    Chromium chromium;
    String base;

    @BeforeAll
    void start() throws Exception {
        c = new ConsoleInstance(data, hc -> {
            hc.security().users().add(Principal.system(), "admin@example.com", "Ada Admin", "admin", "a long console password");
            hc.security().users().add(Principal.system(), "sam@example.com", "Sam Sales", "standard", "a long sales password");
        });
        hc = c.hc;
        chromium = c.chromium;
        base = c.base;
    }

    @AfterAll
    void stop() {
        c.close();
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

    /** Schedules listed and paused from the page; a sandbox made from the page says so on every page of its own console. */
    @Test
    void anAdminPausesAScheduleAndMakesASandboxThatSaysSoOnEveryPage() {
        hc.backups().saveSchedule(Principal.system(), "nightly", "0 2 * * *", "Europe/Oslo", null, io.hotcrm.backup.Backups.Retention.DEFAULT);
        Page page = ConsoleTest.signIn(chromium, base, "admin@example.com", "a long console password", 900);
        page.navigate(base + "/setup/data/backups");
        assertThat(page.locator("#schedules")).containsText("nightly");
        assertThat(page.locator("#schedules")).containsText("7 daily, 4 weekly, 12 monthly");
        page.locator("#schedules").getByRole(AriaRole.BUTTON, new com.microsoft.playwright.Locator.GetByRoleOptions().setName("Pause")).click();
        assertThat(page.getByRole(AriaRole.STATUS)).containsText("Paused");
        assertThat(page.locator("#schedules")).containsText("paused");
        assertThat(page.locator("#sandbox-banner")).hasCount(0);
        page.locator("#sandbox-name").fill("dry-run");
        page.locator("#sandbox-create").click();
        assertThat(page.getByRole(AriaRole.STATUS)).containsText("Made the sandbox \"dry-run\"");

        Path home = data.toAbsolutePath().normalize().resolve("sandboxes").resolve("dry-run");
        try (HotCrm sandbox = HotCrm.open(Config.from(home, Map.of(io.hotcrm.common.Secrets.ENV, TestPlatform.SECRET_KEY)))) {
            WebServer sw = sandbox.start(0);
            try {
                String sb = "http://localhost:" + sw.port();
                Page p = chromium.browser.newPage();
                p.navigate(sb + "/login");
                assertThat(p.locator("#sandbox-banner")).containsText("Sandbox dry-run");
                Page in = ConsoleTest.signIn(chromium, sb, "admin@example.com.invalid", "a long console password", 900);
                for (String path : new String[] {"/setup", "/setup/data", "/setup/data/backups", "/records/contact", "/setup/users"}) {
                    in.navigate(sb + path);
                    assertThat(in.locator("#sandbox-banner")).containsText("email is off");
                }
                assertThat(in.locator("main")).containsText("admin@example.com.invalid");
                ConsoleTest.shot(in, "console-sandbox");
            } finally {
                sw.stop();
            }
        }
    }
}
