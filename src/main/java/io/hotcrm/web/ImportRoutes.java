package io.hotcrm.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.hotcrm.common.ErrorCode;
import io.hotcrm.common.HotCrmException;
import io.hotcrm.common.Ids;
import io.hotcrm.common.Work;
import io.hotcrm.importing.ImportFile;
import io.hotcrm.importing.ImportMode;
import io.hotcrm.importing.ImportRequest;
import io.hotcrm.importing.ImportSummary;
import io.hotcrm.importing.Importer;
import io.hotcrm.importing.Uploaded;
import io.hotcrm.importing.SourceOptions;
import io.hotcrm.jobs.Job;
import io.hotcrm.jobs.Jobs;
import io.hotcrm.mapping.Formats;
import io.hotcrm.mapping.Mapping;
import io.hotcrm.mapping.Suggestion;
import io.hotcrm.security.AccessGuard;
import io.hotcrm.security.Principal;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.UploadedFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Imports over REST: upload a file, preview it with suggested mappings, start a dry-run or a commit (run as a
 * background job), follow it, download its result files, list the history, cancel, undo; and saved
 * mappings. Uploads are capped (50 MB by default); the message says to split the file or use the CLI.
 */
final class ImportRoutes {
    private final Importer importer;
    private final Jobs jobs;
    private final Auth auth;
    private final long maxUpload;

    ImportRoutes(Importer importer, Jobs jobs, Auth auth, long maxUpload) {
        this.importer = importer;
        this.jobs = jobs;
        this.auth = auth;
        this.maxUpload = maxUpload;
    }

    void register(RoutesConfig r) {
        r.post("/api/v1/imports/files", this::upload);
        r.post("/api/v1/imports/preview", this::preview);
        r.post("/api/v1/imports", this::start);
        r.get("/api/v1/imports", this::list);
        r.get("/api/v1/imports/{id}", this::show);
        r.get("/api/v1/imports/{id}/results", ctx -> download(ctx, false));
        r.get("/api/v1/imports/{id}/errors", ctx -> download(ctx, true));
        r.post("/api/v1/imports/{id}/cancel", this::cancel);
        r.post("/api/v1/imports/{id}/undo", this::undo);
        r.post("/api/v1/imports/{id}/commit", this::commit);
        r.post("/api/v1/imports/{id}/resume", this::resume);
        r.get("/api/v1/mappings", this::listMappings);
        r.get("/api/v1/mappings/{object}/{name}", this::getMapping);
        r.put("/api/v1/mappings/{object}/{name}", this::saveMapping);
        r.delete("/api/v1/mappings/{object}/{name}", this::deleteMapping);
    }

    // ------------------------------------------------------------------ files

    /** Stores an upload (multipart field {@code file}, or the raw body with {@code ?name=}) and returns its id. */
    private void upload(Context ctx) throws IOException {
        Principal p = auth.require(ctx);
        String contentType = ctx.contentType() == null ? "" : ctx.contentType();
        String name;
        InputStream in;
        if (contentType.startsWith("multipart/form-data")) {
            UploadedFile f = ctx.uploadedFile("file");
            if (f == null) {
                throw HotCrmException.invalid("Send the file in the form field \"file\".");
            }
            name = f.filename();
            in = f.content();
        } else {
            name = ctx.queryParam("name");
            in = ctx.req().getInputStream();
        }
        Uploaded stored = importer.upload(p, name, in, maxUpload);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("fileId", stored.id());
        out.put("name", stored.name());
        out.put("size", stored.size());
        ctx.status(201).json(out);
    }

    long maxUpload() {
        return maxUpload;
    }

    /** The uploaded file of the id, if it is the caller's (or the caller manages setup). */
    ImportFile uploaded(Principal p, String fileId) {
        return ImportFile.upload(importer.uploaded(p, Ids.parse(fileId, "fileId")));
    }

    private static SourceOptions sourceOptions(JsonNode b) {
        return new SourceOptions(SourceOptions.delimiter(text(b, "delimiter")), SourceOptions.encoding(text(b, "encoding")),
                text(b, "sheet"));
    }

    private static String text(JsonNode b, String key) {
        JsonNode v = b.get(key);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static String required(JsonNode b, String key) {
        String v = text(b, key);
        if (v == null || v.isBlank()) {
            throw HotCrmException.invalid("The request needs \"" + key + "\".");
        }
        return v;
    }

    // ------------------------------------------------------------------ imports

    private void preview(Context ctx) {
        Principal p = auth.require(ctx);
        JsonNode b = Json.object(ctx);
        ImportFile file = uploaded(p, required(b, "fileId"));
        Importer.Preview pv = importer.preview(p, file, sourceOptions(b), required(b, "object"));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("source", pv.source());
        out.put("sheets", pv.sheets());
        out.put("headers", pv.headers());
        out.put("sample", pv.sample());
        out.put("suggestions", pv.suggestions().stream().map(ImportRoutes::suggestion).toList());
        out.put("mapping", Json.MAPPER.valueToTree(parse(pv.suggested().toJson())));
        ctx.json(out);
    }

    private static JsonNode parse(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Object> suggestion(Suggestion s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("column", s.column());
        m.put("header", s.header());
        m.put("field", s.field());
        m.put("by", s.by() == null ? null : s.by().id());
        m.put("confidence", s.confidence());
        m.put("reason", s.reason());
        m.put("alternatives", s.alternatives());
        m.put("samples", s.samples());
        return m;
    }

    /** Starts a dry-run or a commit as a background job: 202 with the import and its job. */
    private void start(Context ctx) {
        Principal p = auth.require(ctx);
        JsonNode b = Json.object(ctx);
        ImportFile file = uploaded(p, required(b, "fileId"));
        Mapping mapping = b.hasNonNull("mapping") ? Mapping.parse(b.get("mapping").toString(), "in the request") : null;
        Formats.Overrides formats = new Formats.Overrides(text(b, "dateFormat"),
                b.hasNonNull("timeZone") ? Formats.zone(text(b, "timeZone")) : null,
                b.hasNonNull("decimalComma") ? b.get("decimalComma").asBoolean() : null);
        ImportRequest r = ImportRequest.builder(required(b, "object"), file).mode(ImportMode.of(b.path("mode").asText("upsert")))
                .match(text(b, "match")).mapping(mapping).mappingName(text(b, "mappingName")).saveMappingAs(text(b, "saveMappingAs"))
                .source(sourceOptions(b)).formats(formats).dryRun(b.path("dryRun").asBoolean(false))
                .blanksClear(b.path("blanksClear").asBoolean(false)).migration(b.path("migration").asBoolean(false)).build();
        accepted(ctx, importer.start(p, r, Work.Run.inBackground(idempotencyKey(ctx))), false);
    }

    private static String idempotencyKey(Context ctx) {
        String k = ctx.header("Idempotency-Key");
        if (k != null && k.length() > 200) {
            throw HotCrmException.invalid("The Idempotency-Key header is longer than 200 characters.");
        }
        return k;
    }

    /** 202 with the import and the job that runs it (or undoes it). */
    private void accepted(Context ctx, ImportSummary s, boolean undo) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("import", s.view());
        UUID job = undo ? s.undoJobId() : s.jobId();
        out.put("job", job == null ? null : jobs.find(job).map(Job::view).orElse(null));
        ctx.status(202).json(out);
    }

    /** Commits a dry-run: the same file, mapping and options, written. */
    private void commit(Context ctx) {
        Principal p = auth.require(ctx);
        accepted(ctx, importer.commit(p, Ids.parse(ctx.pathParam("id"), "Import id"), Work.Run.inBackground(idempotencyKey(ctx))),
                false);
    }

    private void resume(Context ctx) {
        Principal p = auth.require(ctx);
        accepted(ctx, importer.resume(p, Ids.parse(ctx.pathParam("id"), "Import id"), Work.Run.inBackground(null)), false);
    }

    private void list(Context ctx) {
        Principal p = auth.require(ctx);
        int limit = JobRoutes.parseLimit(ctx.queryParam("limit"));
        ctx.json(Map.of("imports", importer.list(p, limit).stream().map(ImportSummary::view).toList()));
    }

    private void show(Context ctx) {
        Principal p = auth.require(ctx);
        ImportSummary s = importer.get(p, Ids.parse(ctx.pathParam("id"), "Import id"));
        Map<String, Object> out = new LinkedHashMap<>(s.view());
        if (s.jobId() != null) {
            jobs.find(s.jobId()).ifPresent(j -> out.put("job", j.view()));
        }
        ctx.json(out);
    }

    private void download(Context ctx, boolean errors) {
        Principal p = auth.require(ctx);
        UUID id = Ids.parse(ctx.pathParam("id"), "Import id");
        InputStream in = importer.openResultFile(p, id, errors);
        ctx.contentType("text/csv; charset=utf-8");
        ctx.header("Content-Disposition", "attachment; filename=\"import-" + id + "-" + (errors ? "errors" : "results") + ".csv\"");
        ctx.result(in);
    }

    private void cancel(Context ctx) {
        Principal p = auth.require(ctx);
        ctx.json(importer.cancel(p, Ids.parse(ctx.pathParam("id"), "Import id")).view());
    }

    private void undo(Context ctx) {
        Principal p = auth.require(ctx);
        accepted(ctx, importer.undo(p, Ids.parse(ctx.pathParam("id"), "Import id"), Work.Run.inBackground(null)), true);
    }

    // ------------------------------------------------------------------ saved mappings

    private void listMappings(Context ctx) {
        auth.require(ctx);
        ctx.json(Map.of("mappings", importer.mappings().list(ctx.queryParam("object")).stream().map(i -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("object", i.object());
            m.put("name", i.name());
            m.put("createdBy", i.createdBy());
            m.put("updatedAt", i.updatedAt());
            return m;
        }).toList()));
    }

    private void getMapping(Context ctx) {
        auth.require(ctx);
        ctx.contentType("application/json").result(importer.mappings().get(ctx.pathParam("object"), ctx.pathParam("name")).toJson());
    }

    private void saveMapping(Context ctx) {
        Principal p = auth.require(ctx);
        Mapping m = Mapping.parse(ctx.body(), "in the request").withObject(ctx.pathParam("object"));
        importer.saveMapping(p, ctx.pathParam("name"), m);
        ctx.contentType("application/json").result(m.toJson());
    }

    private void deleteMapping(Context ctx) {
        Principal p = auth.require(ctx);
        AccessGuard.requireSetup(p, "delete saved mappings");
        importer.mappings().delete(ctx.pathParam("object"), ctx.pathParam("name"));
        ctx.status(204);
    }
}
