package io.hotcrm.store;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Makes {@code change_seq} safe to export incrementally. A {@code change_seq} is taken when a row is written
 * but becomes visible only when its transaction commits, so a transaction that commits late can show a value
 * below one an export has already passed. Every writing transaction therefore holds the fence shared
 * ({@link #enter}); {@link #highWaterMark} takes it exclusively for an instant — waiting for the writers that
 * hold values — and reads the sequence: every value up to the mark is then committed or rolled back. The
 * sequence hands out values in order (no per-connection cache; migration V7).
 */
public final class ChangeFence {
    /** The PostgreSQL advisory lock key of the fence. */
    static final long KEY = 0x4843_524D_4348_4731L;

    private ChangeFence() {
    }

    /** Holds the fence shared until the handle's transaction ends (H2: exclusively — its writers take turns). */
    public static void enter(Handle h, Dialect dialect) {
        if (dialect == Dialect.POSTGRES) {
            h.createQuery("select pg_advisory_xact_lock_shared(" + KEY + ")").mapTo(String.class).findOne();
        } else {
            h.createQuery("select id from hc_change_fence where id = 1 for update").mapTo(Integer.class).one();
        }
    }

    /**
     * The highest {@code change_seq} below which every value belongs to a finished transaction: changes with
     * values up to it are all visible to queries that start afterwards.
     */
    public static long highWaterMark(Jdbi jdbi, Dialect dialect) {
        return jdbi.inTransaction(h -> {
            if (dialect == Dialect.POSTGRES) {
                h.createQuery("select pg_advisory_xact_lock(" + KEY + ")").mapTo(String.class).findOne();
            } else {
                h.createQuery("select id from hc_change_fence where id = 1 for update").mapTo(Integer.class).one();
            }
            return h.createQuery("select nextval('hc_change_seq')").mapTo(Long.class).one() - 1;
        });
    }
}
