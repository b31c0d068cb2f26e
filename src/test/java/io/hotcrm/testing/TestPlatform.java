package io.hotcrm.testing;

import io.hotcrm.importing.Importer;
import io.hotcrm.importing.csv.CsvFormat;
import io.hotcrm.importing.excel.XlsFormat;
import io.hotcrm.importing.excel.XlsxFormat;
import io.hotcrm.jobs.Jobs;
import io.hotcrm.metadata.Catalogue;
import io.hotcrm.query.QueryEngine;
import io.hotcrm.security.Principal;
import io.hotcrm.security.Security;
import io.hotcrm.store.Database;
import io.hotcrm.store.Dialect;
import io.hotcrm.store.RecordStore;
import io.hotcrm.store.RecycleBin;
import io.hotcrm.store.Schema;

/** The features wired on a fresh database, as the composition root wires them. */
public final class TestPlatform implements AutoCloseable {
    public final Database db;
    public final Schema schema;
    public final Security security;
    public final RecordStore records;
    public final QueryEngine query;
    public final RecycleBin recycleBin;
    public final Jobs jobs;
    public final Importer importer;
    public final io.hotcrm.query.Views views;
    public final io.hotcrm.exporting.Exporter exporter;
    public final io.hotcrm.notify.Notifier notifier;
    public final io.hotcrm.exporting.ExportSchedules schedules;
    /** The key destination credentials are encrypted with in tests. */
    public static final String SECRET_KEY = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
    public final java.nio.file.Path workDir;
    /** The file store (a local directory: the work directory) that uploads and import results go to. */
    public final io.hotcrm.files.FileStore files;
    public final Principal admin;
    /** Migrations from Salesforce (the fake one in tests), credentials encrypted with {@link #SECRET_KEY}. */
    public final io.hotcrm.migration.Migrations migrations;
    /** Data-subject requests. */
    public final io.hotcrm.privacy.PrivacyRequests privacy;
    /** Backups, verification and restores. */
    public final io.hotcrm.backup.Backups backups;

    public TestPlatform(Dialect dialect) {
        this(TestDb.fresh(dialect));
    }

    /** The features wired on the given (fresh) database, which this platform then owns. */
    public TestPlatform(Database database) {
        this.db = database;
        this.schema = new Schema(db, Catalogue.standard());
        schema.sync();
        this.security = new Security(db.jdbi());
        security.bootstrap();
        this.records = new RecordStore(db, schema);
        this.query = new QueryEngine(db, schema);
        this.recycleBin = new RecycleBin(db, schema);
        this.jobs = new Jobs(db.dataSource(), "test");
        try {
            this.workDir = java.nio.file.Files.createTempDirectory("hotcrm-test-work");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        this.files = new io.hotcrm.files.FileStore(new io.hotcrm.destinations.local.LocalKind(java.util.List.of(workDir))
                .open(java.util.Map.of("path", workDir.toString())), workDir.resolve("tmp"), false);
        this.importer = new Importer(db, schema, java.util.List.of(new CsvFormat(), new XlsxFormat(), new XlsFormat()),
                files, security, new io.hotcrm.app.JobsWork(jobs));
        this.views = new io.hotcrm.query.Views(db.jdbi(), schema, query);
        this.exporter = new io.hotcrm.exporting.Exporter(schema, query, views, java.util.List.of(
                new io.hotcrm.exporting.format.CsvRows(), new io.hotcrm.exporting.format.XlsxRows(),
                new io.hotcrm.exporting.format.JsonlRows(), new io.hotcrm.exporting.format.ParquetRows("HotCRM version " + io.hotcrm.app.HotCrm.VERSION)));
        this.notifier = new io.hotcrm.notify.Notifier(db.dataSource(), null);
        this.schedules = new io.hotcrm.exporting.ExportSchedules(db.jdbi(), db.dialect(), schema, exporter,
                new io.hotcrm.destinations.Destinations(java.util.List.of(new io.hotcrm.destinations.local.LocalKind(
                        java.util.List.of(workDir.resolve("exports"), java.nio.file.Path.of(System.getProperty("java.io.tmpdir")))),
                        io.hotcrm.destinations.s3.S3Kind.s3(), io.hotcrm.destinations.s3.S3Kind.gcs(),
                        new io.hotcrm.destinations.azure.AzureKind(), new io.hotcrm.destinations.sftp.SftpKind())),
                io.hotcrm.common.Secrets.fromBase64(SECRET_KEY), new io.hotcrm.app.JobsWork(jobs), notifier::notify, email -> io.hotcrm.security.Principal.SYSTEM_EMAIL.equals(email) ? io.hotcrm.security.Principal.system() : security.users().principal(email));
        jobs.register(new io.hotcrm.app.ScheduledExportJob(schedules));
        jobs.register(new io.hotcrm.app.ImportJob(importer, notifier::notify));
        jobs.register(new io.hotcrm.app.ImportUndoJob(importer, notifier::notify));
        this.privacy = new io.hotcrm.privacy.PrivacyRequests(db, schema, records, recycleBin, files, importer, schedules,
                io.hotcrm.common.Secrets.fromBase64(SECRET_KEY));
        this.backups = new io.hotcrm.backup.Backups(db, files, "test");
        this.migrations = new io.hotcrm.migration.Migrations(db, schema, importer, security, records,
                java.util.List.of(new io.hotcrm.migration.salesforce.SalesforceKind(java.util.List.of("127.0.0.1")),
                        new io.hotcrm.migration.salesforce.SalesforceExportKind(files),
                        new io.hotcrm.migration.hubspot.HubSpotKind(java.util.List.of("127.0.0.1"))),
                io.hotcrm.common.Secrets.fromBase64(SECRET_KEY), new io.hotcrm.app.JobsWork(jobs), workDir.resolve("migrations"), files);
        jobs.register(new io.hotcrm.app.MigrationJob(migrations, notifier::notify));
        jobs.register(new io.hotcrm.app.MigrationUndoJob(migrations, notifier::notify));
        security.users().add(Principal.system(), "admin@example.com", "Admin", "admin", "correct horse battery");
        this.admin = security.users().principal("admin@example.com");
    }

    /** How many records of the object are live (not in the recycle bin). */
    public long live(String object) {
        String table = schema.object(object).tableName();
        return db.jdbi().withHandle(h -> h.createQuery("select count(*) from " + table + " where deleted_at is null")
                .mapTo(Long.class).one());
    }

    /** A file of the store (an import's results.csv, …) as text. */
    public String text(String key) {
        try (java.io.InputStream in = files.open(key)) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A new user with the role, as a principal. */
    public Principal user(String email, String role) {
        security.users().add(Principal.system(), email, email.substring(0, email.indexOf('@')), role, null);
        return security.users().principal(email);
    }

    @Override
    public void close() {
        jobs.close();
        db.close();
        // the work directory (uploads, results, the file store) goes with the platform: suites and benchmarks make many
        try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.walk(workDir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            // a file still open elsewhere: the temporary directory is the system's to clear
        }
    }
}
