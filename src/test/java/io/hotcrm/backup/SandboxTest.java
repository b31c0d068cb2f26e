package io.hotcrm.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.hotcrm.app.Config;
import io.hotcrm.app.HotCrm;
import io.hotcrm.exporting.ExportFormat;
import io.hotcrm.exporting.ExportSchedules;
import io.hotcrm.privacy.Identifiers;
import io.hotcrm.security.Principal;
import io.hotcrm.store.Dialect;
import io.hotcrm.testing.TestDb;
import io.hotcrm.testing.TestPlatform;
import io.hotcrm.web.WebServer;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sandboxes on H2 and PostgreSQL: a copy of production for dry-runs that sends no email (a real SMTP server, GreenMail,
 * receives nothing from it while production's mail arrives), runs no schedule, lists none of production's backups, has
 * its own instance id and undeliverable user addresses, says so on its pages, and — when asked — holds no one's personal
 * data.
 */
class SandboxTest {
    static final Principal SYSTEM = Principal.system();
    @TempDir
    Path tmp;

    HotCrm open(Path data, String pgUrl, Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(extra);
        env.put(io.hotcrm.common.Secrets.ENV, TestPlatform.SECRET_KEY);
        if (pgUrl != null) {
            env.put("HOTCRM_DB_URL", pgUrl);
            env.put("HOTCRM_DB_USER", "postgres");
            env.put("HOTCRM_DB_PASSWORD", "postgres");
        }
        return HotCrm.open(Config.from(data, env));
    }

    @Test
    void aSandboxIsACopyThatSendsNoEmailRunsNoScheduleAndSaysSoOnEveryPage() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        GreenMail mail = new GreenMail(new ServerSetup(port, "127.0.0.1", "smtp"));
        mail.start();
        Map<String, String> smtp = Map.of("HOTCRM_SMTP_HOST", "127.0.0.1", "HOTCRM_SMTP_PORT", String.valueOf(port),
                "HOTCRM_SMTP_STARTTLS", "false", "HOTCRM_SMTP_FROM", "crm@example.com");
        try {
            for (Dialect d : Dialect.values()) {
                Path data = tmp.resolve("prod-" + d);
                String pg = d == Dialect.POSTGRES ? TestDb.url(Dialect.POSTGRES) : null;
                String sandboxPg = d == Dialect.POSTGRES ? TestDb.url(Dialect.POSTGRES) : null;
                String anonPg = d == Dialect.POSTGRES ? TestDb.url(Dialect.POSTGRES) : null;
                Path sandboxDir = tmp.resolve("sandbox-" + d);
                Path anonDir = tmp.resolve("anon-" + d);
                String prodInstance;
                long contacts;
                int mailBefore;
                try (HotCrm prod = open(data, pg, smtp)) {
                    BackupRestoreTest.seed(prod);
                    Principal ada = BackupRestoreTest.admin(prod);
                    prod.backups().create(SYSTEM, tmp.resolve("backups-" + d));
                    prod.backups().saveSchedule(SYSTEM, "nightly", "0 2 * * *", "UTC", null, Backups.Retention.DEFAULT);
                    prod.schedules().save(ada, new ExportSchedules.Spec("daily-contacts", "contact", null, null, ExportFormat.CSV, false,
                            "local", Map.of("path", data.resolve("exports").toString()), null, "0 3 * * *", "UTC",
                            ExportSchedules.Mode.FULL), false);
                    // production emails: the control
                    var r = prod.privacy().create(SYSTEM, "access", new Identifiers("kim2@example.com", null, null, null));
                    prod.privacy().sendVerification(SYSTEM, r.id(), "http://localhost:8080");
                    mailBefore = mail.getReceivedMessages().length;
                    assertThat(mailBefore).isPositive();
                    prodInstance = prod.instanceId();
                    contacts = BackupRestoreTest.count(prod, "obj_contact");

                    Backups.Sandbox s = prod.createSandbox(SYSTEM, "dryrun", null, sandboxDir, sandboxPg, "postgres", "postgres", false);
                    assertThat(s.instanceId()).isNotEqualTo(prodInstance);
                    assertThat(s.schedulesPaused()).isEqualTo(2);
                    assertThat(s.usersMadeUndeliverable()).isPositive();
                    prod.createSandbox(SYSTEM, "anon", null, anonDir, anonPg, "postgres", "postgres", true);
                    // the same place twice is refused
                    if (d == Dialect.H2) {
                        assertThatThrownBy(() -> prod.createSandbox(SYSTEM, "dryrun", null, sandboxDir, null, null, null, false))
                                .hasMessageContaining("already an instance");
                    }
                    // production is as it was
                    assertThat(prod.schedules().list(SYSTEM).get(0).paused()).isFalse();
                    assertThat(prod.backups().list(SYSTEM)).hasSize(1);
                    assertThat(prod.security().users().list()).noneMatch(u -> u.email().endsWith(".invalid"));
                }

                try (HotCrm sandbox = open(sandboxDir, sandboxPg, smtp)) {
                    assertThat(sandbox.instanceId()).isNotEqualTo(prodInstance);
                    assertThat(BackupRestoreTest.count(sandbox, "obj_contact")).isEqualTo(contacts);
                    assertThat(sandbox.backups().sandboxInfo().name()).isEqualTo("dryrun");
                    assertThat(sandbox.backups().list(SYSTEM)).as("production's backups are not the sandbox's").isEmpty();
                    assertThat(sandbox.backups().schedules(SYSTEM)).allMatch(Backups.Schedule::paused).hasSize(1);
                    assertThat(sandbox.schedules().list(SYSTEM)).allMatch(ExportSchedules.Schedule::paused).hasSize(1);
                    assertThat(sandbox.security().users().list()).allMatch(u -> u.email().endsWith(".invalid"));
                    // no email leaves a sandbox, whatever its environment says
                    var r = sandbox.privacy().create(SYSTEM, "access", new Identifiers("kim3@example.com", null, null, null));
                    assertThatThrownBy(() -> sandbox.privacy().sendVerification(SYSTEM, r.id(), "http://localhost:8080"))
                            .hasMessageContaining("SMTP");
                    WebServer web = sandbox.start(0);
                    try {
                        HttpResponse<String> login = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:"
                                + web.port() + "/login")).GET().build(), HttpResponse.BodyHandlers.ofString());
                        assertThat(login.body()).contains("sandbox-banner", "Sandbox <strong>dryrun</strong>", ".invalid");
                    } finally {
                        web.stop();
                    }
                    // started as a server, nothing was scheduled: still paused, still no mail
                    assertThat(sandbox.schedules().list(SYSTEM)).allMatch(ExportSchedules.Schedule::paused);
                }
                assertThat(mail.getReceivedMessages()).as("the sandbox sent no email").hasSize(mailBefore);

                try (HotCrm anon = open(anonDir, anonPg, Map.of())) {
                    assertThat(BackupRestoreTest.count(anon, "obj_contact")).isEqualTo(contacts);
                    List<Map<String, Object>> people = anon.database().jdbi().withHandle(h -> h.createQuery(
                            "select first_name, last_name, email from obj_contact").mapToMap().list());
                    assertThat(people).allSatisfy(p -> {
                        assertThat(String.valueOf(p.get("email"))).matches("redacted-[0-9a-f-]{36}@redacted\\.invalid");
                        assertThat(p.get("last_name")).isEqualTo("[redacted]");
                    });
                    assertThat(people.stream().map(p -> p.get("email")).distinct().count()).isEqualTo(contacts);
                    long requests = anon.database().jdbi().withHandle(h -> h.createQuery("select count(*) from hc_privacy_request")
                            .mapTo(Long.class).one());
                    assertThat(requests).isZero();
                    assertThat(anon.backups().sandboxInfo().anonymised()).isTrue();
                    // the file store's copies (import sources and results) were left out
                    try (var walk = java.nio.file.Files.walk(anonDir)) {
                        assertThat(walk.filter(java.nio.file.Files::isRegularFile).map(f -> anonDir.relativize(f).toString())
                                .filter(f -> !f.startsWith("db") && !f.startsWith("logs") && !f.startsWith("tmp")).toList()).isEmpty();
                    }
                }
            }
        } finally {
            mail.stop();
        }
    }
}
