package io.hotcrm.app;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogSetupTest {

    @Test
    void theLogFileIsMadeAtTheFirstEventThatPassesTheLevelsAndKeepsTheDetails(@TempDir Path dir) throws Exception {
        String before = System.getProperty("hotcrm.logs");
        LoggerContext ctx = new LoggerContext();
        // what logback's own start gives a context
        ctx.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
        try {
            LogSetup.install(ctx);
            // set after the set-up, as the data directory is known only once the command line is read
            System.setProperty("hotcrm.logs", dir.toString());
            ctx.getLogger("io.hotcrm.store.Database").debug("below the level");
            ctx.getLogger("org.flywaydb.core.Flyway").info("below Flyway's level");
            assertThat(dir.resolve("hotcrm.log")).doesNotExist();

            ctx.getLogger("io.hotcrm.jobs.Jobs").info("Job server started");
            ctx.getLogger("io.hotcrm.cli.Cli").warn("something went wrong", new IllegalStateException("the detail"));
            ctx.stop();
            String log = Files.readString(dir.resolve("hotcrm.log"), StandardCharsets.UTF_8);
            assertThat(log).contains("INFO  [", "io.hotcrm.jobs.Jobs - Job server started", "WARN  [", "something went wrong",
                    "java.lang.IllegalStateException: the detail").doesNotContain("below");
        } finally {
            ctx.stop();
            if (before == null) {
                System.clearProperty("hotcrm.logs");
            } else {
                System.setProperty("hotcrm.logs", before);
            }
        }
    }
}
