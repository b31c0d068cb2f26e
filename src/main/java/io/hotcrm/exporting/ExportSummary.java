package io.hotcrm.exporting;

import java.util.List;

/**
 * What an export wrote: rows, bytes, its columns, and the fields left out because the user may not read
 * them (or may not read the object a lookup points to).
 */
public record ExportSummary(String object, String view, String format, long rows, long bytes, List<String> columns,
                            List<String> omittedFields, double seconds) {
    public ExportSummary {
        columns = List.copyOf(columns);
        omittedFields = List.copyOf(omittedFields);
    }
}
