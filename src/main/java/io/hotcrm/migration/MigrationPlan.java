package io.hotcrm.migration;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.hotcrm.common.HotCrmException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A migration plan: which source objects become which HotCRM objects in which order, field by field, with every
 * source picklist value mapped, owners resolved, and what is left out and why. Made by {@link Migrations#plan},
 * saved with the migration, editable as JSON (in the console or as a file) and reused by every run.
 *
 * @param slice which records each object reads (all-time when null)
 * @param fallbackOwner the email of the HotCRM user who owns records whose source owner is a queue or has no user
 * @param users what happens to source users HotCRM does not have by email: {@code create-inactive} or {@code match-only}
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record MigrationPlan(int version, String source, Slice slice, String fallbackOwner, String users,
                           List<PlanObject> objects, List<Skipped> skipped) {
    static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(SerializationFeature.INDENT_OUTPUT);
    public static final String CREATE_INACTIVE = "create-inactive";
    public static final String MATCH_ONLY = "match-only";

    public MigrationPlan {
        objects = objects == null ? List.of() : List.copyOf(objects);
        skipped = skipped == null ? List.of() : List.copyOf(skipped);
        slice = slice == null ? Slice.ALL : slice;
        users = users == null ? CREATE_INACTIVE : users;
        if (!users.equals(CREATE_INACTIVE) && !users.equals(MATCH_ONLY)) {
            throw HotCrmException.invalid("The plan's \"users\" is \"" + CREATE_INACTIVE + "\" or \"" + MATCH_ONLY + "\", not \"" + users + "\".");
        }
    }

    /**
     * One source object and what it becomes. {@code fill}: values for HotCRM fields a source record leaves blank
     * (a required field the source does not require). {@code include} false leaves the object out of runs.
     */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record PlanObject(String source, String target, boolean include, long count, List<String> dependsOn,
                             List<PlanField> fields, Map<String, String> fill, List<Skipped> skippedFields) {
        public PlanObject {
            dependsOn = dependsOn == null ? List.of() : List.copyOf(dependsOn);
            fields = fields == null ? List.of() : List.copyOf(fields);
            fill = fill == null ? Map.of() : Map.copyOf(fill);
            skippedFields = skippedFields == null ? List.of() : List.copyOf(skippedFields);
        }

        public Optional<PlanField> field(String sourceField) {
            return fields.stream().filter(f -> f.source().equals(sourceField)).findFirst();
        }
    }

    /**
     * One source field and the HotCRM field it fills. {@code kind}: {@code value}, {@code picklist} ({@code values}
     * maps every source value; {@code otherwise} is used for values not listed — null: such a record fails),
     * {@code lookup} (to the source object {@code lookup}), {@code polymorphic} ({@code targets}: source object →
     * HotCRM field), {@code owner} and {@code createdBy} (a source user, by email), {@code createdAt}, {@code parent}
     * (a note's or file's record, of any type: {@code targets} maps source object → HotCRM object; the record's id goes
     * to {@code target}, its object to {@code typeTarget}), {@code content} (a file's bytes, copied into HotCRM's
     * file store: {@code target} gets the storage key, and size and checksum are filled too), {@code text} (a note's
     * body the source keeps as a binary field, fetched like a file's bytes and stored as text in {@code target}).
     * {@code create}: the HotCRM custom field to add before the first commit. {@code labels}: what people see for source
     * values that are ids (a HubSpot deal stage "closedwon" is "Sales Pipeline: Closed Won"), for the review.
     */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record PlanField(String source, String target, String kind, String lookup, Map<String, String> targets,
                            Map<String, String> values, String otherwise, NewField create, String typeTarget,
                            Map<String, String> labels) {
        public static final String VALUE = "value";
        public static final String PICKLIST = "picklist";
        public static final String LOOKUP = "lookup";
        public static final String POLYMORPHIC = "polymorphic";
        public static final String OWNER = "owner";
        public static final String CREATED_BY = "createdBy";
        public static final String CREATED_AT = "createdAt";
        public static final String PARENT = "parent";
        public static final String CONTENT = "content";
        public static final String TEXT = "text";

        public PlanField(String source, String target, String kind, String lookup, Map<String, String> targets,
                         Map<String, String> values, String otherwise, NewField create) {
            this(source, target, kind, lookup, targets, values, otherwise, create, null, null);
        }

        public PlanField(String source, String target, String kind, String lookup, Map<String, String> targets,
                         Map<String, String> values, String otherwise, NewField create, String typeTarget) {
            this(source, target, kind, lookup, targets, values, otherwise, create, typeTarget, null);
        }

        /** This field with what people see for its source values (where a value is an id: a HubSpot stage's). */
        public PlanField withLabels(Map<String, String> labels) {
            return new PlanField(source, target, kind, lookup, targets, values, otherwise, create, typeTarget, labels);
        }

        /** A source value as people know it: its label beside it when the two differ. */
        public String shown(String value) {
            String label = labels.get(value);
            return label == null || label.equals(value) ? value : label + " (" + value + ")";
        }

        public PlanField {
            targets = targets == null ? Map.of() : Map.copyOf(targets);
            values = values == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(values));
            labels = labels == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(labels));
            kind = kind == null ? VALUE : kind;
        }
    }

    /** A HotCRM custom field a plan adds: its type's wire name, label and picklist values. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record NewField(String type, String label, List<String> values) {
    }

    /** Something left out, with how many records it holds (-1 when not counted) and why. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record Skipped(String name, long count, String why) {
    }

    /** The objects a run loads, in order. */
    public List<PlanObject> included() {
        return objects.stream().filter(PlanObject::include).toList();
    }

    public Optional<PlanObject> object(String source) {
        return objects.stream().filter(o -> o.source().equals(source)).findFirst();
    }

    /**
     * What must be settled before a commit: picklist values mapped to nothing, a missing fallback owner. Empty
     * when the plan can run.
     */
    public List<String> unsettled() {
        List<String> out = new ArrayList<>();
        if (fallbackOwner == null || fallbackOwner.isBlank()) {
            out.add("Choose a fallback owner (\"fallbackOwner\": the email of a HotCRM user) for records a queue or an"
                    + " unknown user owns.");
        }
        for (PlanObject o : included()) {
            o.fill().forEach((field, value) -> {
                if (value == null || value.isBlank()) {
                    out.add(o.target() + "." + field + " is required in HotCRM and the plan fills it from no " + o.source()
                            + " field: give it a value in the object's \"fill\" (used where a record has none), or map a field to it.");
                }
            });
            for (PlanField f : o.fields()) {
                if (f.kind().equals(PlanField.PICKLIST) && f.otherwise() == null) {
                    f.values().forEach((from, to) -> {
                        if (to == null || to.isBlank()) {
                            out.add(o.source() + "." + f.source() + " value \"" + from + "\" is mapped to no " + o.target()
                                    + "." + f.target() + " value: map it, or give the field an \"otherwise\" value.");
                        }
                    });
                }
            }
        }
        return out;
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Reads a plan; a malformed one is refused with what is wrong and where. */
    public static MigrationPlan parse(String json, String where) {
        try {
            MigrationPlan p = JSON.readValue(json, MigrationPlan.class);
            if (p.objects().isEmpty()) {
                throw HotCrmException.invalid("The plan " + where + " has no objects.");
            }
            return p;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw HotCrmException.invalid("The plan " + where + " is not valid: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ")") + ".");
        }
    }
}
