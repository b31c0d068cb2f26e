package io.hotcrm.exporting;

import io.hotcrm.query.Filter;
import io.hotcrm.query.QueryRequest;
import io.hotcrm.query.Sort;
import java.util.List;
import java.util.Objects;

/**
 * What to export: an object, optionally a saved view or report of it, a filter (added to the view's), the
 * fields (instead of the view's; none = every readable field), the order, and how to write the file.
 */
public record ExportRequest(String object, String view, Filter where, List<String> fields, List<Sort> orderBy,
                            ExportOptions options) {
    public ExportRequest {
        Objects.requireNonNull(object, "object");
        Objects.requireNonNull(options, "options");
        fields = fields == null ? List.of() : List.copyOf(fields);
        orderBy = orderBy == null ? List.of() : List.copyOf(orderBy);
    }

    /** An ObjectQL query exported as it is. */
    public static ExportRequest of(QueryRequest q, ExportOptions options) {
        return new ExportRequest(q.object(), null, q.where(), q.fields(), q.orderBy(), options);
    }

    public static ExportRequest view(String object, String view, ExportOptions options) {
        return new ExportRequest(object, view, null, List.of(), List.of(), options);
    }
}
