package io.hotcrm.importing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hotcrm.common.ErrorCode;
import io.hotcrm.common.HotCrmException;
import io.hotcrm.common.Ids;
import io.hotcrm.files.FileStore;
import io.hotcrm.mapping.CompiledMapping;
import io.hotcrm.mapping.Mapping;
import io.hotcrm.mapping.MappingSuggester;
import io.hotcrm.mapping.SavedMappings;
import io.hotcrm.mapping.Suggestion;
import io.hotcrm.metadata.Catalogue;
import io.hotcrm.metadata.FieldDef;
import io.hotcrm.metadata.FieldType;
import io.hotcrm.metadata.ObjectDef;
import io.hotcrm.metadata.SystemField;
import io.hotcrm.security.AccessGuard;
import io.hotcrm.security.Action;
import io.hotcrm.security.AuditLog;
import io.hotcrm.security.Principal;
import io.hotcrm.security.Role;
import io.hotcrm.security.Security;
import io.hotcrm.store.Database;
import io.hotcrm.store.RecordBatch;
import io.hotcrm.store.Schema;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The front door of imports, used alike by the command line, the REST API and the console. {@link #preview}
 * reads a file's shape and suggests a mapping; {@link #start} checks a request completely (file, mapping,
 * permissions, match key) and records the import; {@link #execute} runs it — or continues it after the
 * last committed chunk when an earlier run was interrupted; {@link #undo} takes it back.
 */
public final class Importer {
    /** The job type that runs imports; its payload is {@link #jobPayload}. */
    public static final String JOB_TYPE = "import";
    static final String USER = "user";
    static final String ROLE = "role";
    /** The match field of imports without a key: every row creates a record. */
    static final String NO_KEY = "(none)";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Importer.class);
    private final Database db;
    private final Schema schema;
    private final RecordBatch batch;
    private final SavedMappings savedMappings;
    private final ImportLog log;
    private final List<SourceFormat> formats;
    private final FileStore files;
    private final Security security;
    private final MappingSuggester suggester = new MappingSuggester();

    /**
     * @param formats    the file formats, tried in order by their first bytes
     * @param files      the file store every node shares: uploads, result and error files
     * @param security   finds the principal an import runs as (by email; "system" for the system) and the roles
     *                   user imports may give
     */
    public Importer(Database db, Schema schema, List<SourceFormat> formats, FileStore files, Security security) {
        this.db = db;
        this.schema = schema;
        this.batch = new RecordBatch(db, schema);
        this.savedMappings = new SavedMappings(db.jdbi());
        this.log = new ImportLog(db.jdbi());
        this.formats = List.copyOf(formats);
        this.files = files;
        this.security = security;
    }

    /** The payload of an import job: the recorded import to run. */
    public static String jobPayload(UUID importId) {
        return JSON.createObjectNode().put("importId", importId.toString()).toString();
    }

    /** The import a job payload names. */
    public static UUID importOf(String jobPayload) {
        try {
            return UUID.fromString(JSON.readTree(jobPayload).path("importId").asText());
        } catch (IOException | IllegalArgumentException e) {
            throw HotCrmException.invalid("Not an import job payload: " + jobPayload);
        }
    }

    public SavedMappings mappings() {
        return savedMappings;
    }

    /**
     * Saves a mapping under a name for its object (the user needs to read the object); replacing a mapping
     * someone else saved needs a role that manages setup.
     */
    public void saveMapping(Principal p, String name, Mapping m) {
        AccessGuard.require(p, schema.object(m.object()), Action.READ);
        savedMappings.save(name, m.withObject(schema.object(m.object()).name()), p.email(), p.role().manageSetup());
    }

    /** A file's shape: what it is, its sheets, headers, first rows, and a suggested field per column. */
    public record Preview(String source, List<String> sheets, List<String> headers, List<String[]> sample,
                          List<Suggestion> suggestions, Mapping suggested) {
    }

    public Preview preview(Principal p, ImportFile file, SourceOptions options, String objectName) {
        ObjectDef o = schema.object(objectName);
        AccessGuard.require(p, o, Action.READ);
        try (FileStore.LocalCopy copy = localCopy(file, uploadKey(p, file)); Source s = open(copy.path(), file.name(), options)) {
            List<String[]> sample = new ArrayList<>();
            SourceRow r;
            while (sample.size() < 10 && (r = s.next()) != null) {
                sample.add(r.values());
            }
            List<Suggestion> suggestions = suggester.suggest(o, s.headers(), sample);
            List<Suggestion> allowed = suggestions.stream().map(x -> x.mapped() && !writable(p, o, x.field())
                    ? new Suggestion(x.column(), x.header(), null, null, x.confidence(), "It would fill " + x.field()
                    + ", which your role may not edit.", List.of(x.field()), x.samples()) : x).toList();
            return new Preview(s.description(), s.sheets(), s.headers(), sample, allowed,
                    Mapping.fromSuggestions(o.name(), allowed));
        } catch (IOException e) {
            throw unreadable(file.name(), e);
        }
    }

    // ------------------------------------------------------------------ uploads

    /** Names of uploaded files are kept to this many characters (the extension is kept). */
    static final int MAX_NAME = 120;

    /** A file uploaded for import: its id, safe name and size. */
    public record Uploaded(UUID id, String name, long size) {
    }

    /**
     * Stores an upload in the shared file store for the principal (so whichever node runs the import reads it),
     * refusing it past {@code maxBytes} with the advice to split the file or use the command line. Nothing is
     * kept of a refused or empty upload.
     */
    public Uploaded upload(Principal p, String originalName, InputStream in, long maxBytes) {
        String name = safeName(originalName);
        UUID id = Ids.newId();
        String key = FileStore.key("uploads", id.toString(), name);
        long size = 0;
        try (FileStore.NewFile u = files.create(key); InputStream src = in) {
            java.io.OutputStream out = u.stream();
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = src.read(buf)) > 0) {
                size += n;
                if (size > maxBytes) {
                    throw new HotCrmException(ErrorCode.TOO_LARGE, "The file is larger than " + (maxBytes / 1024 / 1024)
                            + " MB, the limit for uploads. Split it into smaller files, or import it with the command line"
                            + " (hotcrm import FILE --object OBJECT), which streams a file of any size.");
                }
                out.write(buf, 0, n);
            }
            if (size == 0) {
                throw HotCrmException.invalid("The upload is empty: send the file's bytes.");
            }
            out.flush();
            u.commit();
        } catch (IOException e) {
            throw HotCrmException.invalid("The upload of " + name + " broke off (" + e.getMessage() + "); send it again.");
        }
        long bytes = size;
        db.jdbi().useHandle(h -> h.createUpdate("insert into hc_upload (id, file_key, file_name, size, created_by, created_at)"
                        + " values (:id, :key, :name, :size, :by, :now)").bind("id", id).bind("key", key).bind("name", name)
                .bind("size", bytes).bind("by", p.email()).bind("now", OffsetDateTime.now(ZoneOffset.UTC)).execute());
        return new Uploaded(id, name, bytes);
    }

    /** An upload of the principal's (or anyone's, for setup roles); "not found" otherwise. */
    public Uploaded uploaded(Principal p, UUID id) {
        return storedUpload(p, id).uploaded();
    }

    /** An upload with its key in the file store. */
    private record StoredUpload(Uploaded uploaded, String key) {
    }

    private StoredUpload storedUpload(Principal p, UUID id) {
        return db.jdbi().withHandle(h -> h.createQuery("select id, file_key, file_name, size, created_by from hc_upload where id = :id")
                        .bind("id", id).map((rs, c) -> AccessGuard.canSeeWorkOf(p, rs.getString("created_by"))
                                ? new StoredUpload(new Uploaded(rs.getObject("id", UUID.class), rs.getString("file_name"),
                                rs.getLong("size")), rs.getString("file_key")) : null)
                        .findOne())
                .orElseThrow(() -> HotCrmException.notFound("There is no uploaded file " + id + " that you can use; upload it"
                        + " first (POST /api/v1/imports/files)."));
    }

    /** The key of the upload an import file names (the principal's own), or null for a file given on the command line. */
    private String uploadKey(Principal p, ImportFile f) {
        return f.uploadId() == null ? null : storedUpload(p, f.uploadId()).key();
    }

    /**
     * A name safe in any file store and in a download header: the last path part, letters, digits and
     * {@code . _ - space} only, at most {@value #MAX_NAME} characters with the extension kept.
     */
    static String safeName(String name) {
        String n = name == null || name.isBlank() ? "upload.csv" : name;
        n = n.replace('\\', '/');
        n = n.substring(n.lastIndexOf('/') + 1).replaceAll("[^\\p{L}\\p{N}._ -]", "_").strip();
        n = n.replaceAll("\\.{2,}", ".");
        if (n.length() > MAX_NAME) {
            int dot = n.lastIndexOf('.');
            String ext = dot > 0 && n.length() - dot <= 10 ? n.substring(dot) : "";
            n = n.substring(0, MAX_NAME - ext.length()).strip() + ext;
        }
        return n.isBlank() || n.startsWith(".") ? "upload" + n : n;
    }

    /**
     * The file on this machine: the command line's own file, or the upload of {@code uploadKey} (downloaded from a
     * bucket if need be).
     */
    private FileStore.LocalCopy localCopy(ImportFile f, String uploadKey) {
        if (f.path() != null) {
            if (!Files.isRegularFile(f.path())) {
                throw HotCrmException.invalid("There is no file " + f.path() + ".");
            }
            return FileStore.LocalCopy.of(f.path());
        }
        return files.local(uploadKey);
    }

    private static boolean writable(Principal p, ObjectDef o, String field) {
        return field.equals(SystemField.EXTERNAL_ID) || field.equals(CompiledMapping.ID)
                || o.field(field).map(f -> p.role().fieldAccess(o.name(), f.name()).edit()).orElse(false);
    }

    /** Opens the file with the first format that recognises it. */
    Source open(Path file, String fileName, SourceOptions options) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw HotCrmException.invalid("There is no file " + fileName + ".");
        }
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(8);
        }
        for (SourceFormat f : formats) {
            if (f.accepts(fileName, head)) {
                return f.open(file, fileName, options);
            }
        }
        throw HotCrmException.invalid("The file " + fileName + " is not a format HotCRM imports: use CSV, .xlsx or .xls.");
    }

    private static HotCrmException unreadable(String fileName, IOException e) {
        return HotCrmException.invalid("Cannot read " + fileName + ": " + e.getMessage());
    }

    /** Checks the request and runs it to the end in this thread (dry-runs, tests, scripts). */
    public ImportSummary run(Principal p, ImportRequest request, ImportListener listener) {
        return execute(start(p, request).id(), null, 1, listener);
    }

    /**
     * Checks everything that can be checked before a row is read — the file opens, the mapping fits the
     * object and the file, the user may create/edit the object and every mapped field, the match key is
     * mapped, required fields are filled — then records the import (state {@code queued}) and returns it.
     * Nothing is recorded when a check fails.
     */
    public ImportSummary start(Principal p, ImportRequest r) {
        ObjectDef o = schema.object(r.object());
        Plan plan;
        String sourceKey = uploadKey(p, r.file());
        try (FileStore.LocalCopy copy = localCopy(r.file(), sourceKey); Source s = open(copy.path(), r.fileName(), r.source())) {
            plan = plan(p, r, o, s);
        } catch (IOException e) {
            throw unreadable(r.fileName(), e);
        }
        UUID id = Ids.newId();
        OffsetDateTime stamp = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
        String sourcePath = r.file().path() == null ? null : r.file().path().toString();
        log.create(id, r, plan.matchField, settings(r, plan.mapping), p.email(), stamp, sourceKey, sourcePath,
                FileStore.key("imports", id.toString()));
        log.total(id, plan.rows);
        if (r.saveMappingAs() != null && !r.saveMappingAs().isBlank()) {
            saveMapping(p, r.saveMappingAs(), plan.mapping);
        }
        return log.get(id).summary(plan.source, plan.compiled.ignoredColumns(), List.of(), List.of());
    }

    /** A request checked against its file: the mapping to use, compiled, and the match key. */
    private record Plan(Mapping mapping, CompiledMapping compiled, String matchField, String source, long rows) {
    }

    private Plan plan(Principal p, ImportRequest r, ObjectDef o, Source s) throws IOException {
        if (o.name().equals(USER)) {
            AccessGuard.requireSetup(p, "import users");
        }
        if (r.mode() != ImportMode.UPDATE) {
            AccessGuard.require(p, o, Action.CREATE);
        }
        if (r.mode() != ImportMode.INSERT) {
            AccessGuard.require(p, o, Action.EDIT);
        }
        {
            Mapping m = r.mapping();
            if (m == null && r.mappingName() != null) {
                m = savedMappings.get(o.name(), r.mappingName());
            }
            if (m == null) {
                List<String[]> sample = new ArrayList<>();
                SourceRow row;
                while (sample.size() < 10 && (row = s.next()) != null) {
                    sample.add(row.values());
                }
                m = Mapping.fromSuggestions(o.name(), suggester.suggest(o, s.headers(), sample));
            }
            m = m.withObject(o.name());
            if (r.formats() != null) {
                m = m.withFormats(r.formats().applyTo(m.formats()));
            }
            Catalogue cat = schema.catalogue();
            CompiledMapping cm = CompiledMapping.compile(cat, o, m, s.headers());
            if (cm.targets().stream().noneMatch(CompiledMapping.Target::fromColumn)) {
                throw HotCrmException.invalid("No column of " + r.fileName() + " is mapped to a field of " + o.name()
                        + ". Its columns: " + String.join(", ", s.headers()) + ". Give a mapping (--mapping) naming the"
                        + " field for each column.");
            }
            List<FieldDef> editable = cm.targets().stream().map(CompiledMapping.Target::field)
                    .filter(f -> !f.name().equals(SystemField.EXTERNAL_ID) && !f.name().equals(CompiledMapping.ID)).toList();
            AccessGuard.requireEditable(p, o, editable);
            for (CompiledMapping.Target t : cm.targets()) {
                if (t.field().type() == FieldType.LOOKUP) {
                    AccessGuard.require(p, cat.object(t.field().target()), Action.READ);
                }
            }
            String match = matchField(r, o, cm);
            if (r.mode() != ImportMode.UPDATE) {
                List<String> missing = new ArrayList<>();
                for (FieldDef f : o.fields()) {
                    if (f.required() && !f.computed() && f.type() != FieldType.OWNER && f.defaultValue() == null
                            && cm.indexOf(f.name()) < 0 && !(o.name().equals(USER) && f.name().equals(ROLE))) {
                        missing.add(f.label() + " (" + f.name() + ")");
                    }
                }
                if (!missing.isEmpty()) {
                    throw HotCrmException.invalid("New " + o.pluralLabel().toLowerCase(java.util.Locale.ROOT) + " need "
                            + String.join(", ", missing) + ", but no column or constant fills "
                            + (missing.size() == 1 ? "it" : "them") + ". Map a column to " + (missing.size() == 1 ? "it" : "each")
                            + " or add a constant; or import in update mode.");
                }
            }
            return new Plan(m, cm, match, s.description(), s.rows());
        }
    }

    private static String matchField(ImportRequest r, ObjectDef o, CompiledMapping cm) {
        String wanted = r.matchField();
        if (NO_KEY.equals(wanted)) {
            return NO_KEY;
        }
        if (wanted != null && !wanted.isBlank()) {
            String w = wanted.trim();
            if (cm.indexOf(w) < 0 || !cm.targets().get(cm.indexOf(w)).fromColumn()) {
                throw HotCrmException.invalid("Rows are to be matched on " + w + ", but no column of the file is mapped to it."
                        + " Map the column that holds it, or match on another field.");
            }
            FieldDef f = w.equals(SystemField.EXTERNAL_ID) || w.equals(CompiledMapping.ID) ? null : o.field(w).orElse(null);
            if (f != null && (f.type().isReference() || f.type() == FieldType.MULTI_PICKLIST || f.type() == FieldType.TEXTAREA)) {
                throw HotCrmException.invalid("Rows cannot be matched on " + w + " (" + f.type().name().toLowerCase(java.util.Locale.ROOT)
                        + "); use external_id, id, email or another unique field.");
            }
            return w;
        }
        for (String candidate : List.of(SystemField.EXTERNAL_ID, CompiledMapping.ID, "email")) {
            int i = cm.indexOf(candidate);
            if (i >= 0 && cm.targets().get(i).fromColumn()) {
                return candidate;
            }
        }
        for (CompiledMapping.Target t : cm.targets()) {
            if (t.fromColumn() && t.field().unique() && !t.field().type().isReference()) {
                return t.name();
            }
        }
        if (r.mode() == ImportMode.UPDATE) {
            throw HotCrmException.invalid("Nothing to match rows on: updates need a column mapped to external_id, id, email"
                    + " or another unique field, or name the field with --match.");
        }
        return NO_KEY;
    }

    private static String settings(ImportRequest r, Mapping m) {
        ObjectNode n = JSON.createObjectNode();
        try {
            n.set("mapping", JSON.readTree(m.toJson()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (r.source().delimiter() != null) {
            n.put("delimiter", String.valueOf(r.source().delimiter()));
        }
        if (r.source().encoding() != null) {
            n.put("encoding", r.source().encoding().name());
        }
        if (r.source().sheet() != null) {
            n.put("sheet", r.source().sheet());
        }
        n.put("blanksClear", r.blanksClear());
        return n.toString();
    }

    /**
     * Runs a recorded import from its checkpoint to the end (the first run starts at row one; a run after an
     * interruption continues after the last committed chunk), as attempt {@code attempt} of the job
     * {@code jobId} (null when run directly). Only one run holds an import: another job's run of an import
     * that is running is refused, and a run that lost its import to another writes nothing more. Returns the
     * summary; a cancelled import ends {@code cancelled} with what it wrote kept (undo removes it); a failure
     * ends {@code failed} (or {@code interrupted} when the node is stopping) and is thrown.
     */
    public ImportSummary execute(UUID importId, UUID jobId, int attempt, ImportListener listener) {
        ImportLog.Row row = log.get(importId);
        if (ENDED.contains(row.state())) {
            return row.summary(null, List.of(), List.of(), List.of());
        }
        String runner = (jobId == null ? "direct-" + Ids.newId() : jobId.toString()) + "/" + attempt;
        boolean resumed = row.counts().done() > 0;
        if (!log.claim(importId, jobId, runner, resumed ? "Resuming after row " + row.counts().done() : "Starting")) {
            ImportLog.Row now = log.get(importId);
            if (ENDED.contains(now.state())) {
                return now.summary(null, List.of(), List.of(), List.of());
            }
            throw busy(importId, now.state(), now.jobId());
        }
        row = log.get(importId);
        try (FileStore.LocalCopy copy = sourceCopy(row)) {
            return run(row, runner, copy.path(), listener);
        } catch (RuntimeException e) {
            boolean stopping = Thread.currentThread().isInterrupted();
            String m = e instanceof HotCrmException ? e.getMessage() : "Unexpected error: " + e;
            if (stopping) {
                log.finish(importId, runner, "interrupted", "Stopped with the node running it after row "
                        + log.get(importId).counts().done() + "; it continues after its last committed chunk.");
            } else if (log.finish(importId, runner, "failed", m + (row.dryRun() ? "" : " Resume it to continue after the last"
                    + " committed chunk, or undo it to remove what it wrote."))) {
                assembleQuietly(log.get(importId), false);
            }
            throw e;
        }
    }

    private static final List<String> ENDED = List.of("succeeded", "cancelled", "undone", "undoing");

    /** A run of the import is under way: another would write its rows twice. */
    private static HotCrmException busy(UUID importId, String state, UUID jobId) {
        return new HotCrmException(ErrorCode.CONFLICT, "Import " + importId + " is " + state
                + (jobId == null ? "" : " (job " + jobId + ")") + ": resuming it now would write its rows twice."
                + " Wait for it to end, or cancel it (hotcrm jobs cancel " + (jobId == null ? "JOB_ID" : jobId)
                + "). If its process was stopped on another machine, HotCRM notices within a minute.");
    }

    /**
     * The import, if it may be resumed: it stopped midway (interrupted or failed) or waits (queued). One that
     * is running, or has ended, is refused with the reason, before any job is made for it.
     */
    public ImportSummary resumable(Principal p, UUID id) {
        ImportSummary s = get(p, id);
        if (s.state().equals("running")) {
            throw busy(id, s.state(), s.jobId());
        }
        if (!List.of("failed", "interrupted", "queued").contains(s.state())) {
            throw HotCrmException.invalid("Import " + id + " is " + s.state() + "; only an import that stopped midway"
                    + " (interrupted or failed) can be resumed.");
        }
        return s;
    }

    /** The source of a recorded import, on this machine: the upload from the file store, or the command line's file. */
    private FileStore.LocalCopy sourceCopy(ImportLog.Row row) {
        if (row.sourceKey() != null) {
            try {
                return files.local(row.sourceKey());
            } catch (HotCrmException e) {
                if (e.code() != ErrorCode.NOT_FOUND) {
                    throw e;
                }
                throw HotCrmException.notFound("The uploaded file " + row.fileName() + " of import " + row.id()
                        + " is no longer in the file store; upload it again and start a new import.");
            }
        }
        Path path = Path.of(row.sourcePath());
        if (!Files.isRegularFile(path)) {
            throw HotCrmException.invalid("Import " + row.id() + " reads " + path + ", a file on the machine where it was"
                    + " started, and it is not here. Resume it there (hotcrm import resume " + row.id() + "), or undo it.");
        }
        return FileStore.LocalCopy.of(path);
    }

    private ImportSummary run(ImportLog.Row row, String runner, Path file, ImportListener listener) {
        UUID importId = row.id();
        Principal p = Principal.SYSTEM_EMAIL.equals(row.createdBy()) ? Principal.system()
                : security.users().principal(row.createdBy());
        JsonNode settings;
        try {
            settings = JSON.readTree(row.settings());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Mapping mapping = Mapping.parse(settings.get("mapping").toString(), "of import " + importId);
        SourceOptions options = optionsOf(settings);
        ImportRequest request = new ImportRequest(row.object(), row.mode(), row.match(), mapping, null, null, options, null,
                row.dryRun(), settings.path("blanksClear").asBoolean(false), ImportFile.local(file));
        ObjectDef o = schema.object(row.object());
        try (Source source = open(file, row.fileName(), options)) {
            Plan plan = plan(p, request, o, source);
            Map<String, ObjectDef> targets = new HashMap<>();
            for (CompiledMapping.Target t : plan.compiled.targets()) {
                if (t.field().type() == FieldType.OWNER) {
                    targets.put("user", schema.object("user"));
                } else if (t.field().type() == FieldType.LOOKUP) {
                    targets.put(t.field().target(), schema.object(t.field().target()));
                }
            }
            UUID owner = o.ownerField().isPresent() ? defaultOwner(p) : null;
            ImportRun run = new ImportRun(db, batch, log, p, request, importId, runner, plan.compiled, targets, plan.matchField,
                    row.stamp(), owner, listener);
            run.continueFrom(row.counts());
            if (o.name().equals(USER)) {
                run.checkRoles(security.roles().list().stream().map(Role::name).toList());
            }
            Supplier<Source> reopen = () -> {
                try {
                    return open(file, row.fileName(), options);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            };
            run.indexFileKeys(reopen);
            ResultFiles results = new ResultFiles(files, row.resultKey(), source.headers(), row.dryRun());
            results.discardFrom(row.counts().done());
            boolean cancelled = run.run(source, row.counts().done(), results);
            ImportLog.Counts c = run.counts();
            LOG.debug("Import {} of {} rows: {}", importId, c.done(), run.timings());
            if (!row.dryRun()) {
                refreshStatistics(o, c);
            }
            results.assemble(c.done(), true);
            String message = describe(row.dryRun(), c) + (cancelled ? " Cancelled: what was written is kept; undo removes it." : "")
                    + (NO_KEY.equals(row.match()) ? " No column identifies records (external_id, id, email or a unique field),"
                    + " so every row creates one: importing this file again would create duplicates." : "");
            String state = cancelled ? "cancelled" : "succeeded";
            if (!log.finish(importId, runner, state, message)) {
                throw new HotCrmException(ErrorCode.CONFLICT, "Import " + importId + " was taken over by another run; this"
                        + " one stops.");
            }
            if (!row.dryRun()) {
                db.jdbi().useHandle(h -> AuditLog.record(h, p, "import." + state, o.name(), importId.toString(), message));
            }
            return log.get(importId).summary(source.description(), plan.compiled.ignoredColumns(), run.problems(), run.changes());
        } catch (IOException e) {
            throw unreadable(row.fileName(), e);
        }
    }

    /** Joins the result parts written so far, so a stopped import's rows can be downloaded; problems are logged. */
    private void assembleQuietly(ImportLog.Row row, boolean dropParts) {
        if (row.resultKey() == null) {
            return;
        }
        try (FileStore.LocalCopy copy = sourceCopy(row); Source s = open(copy.path(), row.fileName(), optionsOf(row))) {
            new ResultFiles(files, row.resultKey(), s.headers(), row.dryRun()).assemble(row.counts().done(), dropParts);
        } catch (IOException | RuntimeException e) {
            LOG.warn("Could not write the result files of import {}: {}", row.id(), e.getMessage());
        }
    }

    private static SourceOptions optionsOf(ImportLog.Row row) {
        try {
            return optionsOf(JSON.readTree(row.settings()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** How the file is read (delimiter, encoding, sheet), from an import's recorded settings. */
    private static SourceOptions optionsOf(JsonNode settings) {
        return new SourceOptions(settings.has("delimiter") ? settings.get("delimiter").asText().charAt(0) : null,
                settings.has("encoding") ? Charset.forName(settings.get("encoding").asText()) : null,
                settings.has("sheet") ? settings.get("sheet").asText() : null);
    }

    /**
     * Records how an import was left by a run that stopped without ending it (its job's process or node died,
     * or the job was cancelled while not running): {@code interrupted} — resumable, and undoable — when the
     * work goes on or waits for its owner; {@code failed} when no attempt is left; {@code cancelled}. Returns
     * the import as it now is, or empty when it had already ended.
     */
    public java.util.Optional<ImportSummary> stopped(UUID importId, String state, String reason) {
        ImportLog.Row row = log.find(importId).orElse(null);
        if (row == null) {
            return java.util.Optional.empty();
        }
        String how = switch (state) {
            case "failed" -> reason + ". It stopped after row " + row.counts().done() + ". Resume it (hotcrm import resume "
                    + importId + ") or undo it (hotcrm import undo " + importId + ").";
            case "cancelled" -> reason + ". What it wrote (" + row.counts().done() + " rows) is kept; undo removes it.";
            default -> reason + ". It stopped after row " + row.counts().done() + "; resume it (hotcrm import resume "
                    + importId + ") or undo it (hotcrm import undo " + importId + ").";
        };
        if (!log.stopped(importId, state, how)) {
            return java.util.Optional.empty();
        }
        if (!state.equals("interrupted")) {
            assembleQuietly(log.get(importId), state.equals("cancelled"));
        }
        return java.util.Optional.of(log.get(importId).summary(null, List.of(), List.of(), List.of()));
    }

    private static String describe(boolean dryRun, ImportLog.Counts c) {
        return (dryRun ? "Dry-run: would create " : "Created ") + c.created() + (dryRun ? ", would update " : ", updated ")
                + c.updated() + ", unchanged " + c.unchanged() + ", skipped " + c.skipped() + ", failed " + c.failed()
                + " of " + c.done() + " rows.";
    }

    /** New records belong to the importing user; imports run by the system give them to the first administrator. */
    /** Rows written before the planner's statistics of a table are refreshed at the end of an import. */
    static final long ANALYZE_AFTER_ROWS = 10_000;

    /**
     * After a large import, the database's statistics of the table are refreshed at once (PostgreSQL's
     * autovacuum would do it minutes later): until then, queries and exports of the new records are planned
     * as if the table were still small.
     */
    private void refreshStatistics(ObjectDef o, ImportLog.Counts c) {
        if (db.dialect() != io.hotcrm.store.Dialect.POSTGRES || c.created() + c.updated() < ANALYZE_AFTER_ROWS) {
            return;
        }
        try {
            db.jdbi().useHandle(h -> h.execute("analyze " + o.tableName()));
        } catch (RuntimeException e) {
            LOG.warn("Could not refresh the statistics of {} after an import: {}", o.tableName(), e.getMessage());
        }
    }

    private UUID defaultOwner(Principal p) {
        if (p.userId() != null) {
            return p.userId();
        }
        return db.jdbi().withHandle(h -> h.createQuery("select id from obj_user where role = 'admin' and active = true"
                        + " and deleted_at is null order by created_at limit 1").mapTo(UUID.class).findOne())
                .orElseThrow(() -> HotCrmException.invalid("New records need an owner and there is no active administrator"
                        + " to give them to: map an owner column, or run the import as a user (--as EMAIL)."));
    }

    // ------------------------------------------------------------------ history

    /** An import, if the principal may see it (their own, or anyone's for setup roles). */
    public ImportSummary get(Principal p, UUID id) {
        ImportLog.Row row = log.find(id).filter(r -> AccessGuard.canSeeWorkOf(p, r.createdBy()))
                .orElseThrow(() -> HotCrmException.notFound("There is no import with id " + id + " that you can see."));
        return row.summary(null, List.of(), List.of(), List.of());
    }

    public List<ImportSummary> list(Principal p, int limit) {
        return log.list(p.role().manageSetup() ? null : p.email(), Math.max(1, Math.min(limit, 1000))).stream()
                .map(r -> r.summary(null, List.of(), List.of(), List.of())).toList();
    }

    /** The job running an import, recorded once the job exists. */
    public void attachJob(UUID importId, UUID jobId) {
        log.jobId(importId, jobId);
    }

    /**
     * The key of an import's result file ({@code results.csv}) or error file ({@code errors.csv}) in the
     * file store, once its run has ended.
     */
    public String resultFile(Principal p, UUID id, boolean errorsOnly) {
        ImportSummary s = get(p, id);
        String f = errorsOnly ? s.errorFile() : s.resultFile();
        if (f == null || !files.exists(f)) {
            throw HotCrmException.notFound(errorsOnly ? "Import " + id + " has no error file: no row failed."
                    : "Import " + id + " has no result file yet: it is written when the import's run ends.");
        }
        return f;
    }

    /** Reads an import's result or error file. */
    public InputStream openResultFile(Principal p, UUID id, boolean errorsOnly) {
        return files.open(resultFile(p, id, errorsOnly));
    }

    /** Where a file of the store is, for people: a path on this machine, or the bucket's address. */
    public String location(String key) {
        return files.where(key);
    }

    // ------------------------------------------------------------------ undo

    /** What an undo did: records removed and restored, and records changed since the import that were left alone. */
    public record UndoResult(UUID importId, long deleted, long restored, List<String> leftAlone) {
        public Map<String, Object> view() {
            Map<String, Object> m = new java.util.LinkedHashMap<>();
            m.put("id", importId);
            m.put("deleted", deleted);
            m.put("restored", restored);
            m.put("leftAlone", leftAlone);
            return m;
        }
    }

    /**
     * Takes an import back: records it created are deleted and fields it updated get their values from before
     * the import back, using its journal. Records changed since (by anyone) are left as they are and listed.
     * Works for finished, cancelled, failed and interrupted imports (a rollback of one that stopped midway); while
     * it runs, the import is marked {@code undoing}, so a run thought dead that still writes stops.
     */
    public UndoResult undo(Principal p, UUID id) {
        ImportLog.Row row = log.find(id).filter(r -> AccessGuard.canSeeWorkOf(p, r.createdBy()))
                .orElseThrow(() -> HotCrmException.notFound("There is no import with id " + id + " that you can see."));
        if (row.dryRun()) {
            throw HotCrmException.invalid("Import " + id + " was a dry-run: it wrote nothing, so there is nothing to undo.");
        }
        if (row.state().equals("undone")) {
            throw new HotCrmException(ErrorCode.CONFLICT, "Import " + id + " has already been undone.");
        }
        if (row.state().equals("running") || row.state().equals("queued") || row.state().equals("undoing")) {
            throw new HotCrmException(ErrorCode.CONFLICT, "Import " + id + " is " + (row.state().equals("undoing")
                    ? "being undone already." : "still " + row.state() + (row.jobId() == null ? "" : " (job " + row.jobId() + ")")
                    + "; cancel it first (hotcrm jobs cancel " + (row.jobId() == null ? "JOB_ID" : row.jobId()) + "), then undo it."));
        }
        ObjectDef o = schema.object(row.object());
        AccessGuard.require(p, o, Action.DELETE);
        AccessGuard.require(p, o, Action.EDIT);
        String runner = "undo-" + Ids.newId();
        if (!log.claimForUndo(id, runner, row.state())) {
            throw new HotCrmException(ErrorCode.CONFLICT, "Import " + id + " changed while it was being undone; try again.");
        }
        UndoResult result;
        try {
            result = new Undo(db, batch, o, row.stamp(), p).run(id);
        } catch (RuntimeException e) {
            log.release(id, runner, row.state());
            throw e;
        }
        if (row.resultKey() != null && !files.exists(FileStore.key(row.resultKey(), ResultFiles.RESULTS))) {
            assembleQuietly(row, true);
        }
        log.finish(id, runner, "undone", "Undone by " + p.email() + ": " + result.deleted() + " created records deleted, "
                + result.restored() + " updated records restored" + (result.leftAlone().isEmpty() ? "."
                : ", " + result.leftAlone().size() + " changed since the import left alone."));
        db.jdbi().useHandle(h -> AuditLog.record(h, p, "import.undo", o.name(), id.toString(), result.view().toString()));
        return result;
    }
}
