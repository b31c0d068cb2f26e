package io.hotcrm.query;

import static io.hotcrm.store.Dialect.q;

import io.hotcrm.common.HotCrmException;
import io.hotcrm.metadata.Catalogue;
import io.hotcrm.metadata.FieldDef;
import io.hotcrm.metadata.FieldType;
import io.hotcrm.metadata.ObjectDef;
import io.hotcrm.metadata.Suggestions;
import io.hotcrm.metadata.SystemField;
import io.hotcrm.metadata.ValueConverter;
import io.hotcrm.security.AccessGuard;
import io.hotcrm.security.Action;
import io.hotcrm.security.Principal;
import io.hotcrm.store.PgCopyOut;
import io.hotcrm.store.Visibility;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Compiles one {@link QueryRequest} into a parameterised SELECT: lookup paths become LEFT JOINs (which
 * respect the target's visibility), filters become predicates on typed parameters, and the order becomes a
 * keyset predicate plus ORDER BY with the id as the final tie-breaker. Field-level security is checked for
 * every path the query names.
 */
final class SqlQuery {
    /** A resolved path: its SQL expression and the field definition that types it. */
    record Column(String path, String expr, FieldDef def) {
    }

    private final Catalogue catalogue;
    private final Principal principal;
    private final ObjectDef base;
    /** The lookup joins by path prefix ({@code account}, {@code account.parent}), in the order they were made. */
    private final Map<String, Join> joins = new LinkedHashMap<>();
    /** Aliases of the joins the stream resolves itself ({@link #detachLookups}): left out of the statement. */
    private final java.util.Set<String> detached = new java.util.HashSet<>();
    final List<Column> selected = new ArrayList<>();
    final List<String> hidden = new ArrayList<>();
    final List<Column> sortColumns = new ArrayList<>();
    final List<Boolean> sortDescending = new ArrayList<>();
    /** Changes mode: records in the recycle bin are included, and only those with change_seq in a range. */
    private long changesAfter = -1;
    private long changesUpTo;

    SqlQuery(Catalogue catalogue, Principal principal, ObjectDef base) {
        this.catalogue = catalogue;
        this.principal = principal;
        this.base = base;
    }

    /** System columns typed as fields so that filters, sorting and cursors treat them like any other. */
    static List<FieldDef> systemFields(ObjectDef o) {
        return List.of(
                field(SystemField.ID, "Record ID", FieldType.LOOKUP, o.name()),
                field(SystemField.EXTERNAL_ID, "External ID", FieldType.TEXT, null),
                field(SystemField.CREATED_AT, "Created At", FieldType.DATETIME, null),
                field(SystemField.CREATED_BY, "Created By", FieldType.LOOKUP, "user"),
                field(SystemField.UPDATED_AT, "Updated At", FieldType.DATETIME, null),
                field(SystemField.UPDATED_BY, "Updated By", FieldType.LOOKUP, "user"),
                field(SystemField.CHANGE_SEQ, "Change Sequence", FieldType.NUMBER, null));
    }

    private static FieldDef field(String name, String label, FieldType type, String target) {
        return new FieldDef(name, label, type, false, false, 0, 0, null, null, target, List.of(), null, false, false, "");
    }

    void select(List<String> paths) {
        if (paths.isEmpty()) {
            selected.add(resolve(SystemField.ID));
            selected.add(resolve(SystemField.EXTERNAL_ID));
            for (FieldDef f : base.fields()) {
                if (AccessGuard.canRead(principal, base, f)) {
                    selected.add(new Column(f.name(), "t." + q(f.name()), f));
                } else {
                    hidden.add(f.name());
                }
            }
            for (String s : List.of(SystemField.CREATED_AT, SystemField.CREATED_BY, SystemField.UPDATED_AT, SystemField.UPDATED_BY)) {
                selected.add(resolve(s));
            }
            return;
        }
        if (!paths.contains(SystemField.ID)) {
            selected.add(resolve(SystemField.ID));
        }
        for (String p : paths) {
            selected.add(resolve(p));
        }
    }

    /** Resolves {@code field}, {@code relation.field} (any depth), checking permissions on the way. */
    Column resolve(String path) {
        String[] segments = path.split("\\.");
        ObjectDef object = base;
        String alias = "t";
        String prefix = "";
        for (int i = 0; i < segments.length - 1; i++) {
            FieldDef ref = relation(object, segments[i], path);
            ObjectDef target = catalogue.object(ref.target());
            AccessGuard.require(principal, target, Action.READ);
            prefix = prefix.isEmpty() ? segments[i] : prefix + "." + segments[i];
            alias = join(prefix, alias, ref, target);
            object = target;
        }
        FieldDef f = leaf(object, segments[segments.length - 1], path);
        return new Column(path, alias + "." + q(f.name()), f);
    }

    private FieldDef relation(ObjectDef o, String name, String path) {
        for (FieldDef f : allFields(o)) {
            if (f.type().isReference() && (f.name().equals(name) || f.relationName().equals(name))) {
                if (!SystemField.isSystem(f.name())) {
                    AccessGuard.requireReadable(principal, o, f);
                }
                return f;
            }
        }
        throw ObjectQl.invalid("\"" + path + "\": object \"" + o.name() + "\" has no lookup named \"" + name + "\"."
                + Suggestions.didYouMean(name, o.fields().stream().filter(x -> x.type().isReference())
                .map(FieldDef::relationName).toList()));
    }

    private FieldDef leaf(ObjectDef o, String name, String path) {
        for (FieldDef f : allFields(o)) {
            if (f.name().equals(name)) {
                if (!SystemField.isSystem(f.name())) {
                    AccessGuard.requireReadable(principal, o, f);
                }
                return f;
            }
        }
        throw ObjectQl.invalid("Unknown field \"" + path + "\": object \"" + o.name() + "\" has no field \"" + name + "\"."
                + Suggestions.didYouMean(name, allFields(o).stream().map(FieldDef::name).toList())
                + " Run \"hotcrm objects describe " + o.name() + "\" to see its fields.");
    }

    private static List<FieldDef> allFields(ObjectDef o) {
        List<FieldDef> all = new ArrayList<>(systemFields(o));
        all.addAll(o.fields());
        return all;
    }

    private String join(String prefix, String fromAlias, FieldDef ref, ObjectDef target) {
        Join existing = joins.get(prefix);
        if (existing != null) {
            return existing.alias();
        }
        String alias = "j" + (joins.size() + 1);
        joins.put(prefix, new Join(alias, fromAlias, ref, target, Visibility.of(principal, target, alias)));
        return alias;
    }

    /** A LEFT JOIN to a lookup's target: only its visible records, never one in the recycle bin. */
    record Join(String alias, String fromAlias, FieldDef ref, ObjectDef target, Visibility.Condition vis) {
        /** The target's records the join matches: alive and visible. */
        String matches() {
            return alias + ".deleted_at is null" + (vis.isEmpty() ? "" : " and " + vis.sql());
        }
    }

    /**
     * A lookup the stream resolves itself: {@code sql} reads every visible record of the target (at most {@code limit})
     * into a map by id — its id, then the selected columns, typed by {@code defs} — and each streamed record's reference
     * (the statement selects it after the query's own columns) is looked up in it, instead of a join per record: the
     * statement's largest cost on both databases when the target is much smaller than the object (a million contacts,
     * a hundred thousand accounts). {@code selected[i]} is the query's column the map's {@code i + 1}th value fills.
     */
    record Lookup(Join join, String sql, List<Object> params, FieldDef[] defs, int[] selected) {
    }

    /**
     * Detaches the lookups the stream can resolve itself and returns them: those one step from the object whose columns
     * are only selected — not filtered on, sorted by or joined through — on a whole-object read (no filter; the
     * principal sees every record of the object). The statement then selects each one's reference column instead
     * ({@link #streamColumns}). {@code reattach} puts one back when its target turns out too large.
     */
    List<Lookup> detachLookups(Filter where, int limit) {
        if (where != null || changesAfter >= 0 || !Visibility.of(principal, base, "t").isEmpty()) {
            return List.of();
        }
        List<Lookup> out = new ArrayList<>();
        for (Join j : joins.values()) {
            boolean sorted = sortColumns.stream().anyMatch(c -> c.expr().startsWith(j.alias() + "."));
            boolean through = joins.values().stream().anyMatch(o -> o.fromAlias().equals(j.alias()));
            if (!j.fromAlias().equals("t") || sorted || through) {
                continue;
            }
            List<Integer> indexes = new ArrayList<>();
            List<FieldDef> defs = new ArrayList<>();
            List<String> exprs = new ArrayList<>();
            defs.add(systemFields(j.target()).get(0));
            for (int i = 0; i < selected.size(); i++) {
                if (selected.get(i).expr().startsWith(j.alias() + ".")) {
                    indexes.add(i);
                    defs.add(selected.get(i).def());
                    exprs.add(selected.get(i).expr());
                }
            }
            String sql = "select " + j.alias() + ".id" + exprs.stream().map(e -> ", " + e).collect(Collectors.joining()) + " from "
                    + j.target().tableName() + " " + j.alias() + " where " + j.matches() + " limit " + (limit + 1);
            detached.add(j.alias());
            out.add(new Lookup(j, sql, j.vis().params(), defs.toArray(FieldDef[]::new),
                    indexes.stream().mapToInt(Integer::intValue).toArray()));
        }
        return out;
    }

    /** Joins a detached lookup in the statement again. */
    void reattach(Lookup l) {
        detached.remove(l.join().alias());
    }

    /**
     * What the statement selects: the selected columns but those of detached lookups, then each detached lookup's
     * reference column ({@code t.account_id}), in the order {@link #detachLookups} returned them.
     */
    List<Column> streamColumns() {
        List<Column> out = new ArrayList<>();
        for (Column c : selected) {
            if (!detached.contains(aliasOf(c))) {
                out.add(c);
            }
        }
        for (Join j : joins.values()) {
            if (detached.contains(j.alias())) {
                out.add(new Column(j.ref().name(), "t." + q(j.ref().name()), j.ref()));
            }
        }
        return out;
    }

    private static String aliasOf(Column c) {
        return c.expr().substring(0, c.expr().indexOf('.'));
    }

    void orderBy(List<Sort> sorts) {
        for (Sort s : sorts) {
            if (s.field().equals(SystemField.ID)) {
                continue;
            }
            sortColumns.add(resolve(s.field()));
            sortDescending.add(s.descending());
        }
    }

    /**
     * Builds the statement; where and keyset parameters are appended to {@code params} in order. A
     * {@code fetch} of 0 reads every matching record (one streamed statement).
     */
    String sql(Filter where, Cursor cursor, int fetch, List<Object> params) {
        return sql(where, cursor, fetch, params, false);
    }

    /**
     * The same query for PostgreSQL's binary COPY ({@code PgCopyOut}): every selected column cast to the type its
     * field is decoded from, and the sort keys only in the ORDER BY.
     */
    String copySql(Filter where, List<Object> params) {
        return sql(where, null, 0, params, true);
    }

    private String sql(Filter where, Cursor cursor, int fetch, List<Object> params, boolean forCopy) {
        List<Object> whereParams = new ArrayList<>();
        String whereSql = where == null ? null : predicate(where, whereParams);
        List<Object> keyParams = new ArrayList<>();
        String keySql = cursor == null ? null : keyset(0, cursor, keyParams);
        StringBuilder sql = new StringBuilder("select ");
        sql.append(streamColumns().stream().map(c -> forCopy ? "cast(" + c.expr() + " as " + PgCopyOut.castType(c.def()) + ")" : c.expr())
                .collect(Collectors.joining(", ")));
        for (Column c : forCopy ? List.<Column>of() : sortColumns) {
            sql.append(", ").append(c.expr());
        }
        fromWhere(sql, whereSql, whereParams, params);
        if (keySql != null) {
            sql.append(" and (").append(keySql).append(')');
            params.addAll(keyParams);
        }
        sql.append(" order by ");
        for (int i = 0; i < sortColumns.size(); i++) {
            sql.append(sortColumns.get(i).expr()).append(sortDescending.get(i) ? " desc nulls first, " : " asc nulls last, ");
        }
        sql.append("t.id asc");
        if (fetch > 0) {
            sql.append(" limit ").append(fetch);
        }
        return sql.toString();
    }

    /** FROM with the lookup joins, then the base object's visibility and the filter. */
    private void fromWhere(StringBuilder sql, String whereSql, List<Object> whereParams, List<Object> params) {
        sql.append(" from ").append(base.tableName()).append(" t");
        for (Join j : joins.values()) {
            if (!detached.contains(j.alias())) {
                sql.append(" left join ").append(j.target().tableName()).append(' ').append(j.alias()).append(" on ").append(j.alias())
                        .append(".id = ").append(j.fromAlias()).append('.').append(q(j.ref().name())).append(" and ").append(j.matches());
                params.addAll(j.vis().params());
            }
        }
        if (changesAfter >= 0) {
            sql.append(" where t.change_seq > ? and t.change_seq <= ?");
            params.add(changesAfter);
            params.add(changesUpTo);
        } else {
            sql.append(" where t.deleted_at is null");
        }
        Visibility.Condition vis = Visibility.of(principal, base, "t");
        if (!vis.isEmpty()) {
            sql.append(" and ").append(vis.sql());
            params.addAll(vis.params());
        }
        if (whereSql != null) {
            sql.append(" and (").append(whereSql).append(')');
            params.addAll(whereParams);
        }
    }

    /**
     * Turns the query into one over changes: records (recycle bin included) whose change_seq is above
     * {@code after} and at most {@code upTo}, with {@code change_seq} and {@code deleted_at} selected last,
     * in change order.
     */
    void changes(long after, long upTo) {
        this.changesAfter = after;
        this.changesUpTo = upTo;
        sortColumns.clear();
        sortDescending.clear();
        sortColumns.add(new Column("_change_seq", "t.change_seq", systemFields(base).stream()
                .filter(f -> f.name().equals(SystemField.CHANGE_SEQ)).findFirst().orElseThrow()));
        sortDescending.add(false);
        selected.add(new Column("_deleted_at", "t.deleted_at",
                new FieldDef("deleted_at", "Deleted At", FieldType.DATETIME, false, false, 0, 0, null, null, null, List.of(), null, false, false, "")));
    }

    /** A report's summaries over its resolved columns (null for count(*)). */
    record Summary(ReportRequest.Aggregate aggregate, Column column) {
    }

    /**
     * Resolves a report's summaries, checking that each fits its field: sum and avg need numbers; min and
     * max need numbers, dates or text.
     */
    List<Summary> summaries(List<ReportRequest.Aggregate> aggregates) {
        List<Summary> out = new ArrayList<>();
        for (ReportRequest.Aggregate a : aggregates) {
            Column c = a.field() == null ? null : resolve(a.field());
            if (c != null && (a.fn() == ReportRequest.Fn.SUM || a.fn() == ReportRequest.Fn.AVG) && !c.def().type().isNumeric()) {
                throw ObjectQl.invalid(a.fn().wireName() + " needs a number field; " + a.field() + " is a "
                        + c.def().type().wireName() + " field.");
            }
            if (c != null && (a.fn() == ReportRequest.Fn.MIN || a.fn() == ReportRequest.Fn.MAX)
                    && (c.def().type().isReference() || c.def().type() == FieldType.BOOLEAN || c.def().type() == FieldType.MULTI_PICKLIST)) {
                throw ObjectQl.invalid(a.fn().wireName() + " works on numbers, dates and text; " + a.field() + " is a "
                        + c.def().type().wireName() + " field.");
            }
            out.add(new Summary(a, c));
        }
        return out;
    }

    /**
     * The grouped statement: group columns, then one column per summary; groups in ascending order (empty
     * values last), at most {@code fetch} of them. With no group columns it is one row of totals.
     */
    String groupSql(Filter where, List<Column> groups, List<Summary> summaries, int fetch, List<Object> params) {
        List<Object> whereParams = new ArrayList<>();
        String whereSql = where == null ? null : predicate(where, whereParams);
        StringBuilder sql = new StringBuilder("select ");
        List<String> parts = new ArrayList<>();
        groups.forEach(g -> parts.add(g.expr()));
        for (Summary s : summaries) {
            String arg = s.column() == null ? "*" : s.column().expr();
            parts.add(s.aggregate().fn().wireName() + "(" + arg + ")");
        }
        sql.append(String.join(", ", parts));
        fromWhere(sql, whereSql, whereParams, params);
        if (!groups.isEmpty()) {
            String g = groups.stream().map(Column::expr).collect(Collectors.joining(", "));
            sql.append(" group by ").append(g).append(" order by ")
                    .append(groups.stream().map(c -> c.expr() + " asc nulls last").collect(Collectors.joining(", ")))
                    .append(" limit ").append(fetch);
        }
        return sql.toString();
    }

    /** Rows after the cursor, in the order above; null sorts after every value. */
    private String keyset(int i, Cursor cursor, List<Object> params) {
        if (i == sortColumns.size()) {
            params.add(java.util.UUID.fromString(cursor.id()));
            return "t.id > ?";
        }
        Column c = sortColumns.get(i);
        String raw = cursor.values().get(i);
        boolean desc = sortDescending.get(i);
        if (raw == null) {
            String rest = keyset(i + 1, cursor, params);
            return desc ? c.expr() + " is not null or (" + c.expr() + " is null and " + rest + ")"
                    : c.expr() + " is null and (" + rest + ")";
        }
        Object v = typed(c, raw);
        params.add(v);
        String first = desc ? c.expr() + " < ?" : "(" + c.expr() + " > ? or " + c.expr() + " is null)";
        params.add(v);
        String rest = keyset(i + 1, cursor, params);
        return first + " or (" + c.expr() + " = ? and (" + rest + "))";
    }

    private String predicate(Filter f, List<Object> params) {
        if (f instanceof Filter.And and) {
            return and.parts().isEmpty() ? "1 = 1" : and.parts().stream().map(p -> "(" + predicate(p, params) + ")")
                    .collect(Collectors.joining(" and "));
        }
        if (f instanceof Filter.Or or) {
            return or.parts().isEmpty() ? "1 = 0" : or.parts().stream().map(p -> "(" + predicate(p, params) + ")")
                    .collect(Collectors.joining(" or "));
        }
        if (f instanceof Filter.Not not) {
            return "not (" + predicate(not.inner(), params) + ")";
        }
        return compare((Filter.Compare) f, params);
    }

    private String compare(Filter.Compare cmp, List<Object> params) {
        Column c = resolve(cmp.path());
        String e = c.expr();
        Object v = cmp.value();
        switch (cmp.op()) {
            case NULL -> {
                boolean isNull = v == null || Boolean.TRUE.equals(v) || "true".equals(String.valueOf(v));
                return e + (isNull ? " is null" : " is not null");
            }
            case EQ -> {
                if (v == null) {
                    return e + " is null";
                }
                params.add(typed(c, v));
                return e + " = ?";
            }
            case NE -> {
                if (v == null) {
                    return e + " is not null";
                }
                params.add(typed(c, v));
                return "(" + e + " <> ? or " + e + " is null)";
            }
            case GT, GTE, LT, LTE -> {
                params.add(typed(c, requireValue(cmp)));
                return e + " " + Map.of(Filter.Op.GT, ">", Filter.Op.GTE, ">=", Filter.Op.LT, "<", Filter.Op.LTE, "<=")
                        .get(cmp.op()) + " ?";
            }
            case IN, NIN -> {
                List<?> list = list(cmp, -1);
                if (list.isEmpty()) {
                    return cmp.op() == Filter.Op.IN ? "1 = 0" : "1 = 1";
                }
                list.forEach(x -> params.add(typed(c, x)));
                String marks = list.stream().map(x -> "?").collect(Collectors.joining(", "));
                return cmp.op() == Filter.Op.IN ? e + " in (" + marks + ")"
                        : "(" + e + " not in (" + marks + ") or " + e + " is null)";
            }
            case BETWEEN -> {
                List<?> list = list(cmp, 2);
                params.add(typed(c, list.get(0)));
                params.add(typed(c, list.get(1)));
                return e + " between ? and ?";
            }
            default -> {
                return textMatch(c, cmp, params);
            }
        }
    }

    private String textMatch(Column c, Filter.Compare cmp, List<Object> params) {
        String text = String.valueOf(requireValue(cmp));
        if (c.def().type() == FieldType.MULTI_PICKLIST && cmp.op() == Filter.Op.CONTAINS) {
            String value = c.def().picklistValue(text).map(io.hotcrm.metadata.PicklistValue::value)
                    .orElseThrow(() -> ObjectQl.invalid("where " + cmp.path() + ": \"" + text + "\" is not one of the allowed values."));
            params.add("%;" + escapeLike(value) + ";%");
            return "(';' || " + c.expr() + " || ';') like ? escape '\\'";
        }
        if (!c.def().type().isText() && c.def().type() != FieldType.PICKLIST && c.def().type() != FieldType.MULTI_PICKLIST) {
            throw ObjectQl.invalid(cmp.op().canonical() + " works on text fields; " + cmp.path() + " is a "
                    + c.def().type().wireName() + " field.");
        }
        String p = escapeLike(text.toLowerCase(Locale.ROOT));
        params.add(switch (cmp.op()) {
            case STARTS_WITH -> p + "%";
            case ENDS_WITH -> "%" + p;
            default -> "%" + p + "%";
        });
        return "lower(" + c.expr() + ") like ? escape '\\'";
    }

    private static String escapeLike(String s) {
        return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }

    private static Object requireValue(Filter.Compare cmp) {
        if (cmp.value() == null || cmp.value() instanceof List<?>) {
            throw ObjectQl.invalid(cmp.op().canonical() + " on " + cmp.path() + " needs a single value.");
        }
        return cmp.value();
    }

    private static List<?> list(Filter.Compare cmp, int size) {
        if (!(cmp.value() instanceof List<?> l) || (size > 0 && l.size() != size)) {
            throw ObjectQl.invalid(cmp.op().canonical() + " on " + cmp.path() + " needs a list"
                    + (size > 0 ? " of " + size + " values, like [1, 10]" : " of values") + ".");
        }
        return l;
    }

    /** Converts a filter or cursor value to the field's Java type, with the field's own message on failure. */
    static Object typed(Column c, Object raw) {
        FieldDef f = c.def();
        Object value = raw instanceof BigDecimal b && !f.type().isNumeric() ? b.toPlainString() : raw;
        ValueConverter.Converted conv = ValueConverter.convertForComparison(f, value);
        if (!conv.ok()) {
            throw ObjectQl.invalid("where " + c.path() + ": " + conv.problem().message());
        }
        Object v = conv.value();
        return v instanceof List<?> l ? String.join(";", l.stream().map(Objects::toString).toList()) : v;
    }

    static HotCrmException unsupported(String message) {
        return ObjectQl.invalid(message);
    }
}
