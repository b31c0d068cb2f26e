package io.hotcrm.query;

import java.util.List;
import java.util.Map;

/**
 * One page of results: records as maps from field path to value (with {@code id} always first), the cursor
 * for the next page (null on the last page), and the fields left out because the caller may not read them.
 */
public record QueryResult(String object, List<String> fields, List<Map<String, Object>> records, String nextCursor,
                          List<String> hiddenFields) {
    public QueryResult {
        fields = List.copyOf(fields);
        records = List.copyOf(records);
        hiddenFields = List.copyOf(hiddenFields);
    }

    public boolean hasMore() {
        return nextCursor != null;
    }
}
