package io.hotcrm.testing;

import io.hotcrm.store.Dialect;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;

/**
 * Base of contract tests that run once per database: a subclass per dialect (as {@code @Nested} classes
 * OnH2 / OnPostgres) gets one fresh platform for all its tests, closed afterwards.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class DialectContract {
    protected final TestPlatform t;

    protected DialectContract(Dialect dialect) {
        this.t = new TestPlatform(dialect);
    }

    @AfterAll
    void closePlatform() {
        t.close();
    }
}
