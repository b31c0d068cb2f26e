package io.hotcrm.migration;

import java.util.List;

/**
 * A field of a source object. {@code readOnly}: computed by the source (formulas, roll-ups, auto numbers).
 * {@code compound}: a field made of others (an address), read as its components. {@code referenceTo}: the objects
 * a reference may point at (several for a polymorphic one).
 */
public record SourceField(String name, String label, SourceType type, int length, int scale, boolean custom,
                          boolean readOnly, boolean compound, List<String> referenceTo, List<Value> values) {
    public SourceField {
        referenceTo = referenceTo == null ? List.of() : List.copyOf(referenceTo);
        values = values == null ? List.of() : List.copyOf(values);
    }

    /**
     * A picklist value: what is stored, what people see, whether it can still be chosen, and a HotCRM value it most
     * likely means ({@code hint}, null for none: a HubSpot deal stage closed and won is "Closed Won" whatever its label).
     */
    public record Value(String value, String label, boolean active, String hint) {
        public Value(String value, String label, boolean active) {
            this(value, label, active, null);
        }
    }

    /** The kinds of value a source field holds, in HotCRM's terms. */
    public enum SourceType {
        ID, TEXT, TEXTAREA, EMAIL, PHONE, URL, PICKLIST, MULTI_PICKLIST, REFERENCE, BOOLEAN, INTEGER, DECIMAL,
        CURRENCY, PERCENT, DATE, DATETIME, TIME, OTHER
    }
}
