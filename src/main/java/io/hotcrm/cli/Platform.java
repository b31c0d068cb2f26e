package io.hotcrm.cli;

import io.hotcrm.exporting.Exporter;
import io.hotcrm.importing.Importer;
import io.hotcrm.jobs.Jobs;
import io.hotcrm.query.QueryEngine;
import io.hotcrm.security.Principal;
import io.hotcrm.security.Security;
import io.hotcrm.store.RecordStore;
import io.hotcrm.store.RecycleBin;
import io.hotcrm.store.Schema;

/**
 * What the command line works with: the front doors of the features, opened on one data directory and
 * database by the composition root. Closing it releases the database.
 */
public interface Platform extends AutoCloseable {
    Schema schema();

    RecordStore records();

    QueryEngine query();

    Security security();

    Jobs jobs();

    RecycleBin recycleBin();

    Importer importer();

    Exporter exporter();

    io.hotcrm.exporting.ExportSchedules schedules();

    io.hotcrm.migration.Migrations migrations();

    io.hotcrm.privacy.PrivacyRequests privacy();

    /** Backups, verification and restores. */
    io.hotcrm.backup.Backups backups();

    /** Records the erasure ledger's replay erased again when a just-restored database was opened; -1: none ran. */
    default int ledgerReplayed() {
        return -1;
    }

    /** A one-line description of the database in use, for messages (no secrets). */
    String databaseDescription();

    /**
     * Makes a new data directory ready for use, once (creates the first administrator and prints its
     * credentials to {@code out}); does nothing when it is ready.
     */
    default void initialise(java.io.PrintStream out) {
    }

    /** Starts the web console and REST API on the port, and blocks until the process is stopped. */
    void serve(int port);

    /**
     * Makes a sandbox of this instance (see {@link io.hotcrm.backup.Backups#sandbox}) in a new data directory (default
     * DATA/sandboxes/NAME) with an embedded database, or in the PostgreSQL database {@code dbUrl}.
     */
    default io.hotcrm.backup.Backups.Sandbox createSandbox(Principal p, String name, java.nio.file.Path from, java.nio.file.Path dataDir,
                                                          String dbUrl, String dbUser, String dbPassword, boolean anonymise) {
        throw new UnsupportedOperationException("sandboxes");
    }

    /** The principal commands act as: the system, or the named user with {@code --as}. */
    default Principal actor(String asEmail) {
        return asEmail == null || asEmail.isBlank() ? Principal.system() : security().users().principal(asEmail);
    }

    @Override
    void close();
}
