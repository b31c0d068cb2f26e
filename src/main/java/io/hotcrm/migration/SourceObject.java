package io.hotcrm.migration;

import java.util.List;
import java.util.Optional;

/** An object of the source (Account, Contact, …): its API name, label, key prefix, and fields when described. */
public record SourceObject(String name, String label, String keyPrefix, boolean custom, List<SourceField> fields) {
    public SourceObject {
        fields = fields == null ? List.of() : List.copyOf(fields);
    }

    public Optional<SourceField> field(String name) {
        return fields.stream().filter(f -> f.name().equalsIgnoreCase(name)).findFirst();
    }
}
