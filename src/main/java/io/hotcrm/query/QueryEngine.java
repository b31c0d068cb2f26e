package io.hotcrm.query;

import io.hotcrm.common.ErrorCode;
import io.hotcrm.common.HotCrmException;
import io.hotcrm.metadata.ObjectDef;
import io.hotcrm.security.AccessGuard;
import io.hotcrm.security.Action;
import io.hotcrm.security.Principal;
import io.hotcrm.store.Columns;
import io.hotcrm.store.Database;
import io.hotcrm.store.Schema;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Front door of ObjectQL: {@link #run} returns one page of records the principal may see, with only the
 * fields they may read, and a keyset {@code nextCursor}; {@link #stream} walks every page. Paging never uses
 * OFFSET, and because each page continues strictly after the last (sort key, id) seen, every record that
 * matches for the whole walk is returned exactly once even while others are inserted or deleted.
 */
public final class QueryEngine {
    private final Database db;
    private final Schema schema;

    public QueryEngine(Database db, Schema schema) {
        this.db = db;
        this.schema = schema;
    }

    public QueryResult run(Principal p, QueryRequest q) {
        ObjectDef o = schema.object(q.object());
        AccessGuard.require(p, o, Action.READ);
        SqlQuery compiled = new SqlQuery(schema.catalogue(), p, o);
        compiled.select(q.fields());
        compiled.orderBy(q.orderBy());
        int fingerprint = Objects.hash(o.name(), String.valueOf(q.where()), q.orderBy());
        Cursor after = q.cursor() == null || q.cursor().isBlank() ? null
                : Cursor.decode(q.cursor(), fingerprint, compiled.sortColumns.size());
        List<Object> params = new ArrayList<>();
        String sql = compiled.sql(q.where(), after, q.limit() + 1, params);
        List<Map<String, Object>> rows = new ArrayList<>();
        List<String> lastSort = new ArrayList<>();
        UUID lastId = db.jdbi().withHandle(h -> execute(h.getConnection(), sql, params, compiled, q.limit(), rows, lastSort));
        String next = rows.size() == q.limit() && lastId != null ? new Cursor(lastSort, lastId.toString(), fingerprint).encode() : null;
        return new QueryResult(o.name(), compiled.selected.stream().map(SqlQuery.Column::path).toList(), rows, next,
                compiled.hidden);
    }

    /** Runs the query page by page and hands every record to {@code sink}; returns how many there were. */
    public long stream(Principal p, QueryRequest q, Consumer<Map<String, Object>> sink) {
        long count = 0;
        QueryRequest page = q.withLimit(QueryRequest.MAX_LIMIT);
        while (true) {
            QueryResult r = run(p, page);
            r.records().forEach(sink);
            count += r.records().size();
            if (!r.hasMore()) {
                return count;
            }
            page = page.withCursor(r.nextCursor());
        }
    }

    private static UUID execute(Connection c, String sql, List<Object> params, SqlQuery compiled, int limit,
                                List<Map<String, Object>> rows, List<String> lastSort) {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.size(); i++) {
                ps.setObject(i + 1, params.get(i));
            }
            ps.setFetchSize(Math.min(limit + 1, 1000));
            UUID lastId = null;
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (rows.size() == limit) {
                        return lastId;
                    }
                    Map<String, Object> row = new LinkedHashMap<>();
                    int col = 1;
                    for (SqlQuery.Column column : compiled.selected) {
                        row.put(column.path(), Columns.read(rs, col++, column.def()));
                    }
                    lastSort.clear();
                    for (SqlQuery.Column column : compiled.sortColumns) {
                        lastSort.add(cursorText(Columns.read(rs, col++, column.def())));
                    }
                    lastId = (UUID) row.get("id");
                    rows.add(row);
                }
            }
            return null;
        } catch (SQLException e) {
            throw new HotCrmException(ErrorCode.UNAVAILABLE, "The query failed in the database: " + e.getMessage(), e);
        }
    }

    private static String cursorText(Object v) {
        if (v == null) {
            return null;
        }
        if (v instanceof List<?> l) {
            return String.join(";", l.stream().map(Object::toString).toList());
        }
        if (v instanceof java.math.BigDecimal b) {
            return b.toPlainString();
        }
        if (v instanceof TemporalAccessor) {
            return v.toString();
        }
        return v.toString();
    }
}
