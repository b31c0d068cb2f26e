package io.hotcrm.metadata;

import io.hotcrm.common.HotCrmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A CRM object (account, contact, …): its fields in catalogue order and the fields that make up its display
 * name. The system fields every object has (id, external_id, created/updated at/by, …) are not listed here;
 * see {@link SystemField}.
 */
public record ObjectDef(String name, String label, String pluralLabel, String description,
                        List<String> nameFields, List<FieldDef> fields) {

    public ObjectDef {
        Objects.requireNonNull(name, "name");
        label = label == null ? name : label;
        pluralLabel = pluralLabel == null ? label + "s" : pluralLabel;
        description = description == null ? "" : description;
        nameFields = List.copyOf(nameFields);
        fields = List.copyOf(fields);
        Map<String, FieldDef> seen = new LinkedHashMap<>();
        for (FieldDef f : fields) {
            if (seen.put(f.name(), f) != null || SystemField.isSystem(f.name())) {
                throw new IllegalArgumentException("object " + name + " declares field " + f.name() + " twice");
            }
        }
    }

    public Optional<FieldDef> field(String fieldName) {
        for (FieldDef f : fields) {
            if (f.name().equals(fieldName)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }

    /** The field, or an error that names the object and suggests the closest field names. */
    public FieldDef requireField(String fieldName) {
        return field(fieldName).orElseThrow(() -> HotCrmException.notFound("Object \"" + name
                + "\" has no field \"" + fieldName + "\"." + Suggestions.didYouMean(fieldName,
                fields.stream().map(FieldDef::name).toList()) + " Run \"hotcrm objects describe " + name
                + "\" to see its fields."));
    }

    /** The field a record is known by to people: {@code name}, {@code subject}, {@code title} or its number. */
    public Optional<FieldDef> nameField() {
        for (String n : List.of("name", "subject", "title", name + "_number")) {
            Optional<FieldDef> f = field(n);
            if (f.isPresent()) {
                return f;
            }
        }
        return Optional.empty();
    }

    public Optional<FieldDef> ownerField() {
        return fields.stream().filter(f -> f.type() == FieldType.OWNER).findFirst();
    }

    public String tableName() {
        return "obj_" + name;
    }

    /** A copy with one more (custom) field at the end. */
    public ObjectDef withField(FieldDef field) {
        List<FieldDef> more = new ArrayList<>(fields);
        more.add(field);
        return new ObjectDef(name, label, pluralLabel, description, nameFields, more);
    }
}
