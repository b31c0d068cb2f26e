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
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;AUTO_SERVER=TRUE;DEFAULT_LOCK_TIMEOUT=60000";
    }

    public static Database open(String url, String user, String password, int poolSize) {
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
            throw new HotCrmException(ErrorCode.CONFIGURATION, "Cannot connect to the database at " + redact(url)
                    + ": " + e.getMessage() + ". Check HOTCRM_DB_URL, HOTCRM_DB_USER and HOTCRM_DB_PASSWORD.", e);
        }
        Database db = new Database(ds, Dialect.fromUrl(url), url, user, password);
        db.migrate();
        return db;
    }

    private void migrate() {
        try {
            Flyway.configure().dataSource(dataSource).locations("classpath:db/migration")
                    .table("hc_schema_history").load().migrate();
        } catch (FlywayException e) {
            throw new HotCrmException(ErrorCode.CONFIGURATION, "Could not bring the database schema up to date: "
                    + e.getMessage(), e);
        }
    }

    public static String redact(String url) {
        return url.replaceAll("(?i)(password=)[^&;]*", "$1***");
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
