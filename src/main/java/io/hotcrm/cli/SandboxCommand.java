package io.hotcrm.cli;

import io.hotcrm.backup.Backups;
import io.hotcrm.common.HotCrmException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "sandbox", description = "Sandboxes: copies of this instance for migration dry-runs (see docs/operations.md).",
        subcommands = {SandboxCommand.Create.class})
final class SandboxCommand {
    @ParentCommand
    Cli cli;

    @Command(name = "create", description = "Make a sandbox: hotcrm sandbox create NAME [--from ARCHIVE] [--data DIR | --db-url URL]"
            + " [--anonymise]. A new instance id; no email; schedules paused; users' emails made undeliverable (.invalid).")
    static final class Create implements Callable<Integer> {
        @ParentCommand
        SandboxCommand parent;

        @Parameters(paramLabel = "NAME", description = "The sandbox's name (letters, digits, '.', '_', '-').")
        String name;

        @Option(names = "--from", paramLabel = "ARCHIVE", description = "Make it from this backup archive (default: a copy of this"
                + " instance made now).")
        Path from;

        @Option(names = "--data", paramLabel = "DIR", description = "The sandbox's data directory (default DATA/sandboxes/NAME);"
                + " its embedded database unless --db-url.")
        Path data;

        @Option(names = "--db-url", paramLabel = "URL", description = "An empty PostgreSQL database for the sandbox"
                + " (jdbc:postgresql://…); its files go to the sandbox's data directory.")
        String dbUrl;

        @Option(names = "--db-user", paramLabel = "USER", description = "The user for --db-url.")
        String dbUser;

        @Option(names = "--db-password-env", paramLabel = "ENV", description = "The environment variable holding the password for"
                + " --db-url.")
        String dbPasswordEnv;

        @Option(names = {"--anonymise", "--anonymize"}, description = "Replace every person's personal fields as an erasure would"
                + " (see docs/privacy.md); the file store's copies are left out.")
        boolean anonymise;

        @Option(names = "--json", description = "Print the result as JSON.")
        boolean json;

        @Override
        public Integer call() {
            Cli cli = parent.cli;
            String password = null;
            if (dbPasswordEnv != null) {
                password = cli.env.apply(dbPasswordEnv);
                if (password == null) {
                    throw HotCrmException.invalid("The environment variable " + dbPasswordEnv + " (for --db-password-env) is not set.");
                }
            }
            Backups.Sandbox s = cli.platform().createSandbox(cli.actor(), name, from, data, dbUrl, dbUser, password, anonymise);
            if (json) {
                cli.out.println(Output.json(s));
                return 0;
            }
            cli.out.printf("Made the sandbox \"%s\" (instance %s) in %s from %s: %d tables (%,d rows), %d files, in %.1f s.%n", s.name(),
                    s.instanceId(), s.target(), s.from() == null ? "a copy of this instance" : s.from(), s.restored().tables(),
                    s.restored().rows(), s.restored().files(), s.seconds());
            cli.out.printf("Email is off in it; %d schedule(s) paused; %d user address(es) made undeliverable — users sign in with"
                    + " their address followed by .invalid.%n", s.schedulesPaused(), s.usersMadeUndeliverable());
            if (anonymise) {
                cli.out.println("Anonymised: " + s.anonymised());
            }
            cli.out.println("Start it with: " + (dbUrl == null ? "" : "HOTCRM_DB_URL=" + dbUrl + " ") + "./hotcrm --data "
                    + s.dataDir() + " serve --port 8081");
            return 0;
        }
    }
}
