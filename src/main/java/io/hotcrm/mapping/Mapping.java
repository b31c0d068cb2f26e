package io.hotcrm.mapping;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hotcrm.common.HotCrmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a file's columns fill an object's fields: one {@link ColumnMapping} per column (columns not listed are
 * ignored), constants for fields the file lacks, and the file's value formats. Columns are named by header,
 * so a saved mapping applies to every file with the same headers.
 *
 * <p>JSON form (what {@link #toJson} writes and {@code --mapping FILE} reads):
 * <pre>{"object": "contact",
 *  "columns": [{"column": "E-mail", "field": "email"},
 *              {"column": "Company", "field": "account_id", "by": "name"},
 *              {"column": "Status", "field": "status", "ifUnknown": "default", "default": "Open"}],
 *  "constants": {"lead_source": "Web"},
 *  "compose": {"name": ["First Name", "Last Name"]},
 *  "dateFormat": "dd.MM.yyyy", "timeZone": "Europe/Berlin", "decimalComma": true}</pre>
 * {@code columns} may also be an object, {@code {"E-mail": "email", "Company": "account_id:name"}}.
 * {@code compose} fills a text field from several columns, joined by a space (blank cells left out): a user's
 * full name from the first and last names of a Salesforce or HubSpot user export.
 */
public record Mapping(String object, List<ColumnMapping> columns, Map<String, String> constants, Formats formats,
                      Map<String, List<String>> compose) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public Mapping {
        columns = List.copyOf(columns);
        constants = constants == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(constants));
        formats = formats == null ? Formats.DEFAULT : formats;
        compose = compose == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(compose));
    }

    public Mapping(String object, List<ColumnMapping> columns, Map<String, String> constants, Formats formats) {
        this(object, columns, constants, formats, Map.of());
    }

    /** The mapping with {@code field} filled from {@code columns} joined by a space. */
    public Mapping withCompose(String field, List<String> fromColumns) {
        Map<String, List<String>> c = new LinkedHashMap<>(compose);
        c.put(field, List.copyOf(fromColumns));
        return new Mapping(object, columns, constants, formats, c);
    }

    /** The mapping the suggestions propose: every confidently matched column, nothing else. */
    public static Mapping fromSuggestions(String object, List<Suggestion> suggestions) {
        List<ColumnMapping> cols = new ArrayList<>();
        for (Suggestion s : suggestions) {
            if (s.mapped()) {
                cols.add(new ColumnMapping(s.header(), s.field(), s.by(), null, Unknown.FAIL));
            }
        }
        return new Mapping(object, cols, Map.of(), Formats.DEFAULT);
    }

    public Mapping withFormats(Formats f) {
        return new Mapping(object, columns, constants, f, compose);
    }

    public Mapping withObject(String o) {
        return new Mapping(o, columns, constants, formats, compose);
    }

    public String toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("object", object);
        ArrayNode cols = root.putArray("columns");
        for (ColumnMapping c : columns) {
            ObjectNode n = cols.addObject().put("column", c.column()).put("field", c.field());
            if (c.by() != null) {
                n.put("by", c.by().id());
            }
            if (c.dateFormat() != null) {
                n.put("dateFormat", c.dateFormat());
            }
            if (c.ifUnknown().policy() != Unknown.Policy.FAIL) {
                n.put("ifUnknown", c.ifUnknown().policy().id());
                if (c.ifUnknown().defaultValue() != null) {
                    n.put("default", c.ifUnknown().defaultValue());
                }
            }
        }
        ObjectNode consts = root.putObject("constants");
        constants.forEach(consts::put);
        if (!compose.isEmpty()) {
            ObjectNode comp = root.putObject("compose");
            compose.forEach((field, from) -> {
                ArrayNode a = comp.putArray(field);
                from.forEach(a::add);
            });
        }
        if (formats.dateFormat() != null) {
            root.put("dateFormat", formats.dateFormat());
        }
        root.put("timeZone", formats.timeZone().getId());
        root.put("decimalComma", formats.decimalComma());
        return root.toString();
    }

    /** Reads the JSON form; {@code source} names where it came from in messages. */
    public static Mapping parse(String json, String source) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw HotCrmException.invalid("The mapping " + source + " is not valid JSON: " + e.getOriginalMessage()
                    + " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ").");
        }
        if (root == null || !root.isObject()) {
            throw HotCrmException.invalid("The mapping " + source + " must be a JSON object with \"columns\".");
        }
        List<ColumnMapping> cols = new ArrayList<>();
        JsonNode c = root.path("columns");
        if (c.isArray()) {
            for (JsonNode n : c) {
                String column = text(n, "column");
                if (column == null) {
                    throw HotCrmException.invalid("The mapping " + source + " has a column entry without \"column\": " + n);
                }
                String by = text(n, "by");
                cols.add(new ColumnMapping(column, text(n, "field"), by == null ? null : LookupBy.of(by),
                        text(n, "dateFormat"), Unknown.of(text(n, "ifUnknown"), text(n, "default"))));
            }
        } else if (c.isObject()) {
            for (Map.Entry<String, JsonNode> e : c.properties()) {
                String target = e.getValue().isNull() ? null : e.getValue().asText();
                LookupBy by = null;
                if (target != null && target.contains(":")) {
                    by = LookupBy.of(target.substring(target.indexOf(':') + 1));
                    target = target.substring(0, target.indexOf(':'));
                }
                cols.add(new ColumnMapping(e.getKey(), target == null || target.isBlank() ? null : target.trim(), by,
                        null, Unknown.FAIL));
            }
        } else {
            throw HotCrmException.invalid("The mapping " + source + " needs \"columns\": a list of {\"column\", \"field\"}"
                    + " or an object like {\"E-mail\": \"email\"}.");
        }
        Map<String, String> constants = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : root.path("constants").properties()) {
            constants.put(e.getKey(), e.getValue().isNull() ? null : e.getValue().asText());
        }
        Map<String, List<String>> compose = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : root.path("compose").properties()) {
            if (!e.getValue().isArray() || e.getValue().size() < 2) {
                throw HotCrmException.invalid("The mapping " + source + " composes " + e.getKey() + " from " + e.getValue()
                        + "; give a list of two or more columns, like {\"name\": [\"First Name\", \"Last Name\"]}.");
            }
            List<String> from = new ArrayList<>();
            e.getValue().forEach(x -> from.add(x.asText()));
            compose.put(e.getKey(), from);
        }
        Formats f = new Formats(text(root, "dateFormat"), Formats.zone(text(root, "timeZone")),
                root.path("decimalComma").asBoolean(false));
        return new Mapping(text(root, "object"), cols, constants, f, compose);
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
