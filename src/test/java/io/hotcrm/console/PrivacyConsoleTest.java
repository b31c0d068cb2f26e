package io.hotcrm.console;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Download;
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
import java.util.UUID;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Setup → Privacy → Data Subject Requests in a real browser: an admin records an erasure request, confirms who asked,
 * approves it, reads what is found and what an erasure would do, deletes, and downloads the signed certificate as a PDF
 * that verifies; an access request hands over a ZIP; a standard user sees none of it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PrivacyConsoleTest {
    @TempDir
    static Path data;
    HotCrm hc;
    WebServer web;
    Chromium chromium;
    String base;
    UUID contact;
    UUID theCase;

    @BeforeAll
    void start() throws Exception {
        hc = HotCrm.open(Config.from(data, Map.of(io.hotcrm.common.Secrets.ENV, TestPlatform.SECRET_KEY)));
        hc.security().users().add(Principal.system(), "admin@example.com", "Ada Admin", "admin", "a long console password");
        hc.security().users().add(Principal.system(), "sam@example.com", "Sam Sales", "standard", "a long sales password");
        Principal admin = hc.security().users().principal("admin@example.com");
        contact = hc.records().create(admin, "contact", Map.of("first_name", "Lena", "last_name", "Vik", "email", "lena.vik@example.no",
                "phone", "+47 912 34 567")).id();
        UUID account = hc.records().create(admin, "account", Map.of("name", "Fjord Freight")).id();
        theCase = hc.records().create(admin, "case", Map.of("contact_id", contact.toString(), "subject", "Lena's invoice",
                "description", "Refund asked", "status", "New", "priority", "High", "origin", "Email", "account_id",
                account.toString())).id();
        hc.records().create(admin, "contact", Map.of("first_name", "Ola", "last_name", "Berg", "email", "ola.berg@example.no"));
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
    void anAdminErasesAPersonFromRequestToSignedCertificate() throws Exception {
        Page page = ConsoleTest.signIn(chromium, base, "admin@example.com", "a long console password", 900);
        page.navigate(base + "/setup");
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Privacy requests")).click();
        assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Data subject requests"))).isVisible();

        page.getByLabel("The person asks to").selectOption("erasure");
        page.getByLabel("Their email").fill("Lena.Vik@example.no");
        page.locator("#create-request").click();
        assertThat(page.getByRole(AriaRole.STATUS)).containsText("Request received: due");
        assertThat(page.locator("#request-state")).hasText("received");
        // found at once: her contact and her case; the other contact is not
        assertThat(page.locator("#found-summary")).containsText("Records of the person: 1 · linked records: 1");
        assertThat(page.locator("#findings")).containsText("Lena Vik");
        assertThat(page.locator("#findings")).not().containsText("Berg");

        page.getByLabel("How you confirmed it is them").fill("Replied from the address on file");
        page.locator("#verify").click();
        assertThat(page.locator("#request-state")).hasText("verified");
        assertThat(page.locator("#preview")).containsText(contact.toString());
        page.locator("#approve").click();
        assertThat(page.locator("#request-state")).hasText("approved");

        page.getByLabel("Delete the person's records").check();
        page.locator("#show-preview").click();
        assertThat(page.locator("#preview")).containsText("delete");
        assertThat(page.locator("#preview")).containsText(theCase.toString());
        ConsoleTest.shot(page, "privacy-request-preview");
        page.locator("#confirm-run").check();
        page.locator("#run").click();
        assertThat(page.getByRole(AriaRole.STATUS)).containsText("Erased: 1 deleted");
        assertThat(page.locator("#request-state")).hasText("done");
        assertThat(page.locator("#privacy-request")).not().containsText("lena.vik@example.no");
        assertThat(page.locator("#history")).containsText("approved → running");

        Download pdf = page.waitForDownload(() -> page.locator("#certificate-pdf").click());
        byte[] bytes = Files.readAllBytes(pdf.path());
        assertThat(new String(bytes, 0, 4, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("%PDF");
        assertThat(hc.privacy().verify(bytes).valid()).isTrue();
        ConsoleTest.shot(page, "privacy-request-done");
        long left = hc.database().jdbi().withHandle(h -> h.createQuery("select count(*) from obj_contact where id = :id")
                .bind("id", contact).mapTo(Long.class).one());
        assertThat(left).isZero();

        page.navigate(base + "/setup/privacy");
        assertThat(page.locator("#requests")).containsText("done");
        ConsoleTest.shot(page, "privacy-requests");
    }

    @Test
    void anAccessRequestHandsTheDataOverAsAZip() throws Exception {
        Page page = ConsoleTest.signIn(chromium, base, "admin@example.com", "a long console password", 900);
        page.navigate(base + "/setup/privacy");
        page.getByLabel("The person asks to").selectOption("access");
        page.getByLabel("Their email").fill("ola.berg@example.no");
        page.locator("#create-request").click();
        page.getByLabel("How you confirmed it is them").fill("Called back on the number on file");
        page.locator("#verify").click();
        page.locator("#approve").click();
        Download zip = page.waitForDownload(() -> page.locator("#download-zip").click());
        try (ZipFile z = new ZipFile(zip.path().toFile())) {
            assertThat(z.getEntry("manifest.json")).isNotNull();
            assertThat(z.stream().map(java.util.zip.ZipEntry::getName)).anyMatch(n -> n.startsWith("contact"));
        }
        // a refused step says why on the page
        page.navigate(page.url());
        assertThat(page.locator("#request-state")).hasText("done");
    }

    @Test
    void aStandardUserSeesNoPrivacyRequests() {
        Page page = ConsoleTest.signIn(chromium, base, "sam@example.com", "a long sales password", 800);
        page.navigate(base + "/setup");
        assertThat(page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Privacy requests"))).hasCount(0);
        page.navigate(base + "/setup/privacy");
        assertThat(page.getByRole(AriaRole.ALERT)).containsText("privacy");
        assertThat(page.locator("#new-request")).hasCount(0);
        assertThat(page.locator("#requests")).hasCount(0);
    }
}
