package io.hotcrm.metadata;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hotcrm.common.ErrorCode;
import io.hotcrm.common.HotCrmException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads and writes HotCRM's catalogue format ({@code hotcrm-catalogue/1}, JSON). The same field shape is used
 * for the shipped standard objects, for stored custom fields and for {@code hotcrm objects describe}.
 */
public final class CatalogueJson {
    public static final String FORMAT = "hotcrm-catalogue/1";
    private static final ObjectMapper JSON = new ObjectMapper();

    private CatalogueJson() {
    }

    static Catalogue readStandard() {
        try (InputStream in = CatalogueJson.class.getResourceAsStream("standard-objects.json")) {
            if (in == null) {
                throw new HotCrmException(ErrorCode.INTERNAL, "The standard catalogue is missing from the HotCRM jar.");
            }
            JsonNode root = JSON.readTree(in);
            if (!FORMAT.equals(root.path("format").asText())) {
                throw new HotCrmException(ErrorCode.INTERNAL, "The standard catalogue has an unknown format.");
            }
            List<ObjectDef> objects = new ArrayList<>();
            for (JsonNode o : root.path("objects")) {
                objects.add(readObject(o));
            }
            return new Catalogue(objects);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ObjectDef readObject(JsonNode o) {
        List<String> nameFields = new ArrayList<>();
        o.path("nameFields").forEach(n -> nameFields.add(n.asText()));
        List<FieldDef> fields = new ArrayList<>();
        o.path("fields").forEach(f -> fields.add(readField(f)));
        return new ObjectDef(o.path("name").asText(), o.path("label").asText(null),
                o.path("pluralLabel").asText(null), o.path("description").asText(""), nameFields, fields);
    }

    public static FieldDef readField(JsonNode f) {
        List<PicklistValue> values = new ArrayList<>();
        for (JsonNode v : f.path("values")) {
            List<String> aliases = new ArrayList<>();
            v.path("aliases").forEach(a -> aliases.add(a.asText()));
            values.add(new PicklistValue(v.path("value").asText(), v.path("label").asText(null), aliases));
        }
        JsonNode def = f.get("default");
        Object defaultValue = def == null || def.isNull() ? null
                : def.isBoolean() ? (Object) def.booleanValue()
                : def.isNumber() ? (Object) def.decimalValue() : def.asText();
        return new FieldDef(f.path("name").asText(), f.path("label").asText(null),
                FieldType.fromWire(f.path("type").asText()), f.path("required").asBoolean(),
                f.path("unique").asBoolean(), f.path("maxLength").asInt(0), f.path("scale").asInt(0),
                decimal(f.get("min")), decimal(f.get("max")), f.path("target").asText(null), values, defaultValue,
                f.path("computed").asBoolean(), f.path("custom").asBoolean(), f.path("personalData").asText(""));
    }

    private static BigDecimal decimal(JsonNode n) {
        return n == null || n.isNull() ? null : n.decimalValue();
    }

    /** The field in catalogue format; only attributes that say something are written. */
    public static ObjectNode writeField(FieldDef f) {
        ObjectNode n = JSON.createObjectNode();
        n.put("name", f.name());
        n.put("label", f.label());
        n.put("type", f.type().wireName());
        if (f.required()) {
            n.put("required", true);
        }
        if (f.unique()) {
            n.put("unique", true);
        }
        if (f.type().isText() || f.type() == FieldType.PICKLIST || f.type() == FieldType.MULTI_PICKLIST) {
            n.put("maxLength", f.maxLength());
        }
        if (f.type().isNumeric()) {
            n.put("scale", f.scale());
        }
        if (f.min() != null) {
            n.put("min", f.min());
        }
        if (f.max() != null) {
            n.put("max", f.max());
        }
        if (f.target() != null) {
            n.put("target", f.target());
        }
        if (!f.values().isEmpty()) {
            ArrayNode values = n.putArray("values");
            for (PicklistValue v : f.values()) {
                ObjectNode vn = values.addObject().put("value", v.value());
                if (!v.label().equals(v.value())) {
                    vn.put("label", v.label());
                }
                if (!v.aliases().isEmpty()) {
                    v.aliases().forEach(vn.putArray("aliases")::add);
                }
            }
        }
        if (f.defaultValue() != null) {
            n.set("default", JSON.valueToTree(f.defaultValue()));
        }
        if (f.computed()) {
            n.put("computed", true);
        }
        if (f.custom()) {
            n.put("custom", true);
        }
        if (!f.personalData().isEmpty()) {
            n.put("personalData", f.personalData());
        }
        return n;
    }

    /** The object with its fields in catalogue format. */
    public static ObjectNode writeObject(ObjectDef o) {
        ObjectNode n = JSON.createObjectNode();
        n.put("name", o.name());
        n.put("label", o.label());
        n.put("pluralLabel", o.pluralLabel());
        n.put("description", o.description());
        o.nameFields().forEach(n.putArray("nameFields")::add);
        ArrayNode fields = n.putArray("fields");
        o.fields().forEach(f -> fields.add(writeField(f)));
        return n;
    }

    public static FieldDef parseField(String json) {
        try {
            return readField(JSON.readTree(json));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
