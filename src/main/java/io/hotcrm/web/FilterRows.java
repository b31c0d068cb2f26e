package io.hotcrm.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hotcrm.common.HotCrmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A filter as people build it — rows of field, operator and value, all of which must hold — written as the ObjectQL
 * {@code where} the exporter reads, and read back from one when it is that simple (else the form shows the ObjectQL).
 */
public final class FilterRows {
    /** The operators offered, by ObjectQL name, with what the form calls them. */
    public static final Map<String, String> OPERATORS = new LinkedHashMap<>();

    static {
        OPERATORS.put("$eq", "is");
        OPERATORS.put("$ne", "is not");
        OPERATORS.put("$contains", "contains");
        OPERATORS.put("$startsWith", "starts with");
        OPERATORS.put("$gt", "is greater than");
        OPERATORS.put("$lt", "is less than");
        OPERATORS.put("empty", "is empty");
        OPERATORS.put("filled", "is not empty");
    }

    /** One condition. */
    public record Row(String field, String op, String value) {
        static final Row EMPTY = new Row("", "$eq", "");
    }

    private FilterRows() {
    }

    /** The ObjectQL JSON for the rows with a field (null for none); a clear message for a row without a value. */
    public static String toWhere(List<Row> rows) {
        ArrayNode all = Json.MAPPER.createArrayNode();
        for (Row r : rows) {
            if (r.field() == null || r.field().isBlank()) {
                continue;
            }
            ObjectNode cond = Json.MAPPER.createObjectNode();
            switch (r.op()) {
                case "empty" -> cond.put("$null", true);
                case "filled" -> cond.put("$null", false);
                default -> {
                    if (!OPERATORS.containsKey(r.op())) {
                        throw HotCrmException.invalid("Unknown filter operator \"" + r.op() + "\".");
                    }
                    if (r.value() == null || r.value().isBlank()) {
                        throw HotCrmException.invalid("The filter on " + r.field() + " needs a value (or choose \"is empty\").");
                    }
                    cond.put(r.op(), r.value().trim());
                }
            }
            all.addObject().set(r.field(), cond);
        }
        if (all.isEmpty()) {
            return null;
        }
        return (all.size() == 1 ? all.get(0) : Json.MAPPER.createObjectNode().set("$and", all)).toString();
    }

    /** The rows an ObjectQL where is made of, or null when it is more than rows that must all hold. */
    public static List<Row> fromWhere(String where) {
        List<Row> out = new ArrayList<>();
        if (where == null || where.isBlank()) {
            return out;
        }
        try {
            JsonNode n = Json.MAPPER.readTree(where);
            List<JsonNode> parts = new ArrayList<>();
            if (n.size() == 1 && n.has("$and") && n.get("$and").isArray()) {
                n.get("$and").forEach(parts::add);
            } else {
                parts.add(n);
            }
            for (JsonNode part : parts) {
                if (!part.isObject()) {
                    return null;
                }
                for (Map.Entry<String, JsonNode> e : part.properties()) {
                    Row r = row(e.getKey(), e.getValue());
                    if (r == null) {
                        return null;
                    }
                    out.add(r);
                }
            }
            return out;
        } catch (java.io.IOException e) {
            return null;
        }
    }

    private static Row row(String field, JsonNode v) {
        if (field.startsWith("$")) {
            return null;
        }
        if (v.isValueNode()) {
            return new Row(field, "$eq", v.asText());
        }
        if (!v.isObject() || v.size() != 1) {
            return null;
        }
        Map.Entry<String, JsonNode> op = v.properties().iterator().next();
        if (op.getKey().equals("$null") && op.getValue().isBoolean()) {
            return new Row(field, op.getValue().asBoolean() ? "empty" : "filled", "");
        }
        return OPERATORS.containsKey(op.getKey()) && op.getValue().isValueNode() ? new Row(field, op.getKey(), op.getValue().asText()) : null;
    }
}
