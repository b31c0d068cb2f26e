package io.hotcrm.query;

import io.hotcrm.common.ErrorCode;
import io.hotcrm.common.HotCrmException;
import io.hotcrm.metadata.FieldDef;
import io.hotcrm.metadata.ObjectDef;
import io.hotcrm.security.AccessGuard;
import io.hotcrm.security.Action;
import io.hotcrm.security.Principal;
import io.hotcrm.store.Columns;
import io.hotcrm.store.Database;
import io.hotcrm.store.PgCopyOut;
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

    /** A field path as a column: the path and the definition that types its values. */
    public record FieldColumn(String path, FieldDef def) {
    }

    /**
     * The columns the principal may read among {@code paths} (none named: the record id, external id, every
     * readable field and the created/updated stamps); paths they may not read — a hidden field, or a lookup
     * to an object they may not read — are added to {@code omitted} instead. Unknown fields are errors.
     */
    public List<FieldColumn> columns(Principal p, String object, List<String> paths, List<String> omitted) {
        ObjectDef o = schema.object(object);
        AccessGuard.require(p, o, Action.READ);
        List<FieldColumn> out = new ArrayList<>();
        if (paths.isEmpty()) {
            SqlQuery all = new SqlQuery(schema.catalogue(), p, o);
            all.select(List.of());
            all.selected.forEach(c -> out.add(new FieldColumn(c.path(), c.def())));
            omitted.addAll(all.hidden);
            return out;
        }
        for (String path : paths) {
            try {
                SqlQuery.Column c = new SqlQuery(schema.catalogue(), p, o).resolve(path);
                out.add(new FieldColumn(c.path(), c.def()));
            } catch (HotCrmException e) {
                if (e.code() != ErrorCode.PERMISSION_DENIED) {
                    throw e;
                }
                omitted.add(path);
            }
        }
        return out;
    }

    /**
     * Checks a list view or report as the principal would run it — fields known and readable, filter values
     * of the right types, summaries that fit their fields — without running it.
     */
    public void validate(Principal p, ReportRequest r) {
        QueryRequest q = r.query();
        ObjectDef o = schema.object(q.object());
        AccessGuard.require(p, o, Action.READ);
        SqlQuery compiled = new SqlQuery(schema.catalogue(), p, o);
        compiled.select(q.fields());
        compiled.orderBy(q.orderBy());
        compiled.sql(q.where(), null, 1, new ArrayList<>());
        if (r.isReport()) {
            List<SqlQuery.Column> groups = r.groupBy().stream().map(compiled::resolve).toList();
            compiled.groupSql(q.where(), groups, compiled.summaries(r.aggregates()), 1, new ArrayList<>());
        }
    }

    /** The most groups one report returns. */
    public static final int MAX_GROUPS = 10_000;

    /**
     * Runs a report as the principal: the records they may see that match the filter, grouped and summarised
     * (a count when no summary is asked for), plus the totals over all of them. Every field named must be
     * readable by the principal.
     */
    public ReportResult report(Principal p, ReportRequest r) {
        if (!r.isReport()) {
            throw ObjectQl.invalid("A report needs \"groupBy\": the fields to group the records by.");
        }
        QueryRequest q = r.query();
        ObjectDef o = schema.object(q.object());
        AccessGuard.require(p, o, Action.READ);
        SqlQuery compiled = new SqlQuery(schema.catalogue(), p, o);
        List<SqlQuery.Column> groups = r.groupBy().stream().map(compiled::resolve).toList();
        List<ReportRequest.Aggregate> asked = r.aggregates().isEmpty()
                ? List.of(new ReportRequest.Aggregate(ReportRequest.Fn.COUNT, null)) : r.aggregates();
        List<SqlQuery.Summary> summaries = compiled.summaries(asked);
        List<String> columns = new ArrayList<>(r.groupBy());
        asked.forEach(a -> columns.add(a.column()));
        List<Object> params = new ArrayList<>();
        String sql = compiled.groupSql(q.where(), groups, summaries, MAX_GROUPS + 1, params);
        List<Object> totalParams = new ArrayList<>();
        String totalSql = compiled.groupSql(q.where(), List.of(), summaries, 0, totalParams);
        return db.jdbi().withHandle(h -> {
            List<Map<String, Object>> rows = grouped(h.getConnection(), sql, params, groups, summaries, columns);
            if (rows.size() > MAX_GROUPS) {
                throw ObjectQl.invalid("The report has more than " + MAX_GROUPS + " groups. Group by a field with fewer"
                        + " distinct values, or narrow the filter.");
            }
            List<Map<String, Object>> total = grouped(h.getConnection(), totalSql, totalParams, List.of(), summaries,
                    columns.subList(groups.size(), columns.size()));
            return new ReportResult(o.name(), columns, rows, total.isEmpty() ? Map.of() : total.get(0));
        });
    }

    /** How many records of the object the principal may see match {@code where} (null: all): a list's total. */
    public long count(Principal p, String object, Filter where) {
        ObjectDef o = schema.object(object);
        AccessGuard.require(p, o, Action.READ);
        SqlQuery compiled = new SqlQuery(schema.catalogue(), p, o);
        List<SqlQuery.Summary> summaries = compiled.summaries(List.of(new ReportRequest.Aggregate(ReportRequest.Fn.COUNT, null)));
        List<Object> params = new ArrayList<>();
        String sql = compiled.groupSql(where, List.of(), summaries, 0, params);
        return db.jdbi().withHandle(h -> {
            List<Map<String, Object>> rows = grouped(h.getConnection(), sql, params, List.of(), summaries, List.of("count"));
            return rows.isEmpty() ? 0L : ((Number) rows.get(0).get("count")).longValue();
        });
    }

    private static List<Map<String, Object>> grouped(Connection c, String sql, List<Object> params, List<SqlQuery.Column> groups,
                                                     List<SqlQuery.Summary> summaries, List<String> columns) {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, params);
            List<Map<String, Object>> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    int col = 1;
                    for (SqlQuery.Column g : groups) {
                        row.put(columns.get(col - 1), Columns.read(rs, col, g.def()));
                        col++;
                    }
                    for (SqlQuery.Summary s : summaries) {
                        row.put(columns.get(col - 1), summary(rs, col, s));
                        col++;
                    }
                    rows.add(row);
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new HotCrmException(ErrorCode.UNAVAILABLE, "The report failed in the database: " + e.getMessage(), e);
        }
    }

    private static Object summary(ResultSet rs, int col, SqlQuery.Summary s) throws SQLException {
        return switch (s.aggregate().fn()) {
            case COUNT -> rs.getLong(col);
            case SUM -> rs.getBigDecimal(col);
            case AVG -> {
                java.math.BigDecimal avg = rs.getBigDecimal(col);
                yield avg == null ? null : avg.setScale(Math.max(2, s.column().def().scale()), java.math.RoundingMode.HALF_UP);
            }
            case MIN, MAX -> Columns.read(rs, col, s.column().def());
        };
    }

    /**
     * Hands every record of the query (from the start; a cursor is ignored) to {@code sink} and returns how many
     * there were. One statement, read as a stream, so memory stays flat and the records come from one
     * consistent snapshot of the database. (PostgreSQL streams with a cursor; H2 keeps a large result in a
     * temporary file — its lazy mode can fail with "Chunk not found" on big tables, h2database#4142.)
     */
    public long stream(Principal p, QueryRequest q, Consumer<Map<String, Object>> sink) {
        return streamRows(p, q, (columns, values) -> {
            Map<String, Object> row = new LinkedHashMap<>();
            for (int i = 0; i < values.length; i++) {
                row.put(columns.get(i), values[i]);
            }
            sink.accept(row);
        });
    }

    /** Receives streamed records as values in the order of {@code columns} (the array is reused). */
    public interface RowSink {
        void row(List<String> columns, Object[] values);
    }

    /**
     * Like {@link #stream}, handing each record as an array of values (the record id first unless asked for). A
     * whole-object read resolves its lookups' columns from maps of their targets read first ({@link SqlQuery.Lookup}),
     * when a target has at most {@link #LOOKUP_MAP_LIMIT} records; all statements read one snapshot (repeatable read).
     */
    public long streamRows(Principal p, QueryRequest q, RowSink sink) {
        ObjectDef o = schema.object(q.object());
        AccessGuard.require(p, o, Action.READ);
        SqlQuery compiled = new SqlQuery(schema.catalogue(), p, o);
        compiled.select(q.fields());
        compiled.orderBy(q.orderBy());
        List<String> columns = compiled.selected.stream().map(SqlQuery.Column::path).toList();
        List<SqlQuery.Lookup> lookups = compiled.detachLookups(q.where(), lookupMapLimit);
        boolean h2 = db.dialect() == io.hotcrm.store.Dialect.H2;
        return db.jdbi().inTransaction(org.jdbi.v3.core.transaction.TransactionIsolationLevel.REPEATABLE_READ, h -> {
            Connection c = h.getConnection();
            try {
                List<IdMap> maps = new ArrayList<>();
                List<SqlQuery.Lookup> used = new ArrayList<>();
                for (SqlQuery.Lookup l : lookups) {
                    IdMap map = lookupMap(c, l, lookupMapLimit, !h2);
                    if (map == null) {
                        compiled.reattach(l);
                    } else {
                        maps.add(map);
                        used.add(l);
                    }
                }
                FieldDef[] defs = compiled.streamColumns().stream().map(SqlQuery.Column::def).toArray(FieldDef[]::new);
                java.util.function.Consumer<Object[]> rows = joined(compiled.selected.size(), used, maps, columns, sink);
                if (!h2) {
                    List<Object> copyParams = new ArrayList<>();
                    String copy = PgCopyOut.inline(compiled.copySql(q.where(), copyParams), copyParams);
                    if (copy != null) {
                        return PgCopyOut.read(c, copy, defs, rows);
                    }
                }
                if (h2 && q.where() == null && compiled.sortColumns.isEmpty()) {
                    return pages(c, compiled, defs, rows);
                }
                List<Object> params = new ArrayList<>();
                String sql = compiled.sql(q.where(), null, 0, params);
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    if (!h2) {
                        // server-prepared from the first execution, so values arrive in binary (no date or uuid text to parse)
                        ps.unwrap(org.postgresql.PGStatement.class).setPrepareThreshold(-1);
                    }
                    ps.setFetchSize(STREAM_FETCH);
                    return drain(ps, params, defs, new Object[defs.length], rows);
                }
            } catch (SQLException e) {
                throw failed(e);
            }
        });
    }

    /**
     * H2: a whole object in id order, read in pages of {@link #H2_PAGE} records by id (each page a range of the primary
     * key; the transaction's snapshot keeps them one consistent read). One statement over a large table has H2 write
     * the whole result to a temporary file before the first row comes back — a third of the time of a 500,000-record
     * export — and H2's lazy mode, which would not, can fail on large tables (h2database#4142).
     */
    private long pages(Connection c, SqlQuery compiled, FieldDef[] defs, java.util.function.Consumer<Object[]> rows)
            throws SQLException {
        int idAt = compiled.streamColumns().stream().map(SqlQuery.Column::path).toList().indexOf(io.hotcrm.metadata.SystemField.ID);
        Object[] values = new Object[defs.length];
        Cursor after = null;
        long n = 0;
        while (true) {
            List<Object> params = new ArrayList<>();
            String sql = compiled.sql(null, after, h2Page, params);
            long got;
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                got = drain(ps, params, defs, values, rows);
            }
            n += got;
            if (got < h2Page) {
                return n;
            }
            // the last record's values are still in the array the rows were read into
            after = new Cursor(List.of(), values[idAt].toString(), 0);
        }
    }

    /** Binds the parameters, runs the statement and hands every row's values, read into {@code values}, to {@code rows}. */
    private static long drain(PreparedStatement ps, List<Object> params, FieldDef[] defs, Object[] values,
                              java.util.function.Consumer<Object[]> rows) throws SQLException {
        bind(ps, params);
        long n = 0;
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                for (int i = 0; i < defs.length; i++) {
                    values[i] = Columns.read(rs, i + 1, defs[i]);
                }
                rows.accept(values);
                n++;
            }
        }
        return n;
    }

    /** H2's page of a whole-object stream: a page's result lives until it is read, so a small one dies young. */
    static final int H2_PAGE = 2_000;
    private int h2Page = H2_PAGE;

    /**
     * The most records of a lookup's target read into a map for a stream (about 25 MB for two short text columns);
     * a larger target is joined by the database.
     */
    static final int LOOKUP_MAP_LIMIT = 200_000;
    private int lookupMapLimit = LOOKUP_MAP_LIMIT;

    /**
     * Sets the largest lookup target read into a map and H2's page of a whole-object stream (tests: small ones make the
     * database join a larger target and a stream cross pages).
     */
    void streamLimits(int lookupMapLimit, int h2Page) {
        this.lookupMapLimit = lookupMapLimit;
        this.h2Page = h2Page;
    }

    /**
     * The visible records of a lookup's target, by id; null when there are more than {@code limit} (the statement reads
     * at most one more). PostgreSQL sends them by binary COPY, decoded by the same code as the stream's rows after them.
     */
    private static IdMap lookupMap(Connection c, SqlQuery.Lookup l, int limit, boolean pg) throws SQLException {
        IdMap map = new IdMap();
        FieldDef[] defs = l.defs();
        java.util.function.Consumer<Object[]> put = values -> map.put((UUID) values[0], java.util.Arrays.copyOfRange(values, 1, defs.length));
        String copy = pg ? PgCopyOut.inline(l.sql(), l.params()) : null;
        if (copy != null) {
            PgCopyOut.read(c, copy, defs, put);
        } else {
            try (PreparedStatement ps = c.prepareStatement(l.sql())) {
                ps.setFetchSize(STREAM_FETCH);
                drain(ps, l.params(), defs, new Object[defs.length], put);
            }
        }
        return map.size() > limit ? null : map;
    }

    /**
     * Hands the statement's rows to the sink as the query's columns: as they are when no lookup was detached, else
     * with each detached lookup's columns filled from its map by the reference value the statement selected last.
     */
    private static java.util.function.Consumer<Object[]> joined(int width, List<SqlQuery.Lookup> lookups,
                                                                List<IdMap> maps, List<String> columns, RowSink sink) {
        if (lookups.isEmpty()) {
            return values -> sink.row(columns, values);
        }
        boolean[] filled = new boolean[width];
        lookups.forEach(l -> java.util.Arrays.stream(l.selected()).forEach(i -> filled[i] = true));
        int[] from = new int[width];
        int next = 0;
        for (int i = 0; i < width; i++) {
            from[i] = filled[i] ? -1 : next++;
        }
        int refs = next;
        Object[] out = new Object[width];
        return values -> {
            for (int i = 0; i < width; i++) {
                if (from[i] >= 0) {
                    out[i] = values[from[i]];
                }
            }
            for (int k = 0; k < lookups.size(); k++) {
                Object ref = values[refs + k];
                Object[] target = ref == null ? null : maps.get(k).get(ref);
                int[] at = lookups.get(k).selected();
                for (int i = 0; i < at.length; i++) {
                    out[at[i]] = target == null ? null : target[i];
                }
            }
            sink.row(columns, out);
        };
    }

    /**
     * Streams the changes of the query's object with change_seq in ({@code after}, {@code upTo}], in change
     * order, as the principal sees them: changed and restored records, records moved to the recycle bin, and
     * records deleted for good (their tombstones: id and external id only). The columns are the query's
     * fields, then {@code _change_seq} and {@code _deleted} (true for deletions).
     */
    public long streamChanges(Principal p, QueryRequest q, long after, long upTo, RowSink sink) {
        ObjectDef o = schema.object(q.object());
        AccessGuard.require(p, o, Action.READ);
        SqlQuery compiled = new SqlQuery(schema.catalogue(), p, o);
        compiled.select(q.fields());
        compiled.changes(after, upTo);
        List<Object> params = new ArrayList<>();
        String sql = compiled.sql(q.where(), null, 0, params);
        int width = compiled.selected.size() - 1;
        List<String> columns = new ArrayList<>(compiled.selected.subList(0, width).stream().map(SqlQuery.Column::path).toList());
        columns.add("_change_seq");
        columns.add("_deleted");
        List<String> names = List.copyOf(columns);
        FieldDef[] defs = compiled.selected.stream().map(SqlQuery.Column::def).toArray(FieldDef[]::new);
        io.hotcrm.store.Visibility.Condition vis = io.hotcrm.store.Visibility.of(p, o, "tb");
        return db.jdbi().inTransaction(h -> {
            long n = 0;
            Object[] values = new Object[width + 2];
            try (PreparedStatement ps = h.getConnection().prepareStatement(sql)) {
                bind(ps, params);
                ps.setFetchSize(STREAM_FETCH);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        for (int i = 0; i < width; i++) {
                            values[i] = Columns.read(rs, i + 1, defs[i]);
                        }
                        values[width + 1] = rs.getObject(width + 1) != null;
                        values[width] = rs.getLong(width + 2);
                        sink.row(names, values);
                        n++;
                    }
                }
                int idAt = names.indexOf("id");
                int extAt = names.indexOf(io.hotcrm.metadata.SystemField.EXTERNAL_ID);
                String tomb = "select tb.record_id, tb.external_id, tb.change_seq from hc_tombstone tb where tb.object_name = ?"
                        + " and tb.change_seq > ? and tb.change_seq <= ?" + (vis.isEmpty() ? "" : " and tb.owner_id = ?")
                        + " order by tb.change_seq";
                try (PreparedStatement ts = h.getConnection().prepareStatement(tomb)) {
                    ts.setString(1, o.name());
                    ts.setLong(2, after);
                    ts.setLong(3, upTo);
                    if (!vis.isEmpty()) {
                        ts.setObject(4, vis.params().isEmpty() ? null : vis.params().get(0));
                    }
                    try (ResultSet rs = ts.executeQuery()) {
                        while (rs.next()) {
                            java.util.Arrays.fill(values, null);
                            if (idAt >= 0) {
                                values[idAt] = rs.getObject(1, java.util.UUID.class);
                            }
                            if (extAt >= 0) {
                                values[extAt] = rs.getString(2);
                            }
                            values[width] = rs.getLong(3);
                            values[width + 1] = true;
                            sink.row(names, values);
                            n++;
                        }
                    }
                }
                return n;
            } catch (SQLException e) {
                throw failed(e);
            }
        });
    }

    /** A statement the database refused or could not finish, as the caller's error. */
    private static HotCrmException failed(SQLException e) {
        return new HotCrmException(ErrorCode.UNAVAILABLE, "The query failed in the database: " + e.getMessage(), e);
    }

    /** Binds the statement's parameters in order. */
    private static void bind(PreparedStatement ps, List<Object> params) throws SQLException {
        for (int i = 0; i < params.size(); i++) {
            ps.setObject(i + 1, params.get(i));
        }
    }

    /** Rows fetched per round trip while streaming. */
    static final int STREAM_FETCH = 5000;

    private static UUID execute(Connection c, String sql, List<Object> params, SqlQuery compiled, int limit,
                                List<Map<String, Object>> rows, List<String> lastSort) {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, params);
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
            throw failed(e);
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
