package io.hotcrm.metadata;

import java.util.List;
import java.util.Objects;

/**
 * One allowed value of a picklist. {@code value} is the canonical form that is stored; {@code label} is what
 * people see; {@code aliases} are other spellings that imports accept (for example HotCRM's old lowercase ids).
 */
public record PicklistValue(String value, String label, List<String> aliases) {
    public PicklistValue {
        Objects.requireNonNull(value, "value");
        if (value.isBlank()) {
            throw new IllegalArgumentException("picklist value must not be blank");
        }
        label = label == null || label.isBlank() ? value : label;
        aliases = aliases == null ? List.of() : List.copyOf(aliases);
    }

    public static PicklistValue of(String value) {
        return new PicklistValue(value, value, List.of());
    }

    /** True when the text names this value, ignoring case: the value itself, its label or an alias. */
    public boolean matches(String text) {
        String t = text.trim();
        if (value.equalsIgnoreCase(t) || label.equalsIgnoreCase(t)) {
            return true;
        }
        for (String alias : aliases) {
            if (alias.equalsIgnoreCase(t)) {
                return true;
            }
        }
        return false;
    }
}
