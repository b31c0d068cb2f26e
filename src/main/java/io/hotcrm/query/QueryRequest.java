package io.hotcrm.query;

import io.hotcrm.common.HotCrmException;
import java.util.List;
import java.util.Objects;

/**
 * One page of an ObjectQL query: the object, the fields (empty = every readable field; lookup paths like
 * {@code account.name} allowed), a filter, the order, a page size (1–2,000) and the cursor returned by the
 * previous page.
 */
public record QueryRequest(String object, List<String> fields, Filter where, List<Sort> orderBy, int limit,
                           String cursor) {
    public static final int MAX_LIMIT = 2000;
    public static final int DEFAULT_LIMIT = 200;

    public QueryRequest {
        Objects.requireNonNull(object, "object");
        fields = fields == null ? List.of() : List.copyOf(fields);
        orderBy = orderBy == null ? List.of() : List.copyOf(orderBy);
        if (limit == 0) {
            limit = DEFAULT_LIMIT;
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new HotCrmException(io.hotcrm.common.ErrorCode.INVALID_QUERY, "limit must be between 1 and "
                    + MAX_LIMIT + ", found " + limit + ". Page through larger results with nextCursor.");
        }
    }

    public static QueryRequest of(String object) {
        return new QueryRequest(object, List.of(), null, List.of(), DEFAULT_LIMIT, null);
    }

    public QueryRequest withCursor(String next) {
        return new QueryRequest(object, fields, where, orderBy, limit, next);
    }

    public QueryRequest withLimit(int size) {
        return new QueryRequest(object, fields, where, orderBy, size, cursor);
    }

    public QueryRequest withFields(List<String> names) {
        return new QueryRequest(object, names, where, orderBy, limit, cursor);
    }

    public QueryRequest withWhere(Filter filter) {
        return new QueryRequest(object, fields, filter, orderBy, limit, cursor);
    }

    public QueryRequest withOrderBy(List<Sort> sorts) {
        return new QueryRequest(object, fields, where, sorts, limit, cursor);
    }
}
