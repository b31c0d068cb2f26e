package io.hotcrm.common;

/**
 * Tells a user something happened (an import finished, a scheduled export failed): a notice in the console,
 * and an email when mail is set up. Wired by the composition root; features never import {@code notify}.
 */
@FunctionalInterface
public interface Notices {
    Notices NONE = (recipient, subject, body) -> { };

    /** Tells {@code recipient} (a user's email, or "system" for nobody in particular). */
    void tell(String recipient, String subject, String body);
}
