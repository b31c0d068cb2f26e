package io.hotcrm.console;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import com.microsoft.playwright.options.AriaRole;
import io.hotcrm.common.HotCrmException;
import io.hotcrm.jobs.Job;
import io.hotcrm.jobs.JobContext;
import io.hotcrm.jobs.JobHandler;
import io.hotcrm.jobs.JobState;
import io.hotcrm.security.Principal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Setup → Jobs and the notices bell in a real browser: a failed job is found by its state, shows its error and history,
 * and is retried; a running job is cancelled; a user sees their own jobs only; the bell counts unread notices and
 * clears once they are seen.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JobsConsoleTest {
    @TempDir
    static Path data;
    ConsoleInstance c;
    final AtomicBoolean remoteDown = new AtomicBoolean(true);

    /** A job that calls a remote end: it fails while the remote end is down. */
    final class RemoteCall implements JobHandler {
        @Override
        public String type() {
            return "remote-call";
        }

        @Override
        public int maxAttempts() {
            return 1;
        }

        @Override
        public String run(JobContext ctx) {
            ctx.total(10);
            ctx.progress(4, "Sent 4 of 10");
            if (remoteDown.get()) {
                throw HotCrmException.invalid("The remote end refused the connection.");
            }
            ctx.progress(10, "Sent 10 of 10");
            return null;
        }
    }

    /** A job that runs until it is cancelled. */
    static final class LongRun implements JobHandler {
        @Override
        public String type() {
            return "long-run";
        }

        @Override
        public String run(JobContext ctx) throws InterruptedException {
            ctx.total(1000);
            for (int i = 0; ; i++) {
                ctx.progress(i % 1000, "Working");
                ctx.checkCancelled();
                Thread.sleep(100);
            }
        }
    }

    @BeforeAll
    void start() throws Exception {
        c = new ConsoleInstance(data, hc -> {
            hc.security().users().add(Principal.system(), "ada@example.com", "Ada Admin", "admin", "a long console password");
            hc.security().users().add(Principal.system(), "sam@example.com", "Sam Sales", "standard", "a long sales password");
            hc.jobs().register(new RemoteCall());
            hc.jobs().register(new LongRun());
        });
    }

    @AfterAll
    void stop() {
        c.close();
    }

    @Test
    void aFailedJobIsFoundShowsWhyAndIsRetriedARunningOneIsCancelled() {
        Job failed = c.hc.jobs().await(c.hc.jobs().submit("remote-call", "{}", "ada@example.com", null).id(), Duration.ofSeconds(60));
        assertThat(failed.state()).isEqualTo(JobState.FAILED);
        Job samsJob = c.hc.jobs().submit("remote-call", "{}", "sam@example.com", null);
        c.hc.jobs().await(samsJob.id(), Duration.ofSeconds(60));

        Page page = c.signIn("ada@example.com", "a long console password");
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Jobs").setExact(true)).click();
        page.getByLabel("State").selectOption("Failed or interrupted");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Show")).click();
        Locator row = page.locator("#job-" + failed.id());
        assertThat(row).containsText("failed");
        assertThat(row).containsText("4 of 10");
        assertThat(row).containsText("ada@example.com");
        assertThat(page.locator("#job-" + samsJob.id())).containsText("sam@example.com"); // an admin sees everyone's
        assertThat(page.locator("#jobs tbody tr", new Page.LocatorOptions().setHasText("succeeded"))).hasCount(0);
        ConsoleTest.shot(page, "console-jobs");

        row.getByRole(AriaRole.LINK).first().click();
        assertThat(page.locator("#job-error")).hasText("The remote end refused the connection.");
        assertThat(page.locator("#job-history")).containsText("queued");
        assertThat(page.locator("#job-history")).containsText("failed");

        remoteDown.set(false);
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Retry this job")).click();
        assertThat(page.getByRole(AriaRole.STATUS)).hasText("Retrying job " + failed.id() + " as this job.");
        // the page follows the job until it ends
        assertThat(page.locator("#job-state")).hasText("succeeded", new LocatorAssertions.HasTextOptions().setTimeout(30_000));
        assertThat(page.locator("#job-history")).containsText("Retry of job " + failed.id() + ", asked by ada@example.com");
        ConsoleTest.shot(page, "console-job");

        Job running = c.hc.jobs().submit("long-run", "{}", "ada@example.com", null);
        page.navigate(c.base + "/setup/jobs?state=active");
        Locator live = page.locator("#job-" + running.id());
        assertThat(live).containsText("running", new LocatorAssertions.ContainsTextOptions().setTimeout(30_000));
        live.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Cancel job " + running.id())).click();
        assertThat(page.locator("#job-state")).hasText("cancelled", new LocatorAssertions.HasTextOptions().setTimeout(30_000));
        assertThat(page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Retry this job"))).hasCount(0);
    }

    @Test
    void aUserSeesTheirOwnJobsOnly() {
        Job adas = c.hc.jobs().await(c.hc.jobs().submit("remote-call", "{}", "ada@example.com", null).id(), Duration.ofSeconds(60));
        Job sams = c.hc.jobs().await(c.hc.jobs().submit("remote-call", "{}", "sam@example.com", null).id(), Duration.ofSeconds(60));
        Page page = c.signIn("sam@example.com", "a long sales password");
        page.navigate(c.base + "/setup/jobs");
        assertThat(page.locator("#job-" + sams.id())).isVisible();
        assertThat(page.locator("#job-" + adas.id())).hasCount(0);
        page.navigate(c.base + "/setup/jobs/" + adas.id());
        assertThat(page.locator("body")).containsText("There is no job with id " + adas.id() + " that you can see.");
    }

    @Test
    void theBellCountsUnreadNoticesAndClearsWhenTheyAreSeen() {
        c.hc.notifier().notify("ada@example.com", "HotCRM export failed", "The destination refused the file.");
        c.hc.notifier().notify("ada@example.com", "HotCRM import of leads.csv succeeded", "Created 2 leads.");
        Page page = c.signIn("ada@example.com", "a long console password");
        Locator bell = page.locator("#notice-bell");
        assertThat(page.locator("#notice-count")).hasText("2");
        assertThat(bell).hasAttribute("aria-label", "Notices, 2 unread");
        ConsoleTest.shot(page, "console-bell");
        bell.click();
        assertThat(page.locator("#notice-list")).containsText("HotCRM export failed");
        page.reload();
        assertThat(page.locator("#notice-count")).isHidden();
        assertThat(bell).hasAttribute("aria-label", "Notices");
    }
}
