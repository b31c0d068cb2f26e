package io.hotcrm.migration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import io.hotcrm.common.ErrorCode;
import io.hotcrm.common.HotCrmException;
import io.hotcrm.common.Ids;
import io.hotcrm.common.Secrets;
import io.hotcrm.common.Work;
import io.hotcrm.importing.ImportFile;
import io.hotcrm.importing.ImportRequest;
import io.hotcrm.importing.ImportState;
import io.hotcrm.importing.ImportSummary;
import io.hotcrm.importing.Importer;
import io.hotcrm.importing.Uploaded;
import io.hotcrm.files.FileStore;
import io.hotcrm.mapping.ColumnMapping;
import io.hotcrm.mapping.LookupBy;
import io.hotcrm.mapping.Mapping;
import io.hotcrm.metadata.FieldDef;
import io.hotcrm.metadata.FieldType;
import io.hotcrm.metadata.ObjectDef;
import io.hotcrm.metadata.SystemField;
import io.hotcrm.migration.MigrationPlan.PlanField;
import io.hotcrm.migration.MigrationPlan.PlanObject;
import io.hotcrm.security.AccessGuard;
import io.hotcrm.security.Principal;
import io.hotcrm.security.Security;
import io.hotcrm.store.Database;
import io.hotcrm.store.RecordBatch;
import io.hotcrm.store.RecordStore;
import io.hotcrm.store.Schema;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The front door of migrations from other CRMs: connect a source, make and save a plan, dry-run it, run it (all of
 * it, or a delta of what changed since the last run), reconcile, undo. A run is a job whose steps are the plan's
 * objects in order; each step stages the object's records from the source into a file and hands it to the
 * {@link Importer} — conversion, owners, lookups, matching on the source's id (kept as {@code external_id}),
 * dry-run, journal, undo and result files are the importer's. The command line, REST and the console call this.
 */
public final class Migrations {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Migrations.class);
    public static final String JOB_TYPE = "migration";
    public static final String UNDO_JOB_TYPE = "migration-undo";
    public static final String DRY_RUN = "dry-run";
    public static final String RUN = "run";
    public static final String DELTA = "delta";
    /** A delta reads records changed since the last run's high-water mark minus this much (clock skew, late commits). */
    static final long LOOKBACK_MINUTES = 5;

    private final Database db;
    private final Schema schema;
    private final Importer importer;
    private final Security security;
    private final RecordStore records;
    private final Map<String, SourceKind> kinds = new LinkedHashMap<>();
    private final Connections connections;
    private final Runs runs;
    private final Work work;
    private final Path scratch;
    private final FileStore files;
    private final RecordBatch batch;

    public Migrations(Database db, Schema schema, Importer importer, Security security, RecordStore records,
                      List<SourceKind> kinds, Secrets secrets, Work work, Path scratch, FileStore files) {
        this.files = files;
        this.batch = new RecordBatch(db, schema);
        this.db = db;
        this.schema = schema;
        this.importer = importer;
        this.security = security;
        this.records = records;
        kinds.forEach(k -> this.kinds.put(k.kind(), k));
        this.connections = new Connections(db.jdbi(), secrets);
        this.runs = new Runs(db.jdbi());
        this.work = work;
        this.scratch = scratch;
    }

    // ------------------------------------------------------------------ connections

    /**
     * Saves a connection (new, or new settings for an existing one) after checking its settings; with {@code check},
     * logs in and returns the org it reaches (a connection that cannot log in is not saved).
     */
    public Optional<SourceOrg> connect(Principal p, String name, String kind, Map<String, String> settings, boolean check) {
        AccessGuard.requireMigration(p, "connect a source");
        checkName(name);
        SourceKind k = kind(kind);
        k.check(settings);
        Map<String, String> kept = keepFiles(p, name, k, settings);
        try {
            SourceOrg org = null;
            if (check) {
                try (CrmSource s = k.open(kept, SourceKind.SettingsSaver.NONE)) {
                    org = s.org();
                }
            }
            connections.save(name, kind, kept, k.secretSettings(), p.email());
            return Optional.ofNullable(org);
        } catch (RuntimeException e) {
            // a connection not saved keeps no files: the copies just made go again
            for (String setting : k.fileSettings()) {
                if (kept.get(setting) != null && !kept.get(setting).equals(settings.get(setting))) {
                    for (String key : kept.get(setting).split(",")) {
                        files.delete(key);
                    }
                }
            }
            throw e;
        }
    }

    /**
     * The settings with the uploads a file setting names replaced by the keys of copies kept for the connection
     * ({@code migrations/NAME/UPLOAD/FILE}); only the user's own uploads are taken. Files that a connection of the name
     * already had stay as {@code SETTING + "Before"} (a newer export's deletions are what the older one had more).
     */
    private Map<String, String> keepFiles(Principal p, String name, SourceKind k, Map<String, String> settings) {
        Map<String, String> out = new LinkedHashMap<>(settings);
        Optional<Connections.Stored> before = k.fileSettings().isEmpty() ? Optional.empty() : connections.find(name);
        for (String setting : k.fileSettings()) {
            String ids = settings.get(setting);
            if (ids == null || ids.isBlank()) {
                continue;
            }
            List<String> keys = new ArrayList<>();
            for (String id : ids.split(",")) {
                UUID upload;
                try {
                    upload = UUID.fromString(id.strip());
                } catch (IllegalArgumentException e) {
                    throw HotCrmException.invalid("\"" + id.strip() + "\" is not an upload id: upload the file first"
                            + " (POST /api/v1/imports/files) and give the id it returns.");
                }
                Uploaded u = importer.uploaded(p, upload);
                String key = FileStore.key("migrations", name, upload.toString(), u.name());
                try (InputStream in = importer.openUpload(p, upload)) {
                    files.put(key, in);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                keys.add(key);
            }
            out.put(setting, String.join(",", keys));
            before.map(b -> b.settings().get(setting)).filter(v -> !v.isBlank()).ifPresent(v -> out.put(setting + "Before", v));
        }
        return out;
    }

    /** Logs in with a saved connection and returns the org: name, id, sandbox or not, time zone, API usage. */
    public SourceOrg org(Principal p, String name) {
        AccessGuard.requireMigration(p, "check a source");
        try (CrmSource s = open(connections.get(name))) {
            return s.org();
        }
    }

    public List<MigrationInfo> list(Principal p) {
        AccessGuard.requireMigration(p, "list migrations");
        return connections.names().stream().map(n -> info(connections.get(n))).toList();
    }

    public MigrationInfo show(Principal p, String name) {
        AccessGuard.requireMigration(p, "see migrations");
        return info(connections.get(name));
    }

    private MigrationInfo info(Connections.Stored m) {
        return new MigrationInfo(m.id(), m.name(), m.kind(), Connections.shown(m, kind(m.kind()).secretSettings()), m.plan() != null,
                m.highWater(), m.lastRunId(), m.createdBy(), m.createdAt(), runs.ofMigration(m.id(), 10));
    }

    /** The first half of the console's OAuth flow: where to send the browser (PKCE S256; the verifier waits in the database). */
    public String authorizeUrl(Principal p, String name, String redirectUri) {
        AccessGuard.requireMigration(p, "connect a source");
        Connections.Stored m = connections.get(name);
        SourceKind k = kind(m.kind());
        byte[] raw = new byte[48];
        SecureRandom rnd = new SecureRandom();
        rnd.nextBytes(raw);
        String verifier = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        byte[] st = new byte[24];
        rnd.nextBytes(st);
        String state = Base64.getUrlEncoder().withoutPadding().encodeToString(st);
        connections.saveOauth(state, m.id(), verifier, redirectUri, p.email());
        return k.authorizeUrl(connections.decrypted(m, k.secretSettings()), redirectUri, state, challenge(verifier));
    }

    /** A migration whose sign-in completed, and the org it reaches. */
    public record Authorized(String migration, SourceOrg org) {
    }

    /** The callback: exchanges the code, keeps the refresh token, and returns the migration and the org now reachable. */
    public Authorized completeAuthorization(Principal p, String state, String code) {
        AccessGuard.requireMigration(p, "connect a source");
        Connections.Oauth o = connections.takeOauth(state);
        if (!o.createdBy().equalsIgnoreCase(p.email())) {
            throw HotCrmException.denied("This sign-in was started by another user.");
        }
        Connections.Stored m = connections.byId(o.migrationId());
        SourceKind k = kind(m.kind());
        Map<String, String> added = k.exchangeCode(connections.decrypted(m, k.secretSettings()), code, o.redirectUri(), o.verifier());
        connections.update(m.id(), added, k.secretSettings());
        return new Authorized(m.name(), org(p, m.name()));
    }

    private static String challenge(String verifier) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(MessageDigest.getInstance("SHA-256")
                    .digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------------ plans

    /**
     * Makes the default plan from what the source holds now (objects limited to {@code objects} when given, users
     * always; records in the slice) and saves it with the migration, replacing the one before.
     */
    public MigrationPlan plan(Principal p, String name, Set<String> objects, Slice slice) {
        AccessGuard.requireMigration(p, "plan a migration");
        Connections.Stored m = connections.get(name);
        MigrationPlan plan;
        try (CrmSource s = open(m)) {
            plan = new PlanMaker(schema.catalogue()).make(s, m.kind(), objects, slice == null ? Slice.ALL : slice, fallbackOwner(p));
        }
        connections.savePlan(m.id(), plan.toJson());
        return plan;
    }

    /** The migration's saved plan. */
    public MigrationPlan currentPlan(Principal p, String name) {
        AccessGuard.requireMigration(p, "see a migration plan");
        Connections.Stored m = connections.get(name);
        if (m.plan() == null) {
            throw HotCrmException.notFound("The migration \"" + name + "\" has no plan yet: hotcrm migrate plan " + name);
        }
        return MigrationPlan.parse(m.plan(), "of migration " + name);
    }

    /** Saves an edited plan after checking it against HotCRM's objects and fields. */
    public MigrationPlan savePlan(Principal p, String name, MigrationPlan plan) {
        AccessGuard.requireMigration(p, "edit a migration plan");
        Connections.Stored m = connections.get(name);
        validate(plan);
        connections.savePlan(m.id(), plan.toJson());
        return plan;
    }

    private void validate(MigrationPlan plan) {
        for (PlanObject o : plan.included()) {
            ObjectDef target = schema.catalogue().find(o.target()).orElseThrow(() -> HotCrmException.invalid("The plan maps "
                    + o.source() + " to \"" + o.target() + "\", which is not a HotCRM object (see hotcrm objects)."));
            for (PlanField f : o.fields()) {
                List<String> fields = f.kind().equals(PlanField.POLYMORPHIC) ? new ArrayList<>(f.targets().values())
                        : f.target() == null ? List.of() : List.of(f.target());
                for (String field : fields) {
                    if (f.create() == null && target.field(field).isEmpty() && !field.equals("created_at") && !field.equals("created_by")) {
                        throw HotCrmException.invalid("The plan maps " + o.source() + "." + f.source() + " to " + o.target() + "."
                                + field + ", which " + target.label() + " does not have; add \"create\" to make it a custom field,"
                                + " or map it to one of: " + target.fields().stream().map(FieldDef::name).collect(Collectors.joining(", ")) + ".");
                    }
                }
            }
            for (String field : o.fill().keySet()) {
                if (target.field(field).isEmpty()) {
                    throw HotCrmException.invalid("The plan fills " + o.target() + "." + field + ", which " + target.label()
                            + " does not have.");
                }
            }
        }
    }

    // ------------------------------------------------------------------ runs

    /**
     * Starts a run of the saved plan (or {@code plan}, which is saved first): {@code dry-run} writes nothing and says
     * per object what would be created, updated, unchanged or failed; {@code run} loads everything; {@code delta}
     * reads only what changed since the last run and sends records deleted in the source to the recycle bin. A commit
     * is refused while the plan has something unsettled (a picklist value mapped to nothing, no fallback owner).
     */
    public RunSummary start(Principal p, String name, String mode, MigrationPlan plan, Work.Run how) {
        AccessGuard.requireMigration(p, "run a migration");
        if (!List.of(DRY_RUN, RUN, DELTA).contains(mode)) {
            throw HotCrmException.invalid("A migration runs as dry-run, run or delta, not \"" + mode + "\".");
        }
        Connections.Stored m = connections.get(name);
        if (plan != null) {
            savePlan(p, name, plan);
        }
        MigrationPlan current = currentPlan(p, name);
        validate(current);
        List<String> unsettled = current.unsettled();
        if (!mode.equals(DRY_RUN) && !unsettled.isEmpty()) {
            throw new HotCrmException(ErrorCode.VALIDATION_FAILED, "The plan of " + name + " is not ready to run:\n  - "
                    + String.join("\n  - ", unsettled) + "\nEdit it (hotcrm migrate plan " + name + " --output plan.json, then"
                    + " --plan plan.json) and run again; a dry-run shows what else would fail.");
        }
        if (security.users().find(current.fallbackOwner() == null ? "" : current.fallbackOwner()).isEmpty() && !mode.equals(DRY_RUN)) {
            throw HotCrmException.invalid("The plan's fallback owner " + current.fallbackOwner() + " is not a HotCRM user.");
        }
        Instant since = null;
        if (mode.equals(DELTA)) {
            if (m.highWater() == null) {
                throw HotCrmException.invalid("The migration \"" + name + "\" has not run yet, so there is no change to read:"
                        + " run it whole first (hotcrm migrate run " + name + ").");
            }
            since = m.highWater().minus(LOOKBACK_MINUTES, ChronoUnit.MINUTES);
        }
        UUID runId = Ids.newId();
        List<String[]> steps = current.included().stream().map(o -> new String[] {o.source(), o.target()}).toList();
        runs.create(runId, m.id(), mode, current.toJson(), p.email(), since, steps);
        UUID job = work.dispatch(how, JOB_TYPE, runId.toString(), p.email());
        if (!how.here()) {
            runs.jobId(runId, job);
        }
        return summary(runs.get(runId), m.name());
    }

    /** Runs a run that stopped midway (interrupted, failed) again, from the step it stopped in. */
    public RunSummary resume(Principal p, UUID runId, Work.Run how) {
        AccessGuard.requireMigration(p, "run a migration");
        Runs.Run r = runs.get(runId);
        if (!r.state().resumable()) {
            throw new HotCrmException(ErrorCode.CONFLICT, "Migration run " + runId + " is " + r.state().id()
                    + "; only a run that stopped midway can be resumed.");
        }
        UUID job = work.dispatch(how, JOB_TYPE, runId.toString(), p.email());
        if (!how.here()) {
            runs.jobId(runId, job);
        }
        return get(p, runId);
    }

    public RunSummary get(Principal p, UUID runId) {
        AccessGuard.requireMigration(p, "see migration runs");
        Runs.Run r = runs.get(runId);
        return summary(r, connections.byId(r.migrationId()).name());
    }

    /** The job side: runs (or goes on with) a recorded run, step by step. */
    public RunSummary execute(UUID runId, Work.Context ctx) {
        Runs.Run run = runs.get(runId);
        Connections.Stored m = connections.byId(run.migrationId());
        if (run.state().ended()) {
            return summary(run, m.name());
        }
        if (ctx != null && ctx.jobId() != null && run.jobId() == null) {
            runs.jobId(runId, ctx.jobId());
        }
        runs.state(runId, MigrationState.RUNNING, "Running");
        Principal p = principal(run.createdBy());
        MigrationPlan plan = MigrationPlan.parse(run.plan(), "of run " + runId);
        boolean dry = run.mode().equals(DRY_RUN);
        Slice slice = run.since() == null ? plan.slice() : plan.slice().changedSince(run.since());
        Instant deletionsSince = run.mode().equals(DELTA) ? deletionsSince(m.id(), run) : null;
        Map<String, Map<String, String>> failures = new java.util.concurrent.ConcurrentHashMap<>();
        long t0 = System.nanoTime();
        long[] phases = new long[4];
        try (CrmSource source = open(m)) {
            if (!dry) {
                createFields(p, plan);
            }
            phases[0] = System.nanoTime();
            Set<String> emails = hotcrmEmails();
            // a dry-run writes nothing: notes and files find the parents earlier steps would create among what they staged
            Map<String, Set<String>> staged = new java.util.concurrent.ConcurrentHashMap<>();
            Staging.Links links = dry ? (object, ids) -> {
                Map<String, UUID> found = hotcrmIds(object, ids);
                for (String id : ids) {
                    if (!found.containsKey(id) && staged.getOrDefault(object, Set.of()).contains(id)) {
                        found.put(id, UUID.nameUUIDFromBytes((object + ":" + id).getBytes(StandardCharsets.UTF_8)));
                    }
                }
                return found;
            } : this::hotcrmIds;
            Staging staging = staging(source, plan, emails, links, dry ? null : this::copy);
            phases[1] = System.nanoTime();
            Map<String, UUID> expected = new HashMap<>();
            // the keys each step staged, by source object: a reconcile right after the run compares them with HotCRM
            Map<String, UUID> keysBySource = new java.util.concurrent.ConcurrentHashMap<>();
            List<Runs.Step> steps = runs.steps(runId);
            // the objects after the one being imported are read from the source on a thread of their own, in order and up to
            // READ_AHEAD of them staged at once (staging needs nothing imported: owners were settled from the plan's users
            // policy, and the parents of notes and files are looked up in HotCRM when their turn comes). Not in a delta,
            // which also asks the source for deletions.
            java.util.concurrent.ExecutorService ahead = java.util.concurrent.Executors.newFixedThreadPool(READERS, r -> {
                Thread t = new Thread(r, "hotcrm-migration-read-ahead");
                t.setDaemon(true);
                return t;
            });
            Map<Integer, java.util.concurrent.Future<Prepared>> readAhead = new HashMap<>();
            java.util.concurrent.Semaphore stagedAhead = new java.util.concurrent.Semaphore(READ_AHEAD);
            // each object is reconciled once its step is done, while the next ones are imported: after a full run, the ids
            // it read are the source's; a delta read only changes, so its reconcile reads them all
            Reconciler.ReadIds readIds = run.mode().equals(RUN) ? object -> keysBySource.containsKey(object)
                    ? new InputStreamReader(importer.openUpload(p, keysBySource.get(object)), StandardCharsets.UTF_8)
                    : new java.io.StringReader("") : null;
            Reconciler.Checks checks = dry ? null : new Reconciler(db, schema, new Random(), this::hotcrmIds, this::storedSha256)
                    .start(source, plan, staging, failures, readIds);
            ReconcileReport report = null;
            try {
                for (int i = 0; i < steps.size(); i++) {
                    Runs.Step step = steps.get(i);
                    if (step.state().equals(Runs.Step.DONE)) {
                        JsonNode res = json(step.result());
                        if (res.hasNonNull("keys")) {
                            UUID keys = UUID.fromString(res.get("keys").asText());
                            expected.put(step.target(), keys);
                            keysBySource.put(step.source(), keys);
                            if (dry) {
                                // a resumed dry-run: what the finished steps staged counts as there for notes and files
                                Set<String> into = staged.computeIfAbsent(step.target(), k -> java.util.concurrent.ConcurrentHashMap.newKeySet());
                                try (java.io.BufferedReader in = new java.io.BufferedReader(new InputStreamReader(
                                        importer.openUpload(p, keys), StandardCharsets.UTF_8))) {
                                    in.lines().filter(l -> !l.isBlank()).forEach(into::add);
                                } catch (IOException e) {
                                    throw new UncheckedIOException(e);
                                }
                            }
                        }
                        if (checks != null) {
                            checks.object(plan.object(step.source()).orElseThrow());
                        }
                        continue;
                    }
                    PlanObject o = plan.object(step.source()).orElseThrow();
                    Prepared prepared;
                    java.util.concurrent.Future<Prepared> wasRead = readAhead.remove(i);
                    if (wasRead != null) {
                        prepared = Waits.await(wasRead, "reading from the source");
                        stagedAhead.release();
                    } else {
                        progress(ctx, step.position(), steps.size(), "Reading " + o.source() + " from the source");
                        prepared = prepare(source, staging, o, slice, emails, run, step);
                    }
                    if (Staging.hasParents(o) && !(ctx != null && ctx.cancelRequested())) {
                        // the parents of notes and files are imported by now: they are looked up in HotCRM
                        long started = System.nanoTime();
                        try {
                            prepared = new Prepared(staging.resolveParents(prepared.staged(), o, scratch),
                                    prepared.readMillis() + (System.nanoTime() - started) / 1_000_000);
                        } catch (IOException | RuntimeException e) {
                            prepared.discard();
                            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
                        }
                    }
                    if (ctx != null && ctx.cancelRequested()) {
                        prepared.discard();
                        runs.finish(runId, MigrationState.CANCELLED, "Cancelled before " + step.source() + "; what earlier steps"
                                + " wrote is kept (undo removes it).", null, null);
                        return summary(runs.get(runId), m.name());
                    }
                    if (readAhead.isEmpty() && !run.mode().equals(DELTA)) {
                        for (int j = i + 1; j < steps.size(); j++) {
                            Runs.Step later = steps.get(j);
                            if (later.state().equals(Runs.Step.DONE) || readAhead.containsKey(j)) {
                                continue;
                            }
                            PlanObject lo = plan.object(later.source()).orElseThrow();
                            readAhead.put(j, ahead.submit(() -> {
                                stagedAhead.acquire();
                                return prepare(source, staging, lo, slice, emails, run, later);
                            }));
                        }
                    }
                    ObjectNode result = runStep(p, prepared, o, dry, expected, run, step, ctx, steps.size(),
                            dry ? staged.computeIfAbsent(o.target(), k -> java.util.concurrent.ConcurrentHashMap.newKeySet()) : null);
                    failures.put(o.source(), failedRows(p, result));
                    if (result.hasNonNull("keys")) {
                        expected.put(o.target(), UUID.fromString(result.get("keys").asText()));
                        keysBySource.put(o.source(), UUID.fromString(result.get("keys").asText()));
                    }
                    long deleted = run.mode().equals(DELTA) ? deleteRemoved(p, source, o, deletionsSince) : 0;
                    result.put("deleted", deleted);
                    runs.step(runId, step.position(), Runs.Step.DONE, null, result.path("read").asLong(), deleted, result.toString());
                    if (checks != null) {
                        checks.object(o);
                    }
                }
                phases[2] = System.nanoTime();
                if (checks != null) {
                    progress(ctx, steps.size(), steps.size(), "Reconciling with the source");
                    report = checks.report();
                }
            } finally {
                if (checks != null) {
                    checks.close();
                }
                ahead.shutdownNow();
                for (java.util.concurrent.Future<Prepared> f : readAhead.values()) {
                    f.cancel(true);
                    try {
                        f.get().discard();
                    } catch (Exception e) {
                        // it was stopped or failed: nothing to clean up
                    }
                }
            }
            phases[3] = System.nanoTime();
            Instant highWater = source.highWater() == null ? m.highWater() : source.highWater();
            LOG.debug("Migration run {} ({}): custom fields {} ms, source objects and users {} ms, steps {} ms, rest of the reconcile {} ms",
                    runId, run.mode(), (phases[0] - t0) / 1_000_000, (phases[1] - phases[0]) / 1_000_000,
                    (phases[2] - phases[1]) / 1_000_000, (phases[3] - phases[2]) / 1_000_000);
            RunSummary sofar = summary(runs.get(runId), m.name());
            long failed = sofar.failed();
            MigrationState end = failed > 0 || (report != null && !report.clean()) ? MigrationState.COMPLETED_WITH_FAILURES
                    : MigrationState.SUCCEEDED;
            String message = message(run.mode(), sofar, report);
            runs.finish(runId, end, message, highWater, report == null ? null : MigrationPlan.JSON.valueToTree(report).toString());
            if (!dry) {
                connections.ranTo(m.id(), runId, highWater);
            }
            return summary(runs.get(runId), m.name());
        } catch (RuntimeException e) {
            boolean stopping = Thread.currentThread().isInterrupted();
            runs.state(runId, stopping ? MigrationState.INTERRUPTED : MigrationState.FAILED, e.getMessage());
            throw e;
        }
    }

    /** An object read from the source into a staged file, waiting to be imported. */
    private record Prepared(Staging.Staged staged, long readMillis) {
        void discard() {
            deleteQuietly(staged.file());
            deleteQuietly(staged.keys());
        }
    }

    /** Source objects read ahead of their import at most, each staged in a file of the scratch directory. */
    static final int READ_AHEAD = 4;
    /** Source objects read at once: much of a read is waiting for the source (its pages, file contents). */
    static final int READERS = 2;



    private Prepared prepare(CrmSource source, Staging staging, PlanObject o, Slice slice, Set<String> emails, Runs.Run run,
                             Runs.Step step) {
        runs.step(run.id(), step.position(), Runs.Step.STAGING, null, 0, 0, null);
        long started = System.nanoTime();
        try {
            Files.createDirectories(scratch);
            return new Prepared(staging.stage(source, o, slice, scratch, emails), (System.nanoTime() - started) / 1_000_000);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private ObjectNode runStep(Principal p, Prepared prepared, PlanObject o, boolean dry, Map<String, UUID> expected,
                               Runs.Run run, Runs.Step step, Work.Context ctx, int steps, Set<String> stagedKeys) {
        Staging.Staged st = prepared.staged();
        ObjectNode result = MigrationPlan.JSON.createObjectNode();
        try {
            result.put("readMillis", prepared.readMillis());
            result.put("read", st.rows() + st.skipped());
            result.put("staged", st.rows());
            result.put("skipped", st.skipped());
            result.put("queueOwned", st.queueOwned());
            result.put("unmatchedOwners", st.unmatchedOwners());
            ObjectNode orphans = result.putObject("orphans");
            st.orphans().forEach(orphans::put);
            if (st.rows() == 0) {
                result.put("message", "Nothing to import.");
                return result;
            }
            if (stagedKeys != null) {
                try (java.util.stream.Stream<String> lines = Files.lines(st.keys(), StandardCharsets.UTF_8)) {
                    lines.filter(l -> !l.isBlank()).forEach(stagedKeys::add);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            Uploaded keys = upload(p, st.keys(), "keys-" + o.source() + ".txt");
            result.put("keys", keys.id().toString());
            runs.step(run.id(), step.position(), Runs.Step.IMPORTING, null, st.rows(), 0, null);
            Uploaded staged = upload(p, st.file(), run.mode() + "-" + o.source() + ".csv");
            boolean users = o.target().equals("user");
            ImportRequest request = ImportRequest.builder(o.target(), ImportFile.upload(staged))
                    .mapping(mapping(o, st.columns())).match(users ? "email" : Staging.EXTERNAL_ID).migration(!users)
                    .dryRun(dry).expected(dry ? expected : Map.of()).partOf("migration " + run.id()).build();
            long importing = System.nanoTime();
            ImportSummary s = importer.start(p, request, Work.Run.here((done, total, message) ->
                    progress(ctx, step.position(), steps, o.source() + ": " + done + " of " + st.rows() + " records")));
            result.put("importMillis", (System.nanoTime() - importing) / 1_000_000);
            ArrayNode imports = result.putArray("imports");
            json(step.result()).path("imports").forEach(imports::add);
            imports.add(s.id().toString());
            runs.step(run.id(), step.position(), Runs.Step.IMPORTING, s.id(), st.rows(), 0, null);
            result.put("import", s.id().toString());
            result.put("created", s.created());
            result.put("updated", s.updated());
            result.put("unchanged", s.unchanged());
            result.put("failed", s.failed());
            result.put("state", s.state().id());
            if (s.errorFile() != null) {
                result.put("errorFile", s.errorFile());
            }
            result.put("message", s.message());
            return result;
        } finally {
            prepared.discard();
        }
    }

    /**
     * The import's columns: each staged column fills the field of its name; references by the target's source id,
     * users by email. A column for a custom field the plan adds on its first commit is left out of a dry-run (the field
     * does not exist yet).
     */
    private Mapping mapping(PlanObject o, List<String> columns) {
        ObjectDef target = schema.object(o.target());
        List<ColumnMapping> cols = new ArrayList<>();
        for (String c : columns) {
            if (c.equals("created_by")) {
                cols.add(ColumnMapping.lookup(c, c, LookupBy.EMAIL));
                continue;
            }
            if (c.equals("created_at") || c.equals(Staging.EXTERNAL_ID)) {
                cols.add(ColumnMapping.of(c, c));
                continue;
            }
            Optional<FieldDef> f = target.field(c);
            if (f.isEmpty()) {
                continue;
            }
            if (f.isPresent() && f.get().type() == FieldType.OWNER) {
                cols.add(ColumnMapping.lookup(c, c, LookupBy.EMAIL));
            } else if (f.isPresent() && f.get().type() == FieldType.LOOKUP) {
                cols.add(ColumnMapping.lookup(c, c, "user".equals(f.get().target()) ? LookupBy.EMAIL : LookupBy.EXTERNAL_ID));
            } else {
                cols.add(ColumnMapping.of(c, c));
            }
        }
        return new Mapping(o.target(), cols, Map.of(), null);
    }

    /** The source's users by id: their email, and whether HotCRM has them (or, by the plan, will). */
    private Map<String, Staging.SourceUser> sourceUsers(CrmSource source, MigrationPlan plan, Set<String> emails) {
        SourceDefaults d = source.defaults();
        boolean creates = plan.users().equals(MigrationPlan.CREATE_INACTIVE) && plan.object(d.userObject()).map(PlanObject::include).orElse(false);
        Map<String, Staging.SourceUser> out = new HashMap<>();
        source.read(d.userObject(), List.of(d.userEmailField()), Slice.ALL, r -> {
            String email = r.get(d.userEmailField());
            if (email != null) {
                out.put(r.get(d.idField()), new Staging.SourceUser(email, creates || emails.contains(email.toLowerCase(Locale.ROOT))));
            }
            return true;
        });
        return out;
    }

    /** Adds the custom fields the plan proposes that HotCRM does not have yet. */
    private void createFields(Principal p, MigrationPlan plan) {
        for (PlanObject o : plan.included()) {
            for (PlanField f : o.fields()) {
                if (f.create() != null && schema.object(o.target()).field(f.target()).isEmpty()) {
                    schema.addCustomField(p, o.target(), FieldDef.custom(f.target(), FieldType.fromWire(f.create().type()),
                            f.create().label(), f.create().values(), null, false, false, 0, 0));
                }
            }
        }
    }

    /**
     * Since when a delta must learn of deletions: since the previous delta that ran through (it binned what was deleted
     * before), else since the first whole run (what was deleted before it never came across) — a few minutes early for
     * clocks. Not the high-water mark of changes: a portal where nothing changed for months still had its last run
     * yesterday, and a source that keeps deletions for 30 or 90 days knows every one since then.
     */
    private Instant deletionsSince(UUID migrationId, Runs.Run run) {
        Instant delta = null;
        Instant firstRun = null;
        for (UUID id : runs.ofMigration(migrationId, 10_000)) {
            Runs.Run r = runs.get(id);
            boolean through = r.state() == MigrationState.SUCCEEDED || r.state() == MigrationState.COMPLETED_WITH_FAILURES;
            if (id.equals(run.id()) || !through) {
                continue;
            }
            if (r.mode().equals(DELTA) && delta == null) {
                delta = r.createdAt();
            } else if (r.mode().equals(RUN)) {
                firstRun = r.createdAt();
            }
        }
        Instant bound = delta != null ? delta : firstRun;
        return bound == null ? run.since() : bound.minus(LOOKBACK_MINUTES, ChronoUnit.MINUTES);
    }

    /** Records deleted in the source since the last run go to HotCRM's recycle bin. */
    private long deleteRemoved(Principal p, CrmSource source, PlanObject o, Instant since) {
        if (o.target().equals("user")) {
            return 0;
        }
        CrmSource.Deletions gone = source.deletedSince(o.source(), since);
        long n = 0;
        for (UUID id : hotcrmIds(o.target(), gone.ids()).values()) {
            records.delete(p, o.target(), id);
            n++;
        }
        if (!gone.complete()) {
            throw new HotCrmException(ErrorCode.VALIDATION_FAILED, "The source no longer remembers every " + o.source()
                    + " deleted since the last run (" + since + "; it keeps deletions about 30 days): the deletions it still"
                    + " knows were applied; run a full reconcile (hotcrm migrate reconcile) to find the rest.");
        }
        return n;
    }

    /** The failed rows of a step's import: source id → reason (for the reconcile report). */
    private Map<String, String> failedRows(Principal p, ObjectNode result) {
        Map<String, String> out = new HashMap<>();
        if (!result.hasNonNull("import") || result.path("failed").asLong() == 0) {
            return out;
        }
        UUID importId = UUID.fromString(result.get("import").asText());
        try (InputStream in = importer.openResultFile(p, importId, true); Reader r = new InputStreamReader(in, StandardCharsets.UTF_8);
             CsvReader<CsvRecord> csv = CsvReader.builder().ofCsvRecord(r)) {
            int id = -1;
            int errors = -1;
            for (CsvRecord rec : csv) {
                if (id < 0 && errors < 0) {
                    List<String> head = rec.getFields().stream().map(h -> h.replace("\uFEFF", "")).toList();
                    id = head.indexOf(Staging.EXTERNAL_ID);
                    if (id < 0) {
                        id = head.indexOf("email");
                    }
                    errors = head.indexOf("_errors");
                    continue;
                }
                if (id >= 0 && errors >= 0 && rec.getFieldCount() > Math.max(id, errors)) {
                    out.put(rec.getField(id), "Import " + importId + " failed it: " + rec.getField(errors));
                }
            }
        } catch (IOException | RuntimeException e) {
            // the reasons are a courtesy: the counts stand without them
        }
        return out;
    }

    /** Marks a run whose job stopped without the run ending it (the node died, no attempt left, cancelled). */
    public void stopped(UUID runId, MigrationState state, String reason) {
        Optional<Runs.Run> r = runs.find(runId);
        if (r.isPresent() && !r.get().state().ended()) {
            runs.state(runId, state, reason);
        }
    }

    /**
     * Takes a run back, as a job ({@code migration-undo}; in the background, or here): each of its imports is undone,
     * last first (records it created are removed, records it changed get their values back; records changed since by
     * someone else are left alone, as for any import undo). Returns the undo's job (here: once it ended).
     */
    public UUID undo(Principal p, UUID runId, Work.Run how) {
        AccessGuard.requireMigration(p, "undo a migration");
        Runs.Run r = runs.get(runId);
        if (r.mode().equals(DRY_RUN)) {
            throw HotCrmException.invalid("Run " + runId + " was a dry-run: it wrote nothing to undo.");
        }
        if (r.state() == MigrationState.RUNNING || r.state() == MigrationState.QUEUED) {
            throw new HotCrmException(ErrorCode.CONFLICT, "Run " + runId + " is " + r.state().id() + "; cancel it first"
                    + (r.jobId() == null ? "." : " (hotcrm jobs cancel " + r.jobId() + ")."));
        }
        if (r.state() == MigrationState.UNDONE) {
            throw new HotCrmException(ErrorCode.CONFLICT, "Run " + runId + " is already undone.");
        }
        return work.dispatch(how, UNDO_JOB_TYPE, runId.toString(), p.email());
    }

    /** The job side of an undo: the run's imports, last first, each undone in one transaction of its own. */
    public RunSummary executeUndo(UUID runId, String by, Work.Context ctx) {
        Principal p = principal(by);
        List<UUID> imports = new ArrayList<>();
        List<Runs.Step> steps = new ArrayList<>(runs.steps(runId));
        java.util.Collections.reverse(steps);
        for (Runs.Step s : steps) {
            List<UUID> ofStep = new ArrayList<>();
            json(s.result()).path("imports").forEach(i -> ofStep.add(UUID.fromString(i.asText())));
            if (ofStep.isEmpty() && s.importId() != null) {
                ofStep.add(s.importId());
            }
            java.util.Collections.reverse(ofStep);
            imports.addAll(ofStep);
        }
        if (ctx != null) {
            ctx.total(imports.size());
        }
        int done = 0;
        for (UUID i : imports) {
            if (ctx != null && ctx.cancelRequested()) {
                runs.state(runId, runs.get(runId).state(), "The undo was cancelled after " + done + " of " + imports.size()
                        + " imports; undo it again to take back the rest.");
                return get(p, runId);
            }
            ImportSummary is = importer.get(p, i);
            if (is.state() != ImportState.UNDONE) {
                importer.undo(p, i, Work.Run.here(null));
            }
            done++;
            if (ctx != null) {
                ctx.progress(done);
                ctx.message("Undone " + done + " of " + imports.size() + " imports");
            }
        }
        runs.state(runId, MigrationState.UNDONE, "Undone by " + p.email() + ": every import of the run was taken back.");
        return get(p, runId);
    }

    /** Reconciles the migration's saved plan with the source now (a full check; any time, e.g. after a long pause). */
    public ReconcileReport reconcile(Principal p, String name) {
        AccessGuard.requireMigration(p, "reconcile a migration");
        Connections.Stored m = connections.get(name);
        MigrationPlan plan = currentPlan(p, name);
        try (CrmSource source = open(m)) {
            Staging staging = staging(source, plan, hotcrmEmails(), this::hotcrmIds, null);
            return new Reconciler(db, schema, new Random(), this::hotcrmIds, this::storedSha256).check(source, plan, staging, Map.of());
        }
    }

    // ------------------------------------------------------------------ helpers

    /**
     * How the source's records become staged rows: its users by id, what its references point at (as the source says,
     * else by the objects' id prefixes), and the plan.
     */
    private Staging staging(CrmSource source, MigrationPlan plan, Set<String> emails, Staging.Links links, Staging.Contents contents) {
        Map<String, String> prefixes = new HashMap<>();
        source.objects().forEach(o -> {
            if (o.keyPrefix() != null) {
                prefixes.put(o.keyPrefix(), o.name());
            }
        });
        java.util.function.Function<String, CrmSource.Reference> refs = v -> {
            CrmSource.Reference r = source.reference(v);
            if (r != null) {
                return r;
            }
            String type = prefixes.get(v.length() >= 3 ? v.substring(0, 3) : v);
            return type == null ? null : new CrmSource.Reference(type, v);
        };
        return new Staging(source.defaults(), plan, sourceUsers(source, plan, emails), refs, links, contents);
    }

    /** The emails of HotCRM's users, lower-cased. */
    private Set<String> hotcrmEmails() {
        return security.users().list().stream().map(u -> u.email().toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
    }

    /** The SHA-256 of what the file store holds under the key, or null when it holds nothing there. */
    private String storedSha256(String key) {
        if (!files.exists(key)) {
            return null;
        }
        return Reconciler.sha256(files.open(key));
    }

    /** HotCRM's records of the object with these source ids (its external ids), looked up as the importer does. */
    private Map<String, UUID> hotcrmIds(String object, java.util.Collection<String> externalIds) {
        Map<String, UUID> out = new HashMap<>();
        db.jdbi().withHandle(h -> batch.resolve(h, schema.object(object), SystemField.EXTERNAL_ID, externalIds, false))
                .forEach((k, ids) -> out.put(k, ids.get(0)));
        return out;
    }

    /**
     * Streams a file's bytes from the source into the file store ({@code files/migrated/<source id>}: a re-run writes
     * the same key, not a second copy), counting them and taking their SHA-256 on the way.
     */
    private Staging.StoredContent copy(CrmSource source, String object, String id, String field) {
        String key = FileStore.key("files", "migrated", id);
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        long size;
        try (InputStream in = new java.security.DigestInputStream(source.content(object, id, field), sha)) {
            size = files.put(key, in);
        } catch (IOException e) {
            throw new HotCrmException(ErrorCode.UNAVAILABLE, "The content of " + object + " " + id + " could not be copied: "
                    + e.getMessage() + ". Run the migration again; it goes on where it stopped.", e);
        }
        return new Staging.StoredContent(key, size, java.util.HexFormat.of().formatHex(sha.digest()));
    }

    private Principal principal(String email) {
        return Principal.SYSTEM_EMAIL.equals(email) ? Principal.system() : security.users().principal(email);
    }

    /**
     * Who owns records whose source owner is a queue or a user HotCRM does not have, unless the plan says otherwise:
     * the user making the plan, or (the command line acting as the system) the first administrator.
     */
    private String fallbackOwner(Principal p) {
        if (p.userId() != null) {
            return p.email();
        }
        return security.users().list().stream().filter(u -> u.active() && u.role().equals("admin")).map(io.hotcrm.security.User::email)
                .findFirst().orElse(null);
    }

    private RunSummary summary(Runs.Run r, String name) {
        List<RunSummary.Step> steps = new ArrayList<>();
        for (Runs.Step s : runs.steps(r.id())) {
            JsonNode res = json(s.result());
            Map<String, Long> orphans = new LinkedHashMap<>();
            res.path("orphans").properties().forEach(e -> orphans.put(e.getKey(), e.getValue().asLong()));
            steps.add(new RunSummary.Step(s.position(), s.source(), s.target(), s.state(), s.importId(), res.path("read").asLong(s.read()),
                    res.path("created").asLong(), res.path("updated").asLong(), res.path("unchanged").asLong(),
                    res.path("failed").asLong(), res.path("skipped").asLong(), res.path("queueOwned").asLong(),
                    res.path("unmatchedOwners").asLong(), orphans, s.deleted(), res.path("errorFile").asText(null),
                    res.path("message").asText(null), res.path("readMillis").asLong(), res.path("importMillis").asLong()));
        }
        ReconcileReport report = null;
        if (r.report() != null) {
            try {
                report = MigrationPlan.JSON.readValue(r.report(), ReconcileReport.class);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new RunSummary(r.id(), name, r.mode(), r.state(), r.createdBy(), r.createdAt(), r.finishedAt(), r.jobId(),
                r.message(), r.highWater(), steps, report);
    }

    private static String message(String mode, RunSummary s, ReconcileReport report) {
        long created = s.steps().stream().mapToLong(RunSummary.Step::created).sum();
        long updated = s.steps().stream().mapToLong(RunSummary.Step::updated).sum();
        long unchanged = s.steps().stream().mapToLong(RunSummary.Step::unchanged).sum();
        String verb = mode.equals(DRY_RUN) ? "would be " : "";
        String out = created + " records " + verb + "created, " + updated + " " + verb + "updated, " + unchanged + " unchanged, "
                + s.failed() + " failed" + (mode.equals(DRY_RUN) ? " (dry-run: nothing was written)." : ".");
        if (report != null) {
            out += " Reconcile: " + (report.gap() == 0 ? "no gap" : report.gap() + " source records missing")
                    + ", spot-check " + (report.differences() == 0 ? "without differences" : report.differences() + " differences") + ".";
        }
        return out;
    }

    private static void progress(Work.Context ctx, int step, int steps, String message) {
        if (ctx != null) {
            ctx.total(steps);
            ctx.progress(step);
            ctx.message(message);
        }
    }

    private Uploaded upload(Principal p, Path file, String name) {
        try (InputStream in = Files.newInputStream(file)) {
            return importer.upload(p, name, in, Long.MAX_VALUE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private CrmSource open(Connections.Stored m) {
        SourceKind k = kind(m.kind());
        return k.open(connections.decrypted(m, k.secretSettings()), changed -> connections.update(m.id(), changed, k.secretSettings()));
    }

    private SourceKind kind(String kind) {
        SourceKind k = kinds.get(kind == null ? "" : kind.toLowerCase(Locale.ROOT));
        if (k == null) {
            throw HotCrmException.invalid("HotCRM migrates from " + String.join(", ", kinds.keySet()) + ", not \"" + kind + "\".");
        }
        return k;
    }

    private static void checkName(String name) {
        if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,99}")) {
            throw HotCrmException.invalid("A migration's name is letters, digits, '-', '_' or '.', at most 100 characters"
                    + " (for example acme-prod), not \"" + name + "\".");
        }
    }

    private static JsonNode json(String text) {
        if (text == null || text.isBlank()) {
            return MigrationPlan.JSON.createObjectNode();
        }
        try {
            return MigrationPlan.JSON.readTree(text);
        } catch (IOException e) {
            return MigrationPlan.JSON.createObjectNode();
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // a scratch file: the data directory's tmp is cleaned on the next start
        }
    }
}
