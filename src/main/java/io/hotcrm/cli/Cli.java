package io.hotcrm.cli;

import io.hotcrm.common.ErrorCode;
import io.hotcrm.common.HotCrmException;
import io.hotcrm.common.Problem;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code hotcrm} command line. Global options come before the subcommand; every subcommand opens the
 * platform in-process (so the CLI works with or without a running server). Failures print one line on
 * stderr and exit with the code documented in docs/cli.md: 0 success, 2 bad input, 3 permission,
 * 4 not found, 5 conflict, 6 configuration, 7 unavailable, 10 internal.
 */
@Command(name = "hotcrm", mixinStandardHelpOptions = true, version = "HotCRM 0.1.0",
        description = "HotCRM data platform: records, imports, exports and the REST API.")
public final class Cli implements Callable<Integer> {
    /**
     * The commands, in the order help lists them. Only the one a command line names is built (picocli reads every
     * option of every command it is given: building all of them was most of a short command's start).
     */
    static final List<Class<?>> COMMANDS = List.of(ServeCommand.class, ObjectsCommand.class, FieldsCommand.class, QueryCommand.class,
            UsersCommand.class, RolesCommand.class, TokensCommand.class, AuditCommand.class, JobsCommand.class, ImportCommand.class,
            RecycleBinCommand.class, ExportCommand.class, ViewsCommand.class, MigrateCommand.class, PrivacyCommand.class,
            SandboxCommand.class, BackupCommand.class);

    /** Opens the platform on a data directory (null = the default). */
    public interface Opener {
        Platform open(Path dataDir);

        /** Opens it for serve, which runs until it is stopped (a command runs for seconds). */
        default Platform openToServe(Path dataDir) {
            return open(dataDir);
        }

        /**
         * Whether opening the data directory finds a database already there, so that opening it before the command
         * line is known to run changes nothing on disk (true when it cannot tell).
         */
        default boolean existing(Path dataDir) {
            return true;
        }
    }

    @Option(names = "--data", paramLabel = "DIR", description = "Data directory (default ./data, or HOTCRM_DATA).")
    Path dataDir;

    @Option(names = "--as", paramLabel = "EMAIL", scope = CommandLine.ScopeType.INHERIT,
            description = "Act as this user, with their permissions (before or after the command).")
    String asUser;

    private final Opener opener;
    final PrintStream out;
    final PrintStream err;
    private Platform platform;
    /** The environment the command runs in (where --…-env options find their secrets). */
    final java.util.function.UnaryOperator<String> env;

    public Cli(Opener opener, PrintStream out, PrintStream err) {
        this(opener, out, err, System::getenv);
    }

    public Cli(Opener opener, PrintStream out, PrintStream err, java.util.function.UnaryOperator<String> env) {
        this.opener = opener;
        this.out = out;
        this.err = err;
        this.env = env;
    }

    @Override
    public Integer call() {
        commandLine().usage(out);
        return 0;
    }

    Platform platform() {
        Platform p = opened();
        if (!initialised) {
            // the first command on a new data directory sets it up as serve does (the notice goes to stderr, so
            // it never mixes with a command's output); serve does it itself, naming its port
            initialised = true;
            p.initialise(err);
        }
        return p;
    }

    private boolean initialised;

    /** The platform, without the first-start set-up (serve prints its own). */
    Platform opened() {
        if (platform == null) {
            platform = early != null && Objects.equals(earlyDir, dataDir) ? takeEarly() : opener.open(dataDir);
        }
        return platform;
    }

    /** The platform for serve, opened as a server ({@link Opener#openToServe}), without the first-start set-up. */
    Platform toServe() {
        if (platform == null) {
            platform = opener.openToServe(dataDir);
        }
        return platform;
    }

    /** The platform opening on its own thread while the command line is parsed, and the data directory it opens. */
    private CompletableFuture<Platform> early;
    private Path earlyDir;

    /**
     * Starts opening the platform on its own thread, so that the database's connection, the schema check and the
     * wiring (0.4–0.6 s) overlap picocli's building of the command tree (0.15–0.2 s) instead of following it — for a
     * line that names a command other than serve and asks for no help or version. The command takes it at its first
     * use; a line that turns out not to run the command (an unknown option) closes it unused. It only opens: the
     * first-start set-up is the command's, as before. A data directory without a database is left to the command:
     * a line that fails to parse must not leave an empty database behind.
     */
    private void openEarly(String... args) {
        List<String> line = List.of(args);
        int at = firstWord(args);
        if (at == args.length || commandClass(args[at]) == null || args[at].equals("serve") || line.contains("-h")
                || line.contains("--help") || line.contains("-V") || line.contains("--version")) {
            return;
        }
        Path dir = null;
        for (int i = 0; i < at; i++) {
            if (args[i].equals("--data") && i + 1 < at) {
                dir = Path.of(args[i + 1]);
            } else if (args[i].startsWith("--data=")) {
                dir = Path.of(args[i].substring("--data=".length()));
            }
        }
        Path data = dir;
        if (!opener.existing(data)) {
            return;
        }
        earlyDir = data;
        CompletableFuture<Platform> opening = new CompletableFuture<>();
        early = opening;
        Thread t = new Thread(() -> {
            try {
                opening.complete(opener.open(data));
            } catch (Throwable e) {
                opening.completeExceptionally(e);
            }
        }, "hotcrm-open");
        t.setDaemon(true);
        t.start();
    }

    /** The early platform, or its failure as the command's own (as if the command had opened it). */
    private Platform takeEarly() {
        CompletableFuture<Platform> f = early;
        early = null;
        try {
            return f.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error r) {
                throw r;
            }
            throw e;
        }
    }

    /** Closes an early platform the command did not take. */
    private void closeEarly() {
        if (early == null) {
            return;
        }
        try {
            Platform unused = takeEarly();
            if (unused != null) {
                unused.close();
            }
        } catch (RuntimeException | Error e) {
            // the command did not need it: its failure to open is not the command's
        }
    }

    /** Closes the platform and opens it again at the next use (after a restore put another database in place). */
    void reopen() {
        if (platform != null) {
            try {
                platform.close();
            } catch (Exception e) {
                // already closed by the restore: nothing more to release
            }
            platform = null;
        }
    }

    /** The principal, without the first-start set-up (a restore fills an empty database; it must stay empty until then). */
    io.hotcrm.security.Principal actorAsIs() {
        return opened().actor(asUser);
    }

    io.hotcrm.security.Principal actor() {
        return platform().actor(asUser);
    }

    /** The whole command tree, every command and subcommand answering --help and -h (and --version, -V). */
    CommandLine commandLine() {
        return commandLine(COMMANDS);
    }

    private CommandLine commandLine(List<Class<?>> commands) {
        CommandLine cmd = new CommandLine(this);
        for (Class<?> c : commands) {
            cmd.addSubcommand(c.getAnnotation(Command.class).name(), c);
        }
        withHelp(cmd);
        return cmd;
    }

    /** The command tree with only the command the arguments name (all of them when they name none, for help and hints). */
    CommandLine commandLine(String... args) {
        int at = firstWord(args);
        for (int i = 0; i < at; i++) {
            if (args[i].equals("--version") || args[i].equals("-V")) {
                return commandLine(List.of());
            }
        }
        Class<?> c = at < args.length ? commandClass(args[at]) : null;
        return c != null ? commandLine(List.of(c)) : commandLine(COMMANDS);
    }

    /** Where the first word that is not a global option or its value is (the command's name), or the line's length. */
    private static int firstWord(String... args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--data") || a.equals("--as")) {
                i++;
            } else if (!a.startsWith("-")) {
                return i;
            }
        }
        return args.length;
    }

    private static Class<?> commandClass(String name) {
        for (Class<?> c : COMMANDS) {
            if (c.getAnnotation(Command.class).name().equals(name)) {
                return c;
            }
        }
        return null;
    }

    private static void withHelp(CommandLine c) {
        if (!c.getCommandSpec().mixinStandardHelpOptions()) {
            c.getCommandSpec().mixinStandardHelpOptions(true);
        }
        c.getSubcommands().values().forEach(Cli::withHelp);
    }

    /** Runs the command line and returns the exit code; never throws. */
    public int run(String... args) {
        openEarly(args);
        CommandLine cmd = commandLine(args);
        cmd.setOut(new java.io.PrintWriter(out, true));
        cmd.setErr(new java.io.PrintWriter(err, true));
        cmd.setExecutionExceptionHandler((ex, line, parse) -> report(ex));
        cmd.setParameterExceptionHandler((ex, args2) -> {
            err.println("hotcrm: " + ex.getMessage());
            err.println("Run \"" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help\" for usage.");
            return ErrorCode.VALIDATION_FAILED.exitCode();
        });
        try {
            return cmd.execute(args);
        } finally {
            closeEarly();
            if (platform != null) {
                platform.close();
            }
        }
    }

    private int report(Exception ex) {
        if (ex instanceof HotCrmException e) {
            err.println("hotcrm: " + e.getMessage());
            for (Problem p : e.details()) {
                err.println("  " + p.field() + ": " + p.message());
            }
            return e.code().exitCode();
        }
        err.println("hotcrm: unexpected error (" + ex.getClass().getSimpleName() + "): " + ex.getMessage());
        org.slf4j.LoggerFactory.getLogger(Cli.class).debug("unexpected error", ex);
        return ErrorCode.INTERNAL.exitCode();
    }
}
