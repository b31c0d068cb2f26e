package io.hotcrm.cli;

import io.hotcrm.security.User;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "users", description = "Manage users.", subcommands = {UsersCommand.Add.class, UsersCommand.ListUsers.class,
        UsersCommand.Deactivate.class, UsersCommand.Activate.class, UsersCommand.SetRole.class, UsersCommand.SetPassword.class})
final class UsersCommand {
    @ParentCommand
    Cli cli;

    static void print(Cli cli, User u) {
        cli.out.printf("%-36s  %-32s %-24s %-12s %s%n", u.id(), u.email(), u.name(), u.role(), u.active() ? "active" : "inactive");
    }

    @Command(name = "add", description = "Add a user: hotcrm users add ann@example.com --name \"Ann Lee\" --role standard.")
    static final class Add implements Callable<Integer> {
        @ParentCommand
        UsersCommand parent;

        @Parameters(paramLabel = "EMAIL")
        String email;

        @Option(names = "--name", required = true)
        String name;

        @Option(names = "--role", defaultValue = "standard")
        String role;

        @Option(names = "--password-stdin", description = "Read a console password from standard input.")
        boolean passwordStdin;

        @Override
        public Integer call() {
            Cli cli = parent.cli;
            String password = passwordStdin ? readLine() : null;
            print(cli, cli.platform().security().users().add(cli.actor(), email, name, role, password));
            return 0;
        }
    }

    @Command(name = "list", description = "List users.")
    static final class ListUsers implements Callable<Integer> {
        @ParentCommand
        UsersCommand parent;

        @Override
        public Integer call() {
            parent.cli.platform().security().users().list().forEach(u -> print(parent.cli, u));
            return 0;
        }
    }

    @Command(name = "deactivate", description = "Deactivate a user: they can no longer sign in or use tokens.")
    static final class Deactivate implements Callable<Integer> {
        @ParentCommand
        UsersCommand parent;

        @Parameters(paramLabel = "EMAIL")
        String email;

        @Override
        public Integer call() {
            Cli cli = parent.cli;
            print(cli, cli.platform().security().users().deactivate(cli.actor(), email));
            return 0;
        }
    }

    @Command(name = "activate", description = "Activate a deactivated user again.")
    static final class Activate implements Callable<Integer> {
        @ParentCommand
        UsersCommand parent;

        @Parameters(paramLabel = "EMAIL")
        String email;

        @Override
        public Integer call() {
            Cli cli = parent.cli;
            print(cli, cli.platform().security().users().activate(cli.actor(), email));
            return 0;
        }
    }

    @Command(name = "set-role", description = "Give a user another role.")
    static final class SetRole implements Callable<Integer> {
        @ParentCommand
        UsersCommand parent;

        @Parameters(index = "0", paramLabel = "EMAIL")
        String email;

        @Parameters(index = "1", paramLabel = "ROLE")
        String role;

        @Override
        public Integer call() {
            Cli cli = parent.cli;
            print(cli, cli.platform().security().users().setRole(cli.actor(), email, role));
            return 0;
        }
    }

    @Command(name = "set-password", description = "Set a console password, read from standard input.")
    static final class SetPassword implements Callable<Integer> {
        @ParentCommand
        UsersCommand parent;

        @Parameters(paramLabel = "EMAIL")
        String email;

        @Override
        public Integer call() {
            Cli cli = parent.cli;
            cli.platform().security().users().setPassword(cli.actor(), email, readLine());
            cli.out.println("Password set for " + email + ".");
            return 0;
        }
    }

    static String readLine() {
        try {
            String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            return line == null ? "" : line.strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
