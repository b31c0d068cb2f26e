package io.hotcrm.exporting;

import io.hotcrm.metadata.FieldDef;
import io.hotcrm.metadata.FieldType;

/**
 * One column of an export: its header and the field definition that types its values (Java types as
 * {@code ValueConverter} produces them: String, BigDecimal, LocalDate, OffsetDateTime, Boolean, UUID, List), written as
 * text by {@link io.hotcrm.common.ValueText}.
 */
public record ExportColumn(String name, FieldDef def) {

    public FieldType type() {
        return def.type();
    }
}
