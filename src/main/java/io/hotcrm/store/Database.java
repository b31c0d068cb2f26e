package io.hotcrm.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.hotcrm.common.ErrorCode;
import io.hotcrm.common.HotCrmException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.jdbi.v3.core.Jdbi;

/**
 * The connection pool, its dialect and the system-table migrations. {@link #open} connects, migrates the
 * system tables with Flyway and returns a ready database; {@link #embeddedUrl} is the H2 default under the
 * data directory.
 */
public final class Database implements AutoCloseable {
    private final HikariDataSource dataSource;
    private final Dialect dialect;
    private final Jdbi jdbi;
    private final String url;
    private final String user;
    private final String password;

    private Database(HikariDataSource dataSource, Dialect dialect, String url, String user, String password) {
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.jdbi = Jdbi.create(dataSource);
        this.url = url;
        this.user = user;
        this.password = password;
    }

    /**
     * The embedded H2 database in {@code dataDir/db}; several processes may share it (AUTO_SERVER). Its page cache is
     * 4 MB: a larger one holds pages just long enough for the collector to copy and promote them (a 490,000-contact
     * export spent 2.4 s in young-generation pauses with 64 MB), and imports were not faster with it (200k contacts
     * created or updated, measured with both). Closing does not compact the file ({@code MAX_COMPACT_TIME=0}): H2's
     * compaction at close, meant to take 200 ms, took 0.5–1.2 s on a data directory after imports — in every command,
     * read-only ones too — and did not shrink the file (a 1.3 GB file after importing and updating 200k contacts stayed
     * 1.3 GB after three commands); H2 reuses the file's free space while it is open.
     */
    public static String embeddedUrl(Path dataDir) {
        return "jdbc:h2:file:" + embeddedBase(dataDir)
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;AUTO_SERVER=TRUE;DEFAULT_LOCK_TIMEOUT=60000;CACHE_SIZE=4096;MAX_COMPACT_TIME=0";
    }

    /** Whether the embedded database of the data directory has been created (its file is there). */
    public static boolean embeddedExists(Path dataDir) {
        return java.nio.file.Files.isRegularFile(Path.of(embeddedBase(dataDir) + ".mv.db"));
    }

    /** The embedded database's name in the data directory: H2 adds {@code .mv.db} for its file. */
    private static Path embeddedBase(Path dataDir) {
        return dataDir.toAbsolutePath().resolve("db").resolve("hotcrm");
    }

    /**
     * The URL a command (a process that runs for seconds) opens an embedded database with: without H2's compaction in the
     * background ({@code AUTO_COMPACT_FILL_RATE=0}). After imports H2 rewrote chunks of the file in every command, beside
     * its work, and the command's end waited for the rewrite to let go of the store: an export of a few rows took 2.0–2.1 s
     * instead of 1.1–1.2 s, one of 490,000 contacts 5.9–6.0 s instead of 5.0–5.2 s; and the rewrites did not make the file
     * smaller (importing and updating 200k contacts left 1.46 GB with them and without). A server keeps it: it has idle
     * time. A URL that sets it itself, and any other database's, is left as it is.
     */
    public static String forCommand(String url) {
        return url.startsWith("jdbc:h2:file:") && !url.toUpperCase(java.util.Locale.ROOT).contains("AUTO_COMPACT_FILL_RATE=")
                ? url + ";AUTO_COMPACT_FILL_RATE=0" : url;
    }

    public static Database open(String url, String user, String password, int poolSize) {
        return open(url, user, password, poolSize, null);
    }

    /** The database with its system tables migrated up to {@code version} (null: the latest). */
    static Database open(String url, String user, String password, int poolSize, String version) {
        boolean h2 = url.startsWith("jdbc:h2:");
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl(url);
        cfg.setUsername(user == null ? "" : user);
        cfg.setPassword(password == null ? "" : password);
        cfg.setMaximumPoolSize(poolSize);
        cfg.setMinimumIdle(1);
        cfg.setPoolName("hotcrm");
        HikariDataSource ds;
        if (h2) {
            cfg.setInitializationFailTimeout(-1);
            ds = new HikariDataSource(cfg);
            try (Connection c = ds.getConnection()) {
                c.isValid(5);
            } catch (SQLException e) {
                ds.close();
                throw unreachable(url, password, e);
            }
        } else {
            // the pool's first connection, made at once: a database that cannot be reached is reported with the driver's
            // reason (refused, unknown host, wrong password, no such database), not as a pool timeout half a minute later
            requireDriver(url, password);
            if (url.startsWith("jdbc:postgresql:")) {
                cfg.addDataSourceProperty("connectTimeout", String.valueOf(CONNECT_SECONDS));
                cfg.addDataSourceProperty("loginTimeout", String.valueOf(CONNECT_SECONDS));
            }
            cfg.setInitializationFailTimeout(1);
            try {
                ds = new HikariDataSource(cfg);
            } catch (com.zaxxer.hikari.pool.HikariPool.PoolInitializationException e) {
                throw unreachable(url, password, e.getCause() instanceof SQLException q ? q : new SQLException(e.getMessage(), e));
            }
        }
        Database db = new Database(ds, Dialect.fromUrl(url), url, user, password);
        db.migrate(version);
        return db;
    }

    /** Seconds a first connection may take before HotCRM says the database cannot be reached, and why. */
    static final int CONNECT_SECONDS = 10;

    /** A URL no driver on the class path takes is a configuration mistake, said as such. */
    private static void requireDriver(String url, String password) {
        try {
            java.sql.DriverManager.getDriver(url);
        } catch (SQLException e) {
            throw new HotCrmException(ErrorCode.CONFIGURATION, "HOTCRM_DB_URL " + redact(url, password) + " is not a database"
                    + " URL HotCRM knows: use jdbc:postgresql://HOST:5432/DATABASE (or leave it unset for the embedded database).", e);
        }
    }

    private static HotCrmException unreachable(String url, String password, SQLException e) {
        String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        Throwable cause = e.getCause();
        if (cause != null && cause.getMessage() != null && !why.contains(cause.getMessage())) {
            why = why + " (" + cause.getMessage() + ")";
        }
        return new HotCrmException(ErrorCode.CONFIGURATION, "Cannot connect to the database at " + redact(url, password)
                + ": " + redact(why, password) + ". Check HOTCRM_DB_URL, HOTCRM_DB_USER and HOTCRM_DB_PASSWORD, and that the"
                + " database server is running and reachable from here.", e);
    }

    /** Brings the system tables up to date (the latest schema version). */
    public void migrate() {
        migrate(null);
    }

    /**
     * The newest migration HotCRM ships (db/migration and db/vendor/*; a test keeps it equal to the files). A database
     * whose history holds it, with no failed step, is current: opening it skips Flyway (its scan of the jar is about a
     * fifth of a command's start).
     */
    static final String LATEST_MIGRATION = "22";

    /** Whether the history says every migration this version ships is applied (false when there is no history yet). */
    boolean current() {
        try (Connection c = dataSource.getConnection(); java.sql.Statement st = c.createStatement()) {
            // asked first, so a new database gets no failed statement (H2 would note it in a trace file)
            try (java.sql.ResultSet rs = st.executeQuery("select count(*) from information_schema.tables"
                    + " where table_schema = current_schema() and table_name = 'hc_schema_history'")) {
                if (!rs.next() || rs.getInt(1) == 0) {
                    return false;
                }
            }
            boolean latest = false;
            try (java.sql.ResultSet rs = st.executeQuery("select version, success from hc_schema_history where version is not null")) {
                while (rs.next()) {
                    if (!rs.getBoolean(2)) {
                        return false;
                    }
                    latest |= LATEST_MIGRATION.equals(rs.getString(1));
                }
            }
            return latest;
        } catch (SQLException e) {
            return false;
        }
    }

    private void migrate(String version) {
        if (version == null && current()) {
            return;
        }
        try {
            var config = Flyway.configure().dataSource(dataSource).locations("classpath:db/migration", "classpath:db/vendor/{vendor}")
                    .placeholders(java.util.Map.of("large_text", dialect.largeText(), "change_seq_cache",
                            Integer.toString(dialect.changeSeqCache())))
                    .table("hc_schema_history");
            if (version != null) {
                config = config.target(version);
            }
            config.load().migrate();
        } catch (FlywayException e) {
            throw new HotCrmException(ErrorCode.CONFIGURATION, "Could not bring the database schema up to date: "
                    + e.getMessage(), e);
        }
    }

    /** A JDBC URL (or a message quoting one) without passwords: {@code password=…} and {@code user:…@host}. */
    public static String redact(String url) {
        return url.replaceAll("(?i)(password=)[^&;\\s]*", "$1***").replaceAll("(//[^/:@\\s]*:)[^@/\\s]*@", "$1***@");
    }

    /** The same, and the given password wherever it appears. */
    static String redact(String text, String password) {
        String out = redact(text);
        return password == null || password.length() < 3 ? out : out.replace(password, "***");
    }

    public DataSource dataSource() {
        return dataSource;
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    public Dialect dialect() {
        return dialect;
    }

    /** Connection settings, for components (JobRunr) that need their own view of the same database. */
    public String url() {
        return url;
    }

    public String user() {
        return user;
    }

    String password() {
        return password;
    }

    /** The schema version of this database (its newest applied migration). */
    public String schemaVersion() {
        return jdbi.withHandle(h -> h.createQuery("select version from hc_schema_history where success and version is not null")
                .mapTo(String.class).list().stream().max(Database::compareVersions).orElse("0"));
    }

    /** Compares Flyway versions such as {@code 9} and {@code 19} as numbers, part by part. */
    public static int compareVersions(String a, String b) {
        String[] x = a.split("[._]");
        String[] y = b.split("[._]");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            long p = i < x.length ? Long.parseLong(x[i]) : 0;
            long q = i < y.length ? Long.parseLong(y[i]) : 0;
            if (p != q) {
                return Long.compare(p, q);
            }
        }
        return 0;
    }

    /**
     * A new, empty database beside this one, for a restore, with its system tables migrated up to {@code version}: on
     * PostgreSQL a schema {@code name} of the same database, on H2 a file {@code name} in the same folder. Whatever an
     * earlier, failed restore left under that name is removed first.
     */
    public Database beside(String name, String version) {
        if (!name.matches("[a-z][a-z0-9_]{0,40}")) {
            throw new IllegalArgumentException("not a plain name: " + name);
        }
        if (dialect == Dialect.POSTGRES) {
            jdbi.useHandle(h -> {
                h.execute("drop schema if exists " + name + " cascade");
                h.execute("create schema " + name);
            });
            return open(withSchema(url, name), user, password, 2, version);
        }
        Path file = h2File();
        dropH2(file.resolveSibling(name));
        return open(url.replace(file.toString(), file.resolveSibling(name).toString()), user, password, 2, version);
    }

    /** Removes a database made with {@link #beside} (a restore that failed): this one is left as it is. */
    public void dropBeside(Database other, String name) {
        other.close();
        if (dialect == Dialect.POSTGRES) {
            jdbi.useHandle(h -> h.execute("drop schema if exists " + name + " cascade"));
        } else {
            dropH2(h2File().resolveSibling(name));
        }
    }

    /**
     * Makes the database {@code restored} (made with {@link #beside} under {@code name}) this one, keeping what this one
     * held under {@code keepAs}: on PostgreSQL both schemas are renamed in one transaction; on H2 both databases are
     * closed and the files renamed. This database is closed afterwards: open it again to use what was restored.
     */
    public void replaceBy(Database restored, String name, String keepAs) {
        restored.close();
        if (dialect == Dialect.POSTGRES) {
            jdbi.useTransaction(h -> {
                String current = h.createQuery("select current_schema()").mapTo(String.class).one();
                h.execute("alter schema " + Dialect.q(current) + " rename to " + keepAs);
                h.execute("alter schema " + name + " rename to " + Dialect.q(current));
            });
            close();
            return;
        }
        close();
        Path file = h2File();
        try {
            java.nio.file.Files.move(mv(file), mv(file.resolveSibling(keepAs)));
            java.nio.file.Files.move(mv(file.resolveSibling(name)), mv(file));
        } catch (java.io.IOException e) {
            throw new HotCrmException(ErrorCode.UNAVAILABLE, "Could not put the restored database in place of " + file + ": "
                    + e.getMessage() + ". The restored one is " + mv(file.resolveSibling(name)) + ", the previous one "
                    + mv(file.resolveSibling(keepAs)) + ".", e);
        }
    }

    /**
     * Whether another process uses this embedded database (it reaches it through the automatic server, or this process
     * reaches it through that process's): a restore must wait until it stops.
     */
    public boolean openElsewhere() {
        if (dialect != Dialect.H2 || !url.startsWith("jdbc:h2:file:")) {
            return false;
        }
        return jdbi.withHandle(h -> h.createQuery("select count(*) from information_schema.sessions where server is not null")
                .mapTo(Long.class).one() > 0);
    }

    private Path h2File() {
        if (!url.startsWith("jdbc:h2:file:")) {
            throw new HotCrmException(ErrorCode.CONFIGURATION, "A restore needs a database on disk (an embedded data directory,"
                    + " or PostgreSQL), not " + redact(url) + ".");
        }
        int end = url.indexOf(';');
        return Path.of(url.substring("jdbc:h2:file:".length(), end < 0 ? url.length() : end));
    }

    private static Path mv(Path base) {
        return base.resolveSibling(base.getFileName() + ".mv.db");
    }

    private static void dropH2(Path base) {
        try {
            java.nio.file.Files.deleteIfExists(mv(base));
            java.nio.file.Files.deleteIfExists(base.resolveSibling(base.getFileName() + ".trace.db"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String withSchema(String url, String schema) {
        String cleaned = url.replaceAll("([?&])currentSchema=[^&]*&?", "$1").replaceAll("[?&]$", "");
        return cleaned + (cleaned.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
