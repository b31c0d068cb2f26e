package io.hotcrm.metadata;

import io.hotcrm.common.HotCrmException;
import java.math.BigDecimal;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A field of an object: its API name (also its column name), label, type and constraints. Picklists carry
 * their allowed values; lookups their target object. Custom fields are added at runtime and marked {@code custom}.
 */
public record FieldDef(
        String name,
        String label,
        FieldType type,
        boolean required,
        boolean unique,
        int maxLength,
        int scale,
        BigDecimal min,
        BigDecimal max,
        String target,
        List<PicklistValue> values,
        Object defaultValue,
        boolean computed,
        boolean custom,
        String personalData) {

    public static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,55}");
    /**
     * What kind of personal data a field may hold ({@code personalData}; empty: none): the privacy package finds,
     * hands over and erases by these, never by field names.
     */
    public static final List<String> PERSONAL_DATA = List.of("name", "name_if_sole_trader", "contact_info", "address",
            "employment", "profiling", "behavioural", "preference", "online_identifier", "geo_location", "signature",
            "free_text", "person_link", "none");
    public static final int TEXTAREA_MAX = 131_072;

    public FieldDef {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        if (!NAME.matcher(name).matches()) {
            throw HotCrmException.invalid("Field name \"" + name + "\" is not valid: use lowercase letters, digits and"
                    + " underscores, starting with a letter, at most 56 characters (for example legacy_tier).");
        }
        label = label == null || label.isBlank() ? name : label;
        values = values == null ? List.of() : List.copyOf(values);
        maxLength = maxLength > 0 ? maxLength : defaultLength(type);
        if (type == FieldType.LOOKUP && (target == null || target.isBlank())) {
            throw HotCrmException.invalid("Lookup field \"" + name + "\" needs a target object.");
        }
        if (type == FieldType.OWNER) {
            target = "user";
        }
        if ((type == FieldType.PICKLIST || type == FieldType.MULTI_PICKLIST) && values.isEmpty()) {
            throw HotCrmException.invalid("Picklist field \"" + name + "\" needs at least one value"
                    + " (for example --values \"Gold;Silver\").");
        }
        personalData = personalData == null || personalData.equals("none") ? "" : personalData;
        if (!personalData.isEmpty() && !PERSONAL_DATA.contains(personalData)) {
            throw HotCrmException.invalid("Personal data kind \"" + personalData + "\" of field \"" + name + "\" is not known:"
                    + " use one of " + String.join(", ", PERSONAL_DATA) + ".");
        }
    }

    private static int defaultLength(FieldType type) {
        return switch (type) {
            case TEXT, PICKLIST -> 255;
            case TEXTAREA -> TEXTAREA_MAX;
            case EMAIL -> 320;
            case PHONE -> 40;
            case URL -> 2048;
            case MULTI_PICKLIST -> 4000;
            default -> 0;
        };
    }

    /** The name used in paths for a lookup: {@code account_id} → {@code account}. */
    public String relationName() {
        return name.endsWith("_id") ? name.substring(0, name.length() - 3) : name;
    }

    /** The allowed value the text names (case-insensitively, by value, label or alias), if any. */
    public Optional<PicklistValue> picklistValue(String text) {
        for (PicklistValue v : values) {
            if (v.matches(text)) {
                return Optional.of(v);
            }
        }
        return Optional.empty();
    }

    /**
     * A custom field as requested by an admin: name, type, label, picklist values (for picklists), target
     * (for lookups), and the usual constraints. Sizes left at 0 take the type's default.
     */
    public static FieldDef custom(String name, FieldType type, String label, List<String> values, String target,
                                  boolean required, boolean unique, int maxLength, int scale) {
        return custom(name, type, label, values, target, required, unique, maxLength, scale, null);
    }

    /**
     * A custom field with the kind of personal data it holds; null takes the type's default: email and phone
     * fields hold contact details, long text may mention people (free text), other types hold none until said.
     */
    public static FieldDef custom(String name, FieldType type, String label, List<String> values, String target,
                                  boolean required, boolean unique, int maxLength, int scale, String personalData) {
        String kind = personalData != null ? personalData.strip().toLowerCase(java.util.Locale.ROOT)
                : type == FieldType.EMAIL || type == FieldType.PHONE ? "contact_info"
                : type == FieldType.TEXTAREA ? "free_text" : "";
        List<PicklistValue> picklist = values == null ? List.of()
                : values.stream().map(String::trim).filter(v -> !v.isEmpty()).distinct().map(PicklistValue::of).toList();
        int defaultScale = type == FieldType.CURRENCY || type == FieldType.PERCENT ? 2 : 0;
        return new FieldDef(name, label, type, required, unique, maxLength, scale > 0 ? scale : defaultScale, null, null,
                target, picklist, null, false, true, kind);
    }

    /** Builder-style copies keep call sites short where only one thing differs. */
    public FieldDef asCustom() {
        return new FieldDef(name, label, type, required, unique, maxLength, scale, min, max, target, values,
                defaultValue, computed, true, personalData);
    }
}
