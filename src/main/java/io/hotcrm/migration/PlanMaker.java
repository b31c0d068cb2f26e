package io.hotcrm.migration;

import io.hotcrm.metadata.Catalogue;
import io.hotcrm.metadata.FieldDef;
import io.hotcrm.metadata.FieldType;
import io.hotcrm.metadata.ObjectDef;
import io.hotcrm.metadata.PicklistValue;
import io.hotcrm.migration.MigrationPlan.NewField;
import io.hotcrm.migration.MigrationPlan.PlanField;
import io.hotcrm.migration.MigrationPlan.PlanObject;
import io.hotcrm.migration.MigrationPlan.Skipped;
import io.hotcrm.migration.SourceDefaults.FieldPair;
import io.hotcrm.migration.SourceDefaults.ObjectPair;
import io.hotcrm.migration.SourceField.SourceType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Proposes a plan from what the source holds and what HotCRM has: the source's object pairs that exist in the
 * org, their records counted in the slice, every standard field paired, custom fields proposed as HotCRM custom
 * fields of the matching type, every picklist value mapped (exact value, then label, then ignoring case), fields
 * and objects left out listed with their reason, and the order computed from the lookups.
 */
final class PlanMaker {
    /** Standard objects worth counting when skipped (business data people ask about); system objects are not listed. */
    private static final Set<String> BUSINESS = Set.of("Asset", "Order", "OrderItem", "Solution", "Idea", "Document",
            "Entitlement", "ServiceContract", "WorkOrder", "Individual", "AccountContactRelation", "Note", "Attachment",
            "ContentVersion", "PricebookEntry", "OpportunityContactRole", "Group", "RecordType");

    /** The custom field that keeps when a record was last changed in the source. */
    static final String SOURCE_MODIFIED = "source_last_modified";

    private final Catalogue catalogue;

    PlanMaker(Catalogue catalogue) {
        this.catalogue = catalogue;
    }

    MigrationPlan make(CrmSource source, String kind, Set<String> only, Slice slice, String fallbackOwner) {
        SourceDefaults d = source.defaults();
        Map<String, SourceObject> available = new LinkedHashMap<>();
        for (SourceObject o : source.objects()) {
            available.put(o.name(), o);
        }
        List<ObjectPair> pairs = new ArrayList<>();
        Set<String> paired = new HashSet<>();
        for (ObjectPair p : d.objects()) {
            paired.add(p.source());
            if (p.target() != null && available.containsKey(p.source()) && catalogue.find(p.target()).isPresent()
                    && (only.isEmpty() || only.contains(p.source()) || p.source().equals(d.userObject()))) {
                pairs.add(p);
            }
        }
        Set<String> mapped = new HashSet<>();
        pairs.forEach(p -> mapped.add(p.source()));
        List<PlanObject> objects = new ArrayList<>();
        String currency = source.org().currency();
        for (ObjectPair p : pairs) {
            objects.add(object(source, d, p, catalogue.object(p.target()), slice, mapped, currency));
        }
        List<Skipped> skipped = new ArrayList<>();
        for (ObjectPair p : d.objects()) {
            if (p.target() == null && available.containsKey(p.source())) {
                skipped.add(new Skipped(p.source(), countOrUnknown(source, p.source(), slice), p.why()));
            }
        }
        for (SourceObject o : available.values()) {
            if (!paired.contains(o.name()) && (o.custom() || BUSINESS.contains(o.name()))) {
                skipped.add(new Skipped(o.name(), countOrUnknown(source, o.name(), slice), "HotCRM has no object for "
                        + o.label() + (o.custom() ? " (a custom object): export it to CSV and import it into a custom field set,"
                        + " or leave it behind" : "") + "."));
            }
        }
        return new MigrationPlan(1, kind, slice, fallbackOwner, MigrationPlan.CREATE_INACTIVE, order(objects, pairs), skipped);
    }

    private static long countOrUnknown(CrmSource source, String object, Slice slice) {
        try {
            return source.count(object, slice);
        } catch (RuntimeException e) {
            return -1;
        }
    }

    private PlanObject object(CrmSource source, SourceDefaults d, ObjectPair pair, ObjectDef target, Slice slice, Set<String> mapped,
                              String currency) {
        SourceObject so = source.describe(pair.source());
        long count = source.count(pair.source(), pair.source().equals(d.userObject()) ? Slice.ALL : slice);
        List<PlanField> fields = new ArrayList<>();
        List<Skipped> skippedFields = new ArrayList<>();
        Set<String> used = new HashSet<>();
        Set<String> targetsTaken = new HashSet<>();
        boolean users = pair.source().equals(d.userObject());
        for (FieldPair fp : d.fields().getOrDefault(pair.source(), List.of())) {
            String root = fp.source().contains(".") ? fp.source().substring(0, fp.source().indexOf('.')) + "Id" : fp.source();
            Optional<SourceField> sf = so.field(root);
            if (sf.isEmpty()) {
                continue;
            }
            used.add(fp.source());
            used.add(root);
            if (FieldPair.PARENT.equals(fp.role())) {
                Map<String, String> targets = new LinkedHashMap<>();
                fp.byType().forEach((type, object) -> {
                    if (mapped.contains(type)) {
                        targets.put(type, object);
                    }
                });
                if (!targets.isEmpty() && target.field(fp.target()).isPresent()) {
                    fields.add(new PlanField(fp.source(), fp.target(), PlanField.PARENT, null, targets, null, null, null, fp.typeTarget()));
                    targetsTaken.add(fp.target());
                    targetsTaken.add(fp.typeTarget());
                }
                continue;
            }
            if (FieldPair.TEXT.equals(fp.role())) {
                if (target.field(fp.target()).isPresent() && targetsTaken.add(fp.target())) {
                    fields.add(new PlanField(fp.source(), fp.target(), PlanField.TEXT, null, null, null, null, null));
                }
                continue;
            }
            if (FieldPair.CONTENT.equals(fp.role())) {
                fields.add(new PlanField(fp.source(), fp.target(), PlanField.CONTENT, null, null, null, null, null));
                targetsTaken.addAll(List.of(fp.target(), Staging.SIZE, Staging.CHECKSUM));
                continue;
            }
            if (!fp.byType().isEmpty()) {
                Map<String, String> targets = new LinkedHashMap<>();
                fp.byType().forEach((type, field) -> {
                    if (target.field(field).isPresent() && mapped.contains(type)) {
                        targets.put(type, field);
                    }
                });
                if (!targets.isEmpty()) {
                    fields.add(new PlanField(fp.source(), null, PlanField.POLYMORPHIC, null, targets, null, null, null));
                    targetsTaken.addAll(targets.values());
                }
                continue;
            }
            Optional<FieldDef> tf = target.field(fp.target());
            if (tf.isEmpty() || targetsTaken.contains(fp.target())) {
                continue;
            }
            targetsTaken.add(fp.target());
            fields.add(field(fp.source(), sf.get(), tf.get()));
        }
        if (!users && target.ownerField().isPresent() && so.field(d.ownerField()).isPresent()) {
            fields.add(new PlanField(d.ownerField(), target.ownerField().get().name(), PlanField.OWNER, null, null, null, null, null));
        }
        if (!users && so.field(d.createdAtField()).isPresent()) {
            fields.add(new PlanField(d.createdAtField(), "created_at", PlanField.CREATED_AT, null, null, null, null, null));
        }
        if (!users && so.field(d.createdByField()).isPresent()) {
            fields.add(new PlanField(d.createdByField(), "created_by", PlanField.CREATED_BY, null, null, null, null, null));
        }
        if (!users && d.modifiedAtField() != null && so.field(d.modifiedAtField()).isPresent()) {
            // the source's last change by a person is history worth keeping; updated_at stays HotCRM's own
            used.add(d.modifiedAtField());
            fields.add(new PlanField(d.modifiedAtField(), SOURCE_MODIFIED, PlanField.VALUE, null, null, null, null,
                    target.field(SOURCE_MODIFIED).isPresent() ? null : new NewField("datetime", "Last Modified in Source", List.of())));
            targetsTaken.add(SOURCE_MODIFIED);
        }
        for (SourceField f : so.fields()) {
            if (used.contains(f.name()) || f.compound() || f.type() == SourceType.ID || d.ignored().contains(f.name())
                    || d.ignored().contains(f.name() + "@" + so.name())) {
                continue;
            }
            if (f.custom() && !users) {
                PlanField custom = customField(f, target, targetsTaken, skippedFields);
                if (custom != null) {
                    fields.add(custom);
                    targetsTaken.add(custom.target());
                }
            } else {
                skippedFields.add(new Skipped(f.name(), -1, "HotCRM's " + target.label().toLowerCase(Locale.ROOT)
                        + " has no field for " + f.label() + "."));
            }
        }
        Map<String, String> fill = new LinkedHashMap<>();
        for (FieldDef f : target.fields()) {
            if (f.computed() || targetsTaken.contains(f.name())) {
                continue;
            }
            if (f.required() && f.type() != FieldType.OWNER && !(users && (f.name().equals("role") || f.name().equals("active")))) {
                fill.put(f.name(), f.type() == FieldType.PICKLIST ? fillValue(f, currency) : "");
            } else if (currencyOf(f, currency) != null) {
                // a currency the source does not give per record (a single-currency org): the org's, not the field's default
                fill.put(f.name(), currencyOf(f, currency));
            }
        }
        List<String> depends = new ArrayList<>();
        for (PlanField f : fields) {
            if (f.lookup() != null && !f.lookup().equals(pair.source()) && !depends.contains(f.lookup())) {
                depends.add(f.lookup());
            }
            f.targets().keySet().stream().filter(t -> !t.equals(pair.source()) && !depends.contains(t)).forEach(depends::add);
        }
        return new PlanObject(pair.source(), pair.target(), true, count, depends, fields, fill, skippedFields);
    }

    /** What fills a required picklist the source has no field for: the source's currency where it lists currencies, else its default. */
    private static String fillValue(FieldDef f, String currency) {
        String c = currencyOf(f, currency);
        return c != null ? c : defaultValue(f);
    }

    /** The picklist's value for the source's currency (ISO code) when the picklist lists currencies; else null. */
    private static String currencyOf(FieldDef f, String currency) {
        if (currency == null || f.type() != FieldType.PICKLIST) {
            return null;
        }
        return f.values().stream().map(io.hotcrm.metadata.PicklistValue::value).filter(v -> v.equalsIgnoreCase(currency))
                .findFirst().orElse(null);
    }

    private static String defaultValue(FieldDef f) {
        if (f.defaultValue() != null) {
            return f.defaultValue().toString();
        }
        return f.values().isEmpty() ? "" : f.values().get(0).value();
    }

    private PlanField field(String sourceName, SourceField sf, FieldDef tf) {
        if (tf.type() == FieldType.LOOKUP) {
            String lookup = sourceName.contains(".") ? sourceName.substring(sourceName.lastIndexOf('.') + 1).replaceAll("Id$", "")
                    : sf.referenceTo().isEmpty() ? null : sf.referenceTo().get(0);
            return new PlanField(sourceName, tf.name(), PlanField.LOOKUP, lookup, null, null, null, null);
        }
        if (tf.type() == FieldType.OWNER) {
            return new PlanField(sourceName, tf.name(), PlanField.OWNER, null, null, null, null, null);
        }
        if (tf.type() == FieldType.PICKLIST || tf.type() == FieldType.MULTI_PICKLIST) {
            return new PlanField(sourceName, tf.name(), PlanField.PICKLIST, null, null, picklist(sf, tf), null, null)
                    .withLabels(labels(sf));
        }
        return new PlanField(sourceName, tf.name(), PlanField.VALUE, null, null, null, null, null);
    }

    /** The labels of the source values that differ from their values. */
    static Map<String, String> labels(SourceField sf) {
        Map<String, String> out = new LinkedHashMap<>();
        for (SourceField.Value v : sf.values()) {
            if (v.label() != null && !v.label().equals(v.value())) {
                out.put(v.value(), v.label());
            }
        }
        return out;
    }

    /** Every source value mapped to a HotCRM value: the same value, then the same label, then ignoring case; else null. */
    static Map<String, String> picklist(SourceField sf, FieldDef tf) {
        Map<String, String> out = new LinkedHashMap<>();
        for (SourceField.Value v : sf.values()) {
            out.put(v.value(), match(v, tf).orElse(null));
        }
        return out;
    }

    private static Optional<String> match(SourceField.Value v, FieldDef tf) {
        if (v.hint() != null) {
            Optional<String> hinted = tf.picklistValue(v.hint()).map(PicklistValue::value);
            if (hinted.isPresent()) {
                return hinted;
            }
        }
        for (PicklistValue p : tf.values()) {
            if (p.value().equals(v.value())) {
                return Optional.of(p.value());
            }
        }
        for (PicklistValue p : tf.values()) {
            if (p.label().equals(v.label()) || p.label().equals(v.value())) {
                return Optional.of(p.value());
            }
        }
        // a label that names its group first ("Sales Pipeline: Closed Won") matches by its last part too
        String last = v.label() == null ? null : v.label().substring(v.label().lastIndexOf(": ") + 1).strip();
        return tf.picklistValue(v.value()).or(() -> tf.picklistValue(v.label())).or(() -> last == null ? Optional.empty()
                : tf.picklistValue(last)).map(PicklistValue::value);
    }

    private PlanField customField(SourceField f, ObjectDef target, Set<String> taken, List<Skipped> skipped) {
        if (f.readOnly()) {
            skipped.add(new Skipped(f.name(), -1, f.label() + " is computed by the source (a formula or roll-up); HotCRM has no"
                    + " formulas."));
            return null;
        }
        String type = switch (f.type()) {
            case TEXT, TIME -> "text";
            case TEXTAREA -> "textarea";
            case EMAIL -> "email";
            case PHONE -> "phone";
            case URL -> "url";
            case PICKLIST -> "picklist";
            case MULTI_PICKLIST -> "multi-picklist";
            case BOOLEAN -> "boolean";
            case INTEGER, DECIMAL -> "number";
            case CURRENCY -> "currency";
            case PERCENT -> "percent";
            case DATE -> "date";
            case DATETIME -> "datetime";
            default -> null;
        };
        if (type == null || (type.endsWith("picklist") && f.values().isEmpty())) {
            skipped.add(new Skipped(f.name(), -1, f.type() == SourceType.REFERENCE ? f.label() + " is a custom reference;"
                    + " HotCRM proposes no custom lookups yet: add a lookup field and map it in the plan."
                    : f.label() + " has a type HotCRM has no field for."));
            return null;
        }
        String name = fieldName(f.name(), target, taken);
        Optional<FieldDef> existing = target.field(name);
        if (existing.isPresent()) {
            FieldDef tf = existing.get();
            return tf.type() == FieldType.PICKLIST || tf.type() == FieldType.MULTI_PICKLIST
                    ? new PlanField(f.name(), name, PlanField.PICKLIST, null, null, picklist(f, tf), null, null).withLabels(labels(f))
                    : new PlanField(f.name(), name, PlanField.VALUE, null, null, null, null, null);
        }
        List<String> values = f.values().stream().map(SourceField.Value::value).toList();
        Map<String, String> identity = new LinkedHashMap<>();
        values.forEach(v -> identity.put(v, v));
        return new PlanField(f.name(), name, type.endsWith("picklist") ? PlanField.PICKLIST : PlanField.VALUE, null, null,
                type.endsWith("picklist") ? identity : null, null, new NewField(type, f.label(), values));
    }

    /** {@code Customer_Priority__c} → {@code customer_priority}; a name HotCRM's object already uses gets {@code sf_}. */
    static String fieldName(String apiName, ObjectDef target, Set<String> taken) {
        String base = apiName.replaceAll("__(c|pc)$", "").replaceAll("([A-Z]+)([A-Z][a-z])", "$1_$2").replaceAll("([a-z0-9])([A-Z])", "$1_$2").replaceAll("[^A-Za-z0-9]+", "_")
                .toLowerCase(Locale.ROOT).replaceAll("^_+|_+$", "");
        if (base.isEmpty() || !Character.isLetter(base.charAt(0))) {
            base = "f_" + base;
        }
        if (base.length() > 50) {
            base = base.substring(0, 50);
        }
        Optional<FieldDef> same = target.field(base);
        if ((same.isPresent() && !same.get().custom()) || taken.contains(base) || io.hotcrm.metadata.SystemField.isSystem(base)) {
            base = "sf_" + base;
        }
        return base;
    }

    /** Dependencies first (what an object's lookups point at), the source's own order as the tie-break. */
    static List<PlanObject> order(List<PlanObject> objects, List<ObjectPair> pairs) {
        Map<String, Integer> seed = new HashMap<>();
        for (int i = 0; i < pairs.size(); i++) {
            seed.put(pairs.get(i).source(), i);
        }
        Map<String, PlanObject> byName = new LinkedHashMap<>();
        objects.stream().sorted((a, b) -> Integer.compare(seed.get(a.source()), seed.get(b.source())))
                .forEach(o -> byName.put(o.source(), o));
        List<PlanObject> out = new ArrayList<>();
        Set<String> done = new LinkedHashSet<>();
        while (done.size() < byName.size()) {
            PlanObject next = null;
            for (PlanObject o : byName.values()) {
                if (!done.contains(o.source()) && o.dependsOn().stream().allMatch(dep -> done.contains(dep) || !byName.containsKey(dep))) {
                    next = o;
                    break;
                }
            }
            if (next == null) {
                // a cycle: the first in the source's order goes first; its lookups into the cycle resolve on a later run
                next = byName.values().stream().filter(o -> !done.contains(o.source())).findFirst().orElseThrow();
            }
            done.add(next.source());
            out.add(next);
        }
        return out;
    }
}
