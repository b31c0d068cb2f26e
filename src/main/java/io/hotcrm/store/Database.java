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

    /** The embedded H2 database in {@code dataDir/db}; several processes may share it (AUTO_SERVER). */
    public static String embeddedUrl(Path dataDir) {
        return "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("db").resolve("hotcrm")
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;AUTO_SERVER=TRUE;DEFAULT_LOCK_TIMEOUT=60000;CACHE_SIZE=65536";
    }

    public static Database open(String url, String user, String password, int poolSize) {
        if (!url.startsWith("jdbc:h2:")) {
            checkReachable(url, user, password);
        }
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl(url);
        cfg.setUsername(user == null ? "" : user);
        cfg.setPassword(password == null ? "" : password);
        cfg.setMaximumPoolSize(poolSize);
        cfg.setMinimumIdle(1);
        cfg.setPoolName("hotcrm");
        cfg.setInitializationFailTimeout(-1);
        HikariDataSource ds = new HikariDataSource(cfg);
        try (Connection c = ds.getConnection()) {
            c.isValid(5);
        } catch (SQLException e) {
            ds.close();
            throw unreachable(url, password, e);
        }
        Database db = new Database(ds, Dialect.fromUrl(url), url, user, password);
        db.migrate();
        return db;
    }

    /** Seconds a first connection may take before HotCRM says the database cannot be reached, and why. */
    static final int CONNECT_SECONDS = 10;

    /**
     * One plain connection before the pool starts, so a database that cannot be reached is reported at once
     * with the driver's reason (refused, unknown host, wrong password, no such database), not as a pool
     * timeout half a minute later.
     */
    private static void checkReachable(String url, String user, String password) {
        java.util.Properties props = new java.util.Properties();
        props.setProperty("user", user == null ? "" : user);
        props.setProperty("password", password == null ? "" : password);
        if (url.startsWith("jdbc:postgresql:")) {
            props.setProperty("connectTimeout", String.valueOf(CONNECT_SECONDS));
            props.setProperty("loginTimeout", String.valueOf(CONNECT_SECONDS));
        }
        java.sql.Driver driver;
        try {
            driver = java.sql.DriverManager.getDriver(url);
        } catch (SQLException e) {
            throw new HotCrmException(ErrorCode.CONFIGURATION, "HOTCRM_DB_URL " + redact(url, password) + " is not a database"
                    + " URL HotCRM knows: use jdbc:postgresql://HOST:5432/DATABASE (or leave it unset for the embedded database).", e);
        }
        try (Connection c = driver.connect(url, props)) {
            if (c == null) {
                throw new SQLException("the driver does not accept this URL");
            }
        } catch (SQLException e) {
            throw unreachable(url, password, e);
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

    private void migrate() {
        try {
            Flyway.configure().dataSource(dataSource).locations("classpath:db/migration", "classpath:db/vendor/{vendor}")
                    .placeholders(java.util.Map.of("large_text", dialect.largeText(), "change_seq_cache",
                            Integer.toString(dialect.changeSeqCache())))
                    .table("hc_schema_history").load().migrate();
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

    @Override
    public void close() {
        dataSource.close();
    }
}
