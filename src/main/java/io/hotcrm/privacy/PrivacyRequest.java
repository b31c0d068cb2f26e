package io.hotcrm.privacy;

import java.time.Instant;
import java.util.UUID;

/**
 * A data-subject request as people see it: its kind ({@code access}, {@code portability}, {@code erasure},
 * {@code rectification}), state, who it is about (cleared once it is done), when it came in and when it is due (30
 * days after, plus one extension of at most 60 days with its reason), who handles it and who created it.
 */
public record PrivacyRequest(UUID id, String kind, String state, String email, String phone, String recordObject,
                             UUID recordId, Instant receivedAt, Instant dueAt, int extendedDays, String extensionReason,
                             String assignee, String createdBy) {
    public static final String RECEIVED = "received";
    public static final String VERIFIED = "verified";
    public static final String APPROVED = "approved";
    public static final String RUNNING = "running";
    public static final String DONE = "done";
    public static final String DENIED = "denied";
    public static final String FAILED = "failed";

    /** One step of a request's history. */
    public record Event(Instant at, String actor, String from, String to, String note) {
    }
}
