package io.hotcrm.privacy;

import io.hotcrm.common.HotCrmException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.UUID;

/**
 * Who a request is about, as given: an email, a phone number, or a contact's or lead's id (at least one). Emails are
 * compared without case or surrounding blanks, phone numbers by their digits (a number with its country code matches
 * the same number without it: one's digits end with the other's, seven digits at least).
 */
public record Identifiers(String email, String phone, String recordObject, UUID recordId) {
    /** Fewest digits a phone number must have to be compared (shorter ones match too many numbers). */
    static final int MIN_PHONE_DIGITS = 7;

    public Identifiers {
        email = email == null || email.isBlank() ? null : email.strip().toLowerCase(Locale.ROOT);
        phone = phone == null || phone.isBlank() ? null : phone.strip();
        if (email != null && !email.matches("[^@\\s]+@[^@\\s]+\\.[^@\\s]+")) {
            throw HotCrmException.invalid("\"" + email + "\" is not an email address like jane@example.com.");
        }
        if (phone != null && digits(phone).length() < MIN_PHONE_DIGITS) {
            throw HotCrmException.invalid("The phone number \"" + phone + "\" has fewer than " + MIN_PHONE_DIGITS
                    + " digits: give it whole, with its area code.");
        }
        if ((recordObject == null) != (recordId == null)) {
            throw HotCrmException.invalid("A record is given by its object and id (contact or lead, and its id).");
        }
        if (email == null && phone == null && recordId == null) {
            throw HotCrmException.invalid("Say who the request is about: an email (--email), a phone number (--phone), or a"
                    + " contact's or lead's id (--contact ID, --lead ID).");
        }
    }

    /** The phone number's digits, or null. */
    public String phoneDigits() {
        return phone == null ? null : digits(phone);
    }

    static String digits(String s) {
        return s.replaceAll("[^0-9]", "");
    }

    /** A salted SHA-256 of the identifiers: what is kept of them once a request is done. */
    String hash(String salt) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(salt.getBytes(StandardCharsets.UTF_8));
            d.update(("email:" + email + "\nphone:" + phoneDigits() + "\nrecord:" + recordObject + "/" + recordId)
                    .getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
