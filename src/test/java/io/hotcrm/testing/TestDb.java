package io.hotcrm.testing;

import io.hotcrm.store.Database;
import io.hotcrm.store.Dialect;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fresh databases for tests: an in-memory H2 per call, or a new database on the one embedded PostgreSQL
 * that this test JVM starts on first use (real PostgreSQL from Maven jars).
 */
public final class TestDb {
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static EmbeddedPostgres postgres;

    private TestDb() {
    }

    public static Database fresh(Dialect dialect) {
        return Database.open(url(dialect), dialect == Dialect.POSTGRES ? "postgres" : "sa",
                dialect == Dialect.POSTGRES ? "postgres" : "", 8);
    }

    /** A JDBC URL of a new, empty database of the dialect. */
    public static String url(Dialect dialect) {
        if (dialect == Dialect.H2) {
            return "jdbc:h2:mem:t" + UUID.randomUUID().toString().replace("-", "")
                    + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1";
        }
        EmbeddedPostgres pg = postgres();
        String name = "hc_test_" + COUNTER.incrementAndGet();
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
            st.execute("create database " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("could not create test database", e);
        }
        return pg.getJdbcUrl("postgres", name);
    }

    public static synchronized EmbeddedPostgres postgres() {
        if (postgres == null) {
            try {
                postgres = EmbeddedPostgres.builder().setServerConfig("fsync", "off")
                        .setServerConfig("synchronous_commit", "off").start();
            } catch (IOException e) {
                throw new UncheckedIOException("could not start embedded PostgreSQL", e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    postgres.close();
                } catch (IOException ignored) {
                    // the JVM is exiting; the temporary cluster directory is removed by the library
                }
            }));
        }
        return postgres;
    }
}
