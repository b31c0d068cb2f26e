package io.hotcrm.query;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hotcrm.common.ErrorCode;
import io.hotcrm.common.HotCrmException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Parses ObjectQL JSON into a {@link QueryRequest}. Accepts the canonical form ({@code where} with
 * {@code $eq … $null, $and $or $not}; {@code orderBy}; {@code limit}/{@code top}; {@code cursor}) and the legacy
 * form ({@code filters} triples joined by "and"/"or", {@code sort} as "field desc" or "-field").
 */
public final class ObjectQl {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ObjectQl() {
    }

    public static QueryRequest parse(String json) {
        try {
            return parse(JSON.readTree(json));
        } catch (JsonProcessingException e) {
            throw invalid("The query is not valid JSON: " + e.getOriginalMessage() + " (line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr() + ").");
        }
    }

    public static QueryRequest parse(JsonNode q) {
        return parse(q, List.of());
    }

    /**
     * Parses a list view or report definition: an ObjectQL query plus, for a report, {@code groupBy} (field
     * paths) and {@code aggregates} ({@code [{"fn": "sum", "field": "amount"}, {"fn": "count"}]}).
     */
    public static ReportRequest parseReport(JsonNode q) {
        QueryRequest base = parse(q, List.of("groupBy", "aggregates"));
        List<String> groupBy = q.has("groupBy") ? fields(q.get("groupBy")) : List.of();
        List<ReportRequest.Aggregate> aggregates = new ArrayList<>();
        JsonNode a = q.path("aggregates");
        if (!a.isMissingNode() && !a.isNull()) {
            if (!a.isArray()) {
                throw invalid("\"aggregates\" must be a list like [{\"fn\": \"sum\", \"field\": \"amount\"}, {\"fn\": \"count\"}].");
            }
            for (JsonNode x : a) {
                String fn = x.isTextual() ? x.asText() : x.path("fn").asText("");
                ReportRequest.Fn f = ReportRequest.Fn.parse(fn);
                String field = x.path("field").isTextual() ? x.get("field").asText() : null;
                aggregates.add(new ReportRequest.Aggregate(f, field));
            }
        }
        return new ReportRequest(base, groupBy, aggregates);
    }

    public static ReportRequest parseReport(String json) {
        try {
            return parseReport(JSON.readTree(json));
        } catch (JsonProcessingException e) {
            throw invalid("The definition is not valid JSON: " + e.getOriginalMessage() + " (line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr() + ").");
        }
    }

    /** A filter alone, as given to {@code --where}: {"email": {"$endsWith": "@example.com"}}. */
    public static Filter parseWhere(String json) {
        try {
            return parseWhere(JSON.readTree(json));
        } catch (JsonProcessingException e) {
            throw invalid("The filter is not valid JSON: " + e.getOriginalMessage() + " (line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr() + ").");
        }
    }

    private static QueryRequest parse(JsonNode q, List<String> extraKeys) {
        if (q == null || !q.isObject()) {
            throw invalid("The query must be a JSON object like {\"object\": \"contact\", \"fields\": [\"email\"]}.");
        }
        if (!q.path("object").isTextual()) {
            throw invalid("The query needs \"object\": the object to read, for example \"contact\".");
        }
        if (q.has("offset") || q.has("skip")) {
            throw invalid("\"offset\"/\"skip\" are not supported: page with \"cursor\" set to the previous page's nextCursor.");
        }
        for (Iterator<String> it = q.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!List.of("object", "fields", "where", "filters", "filter", "orderBy", "sort", "limit", "top", "cursor").contains(key)
                    && !extraKeys.contains(key)) {
                throw invalid("Unknown query key \"" + key + "\". Use object, fields, where (or filters), orderBy, limit and cursor"
                        + (extraKeys.isEmpty() ? "." : ", and for a report " + String.join(" and ", extraKeys) + "."));
            }
        }
        Filter where = null;
        if (q.has("where") || q.has("filter")) {
            where = parseWhere(q.has("where") ? q.get("where") : q.get("filter"));
        }
        if (q.has("filters")) {
            Filter legacy = parseLegacy(q.get("filters"));
            where = where == null ? legacy : new Filter.And(List.of(where, legacy));
        }
        int limit = q.has("top") ? intValue(q.get("top"), "top") : q.has("limit") ? intValue(q.get("limit"), "limit") : 0;
        String cursor = q.path("cursor").isNull() || q.path("cursor").isMissingNode() ? null : q.get("cursor").asText();
        return new QueryRequest(q.get("object").asText(), fields(q.get("fields")), where,
                q.has("orderBy") ? orderBy(q.get("orderBy")) : sort(q.get("sort")), limit, cursor);
    }

    private static int intValue(JsonNode n, String key) {
        if (!n.canConvertToInt()) {
            throw invalid("\"" + key + "\" must be a whole number, found " + n + ".");
        }
        return n.asInt();
    }

    private static List<String> fields(JsonNode n) {
        List<String> out = new ArrayList<>();
        if (n == null || n.isNull()) {
            return out;
        }
        if (!n.isArray()) {
            throw invalid("\"fields\" must be a list of field names, like [\"first_name\", \"account.name\"].");
        }
        for (JsonNode f : n) {
            if (f.isTextual()) {
                out.add(f.asText());
            } else if (f.isObject() && f.path("field").isTextual()) {
                out.add(f.get("field").asText());
            } else {
                throw invalid("Each entry of \"fields\" must be a field name, found " + f + ".");
            }
        }
        return out;
    }

    private static List<Sort> orderBy(JsonNode n) {
        List<Sort> out = new ArrayList<>();
        if (n.isTextual()) {
            return sort(n);
        }
        if (!n.isArray()) {
            throw invalid("\"orderBy\" must be a list like [{\"field\": \"created_at\", \"order\": \"desc\"}].");
        }
        for (JsonNode s : n) {
            if (s.isTextual()) {
                out.addAll(sort(s));
                continue;
            }
            String order = s.path("order").asText("asc").toLowerCase(Locale.ROOT);
            if (!order.equals("asc") && !order.equals("desc")) {
                throw invalid("orderBy order must be \"asc\" or \"desc\", found \"" + order + "\".");
            }
            if (!s.path("field").isTextual()) {
                throw invalid("Each orderBy entry needs a \"field\".");
            }
            out.add(new Sort(s.get("field").asText(), order.equals("desc")));
        }
        return out;
    }

    /** Legacy sort: "name desc, created_at" or ["-price", "name"]. */
    private static List<Sort> sort(JsonNode n) {
        List<Sort> out = new ArrayList<>();
        if (n == null || n.isNull()) {
            return out;
        }
        List<String> parts = new ArrayList<>();
        if (n.isArray()) {
            n.forEach(p -> parts.add(p.asText()));
        } else {
            for (String p : n.asText().split(",")) {
                parts.add(p);
            }
        }
        for (String p : parts) {
            String t = p.trim();
            if (t.isEmpty()) {
                continue;
            }
            if (t.startsWith("-")) {
                out.add(new Sort(t.substring(1), true));
            } else {
                String[] w = t.split("\\s+");
                out.add(new Sort(w[0], w.length > 1 && w[1].equalsIgnoreCase("desc")));
            }
        }
        return out;
    }

    static Filter parseWhere(JsonNode n) {
        if (!n.isObject()) {
            throw invalid("\"where\" must be an object like {\"email\": {\"$endsWith\": \"@example.com\"}}, found " + n + ".");
        }
        List<Filter> parts = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : n.properties()) {
            String key = e.getKey();
            JsonNode v = e.getValue();
            switch (key) {
                case "$and", "$or" -> {
                    if (!v.isArray()) {
                        throw invalid(key + " takes a list of conditions.");
                    }
                    List<Filter> inner = new ArrayList<>();
                    v.forEach(x -> inner.add(parseWhere(x)));
                    parts.add(key.equals("$and") ? new Filter.And(inner) : new Filter.Or(inner));
                }
                case "$not" -> parts.add(new Filter.Not(parseWhere(v)));
                default -> {
                    if (key.startsWith("$")) {
                        throw invalid("Unknown operator \"" + key + "\" at the top of a condition; use $and, $or or $not,"
                                + " or put a field name first.");
                    }
                    parts.add(fieldCondition(key, v));
                }
            }
        }
        return parts.size() == 1 ? parts.get(0) : new Filter.And(parts);
    }

    private static Filter fieldCondition(String path, JsonNode v) {
        if (!v.isObject()) {
            return new Filter.Compare(path, Filter.Op.EQ, value(v));
        }
        boolean operators = v.size() > 0 && v.fieldNames().next().startsWith("$");
        if (!operators) {
            List<Filter> nested = new ArrayList<>();
            v.properties().forEach(e -> nested.add(fieldCondition(path + "." + e.getKey(), e.getValue())));
            return nested.size() == 1 ? nested.get(0) : new Filter.And(nested);
        }
        List<Filter> parts = new ArrayList<>();
        v.properties().forEach(e -> parts.add(operator(path, e.getKey(), e.getValue())));
        return parts.size() == 1 ? parts.get(0) : new Filter.And(parts);
    }

    private static Filter operator(String path, String op, JsonNode v) {
        for (Filter.Op o : Filter.Op.values()) {
            if (o.canonical().equals(op)) {
                return new Filter.Compare(path, o, value(v));
            }
        }
        if (op.equals("$exist") || op.equals("$exists")) {
            return new Filter.Compare(path, Filter.Op.NULL, !v.asBoolean());
        }
        if (op.equals("$not")) {
            return new Filter.Not(fieldCondition(path, v));
        }
        throw invalid("Unknown operator \"" + op + "\" on " + path + ". Use $eq, $ne, $gt, $gte, $lt, $lte, $in, $nin,"
                + " $between, $contains, $startsWith, $endsWith or $null.");
    }

    /** Legacy {@code filters}: triples joined by "and"/"or", adjacent ones ANDed, nested lists grouped. */
    static Filter parseLegacy(JsonNode n) {
        if (!n.isArray()) {
            throw invalid("\"filters\" must be a list of [field, operator, value] triples.");
        }
        if (isTriple(n)) {
            return triple(n);
        }
        List<Filter> orParts = new ArrayList<>();
        List<Filter> andParts = new ArrayList<>();
        for (JsonNode item : n) {
            if (item.isTextual()) {
                String c = item.asText().toLowerCase(Locale.ROOT);
                if (c.equals("or")) {
                    orParts.add(andOf(andParts));
                    andParts = new ArrayList<>();
                } else if (!c.equals("and")) {
                    throw invalid("Between filters only \"and\" and \"or\" are allowed, found \"" + item.asText() + "\".");
                }
            } else {
                andParts.add(parseLegacy(item));
            }
        }
        if (andParts.isEmpty() && !orParts.isEmpty()) {
            throw invalid("\"filters\" ends with \"or\"; add the condition that should follow it.");
        }
        orParts.add(andOf(andParts));
        return orParts.size() == 1 ? orParts.get(0) : new Filter.Or(orParts);
    }

    private static Filter andOf(List<Filter> parts) {
        if (parts.isEmpty()) {
            throw invalid("\"filters\" has an \"and\"/\"or\" with no condition beside it.");
        }
        return parts.size() == 1 ? parts.get(0) : new Filter.And(parts);
    }

    private static boolean isTriple(JsonNode n) {
        return n.size() == 3 && n.get(0).isTextual() && n.get(1).isTextual()
                && !n.get(0).asText().equalsIgnoreCase("and") && !n.get(0).asText().equalsIgnoreCase("or");
    }

    private static Filter triple(JsonNode n) {
        String field = n.get(0).asText();
        String op = n.get(1).asText().toLowerCase(Locale.ROOT).trim();
        Object value = value(n.get(2));
        Filter.Op o = switch (op) {
            case "=", "==", "eq", "equals" -> Filter.Op.EQ;
            case "!=", "<>", "ne" -> Filter.Op.NE;
            case ">", "gt" -> Filter.Op.GT;
            case ">=", "gte" -> Filter.Op.GTE;
            case "<", "lt" -> Filter.Op.LT;
            case "<=", "lte" -> Filter.Op.LTE;
            case "in" -> Filter.Op.IN;
            case "nin", "not in", "not_in" -> Filter.Op.NIN;
            case "contains", "like" -> Filter.Op.CONTAINS;
            case "startswith", "starts_with" -> Filter.Op.STARTS_WITH;
            case "endswith", "ends_with" -> Filter.Op.ENDS_WITH;
            case "between" -> Filter.Op.BETWEEN;
            default -> throw invalid("Unknown filter operator \"" + n.get(1).asText() + "\" in " + n + ". Use =, !=, >, >=,"
                    + " <, <=, in, not in, contains, startswith, endswith or between.");
        };
        if (o == Filter.Op.EQ && value == null) {
            return new Filter.Compare(field, Filter.Op.NULL, true);
        }
        if (o == Filter.Op.NE && value == null) {
            return new Filter.Compare(field, Filter.Op.NULL, false);
        }
        return new Filter.Compare(field, o, value);
    }

    static Object value(JsonNode v) {
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isArray()) {
            List<Object> list = new ArrayList<>();
            v.forEach(x -> list.add(value(x)));
            return list;
        }
        if (v.isBoolean()) {
            return v.booleanValue();
        }
        if (v.isNumber()) {
            return v.decimalValue();
        }
        if (v.isObject()) {
            throw invalid("Expected a value, found an object " + v + ".");
        }
        return v.asText();
    }

    static HotCrmException invalid(String message) {
        return new HotCrmException(ErrorCode.INVALID_QUERY, message);
    }
}
