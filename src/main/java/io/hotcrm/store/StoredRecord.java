package io.hotcrm.store;

import java.time.OffsetDateTime;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * One record as read: its system fields and the catalogue fields the reader may see, in catalogue order.
 * Field values have the Java types described in {@code ValueConverter}.
 */
public record StoredRecord(String object, UUID id, String externalId, Map<String, Object> fields,
                           OffsetDateTime createdAt, UUID createdBy, OffsetDateTime updatedAt, UUID updatedBy,
                           long changeSeq, OffsetDateTime deletedAt) {
    public StoredRecord {
        fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    public Object get(String field) {
        return fields.get(field);
    }

    public boolean deleted() {
        return deletedAt != null;
    }
}
