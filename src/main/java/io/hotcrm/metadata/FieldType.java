package io.hotcrm.metadata;

import io.hotcrm.common.HotCrmException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The kinds of value a field holds. The wire name is what the catalogue, the CLI and the API use. */
public enum FieldType {
    TEXT("text"),
    TEXTAREA("textarea"),
    EMAIL("email"),
    PHONE("phone"),
    URL("url"),
    NUMBER("number"),
    CURRENCY("currency"),
    PERCENT("percent"),
    DATE("date"),
    DATETIME("datetime"),
    BOOLEAN("boolean"),
    PICKLIST("picklist"),
    MULTI_PICKLIST("multi-picklist"),
    LOOKUP("lookup"),
    OWNER("owner");

    private final String wireName;

    FieldType(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public boolean isNumeric() {
        return this == NUMBER || this == CURRENCY || this == PERCENT;
    }

    public boolean isReference() {
        return this == LOOKUP || this == OWNER;
    }

    public boolean isText() {
        return this == TEXT || this == TEXTAREA || this == EMAIL || this == PHONE || this == URL;
    }

    /** Parses a wire name; the message lists the accepted names. */
    public static FieldType fromWire(String name) {
        String wanted = name == null ? "" : name.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        if (wanted.equals("multipicklist") || wanted.equals("multiselect") || wanted.equals("multi-select")) {
            return MULTI_PICKLIST;
        }
        if (wanted.equals("select")) {
            return PICKLIST;
        }
        for (FieldType t : values()) {
            if (t.wireName.equals(wanted)) {
                return t;
            }
        }
        throw HotCrmException.invalid("Unknown field type \"" + name + "\". Use one of: "
                + Arrays.stream(values()).map(FieldType::wireName).collect(Collectors.joining(", ")) + ".");
    }
}
