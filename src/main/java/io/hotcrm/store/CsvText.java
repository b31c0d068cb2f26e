package io.hotcrm.store;

import java.math.BigDecimal;

/** Writes one value in PostgreSQL COPY CSV form: empty = NULL, quoted when it contains special characters. */
public final class CsvText {
    private CsvText() {
    }

    public static void append(StringBuilder out, Object value) {
        if (value == null) {
            return;
        }
        String s = value instanceof BigDecimal b ? b.toPlainString() : value.toString();
        boolean quote = s.isEmpty();
        for (int i = 0; i < s.length() && !quote; i++) {
            char ch = s.charAt(i);
            quote = ch == ',' || ch == '"' || ch == '\n' || ch == '\r' || ch == '\\';
        }
        if (!quote) {
            out.append(s);
            return;
        }
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == '"') {
                out.append('"');
            }
            out.append(ch);
        }
        out.append('"');
    }
}
