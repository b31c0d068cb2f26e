package io.hotcrm.migration;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A CRM that data migrates from, as the migration engine sees it: read-only, one small interface per source
 * (Salesforce today; HubSpot and the Salesforce Data Export ZIP next). Values arrive as text in one normal form
 * whatever the source's wire format: dates {@code 2024-05-01}, date-times as UTC instants
 * {@code 2024-05-01T09:30:00Z}, numbers plain ({@code 350000000}, never {@code 3.5E8}), booleans
 * {@code true}/{@code false}, multi-select values joined by {@code ;}; an empty value is null.
 */
public interface CrmSource extends AutoCloseable {

    /** Who the source is: the org or portal, checked against the source (a failed login throws). */
    SourceOrg org();

    /** The objects that can be read, with their labels (no fields). */
    List<SourceObject> objects();

    /** One object with its fields. */
    SourceObject describe(String object);

    /** How many records of the object the slice holds (deleted ones not counted). */
    long count(String object, Slice slice);

    /**
     * Streams the object's records of the slice (deleted ones left out), each as field → text for the fields
     * asked (plus the id field), in no particular order. Returns how many were read; a source that cannot give
     * every record of the slice (a short page, a count that does not add up) throws instead of returning fewer.
     */
    long read(String object, List<String> fields, Slice slice, RecordSink sink);

    /** The records with these ids (at most 200 per call), for spot-checks. */
    List<Map<String, String>> byIds(String object, List<String> fields, List<String> ids);

    /**
     * The records of the object deleted since {@code since}. {@code complete} is false when the source no longer
     * remembers that far back (a full reconcile is then needed to find every deletion).
     */
    Deletions deletedSince(String object, Instant since);

    /** The bytes of a file record's content field (an attachment's body, a file version's data), streamed. */
    java.io.InputStream content(String object, String id, String field);

    /** What this source knows about mapping its objects to HotCRM's: default pairs, fields, roles of fields. */
    SourceDefaults defaults();

    /** The largest change time of the records read so far, the delta's high-water mark (null: none read). */
    Instant highWater();

    @Override
    void close();

    /** Receives records one at a time; returning false stops the read. */
    @FunctionalInterface
    interface RecordSink {
        boolean accept(Map<String, String> record);

        /** The read has sent every record (a sink that holds some back passes them on now). */
        default boolean done() {
            return true;
        }
    }

    /** Ids deleted in the source since a time, and whether the source remembers the whole span. */
    record Deletions(List<String> ids, boolean complete, Instant earliestAvailable) {
    }
}
