package io.hotcrm.console;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import io.hotcrm.app.Config;
import io.hotcrm.app.HotCrm;
import io.hotcrm.importing.ImportListener;
import io.hotcrm.importing.ImportRequest;
import io.hotcrm.importing.ImportState;
import io.hotcrm.importing.ImportSummary;
import io.hotcrm.common.Work;
import io.hotcrm.security.Principal;
import io.hotcrm.testing.Chromium;
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
 * The web console in Debian's chromium on the real server: sign-in (and a wrong password), Setup → Data,
 * the import history with its files, and undo from the page. Writes the screenshots docs/console.md shows.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleTest {
    @TempDir
    static Path data;
    HotCrm hc;
    WebServer web;
    Chromium chromium;
    String base;
    org.apache.sshd.server.SshServer sftp;
    Path sftpRoot;

    @BeforeAll
    void start() throws Exception {
        sftpRoot = Files.createTempDirectory("hotcrm-console-sftp");
        sftp = org.apache.sshd.server.SshServer.setUpDefaultServer();
        sftp.setHost("127.0.0.1");
        sftp.setPort(0);
        sftp.setKeyPairProvider(new org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider(
                Files.createTempDirectory("hotcrm-console-key").resolve("host.ser")));
        sftp.setPasswordAuthenticator((user, password, session) -> user.equals("drop") && password.equals("drop-pw-7"));
        sftp.setSubsystemFactories(java.util.List.of(new org.apache.sshd.sftp.server.SftpSubsystemFactory()));
        sftp.setFileSystemFactory(new org.apache.sshd.common.file.virtualfs.VirtualFileSystemFactory(sftpRoot));
        sftp.start();
        hc = HotCrm.open(Config.from(data, Map.of(io.hotcrm.common.Secrets.ENV, io.hotcrm.testing.TestPlatform.SECRET_KEY)));
        hc.security().users().add(Principal.system(), "admin@example.com", "Ada Admin", "admin", "a long console password");
        hc.security().users().add(Principal.system(), "reader@example.com", "Rita Reader", "read_only", "another long password");
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
        sftp.stop();
    }

    /** Saves the whole page as docs/screenshots/NAME.png (linked from docs/console.md). */
    static void shot(Page page, String name) {
        page.screenshot(new Page.ScreenshotOptions().setPath(Chromium.screenshot(name)).setFullPage(true));
    }

    Page signIn(String email, String password) {
        return signIn(chromium, base, email, password, 800);
    }

    /** A new browser context signed in to the console at {@code base}. */
    static Page signIn(Chromium chromium, String base, String email, String password, int height) {
        BrowserContext context = chromium.browser.newContext(new com.microsoft.playwright.Browser.NewContextOptions().setViewportSize(1280, height));
        return signIn(context.newPage(), base, email, password);
    }

    /** Signs in on a page of a browser context set up by the caller (a locale, a time zone, a small screen). */
    static Page signIn(Page page, String base, String email, String password) {
        page.navigate(base + "/");
        page.getByLabel("Email").fill(email);
        page.getByLabel("Password").fill(password);
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();
        return page;
    }

    @Test
    void anAdminSignsInOpensDataAndUndoesAnImportFromTheHistory() throws Exception {
        Path csv = Files.writeString(data.resolve("console-leads.csv"), "external_id,last_name,company\nCL-1,Lee,Acme\nCL-2,Ng,Globex\n");
        ImportSummary imported = hc.importer().run(hc.security().users().principal("admin@example.com"),
                ImportRequest.of(csv, "lead"), ImportListener.NONE);
        assertThat(imported.created()).isEqualTo(2);

        Page page = signIn("admin@example.com", "a long console password");
        assertThat(page).hasURL(base + "/setup");
        assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Welcome, Ada Admin"))).isVisible();
        shot(page, "console-setup-home");

        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Data").setExact(true)).click();
        assertThat(page).hasURL(base + "/setup/data");
        assertThat(page.getByLabel("Object")).isVisible();
        shot(page, "console-data");

        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Open import history")).click();
        var row = page.locator("#import-" + imported.id());
        assertThat(row).containsText("console-leads.csv");
        assertThat(row.locator(".state")).hasText("succeeded");
        assertThat(row.getByRole(AriaRole.LINK, new com.microsoft.playwright.Locator.GetByRoleOptions().setName("results"))).isVisible();
        shot(page, "console-import-history");

        row.getByRole(AriaRole.LINK, new com.microsoft.playwright.Locator.GetByRoleOptions().setName("Undo the import of console-leads.csv")).click();
        assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Undo the import of console-leads.csv?"))).isVisible();
        assertThat(page.locator("main")).containsText("deletes the 2 lead records the import created");
        assertThat(hc.importer().get(hc.security().users().principal("admin@example.com"), imported.id()).state())
                .as("nothing happens before the confirmation").isEqualTo(ImportState.SUCCEEDED);
        shot(page, "console-import-undo-confirm");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Undo the import")).click();
        assertThat(page.locator("#import-state")).hasText("undone", new com.microsoft.playwright.assertions.LocatorAssertions.HasTextOptions().setTimeout(30_000));
        shot(page, "console-import-undone");
        assertThat(hc.importer().get(hc.security().users().principal("admin@example.com"), imported.id()).state())
                .isEqualTo(ImportState.UNDONE);
        page.navigate(base + "/setup/data/imports");
        assertThat(page.locator("#import-" + imported.id() + " .state")).hasText("undone");
    }

    @Test
    void aLongImportShowsLiveCountsIsCancelledAndUndoneAsAJobAndItsNoticesAppear() throws Exception {
        Principal admin = hc.security().users().principal("admin@example.com");
        StringBuilder csv = new StringBuilder("external_id,last_name,email\n");
        for (int i = 0; i < 400_000; i++) {
            csv.append("LONG-").append(i).append(",Long ").append(i).append(",long").append(i).append("@example.com\n");
        }
        Path file = Files.writeString(data.resolve("long-contacts.csv"), csv);
        Page page = signIn("admin@example.com", "a long console password");
        page.navigate(base + "/setup/notices");
        int noticesBefore = page.locator("#notice-list li").count();

        ImportSummary started = hc.importer().start(admin, ImportRequest.of(file, "contact"), Work.Run.inBackground(null));
        page.navigate(base + "/setup/data/imports/" + started.id());
        var created = page.locator("#count-created");
        assertThat(created).not().hasText("0", new com.microsoft.playwright.assertions.LocatorAssertions.HasTextOptions().setTimeout(60_000));
        assertThat(page.locator("#import-progress")).hasAttribute("data-live", "true");
        long live = Long.parseLong(created.innerText());
        assertThat(live).as("counts grow while the import runs, without a reload").isBetween(1L, 399_999L);
        shot(page, "console-import-running");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Cancel the import")).click();
        assertThat(page.locator("#import-state")).hasText("cancelled",
                new com.microsoft.playwright.assertions.LocatorAssertions.HasTextOptions().setTimeout(60_000));
        ImportSummary cancelled = hc.importer().get(admin, started.id());
        assertThat(cancelled.created()).isBetween(1L, 399_999L);

        assertThat(page.locator("#notice-count")).isVisible(new com.microsoft.playwright.assertions.LocatorAssertions.IsVisibleOptions().setTimeout(30_000));
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Undo this import…")).click();
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Undo the import")).click();
        assertThat(page.locator("#import-state")).hasText("undone",
                new com.microsoft.playwright.assertions.LocatorAssertions.HasTextOptions().setTimeout(60_000));
        assertThat(page.locator("#import-message")).containsText(cancelled.created() + " created records deleted");
        assertThat(hc.importer().get(admin, started.id()).undo().deleted()).isEqualTo(cancelled.created());

        page.locator("#notices-link").click();
        assertThat(page.locator("#notice-list li").first()).containsText("HotCRM import of long-contacts.csv undone");
        assertThat(page.locator("#notice-list")).containsText("HotCRM import of long-contacts.csv cancelled");
        assertThat(page.locator("#notice-list li")).hasCount(noticesBefore + 2);
        shot(page, "console-notices");
        page.reload();
        assertThat(page.locator("#notice-count")).isHidden(new com.microsoft.playwright.assertions.LocatorAssertions.IsHiddenOptions().setTimeout(30_000));
    }

    @Test
    void aWrongPasswordIsExplainedAndAUserWithoutExportRightsIsToldWhy() {
        Page wrong = signIn("admin@example.com", "not the password");
        assertThat(wrong.getByRole(AriaRole.ALERT)).isVisible();
        assertThat(wrong).hasURL(base + "/login");

        Page reader = signIn("reader@example.com", "another long password");
        reader.navigate(base + "/setup/data");
        assertThat(reader.getByText("Your role may not export any object")).isVisible();
        assertThat(reader.getByText("Your role may not create records, so it cannot import")).isVisible();
        assertThat(reader.getByLabel("Object")).hasCount(0);
    }

    @Test
    void theImportWizardSuggestsAMappingDryRunsImportsWithProgressAndReimportsUnchanged() throws Exception {
        Path csv = Files.writeString(data.resolve("wizard-leads.csv"), "external_id,Last Name,Company,E-mail,Status\n"
                + "WZ-1,Lee,Acme,lee@acme.example,new\nWZ-2,Ng,Globex,not-an-email,contacted\nWZ-3,Kim,Initech,kim@initech.example,qualified\n");
        Page page = signIn("admin@example.com", "a long console password");
        page.navigate(base + "/setup/data");
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Start the import wizard")).click();
        assertThat(page.getByText("Up to 50 MB here")).isVisible();
        page.getByLabel("Import into").selectOption("lead");
        page.setInputFiles("#import-file", csv);
        shot(page, "wizard-1-upload");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Next: map the columns")).click();

        assertThat(page.getByLabel("Last Name", new Page.GetByLabelOptions().setExact(true))).hasValue("last_name");
        assertThat(page.getByLabel("E-mail")).hasValue("email");
        assertThat(page.getByLabel("external_id")).hasValue("external_id");
        assertThat(page.getByRole(AriaRole.ROW).filter(new com.microsoft.playwright.Locator.FilterOptions().setHasText("E-mail")))
                .containsText("lee@acme.example");
        shot(page, "wizard-2-mapping");

        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Dry-run: check everything, write nothing")).click();
        assertThat(page.locator("#import-progress")).hasAttribute("data-state", "completed_with_failures",
                new com.microsoft.playwright.assertions.LocatorAssertions.HasAttributeOptions().setTimeout(30_000));
        assertThat(page.locator("#import-state")).hasText("completed with 1 failed row");
        assertThat(page.locator("#count-created")).hasText("2");
        assertThat(page.locator("#count-failed")).hasText("1");
        var problem = page.locator("#problem-groups tbody tr");
        assertThat(problem).hasCount(1);
        assertThat(problem).containsText("E-mail");
        assertThat(problem).containsText("not-an-email");
        assertThat(problem.locator("td").nth(3)).hasText("3");
        assertThat(page.locator("#notice-groups")).containsText("\"new\" was written as \"New\"");
        shot(page, "wizard-3-dry-run");

        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Back to the mapping")).click();
        page.getByLabel("Save this mapping as (optional)").fill("Wizard leads");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Import").setExact(true)).click();
        assertThat(page.locator("#import-progress")).hasAttribute("data-state", "completed_with_failures",
                new com.microsoft.playwright.assertions.LocatorAssertions.HasAttributeOptions().setTimeout(30_000));
        assertThat(page.locator("#progress-percent")).hasText("100 %");
        assertThat(page.locator("#count-created")).hasText("2");
        assertThat(page.locator("#count-failed")).hasText("1");
        shot(page, "wizard-4-done");
        com.microsoft.playwright.Download errors = page.waitForDownload(() ->
                page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Download the 1 failed rows")).click());
        assertThat(Files.readString(errors.path())).contains("external_id,Last Name,Company,E-mail,Status,_row,_errors")
                .contains("WZ-2,Ng,Globex,not-an-email,contacted,3,\"E-mail: \"\"not-an-email\"\" is not an email address.\"");

        page.navigate(base + "/setup/data/import");
        page.getByLabel("Import into").selectOption("lead");
        page.setInputFiles("#import-file", csv);
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Next: map the columns")).click();
        page.getByLabel("Use a saved mapping").selectOption("Wizard leads");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Load")).click();
        assertThat(page.getByText("from the saved mapping \"Wizard leads\"").first()).isVisible();
        assertThat(page.getByLabel("E-mail")).hasValue("email");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Import").setExact(true)).click();
        assertThat(page.locator("#import-progress")).hasAttribute("data-state", "completed_with_failures",
                new com.microsoft.playwright.assertions.LocatorAssertions.HasAttributeOptions().setTimeout(30_000));
        assertThat(page.locator("#count-unchanged")).hasText("2");
        assertThat(page.locator("#count-created")).hasText("0");
    }

    @Test
    void aListViewShowsAndExportsExactlyTheVisibleRowsAndReadableFields() throws Exception {
        Principal admin = hc.security().users().principal("admin@example.com");
        hc.security().roles().create(admin, "console_rep", "Rep");
        hc.security().roles().grant(admin, "console_rep", "contact", new io.hotcrm.security.ObjectPermission(true, true, true, false, true,
                io.hotcrm.security.Visibility.OWN));
        hc.security().roles().setFieldAccess(admin, "console_rep", "contact", "phone", new io.hotcrm.security.FieldAccess(false, false));
        hc.security().users().add(Principal.system(), "rep@example.com", "Rob Rep", "console_rep", "the rep's long password");
        Principal rep = hc.security().users().principal("rep@example.com");
        hc.records().create(admin, "contact", Map.of("last_name", "Theirs", "email", "theirs@example.com", "phone", "555 0101"));
        hc.records().create(rep, "contact", Map.of("last_name", "Mine", "email", "mine@example.com"));
        hc.exporter().views().save(admin, "Contacts with phones", "{\"object\": \"contact\", \"fields\": [\"last_name\", \"email\","
                + " \"phone\"], \"orderBy\": [{\"field\": \"last_name\"}]}", true);

        Page page = signIn("rep@example.com", "the rep's long password");
        page.navigate(base + "/records/contact");
        page.getByLabel("List view", new Page.GetByLabelOptions().setExact(true)).selectOption("Contacts with phones");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Show")).click();
        var table = page.locator("#records");
        assertThat(table.locator("tbody tr")).hasCount(1);
        assertThat(table).containsText("mine@example.com");
        assertThat(table).not().containsText("Theirs");
        assertThat(table.locator("thead")).not().containsText("Phone");
        assertThat(table.locator("thead")).containsText("Last Name");
        assertThat(page.getByText("Not shown, because your role may not read them: Phone.")).isVisible();
        shot(page, "console-list-view");

        com.microsoft.playwright.Download csv = page.waitForDownload(() ->
                page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("CSV").setExact(true)).click());
        assertThat(Files.readString(csv.path())).isEqualTo("last_name,email\r\nMine,mine@example.com\r\n");

        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Mine").setExact(true)).click();
        assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Mine").setExact(true))).isVisible();
        assertThat(page.getByRole(AriaRole.ROWHEADER, new Page.GetByRoleOptions().setName("Phone").setExact(true))).hasCount(0);
        assertThat(page.getByRole(AriaRole.ROWHEADER, new Page.GetByRoleOptions().setName("Mobile Phone").setExact(true))).hasCount(1);
        assertThat(page.locator("table.fields")).containsText("mine@example.com");
    }

    @Test
    void aScheduledExportIsCreatedWithAConnectionTestAndRunAgainstSftp() throws Exception {
        Principal admin = hc.security().users().principal("admin@example.com");
        hc.records().create(admin, "lead", Map.of("last_name", "Sched", "company", "Drop Co", "external_id", "SC-1"));
        hc.records().create(admin, "lead", Map.of("last_name", "Other", "company", "Elsewhere", "external_id", "SC-2"));
        Page page = signIn("admin@example.com", "a long console password");
        page.navigate(base + "/setup/data/exports");
        assertThat(page.getByText("No scheduled exports yet")).isVisible();
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("New scheduled export")).click();
        // a local directory is the first destination offered, Excel a format, gzip sits with its label
        assertThat(page.locator("#s-type option").first()).hasAttribute("value", "local");
        assertThat(page.locator("#s-format option[value=xlsx]")).hasText("Excel (xlsx)");
        page.getByLabel("Compress with gzip").check();
        page.getByLabel("Compress with gzip").uncheck();
        page.getByLabel("Name", new Page.GetByLabelOptions().setExact(true)).fill("Leads to SFTP");
        page.getByLabel("Object", new Page.GetByLabelOptions().setExact(true)).selectOption("lead");
        // choosing the object loads its fields into the picker
        assertThat(page.locator("#field-picker")).containsText("Last Name");
        assertThat(page.getByLabel("Name", new Page.GetByLabelOptions().setExact(true))).hasValue("Leads to SFTP");
        page.locator("details.picker summary").click();
        page.locator("#field-picker").getByLabel("External ID").check();
        page.locator("#field-picker").getByLabel("Last Name", new com.microsoft.playwright.Locator.GetByLabelOptions().setExact(true)).check();
        page.locator("#ff-0").selectOption("company");
        page.locator("#fo-0").selectOption("starts with");
        page.locator("#fv-0").fill("Drop");
        page.getByLabel("How often").selectOption("Every week");
        assertThat(page.getByLabel("At minute")).isHidden();
        page.getByLabel("On", new Page.GetByLabelOptions().setExact(true)).selectOption("Tuesday");
        page.getByLabel("At", new Page.GetByLabelOptions().setExact(true)).fill("04:15");
        page.getByLabel("Time zone", new Page.GetByLabelOptions().setExact(true)).fill("Europe/Berlin");
        page.getByLabel("Destination", new Page.GetByLabelOptions().setExact(true)).selectOption("sftp");
        assertThat(page.locator("#dest-local")).isHidden();
        page.locator("#d-sftp-host").fill("127.0.0.1");
        page.locator("#d-sftp-port").fill(String.valueOf(sftp.getPort()));
        page.locator("#d-sftp-username").fill("drop");
        page.locator("#d-sftp-password").fill("wrong");
        page.locator("#d-sftp-directory").fill("/out");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Test connection")).click();
        assertThat(page.getByRole(AriaRole.ALERT)).containsText("credentials were refused");
        // what was typed stays (not the password)
        assertThat(page.locator("#d-sftp-host")).hasValue("127.0.0.1");
        assertThat(page.locator("#fv-0")).hasValue("Drop");
        assertThat(page.getByLabel("How often")).hasValue("weekly");
        page.locator("#d-sftp-password").fill("drop-pw-7");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Test connection")).click();
        assertThat(page.getByRole(AriaRole.STATUS)).containsText("Connection works: files will go to sftp://drop@127.0.0.1:" + sftp.getPort() + "/out");
        assertThat(page.content()).doesNotContain("drop-pw-7");
        page.locator("#d-sftp-password").fill("drop-pw-7");
        shot(page, "console-schedule-form");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save")).click();

        // the schedule's own page: when, next run in its zone, run now, download
        assertThat(page.getByRole(AriaRole.STATUS)).containsText("Saved \"Leads to SFTP\"");
        assertThat(page.locator("#schedule-summary")).containsText("every Tuesday at 04:15 (Europe/Berlin)");
        assertThat(page.locator("#next-run")).hasText(java.util.regex.Pattern.compile("^Tue \\d{1,2} [A-Z][a-z]{2} \\d{4}, 04:15 CES?T \\(Europe/Berlin\\)$"));
        assertThat(page.locator("#schedule-summary")).containsText("{\"company\":{\"$startsWith\":\"Drop\"}}");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Run now")).click();
        assertThat(page.getByRole(AriaRole.STATUS)).containsText("is running");
        java.time.Instant end = java.time.Instant.now().plusSeconds(30);
        while (page.locator("#runs .state").count() == 0 || !page.locator("#runs .state").first().innerText().equals("succeeded")) {
            assertThat(java.time.Instant.now()).isBefore(end);
            Thread.sleep(300);
            page.reload();
        }
        String file = page.locator("#runs td").last().innerText();
        assertThat(Files.readString(sftpRoot.resolve("out").resolve(file))).isEqualTo("external_id,last_name\r\nSC-1,Sched\r\n");
        com.microsoft.playwright.Download download = page.waitForDownload(() -> page.locator("#last-file").click());
        assertThat(download.suggestedFilename()).isEqualTo(file);
        assertThat(Files.readString(download.path())).isEqualTo("external_id,last_name\r\nSC-1,Sched\r\n");
        assertThat(page.content()).doesNotContain("drop-pw-7");
        shot(page, "console-schedule");

        // edit: the choices come back as chosen, the password never; the raw cron is the advanced choice
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Edit")).click();
        assertThat(page.getByLabel("How often")).hasValue("weekly");
        assertThat(page.getByLabel("On", new Page.GetByLabelOptions().setExact(true))).hasValue("2");
        assertThat(page.locator("#ff-0")).hasValue("company");
        assertThat(page.locator("#fo-0")).hasValue("$startsWith");
        assertThat(page.locator("#field-picker").getByLabel("External ID")).isChecked();
        assertThat(page.locator("#d-sftp-username")).hasValue("drop");
        assertThat(page.locator("#d-sftp-password")).hasValue("");
        assertThat(page.locator("#d-sftp-password")).hasAttribute("placeholder", "saved — leave empty to keep");
        assertThat(page.content()).doesNotContain("drop-pw-7");
        page.getByLabel("How often").selectOption("Cron expression (advanced)");
        page.getByLabel("Cron", new Page.GetByLabelOptions().setExact(true)).fill("30 5 * * 1-5");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save")).click();
        assertThat(page.getByRole(AriaRole.STATUS)).containsText("Saved \"Leads to SFTP\"");
        assertThat(page.locator("#schedule-summary")).containsText("on the cron schedule 30 5 * * 1-5");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Pause")).click();
        assertThat(page.locator("#next-run")).hasText("none while paused");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Delete")).click();
        assertThat(page.getByRole(AriaRole.STATUS)).containsText("Deleted \"Leads to SFTP\"");
        assertThat(page.getByText("No scheduled exports yet")).isVisible();
    }

    @Test
    void anAdminSetsUpARoleWithAHiddenFieldAndItsUserCannotSeeTheFieldAnywhere() throws Exception {
        Principal admin = hc.security().users().principal("admin@example.com");
        hc.records().create(admin, "account", Map.of("name", "Secretive Inc", "annual_revenue", "9999999", "external_id", "SEC-1"));
        Page page = signIn("admin@example.com", "a long console password");
        page.navigate(base + "/setup/roles");
        page.getByLabel("New role (name)").fill("auditor");
        page.getByLabel("Label", new Page.GetByLabelOptions().setExact(true)).fill("Auditor");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create role")).click();
        assertThat(page.getByRole(AriaRole.STATUS)).containsText("Created the role Auditor");
        page.getByLabel("Object", new Page.GetByLabelOptions().setExact(true)).selectOption("account");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Show")).click();
        page.getByLabel("read", new Page.GetByLabelOptions().setExact(true)).check();
        page.getByLabel("create", new Page.GetByLabelOptions().setExact(true)).check();
        page.getByLabel("export", new Page.GetByLabelOptions().setExact(true)).check();
        page.getByLabel("Records seen").selectOption("ALL");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save permissions")).click();
        assertThat(page.getByRole(AriaRole.STATUS)).containsText("Saved what auditor may do with account records");
        page.getByLabel("Annual Revenue (annual_revenue)").selectOption("none");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save field access")).click();
        assertThat(page.getByRole(AriaRole.STATUS)).containsText("1 changed");
        shot(page, "console-roles");

        page.navigate(base + "/setup/users");
        page.getByLabel("Email", new Page.GetByLabelOptions().setExact(true)).fill("audrey@example.com");
        page.getByLabel("Full name").fill("Audrey Auditor");
        page.getByLabel("Role", new Page.GetByLabelOptions().setExact(true)).selectOption("auditor");
        page.getByLabel("Password", new Page.GetByLabelOptions().setExact(true)).fill("audrey's long password");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Add user")).click();
        assertThat(page.getByRole(AriaRole.STATUS)).containsText("Added audrey@example.com with the role auditor");
        shot(page, "console-users");

        Page audrey = signIn("audrey@example.com", "audrey's long password");
        audrey.navigate(base + "/records/account");
        assertThat(audrey.locator("#records")).containsText("Secretive Inc");
        assertThat(audrey.locator("#records thead")).not().containsText("annual_revenue");
        assertThat(audrey.getByText("Not shown, because your role may not read them")).containsText("Annual Revenue");
        com.microsoft.playwright.Download csv = audrey.waitForDownload(() ->
                audrey.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("CSV").setExact(true)).click());
        assertThat(Files.readString(csv.path())).doesNotContain("annual_revenue").doesNotContain("9999999").contains("Secretive Inc");
        audrey.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Secretive Inc")).click();
        assertThat(audrey.locator("table.fields")).not().containsText("Annual Revenue");
        assertThat(audrey.locator("table.fields")).not().containsText("9999999");

        Path accounts = Files.writeString(data.resolve("audit-accounts.csv"), "name,annual_revenue\nNew Co,100\n");
        audrey.navigate(base + "/setup/data/import");
        audrey.getByLabel("Import into").selectOption("account");
        audrey.setInputFiles("#import-file", accounts);
        audrey.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Next: map the columns")).click();
        assertThat(audrey.getByLabel("annual_revenue")).hasValue("");
        assertThat(audrey.getByLabel("annual_revenue").locator("option[value='annual_revenue']")).hasCount(0);
        audrey.navigate(base + "/setup/users");
        assertThat(audrey.getByText("Your role does not manage setup")).isVisible();
    }

    @Test
    void aSearchedAndSortedListIsSavedAsAListViewAndExported() throws Exception {
        Principal admin = hc.security().users().principal("admin@example.com");
        for (String n : java.util.List.of("Beta Findme", "Alpha Findme", "Gamma Other")) {
            hc.records().create(admin, "account", Map.of("name", n));
        }
        Page page = signIn("admin@example.com", "a long console password");
        page.navigate(base + "/records/account");
        page.getByLabel("Search by name").fill("findme");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Search").setExact(true)).click();
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Account Name").setExact(true)).click();
        assertThat(page.locator("#records thead th").first()).hasAttribute("aria-sort", "ascending");
        assertThat(page.locator("#records tbody tr")).hasCount(2);
        assertThat(page.locator("#records tbody tr").first()).containsText("Alpha Findme");
        page.getByLabel("Save this list as a list view").fill("Findme accounts");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save list view")).click();
        assertThat(page.getByRole(AriaRole.STATUS)).containsText("Saved the list view \"Findme accounts\"");
        assertThat(page.getByLabel("List view", new Page.GetByLabelOptions().setExact(true))).hasValue("Findme accounts");
        assertThat(page.locator("#records tbody tr")).hasCount(2);
        com.microsoft.playwright.Download csv = page.waitForDownload(() ->
                page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("CSV").setExact(true)).click());
        String text = Files.readString(csv.path());
        assertThat(text.lines().count()).isEqualTo(3);
        assertThat(text.indexOf("Alpha Findme")).isLessThan(text.indexOf("Beta Findme"));
        assertThat(text).doesNotContain("Gamma Other");
    }
}
