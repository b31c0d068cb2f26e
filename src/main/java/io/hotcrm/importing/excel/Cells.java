package io.hotcrm.importing.excel;

import io.hotcrm.common.HotCrmException;
import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;

/** What spreadsheet rows have in common however they are read: cell text and header checks. */
final class Cells {
    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss");

    private Cells() {
    }

    /** A date cell as ISO text: the calendar day alone when it has no time of day. */
    static String date(LocalDateTime t) {
        if (t.toLocalTime().toSecondOfDay() == 0) {
            return t.toLocalDate().toString();
        }
        return t.withNano(0).format(DATE_TIME);
    }

    /** A number cell as plain digits: 42, 1234.5 (never 1.2345E3). */
    static String number(BigDecimal d) {
        BigDecimal s = d.stripTrailingZeros();
        return (s.scale() < 0 ? s.setScale(0) : s).toPlainString();
    }

    static String number(double d) {
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            return Long.toString((long) d);
        }
        return number(BigDecimal.valueOf(d));
    }

    static HotCrmException noSheet(String fileName, String wanted, List<String> sheets) {
        return HotCrmException.invalid("The workbook " + fileName + " has no sheet \"" + wanted + "\". Its sheets: "
                + String.join(", ", sheets) + " (give a name or a number from 1).");
    }

    /** Finds the sheet by name (case-insensitive) or 1-based number; null = the first. */
    static int sheetIndex(String fileName, String wanted, List<String> sheets) {
        if (wanted == null || wanted.isBlank()) {
            return 0;
        }
        for (int i = 0; i < sheets.size(); i++) {
            if (sheets.get(i).equalsIgnoreCase(wanted.trim())) {
                return i;
            }
        }
        try {
            int n = Integer.parseInt(wanted.trim());
            if (n >= 1 && n <= sheets.size()) {
                return n - 1;
            }
        } catch (NumberFormatException e) {
            // not a number: fall through to the message
        }
        throw noSheet(fileName, wanted, sheets);
    }
}
