package io.hotcrm.query;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A report: a query whose matching records are grouped by {@code groupBy} (field paths, at most three) and
 * summarised per group by {@code aggregates}. Without grouping it is a list view; the query's own fields,
 * order and filter still describe the detail rows an export of a list view writes.
 */
public record ReportRequest(QueryRequest query, List<String> groupBy, List<Aggregate> aggregates) {
    public static final int MAX_GROUP_FIELDS = 3;

    public ReportRequest {
        Objects.requireNonNull(query, "query");
        groupBy = groupBy == null ? List.of() : List.copyOf(groupBy);
        aggregates = aggregates == null ? List.of() : List.copyOf(aggregates);
        if (groupBy.size() > MAX_GROUP_FIELDS) {
            throw ObjectQl.invalid("A report groups by at most " + MAX_GROUP_FIELDS + " fields, found " + groupBy.size() + ".");
        }
        if (!aggregates.isEmpty() && groupBy.isEmpty()) {
            throw ObjectQl.invalid("\"aggregates\" need \"groupBy\": name the fields to group the records by.");
        }
    }

    public boolean isReport() {
        return !groupBy.isEmpty();
    }

    /** The summaries a report can compute per group. */
    public enum Fn {
        COUNT, SUM, AVG, MIN, MAX;

        static Fn parse(String text) {
            try {
                return valueOf(text.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw ObjectQl.invalid("Unknown aggregate \"" + text + "\". Use count, sum, avg, min or max.");
            }
        }

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** One summary: count (field optional), or sum/avg/min/max of a field. */
    public record Aggregate(Fn fn, String field) {
        public Aggregate {
            Objects.requireNonNull(fn, "fn");
            if (fn != Fn.COUNT && (field == null || field.isBlank())) {
                throw ObjectQl.invalid(fn.wireName() + " needs a \"field\", like {\"fn\": \"" + fn.wireName()
                        + "\", \"field\": \"amount\"}.");
            }
        }

        /** The result column's name: {@code count}, {@code sum_amount}. */
        public String column() {
            return field == null ? fn.wireName() : fn.wireName() + "_" + field.replace('.', '_');
        }
    }
}
