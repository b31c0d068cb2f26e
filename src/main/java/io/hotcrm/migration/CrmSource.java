package io.hotcrm.migration;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A CRM that data migrates from, as the migration engine sees it: read-only, one small interface per source
 * (Salesforce over its API, a Salesforce Data Export's ZIP files, HubSpot). Values arrive as text in one normal form
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

    /**
     * The record a reference's value points at: its object and its id; null when the value alone does not say (the
     * engine then goes by the objects' key prefixes, as Salesforce ids carry theirs). A source whose ids are unique only
     * within an object (HubSpot) writes a reference that may point at several objects as {@code object/id}.
     */
    default Reference reference(String value) {
        int slash = value.indexOf('/');
        return slash > 0 && slash < value.length() - 1 ? new Reference(value.substring(0, slash), value.substring(slash + 1)) : null;
    }

    /**
     * A record may say that one of its references stood for more records than a lookup holds (a deal with three
     * contacts): the key {@code MORE + field} holds how many more; the plan keeps the first, and the run reports the rest.
     */
    String MORE = "+more:";

    /** The object and id a reference points at. */
    record Reference(String object, String id) {
    }

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
