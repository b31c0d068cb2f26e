package io.hotcrm.migration;

import io.hotcrm.common.HotCrmException;
import java.time.Instant;

/**
 * Which records of each object a migration reads: all of them (no field), or those whose {@code field} —
 * {@code created} or {@code modified} — falls in [{@code from}, {@code until}), either end open; and, for a delta,
 * only those changed after {@code changedSince}.
 */
public record Slice(String field, Instant from, Instant until, Instant changedSince) {
    public static final Slice ALL = new Slice(null, null, null, null);
    public static final String CREATED = "created";
    public static final String MODIFIED = "modified";

    public Slice {
        if (field != null && !field.equals(CREATED) && !field.equals(MODIFIED)) {
            throw HotCrmException.invalid("A slice is on \"created\" or \"modified\", not \"" + field + "\".");
        }
        if (field == null && (from != null || until != null)) {
            field = CREATED;
        }
        if (from != null && until != null && !from.isBefore(until)) {
            throw HotCrmException.invalid("The slice's start (" + from + ") must be before its end (" + until + ").");
        }
    }

    /** This slice, narrowed to records changed after {@code since} (a delta). */
    public Slice changedSince(Instant since) {
        return new Slice(field, from, until, since);
    }

    /**
     * A slice's end as people give it: a date ({@code 2024-05-01}, its start in UTC) or an instant
     * ({@code 2024-05-01T00:00:00Z}); null for null or blank. {@code what} names it in the message (the option, the field).
     */
    public static Instant time(String text, String what) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return text.length() <= 10 ? java.time.LocalDate.parse(text).atStartOfDay().toInstant(java.time.ZoneOffset.UTC)
                    : Instant.parse(text);
        } catch (java.time.format.DateTimeParseException e) {
            throw HotCrmException.invalid(what + " \"" + text + "\" is not a date like 2024-05-01 or 2024-05-01T00:00:00Z.");
        }
    }

    public boolean bounded() {
        return from != null || until != null;
    }
}
