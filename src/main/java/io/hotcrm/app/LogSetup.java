package io.hotcrm.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.AppenderBase;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeAndTimeBasedRollingPolicy;
import ch.qos.logback.core.spi.ContextAwareBase;
import ch.qos.logback.core.util.FileSize;
import java.util.List;
import java.util.Map;

/**
 * HotCRM's logging, set up in code (reading an XML configuration took a sixth of a short command's start): the console
 * gets one line per event and never a stack trace; {@code hotcrm.log} under the data directory (system property
 * {@code hotcrm.logs}, set from the data directory before the first log line) keeps the details, rolled daily and at
 * 50 MB, 14 days and 1 GB at most. A {@code logback.configurationFile} property or a {@code logback-test.xml} (tests)
 * takes over instead.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class LogSetup extends ContextAwareBase implements Configurator {
    private static final Map<String, Level> LEVELS = Map.of("io.hotcrm", Level.INFO, "org.flywaydb", Level.WARN, "com.zaxxer.hikari",
            Level.WARN, "org.eclipse.jetty", Level.WARN, "io.javalin", Level.WARN, "org.jobrunr", Level.WARN, "org.apache.pdfbox",
            Level.WARN, "org.apache.fontbox", Level.WARN);

    @Override
    public ExecutionStatus configure(LoggerContext ctx) {
        if (System.getProperty("logback.configurationFile") != null || LogSetup.class.getResource("/logback-test.xml") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        install(ctx);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** Sets the levels and the appender that starts the console and the log file at the first event that passes them. */
    static void install(LoggerContext ctx) {
        ch.qos.logback.classic.Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.WARN);
        Lazy lazy = new Lazy(() -> appenders(ctx));
        lazy.setContext(ctx);
        lazy.setName("LAZY");
        lazy.start();
        root.addAppender(lazy);
        LEVELS.forEach((name, level) -> ctx.getLogger(name).setLevel(level));
    }

    /** The console (one line an event, never a stack trace) and the rolling log file, started. */
    private static List<Appender<ILoggingEvent>> appenders(LoggerContext ctx) {
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(ctx);
        console.setName("STDERR");
        console.setTarget("System.err");
        console.setEncoder(encoder(ctx, "%d{HH:mm:ss.SSS} %-5level %logger{24} - %msg%n%nopex"));
        console.start();

        String dir = System.getProperty("hotcrm.logs", "data/logs");
        RollingFileAppender<ILoggingEvent> file = new RollingFileAppender<>();
        file.setContext(ctx);
        file.setName("FILE");
        file.setFile(dir + "/hotcrm.log");
        SizeAndTimeBasedRollingPolicy<ILoggingEvent> policy = new SizeAndTimeBasedRollingPolicy<>();
        policy.setContext(ctx);
        policy.setParent(file);
        policy.setFileNamePattern(dir + "/hotcrm.%d{yyyy-MM-dd}.%i.log.gz");
        policy.setMaxFileSize(FileSize.valueOf("50MB"));
        policy.setMaxHistory(14);
        policy.setTotalSizeCap(FileSize.valueOf("1GB"));
        policy.start();
        file.setRollingPolicy(policy);
        file.setEncoder(encoder(ctx, "%d{ISO8601} %-5level [%thread] %logger{36} - %msg%n"));
        file.start();
        return List.of(console, file);
    }

    /**
     * Starts the real appenders at the first event that passes the levels: most commands log nothing, and setting up the
     * console and the rolling file (their patterns, the file's policy) cost every command's start a few hundredths of a
     * second.
     */
    private static final class Lazy extends AppenderBase<ILoggingEvent> {
        private final java.util.function.Supplier<List<Appender<ILoggingEvent>>> make;
        private List<Appender<ILoggingEvent>> appenders;

        Lazy(java.util.function.Supplier<List<Appender<ILoggingEvent>>> make) {
            this.make = make;
        }

        @Override
        protected void append(ILoggingEvent event) {
            // AppenderBase.doAppend holds this appender's lock: one thread makes them
            if (appenders == null) {
                appenders = make.get();
            }
            for (Appender<ILoggingEvent> a : appenders) {
                a.doAppend(event);
            }
        }

        @Override
        public void stop() {
            super.stop();
            if (appenders != null) {
                appenders.forEach(Appender::stop);
            }
        }
    }

    private static PatternLayoutEncoder encoder(LoggerContext ctx, String pattern) {
        PatternLayoutEncoder e = new PatternLayoutEncoder();
        e.setContext(ctx);
        e.setPattern(pattern);
        e.start();
        return e;
    }
}
