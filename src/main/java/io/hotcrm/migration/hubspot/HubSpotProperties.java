package io.hotcrm.migration.hubspot;

import com.fasterxml.jackson.databind.JsonNode;
import io.hotcrm.migration.SourceField;
import io.hotcrm.migration.SourceField.SourceType;
import java.util.ArrayList;
import java.util.List;

/**
 * HubSpot's properties (`GET /crm/v3/properties/{type}`) as source fields: a property's {@code type} and
 * {@code fieldType} say what it holds (an enumeration shown as a single checkbox is a boolean, as several checkboxes a
 * multi-picklist); a property HubSpot did not define (no {@code hubspotDefined: true}) is a custom one; calculated properties and read-only values are
 * read only; the options of an enumeration are its picklist values (those that come from pipelines or owners —
 * {@code externalOptions} — are filled in from there).
 */
final class HubSpotProperties {
    private HubSpotProperties() {
    }

    static List<SourceField> fields(JsonNode answer) {
        List<SourceField> out = new ArrayList<>();
        for (JsonNode p : answer.path("results")) {
            if (!p.path("archived").asBoolean(false)) {
                out.add(field(p));
            }
        }
        return out;
    }

    static SourceField field(JsonNode p) {
        String type = p.path("type").asText();
        String fieldType = p.path("fieldType").asText();
        SourceType kind = switch (type) {
            case "string" -> switch (fieldType) {
                case "textarea", "html" -> SourceType.TEXTAREA;
                case "phonenumber" -> SourceType.PHONE;
                case "file" -> SourceType.OTHER;
                default -> SourceType.TEXT;
            };
            case "phone_number" -> SourceType.PHONE;
            case "number" -> SourceType.DECIMAL;
            case "date" -> SourceType.DATE;
            case "datetime" -> SourceType.DATETIME;
            case "bool" -> SourceType.BOOLEAN;
            case "enumeration" -> switch (fieldType) {
                case "booleancheckbox" -> SourceType.BOOLEAN;
                case "checkbox" -> SourceType.MULTI_PICKLIST;
                default -> SourceType.PICKLIST;
            };
            default -> SourceType.OTHER;
        };
        List<SourceField.Value> values = new ArrayList<>();
        if (kind == SourceType.PICKLIST || kind == SourceType.MULTI_PICKLIST) {
            for (JsonNode o : p.path("options")) {
                values.add(new SourceField.Value(o.path("value").asText(), o.path("label").asText(o.path("value").asText()),
                        !o.path("hidden").asBoolean(false)));
            }
        }
        boolean readOnly = p.path("calculated").asBoolean(false) || p.path("modificationMetadata").path("readOnlyValue").asBoolean(false)
                || fieldType.startsWith("calculation_");
        return new SourceField(p.path("name").asText(), p.path("label").asText(p.path("name").asText()), kind, 0, 0,
                !p.path("hubspotDefined").asBoolean(false), readOnly, false, List.of(), values);
    }
}
