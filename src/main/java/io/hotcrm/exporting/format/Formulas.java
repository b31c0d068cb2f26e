package io.hotcrm.exporting.format;

import io.hotcrm.metadata.FieldType;

/**
 * Formula neutralisation (CSV injection): Excel, LibreOffice and Google Sheets run a cell starting with
 * {@code = + - @}, a tab or a carriage return as a formula. Such text values get a leading apostrophe, which
 * spreadsheets show as text; HotCRM's importer removes it again, so a neutralised export re-imports unchanged.
 * Numbers, dates and booleans are never neutralised: {@code -5} stays a number.
 */
public final class Formulas {
    private Formulas() {
    }

    public static boolean textual(FieldType t) {
        return switch (t) {
            case TEXT, TEXTAREA, EMAIL, PHONE, URL, PICKLIST, MULTI_PICKLIST -> true;
            default -> false;
        };
    }

    public static String neutralise(String s) {
        if (s == null || s.isEmpty()) {
            return s;
        }
        char c = s.charAt(0);
        return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r' ? "'" + s : s;
    }
}
