package io.hotcrm.mapping;

/**
 * One column of a mapping: the file's header, the field it fills (null = ignored), how a lookup or owner
 * column finds its records, an optional date pattern for this column, and the policy for values a
 * picklist or boolean field does not allow.
 */
public record ColumnMapping(String column, String field, LookupBy by, String dateFormat, Unknown ifUnknown) {
    public ColumnMapping {
        if (ifUnknown == null) {
            ifUnknown = Unknown.FAIL;
        }
        if (dateFormat != null && dateFormat.isBlank()) {
            dateFormat = null;
        }
        if (dateFormat != null) {
            Formats.dateFormatter(dateFormat);
        }
    }

    public static ColumnMapping of(String column, String field) {
        return new ColumnMapping(column, field, null, null, Unknown.FAIL);
    }

    public static ColumnMapping lookup(String column, String field, LookupBy by) {
        return new ColumnMapping(column, field, by, null, Unknown.FAIL);
    }

    public boolean ignored() {
        return field == null;
    }
}
