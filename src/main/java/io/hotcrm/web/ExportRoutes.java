package io.hotcrm.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hotcrm.common.HotCrmException;
import io.hotcrm.exporting.ExportFormat;
import io.hotcrm.exporting.ExportOptions;
import io.hotcrm.exporting.ExportRequest;
import io.hotcrm.exporting.ExportSchedules;
import io.hotcrm.exporting.Exporter;
import io.hotcrm.query.Filter;
import io.hotcrm.query.ObjectQl;
import io.hotcrm.query.QueryEngine;
import io.hotcrm.query.QueryRequest;
import io.hotcrm.query.QueryResult;
import io.hotcrm.query.ReportRequest;
import io.hotcrm.query.ReportResult;
import io.hotcrm.query.Sort;
import io.hotcrm.query.Views;
import io.hotcrm.security.Principal;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Saved list views and reports, and ad-hoc exports streamed as the response: {@code POST /api/v1/exports}
 * with a JSON body, or {@code GET /api/v1/exports?object=…&view=…&format=…} for a plain download link. The
 * columns and the fields left out (which the user may not read) are in response headers, sent before the file.
 */
final class ExportRoutes {
    static final String OMITTED_HEADER = "X-HotCRM-Omitted-Fields";
    private final Exporter exporter;
    private final QueryEngine query;
    private final Auth auth;
    private final ExportSchedules schedules;
    private final io.hotcrm.jobs.Jobs jobs;

    ExportRoutes(Exporter exporter, QueryEngine query, Auth auth, ExportSchedules schedules, io.hotcrm.jobs.Jobs jobs) {
        this.jobs = jobs;
        this.exporter = exporter;
        this.query = query;
        this.auth = auth;
        this.schedules = schedules;
    }

    void register(RoutesConfig r) {
        r.get("/api/v1/views", this::list);
        r.get("/api/v1/views/{object}/{name}", this::show);
        r.put("/api/v1/views/{object}/{name}", this::save);
        r.delete("/api/v1/views/{object}/{name}", this::delete);
        r.get("/api/v1/views/{object}/{name}/results", this::results);
        r.post("/api/v1/exports", this::exportPost);
        r.get("/api/v1/exports", this::exportGet);
        r.get("/api/v1/export-schedules", this::listSchedules);
        r.get("/api/v1/export-schedules/{name}", ctx -> ctx.contentType("application/json")
                .result(Json.write(schedules.get(auth.require(ctx), ctx.pathParam("name")).view())));
        r.put("/api/v1/export-schedules/{name}", this::saveSchedule);
        r.delete("/api/v1/export-schedules/{name}", ctx -> {
            schedules.delete(auth.require(ctx), ctx.pathParam("name"));
            ctx.status(204);
        });
        r.post("/api/v1/export-schedules/{name}/run", ctx -> ctx.status(202).contentType("application/json")
                .result(Json.write(jobs.get(schedules.runNow(auth.require(ctx), ctx.pathParam("name"))).view())));
        r.post("/api/v1/export-schedules/{name}/pause", ctx -> ctx.contentType("application/json")
                .result(Json.write(schedules.setPaused(auth.require(ctx), ctx.pathParam("name"), true).view())));
        r.post("/api/v1/export-schedules/{name}/resume", ctx -> ctx.contentType("application/json")
                .result(Json.write(schedules.setPaused(auth.require(ctx), ctx.pathParam("name"), false).view())));
        r.get("/api/v1/export-schedules/{name}/runs", ctx -> ctx.contentType("application/json").result(Json.write(Map.of("runs",
                schedules.runs(auth.require(ctx), ctx.pathParam("name"), JobRoutes.parseLimit(ctx.queryParam("limit")))))));
        r.post("/api/v1/destinations/test", this::testDestination);
    }

    // ------------------------------------------------------------------ scheduled exports

    private void listSchedules(Context ctx) {
        Principal p = auth.require(ctx);
        ctx.contentType("application/json").result(Json.write(Map.of("schedules",
                schedules.list(p).stream().map(ExportSchedules.Schedule::view).toList())));
    }

    /**
     * Body: {@code {"object", "fields", "where", "format", "gzip", "mode", "cron", "timeZone", "fileTemplate",
     * "destination": {"type": "s3", "settings": {…}}, "testConnection": true}}. Secret settings left out or sent
     * as "********" keep their saved values.
     */
    private void saveSchedule(Context ctx) {
        Principal p = auth.require(ctx);
        JsonNode b = Json.object(ctx);
        JsonNode dest = b.path("destination");
        if (!dest.path("type").isTextual()) {
            throw HotCrmException.invalid("\"destination\" needs a \"type\" (local, s3, gcs, azure, sftp) and its \"settings\".");
        }
        List<String> fields = new ArrayList<>();
        b.path("fields").forEach(f -> fields.add(f.asText()));
        ExportSchedules.Spec spec = new ExportSchedules.Spec(ctx.pathParam("name"), b.path("object").asText(null), fields,
                b.has("where") && !b.get("where").isNull() ? b.get("where").toString() : null,
                ExportFormat.parse(b.path("format").asText("csv")), b.path("gzip").asBoolean(false), dest.get("type").asText(),
                settings(dest.path("settings")), b.path("fileTemplate").asText(null), b.path("cron").asText(null),
                b.path("timeZone").asText(null), ExportSchedules.Mode.parse(b.path("mode").asText("full")));
        if (spec.object() == null || spec.cron() == null) {
            throw HotCrmException.invalid("A schedule needs \"object\" and \"cron\" (e.g. \"0 2 * * *\").");
        }
        ctx.contentType("application/json").result(Json.write(schedules.save(p, spec,
                b.path("testConnection").asBoolean(true)).view()));
    }

    /** Body: {@code {"type": "sftp", "settings": {…}}}; answers where files would go, or the problem. */
    private void testDestination(Context ctx) {
        Principal p = auth.require(ctx);
        JsonNode b = Json.object(ctx);
        String where = schedules.testDestination(p, b.path("type").asText(""), settings(b.path("settings")));
        ctx.contentType("application/json").result(Json.write(Map.of("ok", true, "destination", where)));
    }

    private static Map<String, String> settings(JsonNode n) {
        Map<String, String> out = new LinkedHashMap<>();
        n.properties().forEach(e -> out.put(e.getKey(), e.getValue().isNull() ? null : e.getValue().asText()));
        return out;
    }

    private Views views() {
        return exporter.views();
    }

    private void list(Context ctx) {
        Principal p = auth.require(ctx);
        ctx.contentType("application/json").result(Json.write(Map.of("views",
                views().list(p, ctx.queryParam("object")).stream().map(Views.View::view).toList())));
    }

    private void show(Context ctx) {
        Principal p = auth.require(ctx);
        ctx.contentType("application/json").result(Json.write(views().get(p, ctx.pathParam("object"), ctx.pathParam("name")).view()));
    }

    /** Body: the definition ({@code {"fields": …, "where": …}}; object from the path), plus {@code "shared": true}. */
    private void save(Context ctx) {
        Principal p = auth.require(ctx);
        ObjectNode body = (ObjectNode) Json.object(ctx);
        JsonNode def = body.has("definition") ? body.get("definition") : body.deepCopy();
        if (!def.isObject()) {
            throw HotCrmException.invalid("\"definition\" must be a JSON object like {\"fields\": [\"last_name\"], \"where\": {…}}.");
        }
        ObjectNode d = (ObjectNode) def;
        boolean shared = body.path("shared").asBoolean(false);
        d.remove("shared");
        if (d.has("object") && !d.get("object").asText().equals(ctx.pathParam("object"))) {
            throw HotCrmException.invalid("The definition is of \"" + d.get("object").asText() + "\" but the path says \""
                    + ctx.pathParam("object") + "\".");
        }
        d.put("object", ctx.pathParam("object"));
        Views.View v = views().save(p, ctx.pathParam("name"), d.toString(), shared);
        ctx.contentType("application/json").result(Json.write(v.view()));
    }

    private void delete(Context ctx) {
        Principal p = auth.require(ctx);
        views().delete(p, ctx.pathParam("object"), ctx.pathParam("name"));
        ctx.status(204);
    }

    /** A list view's records (a page, with {@code ?limit=} and {@code ?cursor=}), or a report's groups and totals. */
    private void results(Context ctx) {
        Principal p = auth.require(ctx);
        Views.View view = views().get(p, ctx.pathParam("object"), ctx.pathParam("name"));
        ReportRequest r = view.request();
        Map<String, Object> out = new LinkedHashMap<>();
        if (r.isReport()) {
            ReportResult result = query.report(p, r);
            out.put("object", result.object());
            out.put("columns", result.columns());
            out.put("rows", result.rows());
            out.put("totals", result.totals());
        } else {
            QueryResult page = views().page(p, view, JobRoutes.parseLimit(ctx.queryParam("limit"), QueryRequest.DEFAULT_LIMIT,
                    QueryRequest.MAX_LIMIT), ctx.queryParam("cursor"));
            out.put("object", page.object());
            out.put("fields", page.fields());
            out.put("records", page.records());
            out.put("nextCursor", page.nextCursor());
            out.put("hasMore", page.hasMore());
            out.put("hiddenFields", page.hiddenFields());
        }
        ctx.contentType("application/json").result(Json.write(out));
    }

    /**
     * Body: {@code {"object": "contact", "view": "…", "where": {…}, "fields": […], "orderBy": […], "format": "csv",
     * "bom": false, "neutraliseFormulas": true, "gzip": false}}, or {@code {"query": {ObjectQL}, "format": …}}.
     */
    private void exportPost(Context ctx) throws IOException {
        Principal p = auth.require(ctx);
        JsonNode b = Json.object(ctx);
        ExportOptions options = new ExportOptions(ExportFormat.parse(b.path("format").asText("csv")), b.path("bom").asBoolean(false),
                b.path("neutraliseFormulas").asBoolean(true), b.path("gzip").asBoolean(false));
        ExportRequest request;
        if (b.has("query")) {
            request = ExportRequest.of(ObjectQl.parse(b.get("query")), options);
        } else {
            if (!b.path("object").isTextual()) {
                throw HotCrmException.invalid("Say what to export: \"object\" (with \"view\", \"where\", \"fields\", \"orderBy\"), or \"query\".");
            }
            ObjectNode q = Json.MAPPER.createObjectNode();
            q.put("object", b.get("object").asText());
            for (String k : List.of("where", "fields", "orderBy")) {
                if (b.has(k)) {
                    q.set(k, b.get(k));
                }
            }
            QueryRequest parsed = ObjectQl.parse(q);
            request = new ExportRequest(parsed.object(), b.path("view").isTextual() ? b.get("view").asText() : null,
                    parsed.where(), parsed.fields(), parsed.orderBy(), options);
        }
        stream(ctx, p, request);
    }

    /** {@code ?object=contact&view=NAME&format=xlsx&fields=a,b&where=JSON&orderBy=last_name desc&bom=true}. */
    private void exportGet(Context ctx) throws IOException {
        Principal p = auth.require(ctx);
        String object = ctx.queryParam("object");
        if (object == null) {
            throw HotCrmException.invalid("Say what to export: ?object=contact (with view, where, fields, orderBy, format).");
        }
        ExportOptions options = new ExportOptions(ExportFormat.parse(orParam(ctx, "format", "csv")),
                Boolean.parseBoolean(orParam(ctx, "bom", "false")), Boolean.parseBoolean(orParam(ctx, "neutraliseFormulas", "true")),
                Boolean.parseBoolean(orParam(ctx, "gzip", "false")));
        Filter where = ctx.queryParam("where") == null ? null : ObjectQl.parseWhere(ctx.queryParam("where"));
        List<String> fields = ctx.queryParam("fields") == null ? List.of()
                : List.of(ctx.queryParam("fields").split("\\s*,\\s*"));
        List<Sort> order = Sort.parseList(ctx.queryParam("orderBy"), "orderBy");
        stream(ctx, p, new ExportRequest(object, ctx.queryParam("view"), where, fields, order, options));
    }

    private static String orParam(Context ctx, String name, String fallback) {
        String v = ctx.queryParam(name);
        return v == null || v.isBlank() ? fallback : v;
    }

    private void stream(Context ctx, Principal p, ExportRequest request) throws IOException {
        Exporter.Prepared prepared = exporter.prepare(p, request);
        ctx.contentType(request.options().gzip() ? "application/gzip" : request.options().format().contentType());
        ctx.header("Content-Disposition", "attachment; filename=\"" + prepared.fileName() + "\"");
        ctx.header("X-HotCRM-Columns", String.join(",", prepared.columns()));
        ctx.header(OMITTED_HEADER, String.join(",", prepared.omittedFields()));
        OutputStream out = new BufferedOutputStream(ctx.outputStream(), 1 << 16);
        prepared.write(out);
        out.flush();
    }

}
