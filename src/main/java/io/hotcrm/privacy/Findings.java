package io.hotcrm.privacy;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * What discovery found about a person: the records that are the person ({@code subjects}: contacts and leads with the
 * email or phone, or the record given), the records linked to them ({@code linked}: their cases, tasks, events,
 * notes, logged emails, campaign memberships, opportunities, files, …), the free-text mentions of the email for review
 * ({@code mentions}), and the audit log entries about them. Each hit names its object, record, and the fields that
 * made it one. No field values: only what and where.
 */
public record Findings(Instant at, List<Hit> subjects, List<Hit> linked, List<Hit> mentions, List<AuditHit> audit,
                       List<Copy> copies) {

    Findings(Instant at, List<Hit> subjects, List<Hit> linked, List<Hit> mentions, List<AuditHit> audit) {
        this(at, subjects, linked, mentions, audit, List.of());
    }

    /** The findings with the copies of the person's data found outside the records. */
    Findings withCopies(List<Copy> found) {
        return new Findings(at, subjects, linked, mentions, audit, List.copyOf(found));
    }

    /**
     * A copy of the person's data outside the records: an import ({@code kind} import: its result and error files,
     * source file, undo journal, findings), an upload never imported, or an export file still at its destination
     * ({@code kind} export: {@code id} is its schedule). {@code parts} says where in it, {@code rows} how many of its
     * rows (-1: it could not be read), {@code action} what an erasure does or did with it.
     */
    public record Copy(String kind, UUID id, String label, String where, List<String> parts, long rows, String action) {
    }

    /** A record found: its object and id, what people call it, the fields that matched, and why it is a hit. */
    public record Hit(String object, UUID id, String label, List<String> fields, String why) {
    }

    /** An audit log entry about the person (its record, or the email in its details). */
    public record AuditHit(long id, Instant at, String action, String object, String recordId) {
    }

    /** How many records in all (subjects, linked and mentions). */
    public int records() {
        return subjects.size() + linked.size() + mentions.size();
    }
}
