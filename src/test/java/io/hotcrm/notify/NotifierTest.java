package io.hotcrm.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.hotcrm.store.Dialect;
import io.hotcrm.testing.DialectContract;
import jakarta.mail.internet.MimeMessage;
import java.net.ServerSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Notices on each database, emailed through a real SMTP server (GreenMail) or kept when mail fails. */
class NotifierTest {

    @Nested
    class OnH2 extends Contract {
        OnH2() {
            super(Dialect.H2);
        }
    }

    @Nested
    class OnPostgres extends Contract {
        OnPostgres() {
            super(Dialect.POSTGRES);
        }
    }

    abstract static class Contract extends DialectContract {
        GreenMail smtp;
        int port;

        Contract(Dialect dialect) {
            super(dialect);
        }

        @BeforeAll
        void startSmtp() throws Exception {
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            smtp = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
            smtp.start();
        }

        @AfterAll
        void stopSmtp() {
            smtp.stop();
        }

        @Test
        void aNoticeIsEmailedAndKeptForTheConsole() throws Exception {
            Notifier n = new Notifier(t.db.dataSource(), new Notifier.Smtp("127.0.0.1", port, null, null, "hotcrm@example.com", false));
            Notifier.Notice sent = n.notify("ann@example.com", "Import of leads.csv succeeded", "Created 2 of 3 rows. Zoë ✓");
            assertThat(sent.emailed()).isTrue();
            assertThat(smtp.waitForIncomingEmail(5000, 1)).isTrue();
            MimeMessage m = smtp.getReceivedMessages()[smtp.getReceivedMessages().length - 1];
            assertThat(m.getSubject()).isEqualTo("Import of leads.csv succeeded");
            assertThat(m.getAllRecipients()[0].toString()).isEqualTo("ann@example.com");
            assertThat(m.getFrom()[0].toString()).isEqualTo("hotcrm@example.com");
            assertThat(m.getContent().toString()).contains("Zoë ✓");
            assertThat(n.notices("ann@example.com", true, 10)).extracting(Notifier.Notice::subject)
                    .contains("Import of leads.csv succeeded");
            n.markRead("ann@example.com", sent.id());
            assertThat(n.notices("ann@example.com", true, 10)).extracting(Notifier.Notice::id).doesNotContain(sent.id());
        }

        @Test
        void withoutSmtpOrWhenDeliveryFailsTheNoticeIsStillKept() throws Exception {
            Notifier none = new Notifier(t.db.dataSource(), null);
            assertThat(none.notify("bob@example.com", "No mail here", "kept").emailed()).isFalse();
            int closed;
            try (ServerSocket s = new ServerSocket(0)) {
                closed = s.getLocalPort();
            }
            Notifier broken = new Notifier(t.db.dataSource(), new Notifier.Smtp("127.0.0.1", closed, "u", "secret-pw",
                    "hotcrm@example.com", false));
            Notifier.Notice failed = broken.notify("bob@example.com", "Mail down", "kept anyway");
            assertThat(failed.emailed()).isFalse();
            assertThat(failed.emailError()).isNotBlank().doesNotContain("secret-pw");
            assertThat(none.notices("bob@example.com", false, 10)).extracting(Notifier.Notice::subject)
                    .containsExactly("Mail down", "No mail here");
        }
    }
}
