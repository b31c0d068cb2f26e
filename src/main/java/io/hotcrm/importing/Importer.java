package io.hotcrm.importing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hotcrm.common.ErrorCode;
import io.hotcrm.common.HotCrmException;
import io.hotcrm.common.Ids;
import io.hotcrm.common.Work;
import io.hotcrm.files.FileStore;
import io.hotcrm.mapping.CompiledMapping;
import io.hotcrm.mapping.Mapping;
import io.hotcrm.mapping.MappingSuggester;
import io.hotcrm.mapping.SavedMappings;
import io.hotcrm.mapping.Suggestion;
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
import io.hotcrm.store.Dialect;
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
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The front door of imports: the command line, the REST API, the console and the migration engine all call
 * it, and only translate. An import's life:
 * <ul>
 * <li>{@link #upload} a file (the API and console; the command line names a file on its machine) and
 * {@link #preview} it: shape, first rows, suggested mapping;</li>
 * <li>{@link #start} a request — a dry-run or a commit — checked completely before anything is recorded, then
 * run as a job, in the background or here ({@link Work.Run});</li>
 * <li>{@link #commit} a dry-run as it was checked, {@link #resume} one that stopped midway, {@link #cancel} one
 * that runs, {@link #undo} one that wrote (a job too);</li>
 * <li>read it back, typed: {@link #get}, {@link #list}, its result and error files.</li>
 * </ul>
 * The job handlers the composition root registers call {@link #execute} and {@link #executeUndo}.
 */
public final class Importer {
    /** The job type that runs imports; its payload is {@link #jobPayload}. */
    public static final String JOB_TYPE = "import";
    /** The job type that undoes imports. */
    public static final String UNDO_JOB_TYPE = "import-undo";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Importer.class);
    /** Rows written before the planner's statistics of a table are refreshed at the end of an import. */
    static final long ANALYZE_AFTER_ROWS = 10_000;

    private final Database db;
    private final Schema schema;
    private final RecordBatch batch;
    private final SavedMappings savedMappings;
    private final ImportLog log;
    private final List<SourceFormat> formats;
    private final FileStore files;
    private final Security security;
    private final Work work;
    private final MappingSuggester suggester = new MappingSuggester();
    private final Uploads uploads;
    private final Planner planner;

    /**
     * @param formats  the file formats, tried in order by their first bytes
     * @param files    the file store every node shares: uploads, result and error files
     * @param security finds the principal an import runs as (by email; "system" for the system) and the roles
     *                 user imports may give
     * @param work     where imports and undos run as jobs
     */
    public Importer(Database db, Schema schema, List<SourceFormat> formats, FileStore files, Security security, Work work) {
        this.db = db;
        this.schema = schema;
        this.batch = new RecordBatch(db, schema);
        this.savedMappings = new SavedMappings(db.jdbi());
        this.log = new ImportLog(db.jdbi());
        this.formats = List.copyOf(formats);
        this.files = files;
        this.security = security;
        this.work = work;
        this.uploads = new Uploads(db.jdbi(), files);
        this.planner = new Planner(savedMappings, suggester);
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

    // ------------------------------------------------------------------ files, previews, mappings

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
        try (FileStore.LocalCopy copy = uploads.localCopy(file, uploads.key(p, file)); Source s = open(copy.path(), file.name(), options)) {
            List<String[]> sample = new ArrayList<>();
            SourceRow r;
            while (sample.size() < 10 && (r = s.next()) != null) {
                sample.add(r.values());
            }
            List<Suggestion> suggestions = suggester.suggest(o, s.headers(), sample);
            List<Suggestion> allowed = suggestions.stream().map(x -> x.mapped() && !writable(p, o, x.field())
                    ? new Suggestion(x.column(), x.header(), null, null, x.confidence(), "It would fill " + x.field()
                    + ", which your role may not edit.", List.of(x.field()), x.samples()) : x).toList();
            Map<String, List<String>> compose = suggester.suggestMapping(o, suggestions).compose();
            for (Map.Entry<String, List<String>> c : compose.entrySet()) {
                String why = "Composed into " + c.getKey() + " from " + String.join(" + ", c.getValue()) + ".";
                allowed = allowed.stream().map(x -> (x.mapped() && x.field().equals(c.getKey())) || c.getValue().contains(x.header())
                        ? new Suggestion(x.column(), x.header(), null, null, x.confidence(), x.mapped() ? "Not " + c.getKey()
                        + ": " + why : why, x.mapped() ? List.of(x.field()) : x.alternatives(), x.samples()) : x).toList();
            }
            Mapping suggested = new Mapping(o.name(), Mapping.fromSuggestions(o.name(), allowed).columns(), Map.of(), null, compose);
            return new Preview(s.description(), s.sheets(), s.headers(), sample, allowed, suggested);
        } catch (IOException e) {
            throw unreadable(file.name(), e);
        }
    }

    /**
     * Stores an upload in the shared file store for the principal (so whichever node runs the import reads it),
     * refusing it past {@code maxBytes} with the advice to split the file or use the command line. Nothing is
     * kept of a refused or empty upload.
     */
    public Uploaded upload(Principal p, String originalName, InputStream in, long maxBytes) {
        return uploads.upload(p, originalName, in, maxBytes);
    }

    /** An upload of the principal's (or anyone's, for setup roles); "not found" otherwise. */
    public Uploaded uploaded(Principal p, UUID id) {
        return uploads.stored(p, id).uploaded();
    }

    /** An upload's bytes, streamed from the file store (the principal's own, or any for setup roles). */
    public InputStream openUpload(Principal p, UUID id) {
        return files.open(uploads.stored(p, id).key());
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

    // ------------------------------------------------------------------ starting, committing, resuming, cancelling

    /**
     * Starts an import — a dry-run or a commit, as the request says — after checking everything that can be
     * checked before a row is read: the file opens, the mapping fits the object and the file, the user may
     * create/edit the object and every mapped field, the match key is mapped, required fields are filled.
     * Nothing is recorded when a check fails. The import then runs as a job: in the background (returns at once,
     * state {@code queued}; with an idempotency key, the same key returns the same import) or here (returns when
     * it ended).
     */
    public ImportSummary start(Principal p, ImportRequest r, Work.Run how) {
        if (how.idempotencyKey() != null) {
            Optional<ImportLog.Row> earlier = log.byRequestKey(p.email(), how.idempotencyKey());
            if (earlier.isPresent()) {
                return earlier.get().summary();
            }
        }
        UUID id;
        try {
            id = record(p, r, how.idempotencyKey());
        } catch (org.jdbi.v3.core.statement.UnableToExecuteStatementException e) {
            // the same key sent twice at once: the other request recorded the import
            Optional<ImportLog.Row> other = how.idempotencyKey() == null ? Optional.empty()
                    : log.byRequestKey(p.email(), how.idempotencyKey());
            if (other.isPresent()) {
                return other.get().summary();
            }
            throw e;
        }
        return dispatch(p, id, how);
    }

    /** Runs a request to the end in this thread, without a job (benchmarks, tests, embedding); nothing is queued. */
    public ImportSummary run(Principal p, ImportRequest r, ImportListener listener) {
        return execute(record(p, r, null), null, 1, listener);
    }

    /**
     * Writes what a dry-run checked: a new import of the same file with the same mapping, match field, mode and
     * options, not a dry-run. The dry-run stays as it was.
     */
    public ImportSummary commit(Principal p, UUID dryRunId, Work.Run how) {
        ImportLog.Row row = visible(p, dryRunId);
        if (!row.dryRun()) {
            throw HotCrmException.invalid("Import " + dryRunId + " is not a dry-run; only a dry-run can be committed.");
        }
        if (!row.state().ended() && row.state() != ImportState.FAILED) {
            throw new HotCrmException(ErrorCode.CONFLICT, "The dry-run " + dryRunId + " is still " + row.state().id()
                    + "; commit it once it has ended.");
        }
        ImportFile file = row.sourceKey() != null ? new ImportFile(Uploads.idOf(row.sourceKey()), null, row.fileName())
                : ImportFile.local(Path.of(row.sourcePath()));
        return start(p, recorded(row, file).dryRun(false).build(), how);
    }

    /** The request an import was recorded with (mapping, mode, match field, read options, …), reading {@code file}. */
    private static ImportRequest.Builder recorded(ImportLog.Row row, ImportFile file) {
        JsonNode settings = row.settingsJson();
        return ImportRequest.builder(row.object(), file).mode(row.mode()).match(row.match())
                .mapping(Mapping.parse(settings.get("mapping").toString(), "of import " + row.id()))
                .source(optionsOf(settings)).dryRun(row.dryRun()).blanksClear(settings.path("blanksClear").asBoolean(false))
                .migration(settings.path("migration").asBoolean(false))
                .expected(expectedOf(settings)).partOf(settings.hasNonNull("partOf") ? settings.get("partOf").asText() : null);
    }

    private static Map<String, UUID> expectedOf(JsonNode settings) {
        Map<String, UUID> out = new HashMap<>();
        settings.path("expected").properties().forEach(e -> out.put(e.getKey(), UUID.fromString(e.getValue().asText())));
        return out;
    }

    /**
     * The keys of records a dry-run's earlier steps would create, per object (lower-cased for users, whose key is
     * the email): read from the uploads the request names.
     */
    private Map<String, java.util.Set<String>> expectedKeys(Principal p, ImportRequest r) {
        Map<String, java.util.Set<String>> out = new HashMap<>();
        if (!r.dryRun()) {
            return out;
        }
        r.expected().forEach((object, upload) -> {
            java.util.Set<String> keys = new java.util.HashSet<>();
            String key = uploads.key(p, new ImportFile(upload, null, "keys"));
            try (java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(files.open(key),
                    java.nio.charset.StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    if (!line.isBlank()) {
                        keys.add(object.equals(UserRows.USER) ? line.strip().toLowerCase(java.util.Locale.ROOT) : line.strip());
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            out.put(object, keys);
        });
        return out;
    }

    /**
     * Continues an import that stopped midway (interrupted, failed) or still waits, after its last committed
     * chunk, as a new job. One that runs, or has ended, is refused with the reason before any job is made.
     */
    public ImportSummary resume(Principal p, UUID id, Work.Run how) {
        ImportLog.Row row = visible(p, id);
        if (row.state() == ImportState.RUNNING) {
            throw busy(id, row.state(), row.jobId());
        }
        if (!row.state().resumable()) {
            throw HotCrmException.invalid("Import " + id + " is " + row.state().describe(row.counts().failed())
                    + "; only an import that stopped midway (interrupted or failed) can be resumed.");
        }
        return dispatch(p, id, how);
    }

    /** Asks the job running (or undoing) an import to stop after its current chunk. */
    public ImportSummary cancel(Principal p, UUID id) {
        ImportLog.Row row = visible(p, id);
        UUID job = row.state() == ImportState.UNDOING ? row.undoJobId() : row.jobId();
        if (job == null || !(row.state() == ImportState.RUNNING || row.state() == ImportState.QUEUED
                || row.state() == ImportState.UNDOING)) {
            throw new HotCrmException(ErrorCode.CONFLICT, "Import " + id + " is " + row.state().describe(row.counts().failed())
                    + "; there is nothing to cancel.");
        }
        work.cancel(job, p.email());
        return log.get(id).summary();
    }

    private ImportSummary dispatch(Principal p, UUID id, Work.Run how) {
        if (how.here()) {
            work.runHere(JOB_TYPE, jobPayload(id), p.email(), how.progress());
        } else {
            log.jobId(id, work.submit(JOB_TYPE, jobPayload(id), p.email(), null));
        }
        return log.get(id).summary();
    }

    /** Checks a request against its file and records the import (state queued); returns its id. */
    UUID record(Principal p, ImportRequest r, String requestKey) {
        ObjectDef o = schema.object(r.object());
        Planner.Plan plan;
        String sourceKey = uploads.key(p, r.file());
        try (FileStore.LocalCopy copy = uploads.localCopy(r.file(), sourceKey); Source s = open(copy.path(), r.fileName(), r.source())) {
            plan = planner.plan(p, r, schema.catalogue(), o, s);
        } catch (IOException e) {
            throw unreadable(r.fileName(), e);
        }
        UUID id = Ids.newId();
        OffsetDateTime stamp = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
        String sourcePath = r.file().path() == null ? null : r.file().path().toAbsolutePath().toString();
        log.create(id, r, plan.matchField(), settings(r, plan), p.email(), stamp, sourceKey, sourcePath,
                FileStore.key("imports", id.toString()), plan.rows(), requestKey);
        if (r.saveMappingAs() != null && !r.saveMappingAs().isBlank()) {
            saveMapping(p, r.saveMappingAs(), plan.mapping());
        }
        return id;
    }

    private static String settings(ImportRequest r, Planner.Plan plan) {
        ObjectNode n = JSON.createObjectNode();
        try {
            n.set("mapping", JSON.readTree(plan.mapping().toJson()));
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
        n.put("migration", r.migration());
        if (r.partOf() != null) {
            n.put("partOf", r.partOf());
        }
        if (!r.expected().isEmpty()) {
            ObjectNode e = n.putObject("expected");
            r.expected().forEach((object, upload) -> e.put(object, upload.toString()));
        }
        n.put("source", plan.source());
        ArrayNode ignored = n.putArray("ignoredColumns");
        plan.compiled().ignoredColumns().forEach(ignored::add);
        return n.toString();
    }

    // ------------------------------------------------------------------ running (the job side)

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
        if (row.state().ended()) {
            return row.summary();
        }
        String runner = (jobId == null ? "direct-" + Ids.newId() : jobId.toString()) + "/" + attempt;
        boolean resumed = row.counts().done() > 0;
        if (!log.claim(importId, jobId, runner, resumed ? "Resuming after row " + row.counts().done() : "Starting")) {
            ImportLog.Row now = log.get(importId);
            if (now.state().ended()) {
                return now.summary();
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
                log.finish(importId, runner, ImportState.INTERRUPTED, "Stopped with the node running it after row "
                        + log.get(importId).counts().done() + "; it continues after its last committed chunk.", null);
            } else if (log.finish(importId, runner, ImportState.FAILED, m + (row.dryRun() ? "" : " Resume it to continue"
                    + " after the last committed chunk, or undo it to remove what it wrote."), null)) {
                assembleQuietly(log.get(importId), false);
            }
            throw e;
        }
    }

    /** A run of the import is under way: another would write its rows twice. */
    private static HotCrmException busy(UUID importId, ImportState state, UUID jobId) {
        return new HotCrmException(ErrorCode.CONFLICT, "Import " + importId + " is " + state.id()
                + (jobId == null ? "" : " (job " + jobId + ")") + ": resuming it now would write its rows twice."
                + " Wait for it to end, or cancel it (hotcrm jobs cancel " + (jobId == null ? "JOB_ID" : jobId)
                + "). If its process was stopped on another machine, HotCRM notices within a minute.");
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

    /** Wires the pipeline's stages for one run of a recorded import, runs it, and ends it. */
    private ImportSummary run(ImportLog.Row row, String runner, Path file, ImportListener listener) {
        UUID importId = row.id();
        Principal p = principal(row.createdBy());
        ImportRequest request = recorded(row, ImportFile.local(file)).build();
        SourceOptions options = request.source();
        ObjectDef o = schema.object(row.object());
        try (Source source = open(file, row.fileName(), options)) {
            Planner.Plan plan = planner.plan(p, request, schema.catalogue(), o, source);
            CompiledMapping cm = plan.compiled();
            Map<String, ObjectDef> targets = new HashMap<>();
            for (CompiledMapping.Target t : cm.targets()) {
                if (t.field().type() == FieldType.OWNER) {
                    targets.put("user", schema.object("user"));
                } else if (t.field().type() == FieldType.LOOKUP) {
                    targets.put(t.field().target(), schema.object(t.field().target()));
                }
            }
            boolean users = o.name().equals(UserRows.USER);
            UUID owner = o.ownerField().isPresent() ? defaultOwner(p) : null;
            Keys keys = new Keys(cm, row.mode(), plan.matchField());
            keys.indexFileKeys(() -> {
                try {
                    return open(file, row.fileName(), options);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            Classifier classifier = new Classifier(db, batch, p, row.mode(), request.blanksClear(), cm, keys, owner,
                    users ? UserRows.defaults() : Map.of());
            ResultFiles results = new ResultFiles(files, row.resultKey(), source.headers(), row.dryRun());
            results.discardFrom(row.counts().done());
            Findings findings = Findings.parse(row.problems(), row.changes());
            ChunkWriter writer = new ChunkWriter(db, batch, log, importId, runner, row.dryRun(), p, row.stamp(), classifier,
                    listener, source.rows(), row.counts(), findings);
            ImportRun run = new ImportRun(importId, row.dryRun(), p, row.stamp(), keys,
                    users ? new UserRows(cm, security.roles().list().stream().map(Role::name).toList()) : null,
                    new References(db, batch, cm, targets, keys, expectedKeys(p, request)), classifier, writer, results);
            long started = System.nanoTime();
            boolean cancelled = run.run(source, row.counts().done(), listener);
            long ran = System.nanoTime() - started;
            ImportLog.Counts c = run.counts();
            LOG.debug("Import {} of {} rows in {} ms: {}", importId, c.done(), ran / 1_000_000, run.timings());
            if (!row.dryRun()) {
                refreshStatistics(o, c);
            }
            results.assemble(c.done(), true);
            ImportState state = cancelled ? ImportState.CANCELLED
                    : c.failed() > 0 ? ImportState.COMPLETED_WITH_FAILURES : ImportState.SUCCEEDED;
            String message = describe(row.dryRun(), c) + (cancelled ? " Cancelled: what was written is kept; undo removes it." : "")
                    + (Planner.NO_KEY.equals(row.match()) ? " No column identifies records (external_id, id, email or a unique"
                    + " field), so every row creates one: importing this file again would create duplicates." : "");
            if (!log.finish(importId, runner, state, message, findings.problemsJson())) {
                throw new HotCrmException(ErrorCode.CONFLICT, "Import " + importId + " was taken over by another run; this"
                        + " one stops.");
            }
            if (!row.dryRun()) {
                db.jdbi().useHandle(h -> AuditLog.record(h, p, "import." + state.id(), o.name(), importId.toString(), message));
            }
            return log.get(importId).summary();
        } catch (IOException e) {
            throw unreadable(row.fileName(), e);
        }
    }

    /** The principal a recorded import or undo runs as: its user, or the system. */
    private Principal principal(String email) {
        return Principal.SYSTEM_EMAIL.equals(email) ? Principal.system() : security.users().principal(email);
    }

    /** Joins the result parts written so far, so a stopped import's rows can be downloaded; problems are logged. */
    private void assembleQuietly(ImportLog.Row row, boolean dropParts) {
        if (row.resultKey() == null) {
            return;
        }
        try (FileStore.LocalCopy copy = sourceCopy(row); Source s = open(copy.path(), row.fileName(), optionsOf(row.settingsJson()))) {
            new ResultFiles(files, row.resultKey(), s.headers(), row.dryRun()).assemble(row.counts().done(), dropParts);
        } catch (IOException | RuntimeException e) {
            LOG.warn("Could not write the result files of import {}: {}", row.id(), e.getMessage());
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
    public Optional<ImportSummary> stopped(UUID importId, ImportState state, String reason) {
        ImportLog.Row row = log.find(importId).orElse(null);
        if (row == null) {
            return Optional.empty();
        }
        String how = switch (state) {
            case FAILED -> reason + ". It stopped after row " + row.counts().done() + ". Resume it (hotcrm import resume "
                    + importId + ") or undo it (hotcrm import undo " + importId + ").";
            case CANCELLED -> reason + ". What it wrote (" + row.counts().done() + " rows) is kept; undo removes it.";
            default -> reason + ". It stopped after row " + row.counts().done() + "; resume it (hotcrm import resume "
                    + importId + ") or undo it (hotcrm import undo " + importId + ").";
        };
        if (!log.stopped(importId, state, how)) {
            return Optional.empty();
        }
        if (state != ImportState.INTERRUPTED) {
            assembleQuietly(log.get(importId), state == ImportState.CANCELLED);
        }
        return Optional.of(log.get(importId).summary());
    }

    private static String describe(boolean dryRun, ImportLog.Counts c) {
        return (dryRun ? "Dry-run: would create " : "Created ") + c.created() + (dryRun ? ", would update " : ", updated ")
                + c.updated() + ", unchanged " + c.unchanged() + ", skipped " + c.skipped() + ", failed " + c.failed()
                + " of " + c.done() + " rows.";
    }

    /**
     * After a large import, the database's statistics of the table are refreshed at once (PostgreSQL's
     * autovacuum would do it minutes later): until then, queries and exports of the new records are planned
     * as if the table were still small.
     */
    private void refreshStatistics(ObjectDef o, ImportLog.Counts c) {
        if (db.dialect() != Dialect.POSTGRES || c.created() + c.updated() < ANALYZE_AFTER_ROWS) {
            return;
        }
        try {
            db.jdbi().useHandle(h -> h.execute("analyze " + o.tableName()));
        } catch (RuntimeException e) {
            LOG.warn("Could not refresh the statistics of {} after an import: {}", o.tableName(), e.getMessage());
        }
    }

    /** New records belong to the importing user; imports run by the system give them to the first administrator. */
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

    private ImportLog.Row visible(Principal p, UUID id) {
        return log.find(id).filter(r -> AccessGuard.canSeeWorkOf(p, r.createdBy()))
                .orElseThrow(() -> HotCrmException.notFound("There is no import with id " + id + " that you can see."));
    }

    /** An import, if the principal may see it (their own, or anyone's for setup roles). */
    public ImportSummary get(Principal p, UUID id) {
        return visible(p, id).summary();
    }

    /** Imports, newest first: the principal's own, or everyone's for setup roles. */
    public List<ImportSummary> list(Principal p, int limit) {
        return list(p, null, null, List.of(), limit);
    }

    /**
     * Imports newest first, as {@link #list(Principal, int)}, narrowed to one object, one user (only administrators see
     * others' imports) and some states; null or empty for any.
     */
    public List<ImportSummary> list(Principal p, String object, String createdBy, java.util.Collection<ImportState> states, int limit) {
        String by = p.role().manageSetup() ? createdBy : p.email();
        return log.list(by, object, states, Math.max(1, Math.min(limit, 1000))).stream().map(ImportLog.Row::summary).toList();
    }

    /** The users whose imports {@code p} may see, for a filter: everyone who ran one for administrators, else themselves. */
    public List<String> runners(Principal p) {
        return p.role().manageSetup() ? log.runners() : List.of(p.email());
    }

    /**
     * Whether {@code p} may undo the import now: it wrote something (not a dry-run, and it created or updated records),
     * its run is over and it is not undone, it is not part of a migration (undone with it), and the user may edit and
     * delete its object's records.
     */
    public boolean mayUndo(Principal p, ImportSummary s) {
        if (s.dryRun() || !s.state().undoable() || s.partOf() != null || s.created() + s.updated() == 0) {
            return false;
        }
        ObjectDef o = schema.catalogue().find(s.object()).orElse(null);
        return o != null && AccessGuard.can(p, o, Action.DELETE) && AccessGuard.can(p, o, Action.EDIT);
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

    // ------------------------------------------------------------------ people's data in imports

    /**
     * An import or upload holding rows of a person: which ({@code kind} import or upload, its id, object and file
     * name), where ({@code parts}: results.csv, errors.csv, source file, undo journal, findings), how many rows of its
     * files, and what erasing does or did ({@code action}).
     */
    public record Trace(String kind, UUID id, String object, String fileName, List<String> parts, long rows, String action) {
    }

    /**
     * The imports and uploads that hold rows of the records given, or a value that {@code matches} accepts (the
     * person's email or phone): in their result and error files, source files, undo journals and findings (see
     * {@link ImportTraces}). Reads every kept import file: for the privacy package, which checks its caller.
     */
    public List<Trace> traces(Set<UUID> ids, java.util.function.Predicate<String> matches) {
        return new ImportTraces(db.jdbi(), files, this).scan(ids, matches, false);
    }

    /** Erases what {@link #traces} finds (redacts rows, deletes source files, drops journal entries); returns what it did. */
    public List<Trace> forget(Set<UUID> ids, java.util.function.Predicate<String> matches) {
        return new ImportTraces(db.jdbi(), files, this).scan(ids, matches, true);
    }

    // ------------------------------------------------------------------ undo

    /**
     * Takes an import back, as a job: records it created are deleted and fields it updated get their values from
     * before the import back, using its journal. Records changed since (by anyone) are left as they are and
     * listed. Works for ended, cancelled, failed and interrupted imports (a rollback of one that stopped midway).
     * The import is {@code undoing} at once, so a run thought dead that still writes stops; a failed or
     * cancelled undo changes nothing and gives the import its state back.
     */
    public ImportSummary undo(Principal p, UUID id, Work.Run how) {
        ImportLog.Row row = visible(p, id);
        if (row.dryRun()) {
            throw HotCrmException.invalid("Import " + id + " was a dry-run: it wrote nothing, so there is nothing to undo.");
        }
        if (row.state() == ImportState.UNDONE) {
            throw new HotCrmException(ErrorCode.CONFLICT, "Import " + id + " has already been undone.");
        }
        if (!row.state().undoable()) {
            throw new HotCrmException(ErrorCode.CONFLICT, "Import " + id + " is " + (row.state() == ImportState.UNDOING
                    ? "being undone already." : "still " + row.state().id() + (row.jobId() == null ? "" : " (job " + row.jobId() + ")")
                    + "; cancel it first (hotcrm jobs cancel " + (row.jobId() == null ? "JOB_ID" : row.jobId()) + "), then undo it."));
        }
        ObjectDef o = schema.object(row.object());
        AccessGuard.require(p, o, Action.DELETE);
        AccessGuard.require(p, o, Action.EDIT);
        String runner = "undo-" + Ids.newId();
        if (!log.claimForUndo(id, runner, row.state())) {
            throw new HotCrmException(ErrorCode.CONFLICT, "Import " + id + " changed while it was being undone; try again.");
        }
        String payload = JSON.createObjectNode().put("importId", id.toString()).put("runner", runner)
                .put("from", row.state().id()).put("by", p.email()).toString();
        try {
            if (how.here()) {
                work.runHere(UNDO_JOB_TYPE, payload, p.email(), how.progress());
            } else {
                log.undoJob(id, runner, work.submit(UNDO_JOB_TYPE, payload, p.email(), null));
            }
        } catch (RuntimeException e) {
            log.release(id, runner, row.state());
            throw e;
        }
        return log.get(id).summary();
    }

    /**
     * Runs an undo job: the undo in one transaction, reporting progress per journal chunk and stopping (with
     * nothing changed) when the listener cancels. Returns the import as it then is: {@code undone}, or in its
     * earlier state when cancelled. A failure gives the import its earlier state back and is thrown.
     */
    public ImportSummary executeUndo(String payload, UUID jobId, ImportListener listener) {
        JsonNode n;
        try {
            n = JSON.readTree(payload);
        } catch (IOException e) {
            throw HotCrmException.invalid("Not an undo payload: " + payload);
        }
        UUID id = UUID.fromString(n.path("importId").asText());
        String runner = n.path("runner").asText();
        ImportState from = ImportState.of(n.path("from").asText());
        ImportLog.Row row = log.get(id);
        if (row.state() == ImportState.UNDONE) {
            return row.summary();
        }
        if (row.state() != ImportState.UNDOING && !(row.state() == from && log.claimForUndo(id, runner, from))) {
            throw new HotCrmException(ErrorCode.CONFLICT, "Import " + id + " is " + row.state().id() + " now; it is not undone.");
        }
        log.undoJob(id, runner, jobId);
        Principal p = principal(n.path("by").asText());
        ObjectDef o = schema.object(row.object());
        ImportSummary.UndoResult result;
        try {
            result = new Undo(db, batch, o, row.stamp(), p).run(id, listener);
        } catch (RuntimeException e) {
            log.release(id, runner, from);
            throw e;
        }
        if (result == null) {
            log.release(id, runner, from);
            return log.get(id).summary();
        }
        if (row.resultKey() != null && !files.exists(FileStore.key(row.resultKey(), ResultFiles.RESULTS))) {
            assembleQuietly(row, true);
        }
        String message = "Undone by " + p.email() + ": " + result.deleted() + " created records deleted, "
                + result.restored() + " updated records restored" + (result.leftAlone().isEmpty() ? "."
                : ", " + result.leftAlone().size() + " changed since the import left alone.");
        log.undone(id, runner, message, result.toJson());
        db.jdbi().useHandle(h -> AuditLog.record(h, p, "import.undo", o.name(), id.toString(), message));
        return log.get(id).summary();
    }

    /** An undo job stopped without its code ending it (its process died): the import gets its earlier state back. */
    public void undoStopped(String payload) {
        try {
            JsonNode n = JSON.readTree(payload);
            log.release(UUID.fromString(n.path("importId").asText()), n.path("runner").asText(),
                    ImportState.of(n.path("from").asText()));
        } catch (IOException | RuntimeException e) {
            LOG.warn("Could not give the import of undo job payload {} its state back: {}", payload, e.getMessage());
        }
    }
}
