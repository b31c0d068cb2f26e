package io.hotcrm.query;

import java.util.List;
import java.util.Map;

/**
 * A report's rows — one per group, with the group values and the summaries, in group order — and the
 * summaries over all matching records ({@code totals}).
 */
public record ReportResult(String object, List<String> columns, List<Map<String, Object>> rows, Map<String, Object> totals) {
    public ReportResult {
        columns = List.copyOf(columns);
        rows = List.copyOf(rows);
    }
}
