package io.hotcrm.migration;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a source knows about its own data model, so that the engine stays the same for every source:
 * the fields every record has (id, owner, created/changed stamps, deleted flag), the source's users object
 * and queues, its objects paired with HotCRM's in the order a migration loads them, and the default field
 * pairs per object. Fields not paired here are matched by the engine (custom fields become custom fields).
 *
 * @param modifiedAtField when a user last changed a record in the source: kept in a field of its own (HotCRM's
 *        {@code updated_at} records HotCRM's own writes)
 * @param objects the source's objects in load order; a pair without a target is skipped with its reason
 * @param fields per source object, its standard fields' HotCRM counterparts
 * @param ignored fields never offered (system bookkeeping, compound parents, values derived from others)
 */
public record SourceDefaults(String idField, String ownerField, String createdAtField, String createdByField,
                             String changedAtField, String modifiedAtField, String userObject, String userEmailField, String userActiveField,
                             Set<String> queuePrefixes, List<ObjectPair> objects, Map<String, List<FieldPair>> fields,
                             Set<String> ignored) {

    /** A source object and the HotCRM object it becomes ({@code target} null: skipped, {@code why} says why). */
    public record ObjectPair(String source, String target, String why) {
    }

    /**
     * A source field and the HotCRM field it fills. A polymorphic reference names a target field per object type
     * it may point at ({@code byType}); its types not named there are not kept, and counted. {@code role}
     * {@code parent}: the record a note or file belongs to, of any type ({@code byType}: source object → HotCRM
     * object; {@code typeTarget} gets the object); {@code content}: a file's bytes; {@code text}: a note's body kept
     * as a binary field of the source, read as text.
     */
    public record FieldPair(String source, String target, Map<String, String> byType, String role, String typeTarget) {
        public static final String PARENT = "parent";
        public static final String CONTENT = "content";
        public static final String TEXT = "text";

        public FieldPair {
            byType = byType == null ? Map.of() : Map.copyOf(byType);
        }

        public FieldPair(String source, String target, Map<String, String> byType) {
            this(source, target, byType, null, null);
        }

        public static FieldPair of(String source, String target) {
            return new FieldPair(source, target, Map.of());
        }

        public static FieldPair parent(String source, String target, String typeTarget, Map<String, String> objects) {
            return new FieldPair(source, target, objects, PARENT, typeTarget);
        }

        public static FieldPair content(String source, String target) {
            return new FieldPair(source, target, Map.of(), CONTENT, null);
        }

        public static FieldPair text(String source, String target) {
            return new FieldPair(source, target, Map.of(), TEXT, null);
        }
    }
}
