package io.hotcrm.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.hotcrm.common.HotCrmException;
import io.hotcrm.common.Ids;
import io.hotcrm.metadata.CatalogueJson;
import io.hotcrm.metadata.FieldDef;
import io.hotcrm.metadata.FieldType;
import io.hotcrm.metadata.ObjectDef;
import io.hotcrm.query.ObjectQl;
import io.hotcrm.query.QueryEngine;
import io.hotcrm.query.QueryRequest;
import io.hotcrm.query.QueryResult;
import io.hotcrm.security.AccessGuard;
import io.hotcrm.security.Action;
import io.hotcrm.security.Principal;
import io.hotcrm.store.RecordStore;
import io.hotcrm.store.Schema;
import io.hotcrm.store.StoredRecord;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The REST API under {@code /api/v1}: catalogue, custom fields, ObjectQL queries and record CRUD. */
final class ApiRoutes {
    private final Schema schema;
    private final RecordStore records;
    private final QueryEngine query;
    private final Auth auth;
    private final String database;

    ApiRoutes(Schema schema, RecordStore records, QueryEngine query, Auth auth, String database) {
        this.schema = schema;
        this.records = records;
        this.query = query;
        this.auth = auth;
        this.database = database;
    }

    void register(RoutesConfig r) {
        r.get("/api/v1/health", this::health);
        r.get("/api/v1/objects", this::listObjects);
        r.get("/api/v1/objects/{object}", this::describe);
        r.post("/api/v1/objects/{object}/fields", this::addField);
        r.post("/api/v1/query", this::runQuery);
        r.get("/api/v1/objects/{object}/records", this::listRecords);
        r.post("/api/v1/objects/{object}/records", this::create);
        r.get("/api/v1/objects/{object}/records/{id}", this::get);
        r.patch("/api/v1/objects/{object}/records/{id}", this::update);
        r.delete("/api/v1/objects/{object}/records/{id}", this::delete);
        r.post("/api/v1/objects/{object}/records/{id}/restore", this::restore);
    }

    private void health(Context ctx) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("status", "ok");
        out.put("database", database.toLowerCase(java.util.Locale.ROOT));
        ctx.json(out);
    }

    private void listObjects(Context ctx) {
        Principal p = auth.require(ctx);
        List<Map<String, Object>> out = new ArrayList<>();
        for (ObjectDef o : schema.catalogue().objects()) {
            if (p.role().permission(o.name()).read()) {
                out.add(Map.of("name", o.name(), "label", o.label(), "pluralLabel", o.pluralLabel(),
                        "fields", o.fields().size()));
            }
        }
        ctx.json(Map.of("objects", out));
    }

    private void describe(Context ctx) {
        Principal p = auth.require(ctx);
        ObjectDef o = schema.object(ctx.pathParam("object"));
        AccessGuard.require(p, o, Action.READ);
        ObjectDef visible = new ObjectDef(o.name(), o.label(), o.pluralLabel(), o.description(), o.nameFields(),
                AccessGuard.readableFields(p, o));
        ctx.contentType("application/json").result(CatalogueJson.writeObject(visible).toString());
    }

    private void addField(Context ctx) {
        Principal p = auth.require(ctx);
        JsonNode body = body(ctx);
        List<String> values = new ArrayList<>();
        body.path("values").forEach(v -> values.add(v.isObject() ? v.path("value").asText() : v.asText()));
        FieldDef f = FieldDef.custom(text(body, "name"), FieldType.fromWire(text(body, "type")),
                body.path("label").asText(null), values, body.path("target").asText(null),
                body.path("required").asBoolean(), body.path("unique").asBoolean(), body.path("maxLength").asInt(0),
                body.path("scale").asInt(0), body.path("personalData").asText(null));
        FieldDef added = schema.addCustomField(p, ctx.pathParam("object"), f);
        ctx.status(201).contentType("application/json").result(CatalogueJson.writeField(added).toString());
    }

    private void runQuery(Context ctx) {
        Principal p = auth.require(ctx);
        ctx.json(page(query.run(p, ObjectQl.parse(body(ctx)))));
    }

    private void listRecords(Context ctx) {
        Principal p = auth.require(ctx);
        Map<String, Object> q = new LinkedHashMap<>();
        q.put("object", ctx.pathParam("object"));
        String fields = ctx.queryParam("fields");
        if (fields != null && !fields.isBlank()) {
            q.put("fields", Arrays.stream(fields.split(",")).map(String::trim).toList());
        }
        putJson(q, "where", ctx.queryParam("where"));
        putJson(q, "orderBy", ctx.queryParam("orderBy"));
        if (ctx.queryParam("limit") != null) {
            q.put("limit", parseLimit(ctx.queryParam("limit")));
        }
        q.put("cursor", ctx.queryParam("cursor"));
        QueryRequest request = ObjectQl.parse(Json.MAPPER.valueToTree(q));
        ctx.json(page(query.run(p, request)));
    }

    private static void putJson(Map<String, Object> q, String key, String text) {
        if (text != null && !text.isBlank()) {
            try {
                q.put(key, Json.MAPPER.readTree(text));
            } catch (IOException e) {
                throw invalidQuery("The " + key + " parameter is not valid JSON.");
            }
        }
    }

    private static int parseLimit(String text) {
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw invalidQuery("limit must be a whole number, found \"" + text + "\".");
        }
    }

    private static Map<String, Object> page(QueryResult r) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("object", r.object());
        out.put("fields", r.fields());
        out.put("records", r.records());
        out.put("nextCursor", r.nextCursor());
        out.put("hasMore", r.hasMore());
        if (!r.hiddenFields().isEmpty()) {
            out.put("hiddenFields", r.hiddenFields());
        }
        return out;
    }

    private void create(Context ctx) {
        Principal p = auth.require(ctx);
        StoredRecord r = records.create(p, ctx.pathParam("object"), values(ctx));
        ctx.status(201).header("Location", "/api/v1/objects/" + r.object() + "/records/" + r.id()).json(view(r));
    }

    private void get(Context ctx) {
        ctx.json(view(records.get(auth.require(ctx), ctx.pathParam("object"), id(ctx))));
    }

    private void update(Context ctx) {
        Principal p = auth.require(ctx);
        ctx.json(view(records.update(p, ctx.pathParam("object"), id(ctx), values(ctx))));
    }

    private void delete(Context ctx) {
        records.delete(auth.require(ctx), ctx.pathParam("object"), id(ctx));
        ctx.status(204);
    }

    private void restore(Context ctx) {
        ctx.json(view(records.restore(auth.require(ctx), ctx.pathParam("object"), id(ctx))));
    }

    private static UUID id(Context ctx) {
        return Ids.parse(ctx.pathParam("id"), "Record id");
    }

    private static Map<String, Object> values(Context ctx) {
        JsonNode body = body(ctx);
        Map<String, Object> values = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : body.properties()) {
            values.put(e.getKey(), Json.MAPPER.convertValue(e.getValue(), Object.class));
        }
        return values;
    }

    static Map<String, Object> view(StoredRecord r) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", r.id());
        out.put("external_id", r.externalId());
        out.putAll(r.fields());
        out.put("created_at", r.createdAt());
        out.put("created_by", r.createdBy());
        out.put("updated_at", r.updatedAt());
        out.put("updated_by", r.updatedBy());
        out.put("deleted_at", r.deletedAt());
        return out;
    }

    private static JsonNode body(Context ctx) {
        return Json.object(ctx);
    }

    private static String text(JsonNode n, String key) {
        if (!n.path(key).isTextual()) {
            throw HotCrmException.invalid("The request needs \"" + key + "\".");
        }
        return n.get(key).asText();
    }

    private static HotCrmException invalidQuery(String message) {
        return new HotCrmException(io.hotcrm.common.ErrorCode.INVALID_QUERY, message);
    }
}
