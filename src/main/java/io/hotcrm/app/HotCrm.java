package io.hotcrm.app;

import org.slf4j.LoggerFactory;

import io.hotcrm.cli.Platform;
import io.hotcrm.common.ErrorCode;
import io.hotcrm.common.HotCrmException;
import io.hotcrm.common.Secrets;
import io.hotcrm.destinations.Destination;
import io.hotcrm.destinations.Destinations;
import io.hotcrm.destinations.azure.AzureKind;
import io.hotcrm.destinations.local.LocalKind;
import io.hotcrm.destinations.s3.S3Kind;
import io.hotcrm.destinations.sftp.SftpKind;
import io.hotcrm.exporting.ExportSchedules;
import io.hotcrm.exporting.Exporter;
import io.hotcrm.exporting.format.CsvRows;
import io.hotcrm.exporting.format.JsonlRows;
import io.hotcrm.exporting.format.ParquetRows;
import io.hotcrm.exporting.format.XlsxRows;
import io.hotcrm.files.FileStore;
import io.hotcrm.importing.Importer;
import io.hotcrm.importing.csv.CsvFormat;
import io.hotcrm.importing.excel.XlsFormat;
import io.hotcrm.importing.excel.XlsxFormat;
import io.hotcrm.jobs.Jobs;
import io.hotcrm.notify.Notifier;
import io.hotcrm.metadata.Catalogue;
import io.hotcrm.query.QueryEngine;
import io.hotcrm.query.Views;
import io.hotcrm.security.Principal;
import io.hotcrm.security.Roles;
import io.hotcrm.security.Security;
import io.hotcrm.security.Tokens;
import io.hotcrm.store.Database;
import io.hotcrm.store.RecordStore;
import io.hotcrm.store.RecycleBin;
import io.hotcrm.store.Schema;
import io.hotcrm.web.WebServer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;

/**
 * The composition root: opens the database, brings the schema up to date, and wires every feature's front
 * door. Nothing imports this class; {@link Main} creates it.
 */
public final class HotCrm implements Platform {
    private final Config config;
    private final Database db;
    private final Schema schema;
    private final RecordStore records;
    private final QueryEngine query;
    private final Security security;
    private final RecycleBin recycleBin;
    private final Jobs jobs;
    private final Importer importer;
    private final Notifier notifier;
    private final Exporter exporter;
    private final ExportSchedules schedules;
    private final FileStore files;
    private final io.hotcrm.migration.Migrations migrations;
    private final io.hotcrm.privacy.PrivacyRequests privacy;
    private final io.hotcrm.backup.Backups backups;

    private HotCrm(Config config, Database db, FileStore files) {
        this.files = files;
        this.config = config;
        this.db = db;
        this.schema = new Schema(db, Catalogue.standard());
        this.schema.sync();
        this.security = new Security(db.jdbi());
        this.security.bootstrap();
        this.records = new RecordStore(db, schema);
        this.query = new QueryEngine(db, schema);
        this.recycleBin = new RecycleBin(db, schema);
        this.jobs = new Jobs(db.dataSource(), config.node());
        jobs.register(new RecycleBinPurgeJob(recycleBin, security));
        JobsWork work = new JobsWork(jobs);
        this.importer = new Importer(db, schema, List.of(new CsvFormat(), new XlsxFormat(), new XlsFormat()), files, security, work);
        this.backups = new io.hotcrm.backup.Backups(db, files, VERSION, config.backupKey(), config.backupDir());
        backups.instanceId();
        this.sandbox = backups.sandboxInfo() != null;
        // a sandbox sends no email, whatever its environment says
        this.notifier = new Notifier(db.dataSource(), sandbox ? null : config.smtp());
        jobs.register(new ImportJob(importer, notifier::notify));
        jobs.register(new ImportUndoJob(importer, notifier::notify));
        this.exporter = new Exporter(schema, query, new Views(db.jdbi(), schema, query),
                List.of(new CsvRows(), new XlsxRows(), new JsonlRows(), new ParquetRows("HotCRM version " + VERSION)));
        Destinations destinations = new Destinations(List.of(new LocalKind(config.exportDirs()), S3Kind.s3(), S3Kind.gcs(), new AzureKind(), new SftpKind()));
        this.schedules = new ExportSchedules(db.jdbi(), db.dialect(), schema, exporter, destinations,
                Secrets.fromBase64(config.secretKey()), work, notifier::notify, email -> io.hotcrm.security.Principal.SYSTEM_EMAIL.equals(email) ? io.hotcrm.security.Principal.system() : security.users().principal(email));
        jobs.register(new ScheduledExportJob(schedules));
        this.privacy = new io.hotcrm.privacy.PrivacyRequests(db, schema, records, recycleBin, files, importer, schedules,
                Secrets.fromBase64(config.secretKey()));
        privacy.mailer(notifier::email);
        this.migrations = new io.hotcrm.migration.Migrations(db, schema, importer, security, records,
                List.of(new io.hotcrm.migration.salesforce.SalesforceKind(config.migrationHosts()),
                        new io.hotcrm.migration.salesforce.SalesforceExportKind(files),
                        new io.hotcrm.migration.hubspot.HubSpotKind(config.migrationHosts())), Secrets.fromBase64(config.secretKey()), work,
                config.dataDir().resolve("tmp").resolve("migrations"), files);
        jobs.register(new MigrationJob(migrations, notifier::notify));
        jobs.register(new MigrationUndoJob(migrations, notifier::notify));
        // a command-line job whose process is gone is seen by the next command, not only by a server
        jobs.sweepInterrupted();
        backups.connect(destinations, Secrets.fromBase64(config.secretKey()), work);
        backups.sandboxHome(name -> sandboxTarget(name, null, null, null, null));
        jobs.register(new ScheduledBackupJob(backups));
        replayLedgerAfterRestore();
    }

    private final boolean sandbox;

    /** This instance's id. */
    public String instanceId() {
        return backups.instanceId();
    }

    @Override
    public io.hotcrm.backup.Backups.Sandbox createSandbox(io.hotcrm.security.Principal p, String name, java.nio.file.Path from,
                                                         java.nio.file.Path dataDir, String dbUrl, String dbUser, String dbPassword,
                                                         boolean anonymise) {
        return backups.sandbox(p, name, from, sandboxTarget(name, dataDir, dbUrl, dbUser, dbPassword), anonymise);
    }

    /**
     * Where a sandbox is made: the data directory given (default DATA/sandboxes/NAME, the only choice REST and the console
     * have), with its embedded database or the PostgreSQL database given; never this instance's own.
     */
    private io.hotcrm.backup.Backups.SandboxTarget sandboxTarget(String name, java.nio.file.Path dataDir, String dbUrl, String dbUser,
                                                                 String dbPassword) {
        java.nio.file.Path dir = (dataDir != null ? dataDir : config.dataDir().resolve("sandboxes").resolve(
                io.hotcrm.backup.Backups.checkSandboxName(name))).toAbsolutePath().normalize();
        if (dir.equals(config.dataDir()) || config.dataDir().startsWith(dir)) {
            throw HotCrmException.invalid("The sandbox's data directory " + dir + " is this instance's own: choose another (--data DIR).");
        }
        boolean embedded = dbUrl == null || dbUrl.isBlank();
        String url = embedded ? Database.embeddedUrl(dir) : dbUrl.trim();
        if (url.equals(config.dbUrl())) {
            throw HotCrmException.invalid("The sandbox's database is this instance's own: give it another (--db-url URL).");
        }
        if (embedded && Files.isDirectory(dir.resolve("db"))) {
            try (var existing = Files.list(dir.resolve("db"))) {
                if (existing.findAny().isPresent()) {
                    throw new HotCrmException(ErrorCode.CONFLICT, "There is already an instance in " + dir + ": remove it, or choose"
                            + " another name or --data DIR.");
                }
            } catch (IOException e) {
                throw new HotCrmException(ErrorCode.CONFIGURATION, "Cannot read " + dir + ": " + e.getMessage(), e);
            }
        }
        try {
            Files.createDirectories(dir.resolve(embedded ? "db" : "tmp"));
        } catch (IOException e) {
            throw new HotCrmException(ErrorCode.CONFIGURATION, "Cannot create the sandbox's data directory " + dir + ": " + e.getMessage(), e);
        }
        Config target = new Config(dir, url, embedded ? null : dbUser, embedded ? null : dbPassword, config.adminEmail(), config.node(),
                config.jobWorkers(), config.recycleBinDays(), config.uploadMaxMb(), null, config.secretKey(), List.of(dir), null,
                config.migrationHosts(), config.backupKey(), dir.resolve("backups"));
        return new io.hotcrm.backup.Backups.SandboxTarget(url, target.dbUser(), target.dbPassword(), openFiles(target),
                (embedded ? "embedded database in " : url + ", files in ") + dir, dir.toString());
    }

    /** The product version, as backups name it. */
    public static final String VERSION = "0.1.0";

    /**
     * After a restore, the erasure ledger is replayed before anything else uses the database (the restore marks it
     * pending; the marker goes only once the replay is done, so an interrupted replay runs again at the next start).
     */
    private void replayLedgerAfterRestore() {
        String key = io.hotcrm.backup.Backups.LEDGER_REPLAY;
        boolean pending = db.jdbi().withHandle(h -> h.createQuery("select count(*) from hc_meta where meta_key = :k").bind("k", key)
                .mapTo(Integer.class).one() > 0);
        if (!pending) {
            return;
        }
        int changed = privacy.replayLedger();
        db.jdbi().useHandle(h -> h.createUpdate("delete from hc_meta where meta_key = :k").bind("k", key).execute());
        LoggerFactory.getLogger(HotCrm.class).info("Restored database: the erasure ledger was replayed ({} records erased again).",
                changed);
        ledgerReplayed = changed;
    }

    private int ledgerReplayed = -1;

    /** Records the erasure ledger's replay erased again when this instance opened a just-restored database; -1: none ran. */
    public int ledgerReplayed() {
        return ledgerReplayed;
    }

    @Override
    public io.hotcrm.backup.Backups backups() {
        return backups;
    }

    /**
     * The file store: the data directory itself (the embedded default; keys such as imports/ID/results.csv are
     * files under it), or the S3-compatible bucket of HOTCRM_FILES_BUCKET that several nodes share.
     */
    static FileStore openFiles(Config config) {
        Path scratch = config.dataDir().resolve("tmp");
        if (config.fileBucket() == null) {
            Destination d = new LocalKind(List.of(config.dataDir())).open(java.util.Map.of("path", config.dataDir().toString()));
            return new FileStore(d, scratch, false);
        }
        return new FileStore(S3Kind.s3().open(config.fileBucket()), scratch, true);
    }


    public static HotCrm open(Config config) {
        if (config.embedded()) {
            try {
                Files.createDirectories(config.dataDir().resolve("db"));
            } catch (IOException e) {
                throw new HotCrmException(ErrorCode.CONFIGURATION, "Cannot create the data directory " + config.dataDir()
                        + ": " + e.getMessage() + ". Choose another with --data DIR or HOTCRM_DATA.", e);
            }
        }
        Database db = Database.open(config.dbUrl(), config.dbUser(), config.dbPassword(), 10);
        FileStore files = null;
        try {
            files = openFiles(config);
            return new HotCrm(config, db, files);
        } catch (RuntimeException e) {
            if (files != null) {
                files.close();
            }
            db.close();
            throw e;
        }
    }

    /**
     * On the very first start (no users yet) — of {@code serve} or of any command — creates the administrator
     * with a generated password and an API token, and prints how to sign in. The secrets are shown this once and
     * stored only as hashes. Two processes starting at once create one administrator: the second finds it.
     */
    public void firstStart(PrintStream out, int port) {
        if (!security.users().list().isEmpty()) {
            return;
        }
        String password = generatePassword();
        try {
            security.users().add(Principal.system(), config.adminEmail(), "Administrator", Roles.ADMIN, password);
        } catch (HotCrmException e) {
            if (e.code() == ErrorCode.CONFLICT) {
                return;
            }
            throw e;
        }
        Tokens.CreatedToken token = security.tokens().create(Principal.system(), config.adminEmail(), "first start");
        out.println();
        out.println("HotCRM created its first administrator. Keep these; they are shown only once.");
        out.println("  Console:   http://localhost:" + port + "/login" + (port == CLI_PORT ? " (after ./hotcrm serve)" : ""));
        out.println("  Email:     " + config.adminEmail());
        out.println("  Password:  " + password);
        out.println("  API token: " + token.token());
        out.println("  Try:       curl -H \"Authorization: Bearer " + token.token() + "\" http://localhost:" + port
                + "/api/v1/objects");
        out.println();
    }

    /** The port named in the first-start message when a command (not serve) initialises the data directory. */
    private static final int CLI_PORT = 8080;

    /** A command run on a new data directory initialises it as serve does (its messages go to {@code out}). */
    @Override
    public void initialise(PrintStream out) {
        firstStart(out, CLI_PORT);
    }

    private static String generatePassword() {
        byte[] b = new byte[15];
        new SecureRandom().nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    @Override
    public void serve(int port) {
        firstStart(System.out, port);
        WebServer web = start(port);
        System.out.println("HotCRM is running on http://localhost:" + web.port() + " (" + databaseDescription()
                + ", data in " + config.dataDir() + ", files in " + filesDescription() + (config.jobWorkers() == 0
                ? ", no job server: other nodes run the jobs" : ", job server " + config.node() + " with " + config.jobWorkers()
                + " worker(s)") + "). Press Ctrl+C to stop.");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            web.stop();
            close();
        }, "hotcrm-shutdown"));
        try {
            Thread.currentThread().join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Starts the web server (port 0 = any free port) and the job server, and returns the web server. */
    public WebServer start(int port) {
        WebServer web = new WebServer(new WebServer.Features(schema, records, query, security, jobs, importer,
                config.uploadMaxMb() * 1024L * 1024L, notifier, db.dialect().name(), exporter, schedules, migrations, privacy, backups, recycleBin));
        web.start(port);
        if (config.jobWorkers() > 0) {
            jobs.startServer(config.jobWorkers());
        }
        // a restored database has its schedules but not the job server's record of them: they are set again
        schedules.registerAll();
        backups.registerSchedules();
        scheduleMaintenance();
        return web;
    }

    /** The daily recycle-bin purge (03:00 UTC), or none when HOTCRM_RECYCLE_BIN_DAYS is 0. */
    private void scheduleMaintenance() {
        if (config.recycleBinDays() > 0 && !sandbox) {
            jobs.scheduleRecurring("recycle-bin-purge", "0 3 * * *", java.time.ZoneOffset.UTC, RecycleBin.PURGE_JOB,
                    new RecycleBin.PurgeRequest(config.recycleBinDays(), java.util.List.of()).toJson());
        } else {
            jobs.deleteRecurring("recycle-bin-purge");
        }
    }

    @Override
    public Schema schema() {
        return schema;
    }

    @Override
    public RecordStore records() {
        return records;
    }

    @Override
    public QueryEngine query() {
        return query;
    }

    @Override
    public Security security() {
        return security;
    }

    public Notifier notifier() {
        return notifier;
    }

    @Override
    public Jobs jobs() {
        return jobs;
    }

    @Override
    public RecycleBin recycleBin() {
        return recycleBin;
    }

    @Override
    public Importer importer() {
        return importer;
    }

    @Override
    public Exporter exporter() {
        return exporter;
    }

    @Override
    public io.hotcrm.migration.Migrations migrations() {
        return migrations;
    }

    @Override
    public io.hotcrm.privacy.PrivacyRequests privacy() {
        return privacy;
    }

    @Override
    public ExportSchedules schedules() {
        return schedules;
    }

    public Database database() {
        return db;
    }

    @Override
    public String databaseDescription() {
        return config.embedded() ? "embedded H2" : "PostgreSQL";
    }

    /** Where shared files are kept, without secrets. */
    public String filesDescription() {
        return files.shared() ? files.describe() : config.dataDir().toString();
    }

    @Override
    public void close() {
        jobs.close();
        files.close();
        db.close();
    }
}
