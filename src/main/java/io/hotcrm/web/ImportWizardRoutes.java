package io.hotcrm.web;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hotcrm.common.HotCrmException;
import io.hotcrm.common.Ids;
import io.hotcrm.common.Work;
import io.hotcrm.importing.ImportFile;
import io.hotcrm.importing.ImportMode;
import io.hotcrm.importing.ImportRequest;
import io.hotcrm.importing.ImportState;
import io.hotcrm.importing.ImportSummary;
import io.hotcrm.importing.Importer;
import io.hotcrm.importing.Uploaded;
import io.hotcrm.importing.SourceOptions;
import io.hotcrm.jobs.Job;
import io.hotcrm.jobs.Jobs;
import io.hotcrm.mapping.Formats;
import io.hotcrm.mapping.LookupBy;
import io.hotcrm.mapping.Mapping;
import io.hotcrm.mapping.Suggestion;
import io.hotcrm.metadata.FieldDef;
import io.hotcrm.metadata.ObjectDef;
import io.hotcrm.metadata.SystemField;
import io.hotcrm.security.Principal;
import io.hotcrm.security.Sessions;
import io.hotcrm.store.Schema;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.UploadedFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Setup → Data → Import Wizard: choose the object and upload the file; check the suggested mapping (with
 * confidence and sample values) and choose how to write; run a dry-run or the import as a job, whose page
 * shows a live progress bar (server-sent events) that survives a reload, then the counts, problems and files.
 * It uses the importer's own front doors, like the REST API.
 */
public final class ImportWizardRoutes {
    private final Auth auth;
    private final Importer importer;
    private final ImportRoutes imports;
    private final Jobs jobs;
    private final Schema schema;

    ImportWizardRoutes(Auth auth, Importer importer, ImportRoutes imports, Jobs jobs, Schema schema) {
        this.auth = auth;
        this.importer = importer;
        this.imports = imports;
        this.jobs = jobs;
        this.schema = schema;
    }

    /** One column of the file in the mapping table. */
    public record Row(int index, String header, List<String> samples, List<Choice> choices, String selected, double confidence,
                      String reason) {
    }

    /** One entry of a column's field list: the form value ({@code field} or {@code field:by}) and its label. */
    public record Choice(String value, String label) {
    }

    void register(RoutesConfig r) {
        r.get("/setup/data/import", this::uploadPage);
        r.post("/setup/data/import", this::upload);
        r.get("/setup/data/import/{fileId}", this::mappingPage);
        r.post("/setup/data/import/{fileId}/start", this::start);
        r.get("/setup/data/imports/{id}", this::importPage);
        r.get("/setup/data/imports/{id}/undo", this::undoPage);
        r.post("/setup/data/imports/{id}/undo", this::undo);
        r.post("/setup/data/imports/{id}/cancel", this::cancel);
        r.post("/setup/data/imports/{id}/commit", this::commit);
    }


    private List<String> importable(Principal p) {
        return schema.catalogue().objects().stream().filter(o -> p.role().permission(o.name()).create()).map(ObjectDef::name).toList();
    }

    private void uploadPage(Context ctx) {
        auth.page(ctx).ifPresent(s -> ConsoleRoutes.render(ctx, "wizard-upload.jte", ConsoleRoutes.model("name", s.principal().name(),
                "csrf", s.csrfToken(), "objects", importable(s.principal()), "maxMb", imports.maxUpload() / 1024 / 1024,
                "error", ctx.queryParam("error"))));
    }

    private void upload(Context ctx) throws IOException {
        Principal p = auth.require(ctx);
        UploadedFile f = ctx.uploadedFile("file");
        String object = ctx.formParam("object");
        try {
            if (f == null || object == null) {
                throw HotCrmException.invalid("Choose the object and a file.");
            }
            schema.object(object);
            Uploaded stored = importer.upload(p, f.filename(), f.content(), imports.maxUpload());
            ctx.redirect("/setup/data/import/" + stored.id() + "?object=" + ConsoleRoutes.enc(object));
        } catch (HotCrmException e) {
            ctx.redirect("/setup/data/import?error=" + ConsoleRoutes.enc(e.getMessage()));
        }
    }

    private void mappingPage(Context ctx) {
        Optional<Sessions.Session> session = auth.page(ctx);
        if (session.isEmpty()) {
            return;
        }
        Principal p = session.get().principal();
        String fileId = ctx.pathParam("fileId");
        String object = ctx.queryParam("object");
        String sheet = ctx.queryParam("sheet");
        Importer.Preview pv;
        ImportFile file;
        try {
            file = imports.uploaded(p, fileId);
            pv = importer.preview(p, file, new SourceOptions(null, null, sheet), object);
        } catch (HotCrmException e) {
            ctx.redirect("/setup/data/import?error=" + ConsoleRoutes.enc(e.getMessage()));
            return;
        }
        ObjectDef o = schema.object(object);
        List<Choice> choices = choices(p, o);
        List<Row> rows = new ArrayList<>();
        String savedName = ctx.queryParam("mapping");
        Mapping saved = savedName == null || savedName.isBlank() ? null : importer.mappings().get(o.name(), savedName);
        for (Suggestion s : pv.suggestions()) {
            String suggested = s.field() == null || s.confidence() < io.hotcrm.mapping.MappingSuggester.APPLY_AT ? ""
                    : s.field() + (s.by() != null && isReference(o, s.field()) ? ":" + s.by().id() : "");
            String reason = s.reason() == null ? "" : s.reason();
            double confidence = s.confidence();
            if (saved != null) {
                suggested = saved.columns().stream().filter(c -> c.column().equals(s.header())).findFirst()
                        .map(c -> c.field() + (c.by() != null && isReference(o, c.field()) ? ":" + c.by().id() : "")).orElse("");
                reason = "from the saved mapping \"" + savedName + "\"";
                confidence = suggested.isEmpty() ? 0 : 1.0;
            }
            String pick = suggested;
            String selected = choices.stream().anyMatch(c -> c.value().equals(pick)) ? pick : "";
            rows.add(new Row(s.column(), s.header(), s.samples().stream().limit(3).toList(), choices, selected,
                    selected.isEmpty() ? 0 : confidence, reason));
        }
        List<String> matchFields = new ArrayList<>(List.of(SystemField.EXTERNAL_ID, SystemField.ID));
        o.fields().stream().filter(FieldDef::unique).map(FieldDef::name).forEach(matchFields::add);
        ConsoleRoutes.render(ctx, "wizard-map.jte", ConsoleRoutes.model("name", p.name(), "csrf", session.get().csrfToken(),
                "fileId", fileId, "fileName", file.name(), "object", o.name(), "source", pv.source(),
                "sheets", pv.sheets(), "sheet", sheet != null ? sheet : pv.sheets().isEmpty() ? null : pv.sheets().get(0),
                "rows", rows, "matchFields", matchFields,
                "savedMappings", importer.mappings().list(o.name()).stream().map(io.hotcrm.mapping.SavedMappings.Info::name).toList(),
                "mappingName", savedName));
    }

    private static boolean isReference(ObjectDef o, String field) {
        return o.field(field).map(f -> f.type().isReference()).orElse(false);
    }

    /**
     * "ignore", the external id and every field the user may edit (field-level security: others are not
     * offered); lookups once per way of finding the record.
     */
    private static List<Choice> choices(Principal p, ObjectDef o) {
        List<Choice> out = new ArrayList<>();
        out.add(new Choice("", "— ignore this column —"));
        out.add(new Choice(SystemField.EXTERNAL_ID, "External ID (external_id)"));
        for (FieldDef f : o.fields()) {
            if (f.computed() || !p.role().fieldAccess(o.name(), f.name()).edit()) {
                continue;
            }
            if (f.type().isReference()) {
                for (LookupBy by : LookupBy.values()) {
                    out.add(new Choice(f.name() + ":" + by.id(), f.label() + " by " + by.id().replace('_', ' ') + " (" + f.name() + ")"));
                }
            } else {
                out.add(new Choice(f.name(), f.label() + " (" + f.name() + ")"));
            }
        }
        return out;
    }

    private void start(Context ctx) {
        Principal p = auth.require(ctx);
        String fileId = ctx.pathParam("fileId");
        String object = ctx.formParam("object");
        String sheet = blankToNull(ctx.formParam("sheet"));
        String back = "/setup/data/import/" + fileId + "?object=" + ConsoleRoutes.enc(object) + (sheet == null ? "" : "&sheet=" + ConsoleRoutes.enc(sheet));
        try {
            SourceOptions source = new SourceOptions(null, null, sheet);
            ImportFile file = imports.uploaded(p, fileId);
            Importer.Preview pv = importer.preview(p, file, source, object);
            ObjectNode cols = Json.MAPPER.createObjectNode();
            for (int i = 0; i < pv.headers().size(); i++) {
                String v = blankToNull(ctx.formParam("map." + i));
                if (v != null) {
                    cols.put(pv.headers().get(i), v);
                }
            }
            if (cols.isEmpty()) {
                throw HotCrmException.invalid("No column is mapped to a field: choose a field for at least one column.");
            }
            ObjectNode m = Json.MAPPER.createObjectNode().put("object", object);
            m.set("columns", cols);
            Mapping mapping = Mapping.parse(m.toString(), "from the wizard");
            for (var e : pv.suggested().compose().entrySet()) {
                if (mapping.columns().stream().noneMatch(c -> e.getKey().equals(c.field()))
                        && mapping.columns().stream().noneMatch(c -> e.getValue().contains(c.column()))) {
                    mapping = mapping.withCompose(e.getKey(), e.getValue());
                }
            }
            String tz = blankToNull(ctx.formParam("timeZone"));
            Formats.Overrides formats = new Formats.Overrides(blankToNull(ctx.formParam("dateFormat")),
                    tz == null ? null : Formats.zone(tz), null);
            ImportRequest r = ImportRequest.builder(object, file)
                    .mode(ImportMode.of(ctx.formParamAsClass("mode", String.class).getOrDefault("upsert")))
                    .match(blankToNull(ctx.formParam("match"))).mapping(mapping).saveMappingAs(blankToNull(ctx.formParam("saveMappingAs")))
                    .source(source).formats(formats).dryRun("dry-run".equals(ctx.formParam("action"))).build();
            ImportSummary started = importer.start(p, r, Work.Run.inBackground(null));
            ctx.redirect("/setup/data/imports/" + started.id() + "?back=" + ConsoleRoutes.enc(back));
        } catch (HotCrmException e) {
            ctx.redirect("/setup/data/import?error=" + ConsoleRoutes.enc(e.getMessage()));
        }
    }

    private void importPage(Context ctx) {
        Optional<Sessions.Session> session = auth.page(ctx);
        if (session.isEmpty()) {
            return;
        }
        Principal p = session.get().principal();
        UUID id = Ids.parse(ctx.pathParam("id"), "Import id");
        ImportSummary s = importer.get(p, id);
        UUID jobId = s.state() == ImportState.UNDOING ? s.undoJobId() : s.jobId();
        Optional<Job> job = jobId == null ? Optional.empty() : jobs.find(jobId);
        int percent = s.state() == ImportState.QUEUED ? 0 : s.state() == ImportState.RUNNING || s.state() == ImportState.UNDOING
                ? job.map(j -> j.percent() == null ? 0 : j.percent()).orElse(0)
                : s.rows() > 0 ? (int) Math.min(100, s.rowsDone() * 100 / s.rows()) : 100;
        String back = ctx.queryParam("back");
        boolean live = (s.state() == ImportState.QUEUED || s.state() == ImportState.RUNNING || s.state() == ImportState.UNDOING)
                && job.map(j -> !j.state().terminal()).orElse(false);
        ConsoleRoutes.render(ctx, "import.jte", ConsoleRoutes.model("name", p.name(), "csrf", session.get().csrfToken(), "summary", s,
                "jobId", jobId == null ? null : jobId.toString(), "percent", percent, "live", live,
                "notice", ctx.queryParam("notice"), "mayUndo", importer.mayUndo(p, s),
                "back", back != null && back.startsWith("/setup/") ? back : null));
    }

    /** The confirm step of an undo: what it will do, before anything is done. */
    private void undoPage(Context ctx) {
        Optional<Sessions.Session> session = auth.page(ctx);
        if (session.isEmpty()) {
            return;
        }
        Principal p = session.get().principal();
        ImportSummary s = importer.get(p, Ids.parse(ctx.pathParam("id"), "Import id"));
        ConsoleRoutes.render(ctx, "import-undo.jte", ConsoleRoutes.model("name", p.name(), "csrf", session.get().csrfToken(),
                "summary", s));
    }

    /** Starts the undo as a job and shows its progress on the import's page. */
    private void undo(Context ctx) {
        Principal p = auth.require(ctx);
        UUID id = Ids.parse(ctx.pathParam("id"), "Import id");
        String notice = null;
        try {
            importer.undo(p, id, Work.Run.inBackground(null));
        } catch (HotCrmException e) {
            notice = "Not undone: " + e.getMessage();
        }
        ctx.redirect("/setup/data/imports/" + id + (notice == null ? "" : "?notice=" + ConsoleRoutes.enc(notice)));
    }

    private void cancel(Context ctx) {
        Principal p = auth.require(ctx);
        UUID id = Ids.parse(ctx.pathParam("id"), "Import id");
        String notice;
        try {
            importer.cancel(p, id);
            notice = "Cancelling: it stops after the chunk it is writing; what was written is kept, and undo removes it.";
        } catch (HotCrmException e) {
            notice = "Not cancelled: " + e.getMessage();
        }
        ctx.redirect("/setup/data/imports/" + id + "?notice=" + ConsoleRoutes.enc(notice));
    }

    /** Writes what a dry-run checked, as a new import. */
    private void commit(Context ctx) {
        Principal p = auth.require(ctx);
        UUID id = Ids.parse(ctx.pathParam("id"), "Import id");
        try {
            ImportSummary s = importer.commit(p, id, Work.Run.inBackground(null));
            ctx.redirect("/setup/data/imports/" + s.id());
        } catch (HotCrmException e) {
            ctx.redirect("/setup/data/imports/" + id + "?notice=" + ConsoleRoutes.enc("Not imported: " + e.getMessage()));
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

}
