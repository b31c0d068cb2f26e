package io.hotcrm.exporting;

import io.hotcrm.exporting.format.Formulas;
import io.hotcrm.metadata.FieldType;

/**
 * A value as exported CSV writes it so a spreadsheet shows it as text and never runs it as a formula (CSV injection),
 * for features that write CSV of their own (a privacy hand-over): text values starting with {@code = + - @}, a tab or
 * a carriage return get a leading apostrophe; numbers, dates and booleans are left as they are.
 */
public final class SpreadsheetSafe {
    private SpreadsheetSafe() {
    }

    public static String cell(FieldType type, String value) {
        return type != null && Formulas.textual(type) ? Formulas.neutralise(value) : value;
    }
}
