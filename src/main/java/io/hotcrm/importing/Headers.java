package io.hotcrm.importing;

import io.hotcrm.common.HotCrmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A file's header row as every source reads it: trimmed, unnamed columns named, duplicates refused. */
public final class Headers {
    private Headers() {
    }

    /**
     * The headers of a file: trailing empty cells dropped, empty ones named "Column N", and an error naming
     * every header that appears twice (case-insensitively). {@code where} names the file (and sheet).
     */
    public static List<String> of(String where, List<String> raw) {
        List<String> out = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        List<String> duplicates = new ArrayList<>();
        int last = raw.size();
        while (last > 0 && (raw.get(last - 1) == null || raw.get(last - 1).isBlank())) {
            last--;
        }
        for (int i = 0; i < last; i++) {
            String h = raw.get(i) == null ? "" : raw.get(i).strip();
            if (h.isEmpty()) {
                h = "Column " + (i + 1);
            }
            Integer before = seen.putIfAbsent(h.toLowerCase(Locale.ROOT), i);
            if (before != null) {
                duplicates.add("\"" + h + "\" (columns " + (before + 1) + " and " + (i + 1) + ")");
            }
            out.add(h);
        }
        if (out.isEmpty()) {
            throw HotCrmException.invalid(where + " has no column headers: its first row should name the columns.");
        }
        if (!duplicates.isEmpty()) {
            throw HotCrmException.invalid(where + " has columns with the same header: " + String.join(", ", duplicates)
                    + ". Rename them so each header is unique.");
        }
        return List.copyOf(out);
    }
}
