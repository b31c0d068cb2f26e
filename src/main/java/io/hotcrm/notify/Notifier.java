package io.hotcrm.notify;

import io.hotcrm.common.HotCrmException;
import io.hotcrm.common.Ids;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.PasswordAuthentication;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices to users. Each one is kept (for the console's notice list) and, when SMTP is configured, emailed;
 * a delivery failure is logged and recorded on the notice, never thrown at the work that caused it.
 */
public final class Notifier {
    private static final Logger LOG = LoggerFactory.getLogger(Notifier.class);
    private final Jdbi jdbi;
    private final Smtp smtp;

    /** SMTP settings; the password is never logged or shown. */
    public record Smtp(String host, int port, String user, String password, String from, boolean startTls) {
        @Override
        public String toString() {
            return "Smtp[" + host + ":" + port + (user == null ? "" : ", user " + user) + ", from " + from
                    + (startTls ? ", STARTTLS" : "") + "]";
        }
    }

    /** One notice as listed. */
    public record Notice(UUID id, String recipient, String subject, String body, OffsetDateTime createdAt,
                         OffsetDateTime readAt, boolean emailed, String emailError) {
    }

    /** @param smtp null when no SMTP server is configured: notices are only kept for the console */
    public Notifier(DataSource dataSource, Smtp smtp) {
        this.jdbi = Jdbi.create(dataSource);
        this.smtp = smtp;
    }

    public boolean emailEnabled() {
        return smtp != null;
    }

    /**
     * Emails someone who is not a user (a data subject asked to confirm a request) without keeping a notice of it: the
     * message is theirs, not the console's. Throws when no SMTP server is configured or the server refuses.
     */
    public void email(String recipient, String subject, String body) {
        if (smtp == null) {
            throw new io.hotcrm.common.HotCrmException(io.hotcrm.common.ErrorCode.CONFIGURATION, "No SMTP server is configured"
                    + " (HOTCRM_SMTP_HOST): HotCRM cannot email " + "the person; verify the request by other means and record how.");
        }
        try {
            send(recipient, subject, body);
        } catch (MessagingException e) {
            throw new io.hotcrm.common.HotCrmException(io.hotcrm.common.ErrorCode.UNAVAILABLE, "The SMTP server " + smtp.host()
                    + " did not take the email: " + e.getMessage(), e);
        }
    }

    /** Keeps a notice for the recipient and emails it when SMTP is configured. */
    public Notice notify(String recipient, String subject, String body) {
        UUID id = Ids.newId();
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        boolean emailed = false;
        String error = null;
        if (smtp != null) {
            try {
                send(recipient, subject, body);
                emailed = true;
            } catch (MessagingException | RuntimeException e) {
                error = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                LOG.warn("Could not email {} about \"{}\" through {}: {}", recipient, subject, smtp, error);
            }
        }
        boolean sent = emailed;
        String err = error == null ? null : error.length() > 1900 ? error.substring(0, 1900) : error;
        jdbi.useHandle(h -> h.createUpdate("insert into hc_notice (id, recipient, subject, body, created_at, emailed, email_error)"
                        + " values (:id, :to, :subject, :body, :now, :emailed, :error)")
                .bind("id", id).bind("to", recipient).bind("subject", subject.length() > 500 ? subject.substring(0, 500) : subject)
                .bind("body", body).bind("now", now).bind("emailed", sent).bind("error", err).execute());
        return new Notice(id, recipient, subject, body, now, null, sent, err);
    }

    private void send(String to, String subject, String body) throws MessagingException {
        Properties props = new Properties();
        props.put("mail.smtp.host", smtp.host());
        props.put("mail.smtp.port", String.valueOf(smtp.port()));
        props.put("mail.smtp.connectiontimeout", "10000");
        props.put("mail.smtp.timeout", "10000");
        props.put("mail.smtp.writetimeout", "10000");
        if (smtp.startTls()) {
            props.put("mail.smtp.starttls.enable", "true");
        }
        Session session;
        if (smtp.user() != null && !smtp.user().isBlank()) {
            props.put("mail.smtp.auth", "true");
            session = Session.getInstance(props, new jakarta.mail.Authenticator() {
                @Override
                protected PasswordAuthentication getPasswordAuthentication() {
                    return new PasswordAuthentication(smtp.user(), smtp.password());
                }
            });
        } else {
            session = Session.getInstance(props);
        }
        MimeMessage m = new MimeMessage(session);
        m.setFrom(new InternetAddress(smtp.from()));
        m.setRecipients(Message.RecipientType.TO, InternetAddress.parse(to));
        m.setSubject(subject, StandardCharsets.UTF_8.name());
        m.setText(body, StandardCharsets.UTF_8.name());
        m.setSentDate(new Date());
        Transport.send(m);
    }

    /** The recipient's notices, newest first. */
    public List<Notice> notices(String recipient, boolean unreadOnly, int limit) {
        return jdbi.withHandle(h -> h.createQuery("select * from hc_notice where recipient = :to"
                        + (unreadOnly ? " and read_at is null" : "") + " order by created_at desc limit :limit")
                .bind("to", recipient).bind("limit", Math.max(1, Math.min(limit, 500)))
                .map((rs, c) -> new Notice(rs.getObject("id", UUID.class), rs.getString("recipient"), rs.getString("subject"),
                        rs.getString("body"), utc(rs.getObject("created_at", OffsetDateTime.class)),
                        utc(rs.getObject("read_at", OffsetDateTime.class)), rs.getBoolean("emailed"), rs.getString("email_error")))
                .list());
    }

    public void markRead(String recipient, UUID id) {
        int n = jdbi.withHandle(h -> h.createUpdate("update hc_notice set read_at = :now where id = :id and recipient = :to")
                .bind("now", OffsetDateTime.now(ZoneOffset.UTC)).bind("id", id).bind("to", recipient).execute());
        if (n == 0) {
            throw HotCrmException.notFound("There is no notice " + id + " for you.");
        }
    }

    /** Marks every notice of the recipient created up to {@code upTo} read (they have been shown). */
    public void markAllRead(String recipient, OffsetDateTime upTo) {
        jdbi.useHandle(h -> h.createUpdate("update hc_notice set read_at = :now where recipient = :to and read_at is null"
                        + " and created_at <= :upTo").bind("now", OffsetDateTime.now(ZoneOffset.UTC)).bind("to", recipient)
                .bind("upTo", upTo).execute());
    }

    private static OffsetDateTime utc(OffsetDateTime t) {
        return t == null ? null : t.withOffsetSameInstant(ZoneOffset.UTC);
    }
}
