package io.hotcrm.migration;

import de.siegmar.fastcsv.reader.CsvRecord;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A CSV row under its header as column → value, an empty value as null (staged files, Bulk API results, exports). */
public final class CsvRows {
    private CsvRows() {
    }

    public static Map<String, String> of(List<String> header, CsvRecord rec) {
        Map<String, String> row = new HashMap<>(header.size() * 2);
        for (int i = 0; i < header.size() && i < rec.getFieldCount(); i++) {
            String v = rec.getField(i);
            row.put(header.get(i), v.isEmpty() ? null : v);
        }
        return row;
    }
}
