package io.hotcrm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hotcrm.query.QueryEngine;
import io.hotcrm.security.Security;
import io.hotcrm.store.Dialect;
import io.hotcrm.store.RecordStore;
import io.hotcrm.store.Schema;
import io.hotcrm.testing.TestPlatform;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CliTest {
    final TestPlatform t = new TestPlatform(Dialect.H2);
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @AfterEach
    void close() {
        t.close();
    }

    int run(String... args) {
        Platform p = platform();
        return run(dir -> p, args);
    }

    int run(Cli.Opener opener, String... args) {
        return new Cli(opener, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).run(args);
    }

    /** The test's platform as a command sees it (closing it is the test's). */
    Platform platform() {
        return new Platform() {
            public Schema schema() {
                return t.schema;
            }

            public RecordStore records() {
                return t.records;
            }

            public QueryEngine query() {
                return t.query;
            }

            public Security security() {
                return t.security;
            }

            public io.hotcrm.jobs.Jobs jobs() {
                return t.jobs;
            }

            public io.hotcrm.store.RecycleBin recycleBin() {
                return t.recycleBin;
            }

            public io.hotcrm.importing.Importer importer() {
                return t.importer;
            }

            @Override
            public io.hotcrm.exporting.Exporter exporter() {
                return t.exporter;
            }

            @Override
            public io.hotcrm.exporting.ExportSchedules schedules() {
                return t.schedules;
            }

            @Override
            public io.hotcrm.migration.Migrations migrations() {
                throw new UnsupportedOperationException("migrations are tested in io.hotcrm.migration");
            }

            @Override
            public io.hotcrm.privacy.PrivacyRequests privacy() {
                return t.privacy;
            }

            @Override
            public io.hotcrm.backup.Backups backups() {
                return t.backups;
            }

            public String databaseDescription() {
                return "H2";
            }

            public void serve(int port) {
                throw new UnsupportedOperationException("not in this test");
            }

            public void close() {
                // the test closes the platform itself
            }
        };
    }

    /** Opens the test's platform as the command line asks, and says on which thread, for which directory and how often it closed. */
    final class Recorder implements Cli.Opener {
        final java.util.List<String> opened = new java.util.concurrent.CopyOnWriteArrayList<>();
        final java.util.concurrent.atomic.AtomicInteger closed = new java.util.concurrent.atomic.AtomicInteger();
        RuntimeException failure;
        boolean existing = true;

        @Override
        public boolean existing(java.nio.file.Path dataDir) {
            return existing;
        }

        @Override
        public Platform open(java.nio.file.Path dataDir) {
            opened.add(Thread.currentThread().getName() + " " + dataDir);
            if (failure != null) {
                throw failure;
            }
            Platform p = platform();
            return (Platform) java.lang.reflect.Proxy.newProxyInstance(Platform.class.getClassLoader(), new Class<?>[] {Platform.class},
                    (proxy, m, a) -> {
                        if (m.getName().equals("close")) {
                            closed.incrementAndGet();
                            return null;
                        }
                        try {
                            return m.invoke(p, a);
                        } catch (java.lang.reflect.InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
        }
    }

    @Test
    void opensThePlatformWhileTheLineIsParsedAndClosesItOnce() {
        Recorder r = new Recorder();
        assertThat(run(r, "--data", "/tmp/somewhere", "objects")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("account");
        assertThat(r.opened).containsExactly("hotcrm-open /tmp/somewhere");
        assertThat(r.closed).hasValue(1);
        // --data=DIR, and --as before the command
        Recorder eq = new Recorder();
        assertThat(run(eq, "--data=/tmp/elsewhere", "--as", "admin@hotcrm.local", "objects")).isZero();
        assertThat(eq.opened).containsExactly("hotcrm-open /tmp/elsewhere");
        assertThat(eq.closed).hasValue(1);
    }

    @Test
    void aLineThatDoesNotRunItsCommandClosesTheEarlyPlatformAndHelpOpensNone() {
        Recorder bad = new Recorder();
        assertThat(run(bad, "objects", "--no-such-option")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("Unknown option: '--no-such-option'");
        assertThat(bad.opened).hasSize(1);
        assertThat(bad.closed).hasValue(1);
        for (String[] line : new String[][] {{"objects", "--help"}, {"export", "-h"}, {"--version"}, {"no-such-command"}, {}}) {
            Recorder none = new Recorder();
            run(none, line);
            assertThat(none.opened).as(String.join(" ", line)).isEmpty();
        }
    }

    @Test
    void aDataDirectoryWithoutADatabaseIsOpenedByTheCommandOnly() {
        Recorder fresh = new Recorder();
        fresh.existing = false;
        assertThat(run(fresh, "--data", "/tmp/new", "objects", "--no-such-option")).isEqualTo(2);
        assertThat(fresh.opened).isEmpty();
        assertThat(run(fresh, "--data", "/tmp/new", "objects")).isZero();
        assertThat(fresh.opened).hasSize(1).noneMatch(o -> o.startsWith("hotcrm-open")).allMatch(o -> o.endsWith(" /tmp/new"));
        assertThat(fresh.closed).hasValue(1);
    }

    @Test
    void aFailureToOpenIsReportedAsTheCommandsOwnOnlyWhenTheCommandRuns() {
        Recorder r = new Recorder();
        r.failure = new io.hotcrm.common.HotCrmException(io.hotcrm.common.ErrorCode.CONFIGURATION, "PostgreSQL at db:5432 refused the connection.");
        assertThat(run(r, "objects")).isEqualTo(6);
        assertThat(err.toString(StandardCharsets.UTF_8).strip()).isEqualTo("hotcrm: PostgreSQL at db:5432 refused the connection.");
        err.reset();
        assertThat(run(r, "objects", "--no-such-option")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).doesNotContain("refused");
    }

    @Test
    void addsACustomFieldThatQueriesCanUse() {
        assertThat(run("fields", "add", "account", "legacy_tier", "picklist", "--values", "Gold;Silver")).isZero();
        assertThat(run("query", "{\"object\":\"account\",\"fields\":[\"legacy_tier\"]}")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("\"records\" : [ ]");
    }

    @Test
    void reportsErrorsInOneLineWithTheDocumentedExitCode() {
        assertThat(run("objects", "describe", "acount")).isEqualTo(4);
        assertThat(err.toString(StandardCharsets.UTF_8).strip())
                .isEqualTo("hotcrm: There is no object \"acount\". Did you mean \"account\"? Run \"hotcrm objects\" to list them.");
    }

    @Test
    void permissionErrorsExitWith3() {
        assertThat(run("users", "add", "ro@example.com", "--name", "RO", "--role", "read_only")).isZero();
        assertThat(run("--as", "ro@example.com", "fields", "add", "account", "x_field", "text")).isEqualTo(3);
    }

    @Test
    void badQueryJsonExitsWith2() {
        assertThat(run("query", "{\"object\":")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("hotcrm: The query is not valid JSON");
    }

    @Test
    void everyCommandAndSubcommandAnswersHelp() {
        java.util.List<java.util.List<String>> paths = new java.util.ArrayList<>();
        collect(new Cli(dir -> null, System.out, System.err).commandLine(), new java.util.ArrayList<>(), paths);
        assertThat(paths).hasSizeGreaterThan(40);
        for (java.util.List<String> path : paths) {
            for (String flag : java.util.List.of("--help", "-h")) {
                java.util.List<String> args = new java.util.ArrayList<>(path);
                args.add(flag);
                out.reset();
                err.reset();
                assertThat(run(args.toArray(String[]::new))).as("hotcrm %s: %s", String.join(" ", args), err).isZero();
                assertThat(out.toString(StandardCharsets.UTF_8)).as("hotcrm %s", String.join(" ", args))
                        .startsWith("Usage: hotcrm" + (path.isEmpty() ? "" : " " + String.join(" ", path)));
            }
        }
    }

    private static void collect(picocli.CommandLine c, java.util.List<String> path, java.util.List<java.util.List<String>> out) {
        out.add(java.util.List.copyOf(path));
        c.getSubcommands().forEach((name, sub) -> {
            if (sub.getCommandName().equals(name)) {
                java.util.List<String> next = new java.util.ArrayList<>(path);
                next.add(name);
                collect(sub, next, out);
            }
        });
    }
}
