package io.hotcrm.cli;

import io.hotcrm.common.HotCrmException;
import io.hotcrm.security.FieldAccess;
import io.hotcrm.security.ObjectPermission;
import io.hotcrm.security.Role;
import io.hotcrm.security.Visibility;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "roles", description = "Manage roles, object permissions and field-level security.",
        subcommands = {RolesCommand.ListRoles.class, RolesCommand.Show.class, RolesCommand.Create.class,
                RolesCommand.Grant.class, RolesCommand.Field.class, RolesCommand.DestinationKinds.class,
                RolesCommand.Migrate.class, RolesCommand.Privacy.class})
final class RolesCommand {
    @ParentCommand
    Cli cli;

    static void show(Cli cli, Role r) {
        cli.out.println(r.name() + " (" + r.label() + ")" + (r.manageSetup() ? ", manages setup" : "")
                + (r.builtin() ? ", built-in" : ""));
        r.objects().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            ObjectPermission p = e.getValue();
            cli.out.printf("  %-24s %s%s%s%s%s visibility=%s%n", e.getKey(), p.read() ? "read " : "", p.create() ? "create " : "",
                    p.edit() ? "edit " : "", p.delete() ? "delete " : "", p.export() ? "export " : "", p.visibility().name().toLowerCase(Locale.ROOT));
        });
        r.fields().forEach((object, fields) -> fields.forEach((field, a) -> cli.out.printf("  %s.%s: %s%n", object, field,
                a.edit() ? "edit" : a.read() ? "read" : "none")));
        cli.out.println("  migrate data (keep created dates and creators, fill read-only fields): " + (r.mayMigrate() ? "yes" : "no"));
        cli.out.println("  handle privacy requests (data subjects' records, erasure): " + (r.mayHandlePrivacy() ? "yes" : "no"));
        cli.out.println("  export destinations: " + (r.manageSetup() ? "every kind"
                : r.destinationKinds().isEmpty() ? "none" : String.join(", ", new java.util.TreeSet<>(r.destinationKinds()))));
    }

    @Command(name = "list", description = "List roles.")
    static final class ListRoles implements Callable<Integer> {
        @ParentCommand
        RolesCommand parent;

        @Override
        public Integer call() {
            parent.cli.platform().security().roles().list().forEach(r -> show(parent.cli, r));
            return 0;
        }
    }

    @Command(name = "show", description = "Show one role.")
    static final class Show implements Callable<Integer> {
        @ParentCommand
        RolesCommand parent;

        @Parameters(paramLabel = "ROLE")
        String role;

        @Override
        public Integer call() {
            show(parent.cli, parent.cli.platform().security().roles().get(role));
            return 0;
        }
    }

    @Command(name = "create", description = "Create a role with no rights; then grant them.")
    static final class Create implements Callable<Integer> {
        @ParentCommand
        RolesCommand parent;

        @Parameters(paramLabel = "ROLE")
        String role;

        @Option(names = "--label")
        String label;

        @Override
        public Integer call() {
            Cli cli = parent.cli;
            show(cli, cli.platform().security().roles().create(cli.actor(), role, label));
            return 0;
        }
    }

    @Command(name = "grant", description = "Set a role's rights on an object (* = every object): "
            + "hotcrm roles grant sales account read,create,edit --visibility own.")
    static final class Grant implements Callable<Integer> {
        @ParentCommand
        RolesCommand parent;

        @Parameters(index = "0", paramLabel = "ROLE")
        String role;

        @Parameters(index = "1", paramLabel = "OBJECT")
        String object;

        @Parameters(index = "2", paramLabel = "ACTIONS", description = "read,create,edit,delete,export | all | none")
        String actions;

        @Option(names = "--visibility", defaultValue = "all", description = "all or own")
        String visibility;

        @Override
        public Integer call() {
            Cli cli = parent.cli;
            if (!object.equals(Role.ALL_OBJECTS)) {
                cli.platform().schema().object(object);
            }
            Visibility v = switch (visibility.toLowerCase(Locale.ROOT)) {
                case "all" -> Visibility.ALL;
                case "own" -> Visibility.OWN;
                default -> throw HotCrmException.invalid("--visibility must be \"all\" or \"own\", found \"" + visibility + "\".");
            };
            show(cli, cli.platform().security().roles().grant(cli.actor(), role, object, ObjectPermission.parse(actions, v)));
            return 0;
        }
    }

    @Command(name = "field", description = "Field-level security: hotcrm roles field sales contact email --access read.")
    static final class Field implements Callable<Integer> {
        @ParentCommand
        RolesCommand parent;

        @Parameters(index = "0", paramLabel = "ROLE")
        String role;

        @Parameters(index = "1", paramLabel = "OBJECT")
        String object;

        @Parameters(index = "2", paramLabel = "FIELD")
        String field;

        @Option(names = "--access", required = true, description = "edit, read or none")
        String access;

        @Override
        public Integer call() {
            Cli cli = parent.cli;
            cli.platform().schema().object(object).requireField(field);
            FieldAccess a = switch (access.toLowerCase(Locale.ROOT)) {
                case "edit" -> new FieldAccess(true, true);
                case "read" -> new FieldAccess(true, false);
                case "none" -> new FieldAccess(false, false);
                default -> throw HotCrmException.invalid("--access must be edit, read or none, found \"" + access + "\".");
            };
            show(cli, cli.platform().security().roles().setFieldAccess(cli.actor(), role, object, field, a));
            return 0;
        }
    }

    @Command(name = "destinations", description = "The export destination kinds a role may configure (create, change and"
            + " test scheduled exports with): hotcrm roles destinations sales s3,sftp; none takes them all away."
            + " Roles that manage setup may use every kind.")
    static final class DestinationKinds implements Callable<Integer> {
        @ParentCommand
        RolesCommand parent;

        @Parameters(index = "0", paramLabel = "ROLE")
        String role;

        @Parameters(index = "1", paramLabel = "KINDS", description = "comma-separated: local, s3, gcs, azure, sftp; or none")
        String kinds;

        @Override
        public Integer call() {
            Cli cli = parent.cli;
            java.util.List<String> list = new java.util.ArrayList<>();
            if (!kinds.trim().equalsIgnoreCase("none")) {
                for (String k : kinds.split(",")) {
                    if (!k.isBlank()) {
                        list.add(cli.platform().schedules().destinations().kind(k).type());
                    }
                }
            }
            show(cli, cli.platform().security().roles().setDestinationKinds(cli.actor(), role, list));
            return 0;
        }
    }

    /** "on" or "off" as a yes or no; anything else is refused with the command to type. */
    static boolean onOff(String allowed, String command, String role) {
        return switch (allowed.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "on", "yes", "true" -> true;
            case "off", "no", "false" -> false;
            default -> throw io.hotcrm.common.HotCrmException.invalid("Say on or off: hotcrm roles " + command + " " + role + " on.");
        };
    }

    @Command(name = "migrate", description = "Allow (on) or forbid (off) a role to load data as a migration: keep the source's"
            + " created dates and creators, and fill read-only fields.")
    static final class Migrate implements Callable<Integer> {
        @ParentCommand
        RolesCommand parent;

        @Parameters(index = "0", paramLabel = "ROLE")
        String role;

        @Parameters(index = "1", paramLabel = "on|off")
        String allowed;

        @Override
        public Integer call() {
            Cli cli = parent.cli;
            show(cli, cli.platform().security().roles().setMigrateData(cli.actor(), role, onOff(allowed, "migrate", role)));
            return 0;
        }
    }

    @Command(name = "privacy", description = "Allow (on) or forbid (off) a role to see and handle data-subject requests"
            + " (find everything about a person, hand it over, erase it).")
    static final class Privacy implements Callable<Integer> {
        @ParentCommand
        RolesCommand parent;

        @Parameters(index = "0", paramLabel = "ROLE")
        String role;

        @Parameters(index = "1", paramLabel = "on|off")
        String allowed;

        @Override
        public Integer call() {
            Cli cli = parent.cli;
            show(cli, cli.platform().security().roles().setHandlePrivacy(cli.actor(), role, onOff(allowed, "privacy", role)));
            return 0;
        }
    }
}
