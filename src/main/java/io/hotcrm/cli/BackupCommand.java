package io.hotcrm.cli;

import io.hotcrm.backup.Backups;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "backup", description = "Backups of the whole instance: create, verify, restore, list, drill, prune, destination, schedule (see"
        + " docs/operations.md).",
        subcommands = {BackupCommand.Create.class, BackupCommand.Verify.class, BackupCommand.Restore.class, BackupCommand.ListBackups.class,
                BackupCommand.DrillCommand.class, BackupCommand.Prune.class,
                BackupCommand.DestinationCommand.class, BackupCommand.ScheduleCommand.class})
final class BackupCommand {
    @ParentCommand
    Cli cli;

    @Command(name = "create", description = "Back up every table (one consistent snapshot) and the file store into one archive with"
            + " a manifest of checksums: hotcrm backup create [--output DIR | --destination NAME].")
    static final class Create implements Callable<Integer> {
        @ParentCommand
        BackupCommand parent;

        @Option(names = "--output", paramLabel = "DIR", description = "Directory the archive is written to (default: HOTCRM_BACKUP_DIR,"
                + " or DATA/backups).")
        Path output;

        @Option(names = "--destination", paramLabel = "NAME", description = "A backup destination saved with: hotcrm backup destination"
                + " save NAME --type s3|gcs|azure|sftp|local --set …")
        String destination;

        @Option(names = "--json", description = "Print the result as JSON.")
        boolean json;

        @Override
        public Integer call() {
            Cli cli = parent.cli;
            if (output != null && destination != null) {
                throw io.hotcrm.common.HotCrmException.invalid("Give --output DIR or --destination NAME, not both.");
            }
            Backups b = cli.platform().backups();
            Backups.Created c = destination != null ? b.create(cli.actor(), destination) : output == null ? b.create(cli.actor())
                    : b.create(cli.actor(), output);
            if (json) {
                cli.out.println(Output.json(c));
            } else {
                cli.out.printf("Wrote %s: %,d bytes, %d tables (%,d rows), %d files, in %.1f s.%nSHA-256 %s%nCheck it any time with:"
                        + " hotcrm backup verify %s%n", c.archive(), c.bytes(), c.tables(), c.rows(), c.files(), c.seconds(), c.sha256(),
                        c.archive());
            }
            return 0;
        }
    }

    @Command(name = "verify", description = "Check an archive without restoring it: every entry's checksum and every table's row"
            + " count (exit 0: sound; exit 1: not, naming the entry).")
    static final class Verify implements Callable<Integer> {
        @ParentCommand
        BackupCommand parent;

        @Parameters(paramLabel = "ARCHIVE", description = "An archive file, or the id of a backup in hotcrm backup list (read from"
                + " its destination).")
        String archive;

        @Option(names = "--json", description = "Print the result as JSON.")
        boolean json;

        @Override
        public Integer call() {
            Cli cli = parent.cli;
            java.util.UUID id = idOf(archive);
            Backups.Verification v = id != null ? cli.platform().backups().verify(cli.actor(), id)
                    : cli.platform().backups().verify(cli.actor(), Path.of(archive));
            if (json) {
                cli.out.println(Output.json(v));
            } else if (v.valid()) {
                cli.out.printf("Sound: %s holds %d tables (%,d rows) and %d files from a %s database (schema %s) made %s; every"
                        + " checksum and count matches its manifest.%n", shortName(archive), v.tables(), v.rows(), v.files(),
                        v.database(), v.schemaVersion(), v.createdAt());
            } else {
                cli.out.println("NOT sound: " + shortName(archive) + " — " + v.problem() + ".");
            }
            return v.valid() ? 0 : 1;
        }
    }

    @Command(name = "restore", description = "Restore an archive into this instance's database (empty, or --replace): checked"
            + " against its manifest before it takes the place of the current data, which is kept aside.")
    static final class Restore implements Callable<Integer> {
        @ParentCommand
        BackupCommand parent;

        @Parameters(paramLabel = "ARCHIVE", description = "An archive file, or the id of a backup in hotcrm backup list.")
        String archive;

        @Option(names = "--replace", description = "Replace the data of a database that holds records (kept aside, not dropped).")
        boolean replace;

        @Option(names = "--json", description = "Print the result as JSON.")
        boolean json;

        @Override
        public Integer call() {
            Cli cli = parent.cli;
            Backups.Restored r;
            try {
                java.util.UUID id = idOf(archive);
                r = id != null ? cli.opened().backups().restore(cli.actorAsIs(), id, replace)
                        : cli.opened().backups().restore(cli.actorAsIs(), Path.of(archive), replace);
            } finally {
                cli.reopen();
            }
            // opening the restored database replays the erasure ledger before anything else
            int replayed = cli.opened().ledgerReplayed();
            if (json) {
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("restored", r);
                out.put("ledgerRecordsErasedAgain", Math.max(0, replayed));
                cli.out.println(Output.json(out));
            } else {
                cli.out.printf("Restored %s: %d tables (%,d rows) and %d files from a %s database (schema %s), each table checked"
                                + " against the manifest, in %.1f s.%n", shortName(archive), r.tables(), r.rows(), r.files(),
                        r.fromDatabase(), r.fromSchema(), r.seconds());
                cli.out.printf("Erasure ledger replayed: %d records erased again.%n", Math.max(0, replayed));
                if (r.keptAs() != null) {
                    cli.out.println("The data it replaced is kept as " + r.keptAs() + " (see docs/operations.md to drop it).");
                }
            }
            return 0;
        }
    }

    /** The backup id an ARCHIVE argument names, or null when it names a file. */
    static java.util.UUID idOf(String archive) {
        if (archive != null && archive.matches("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
                && !java.nio.file.Files.exists(Path.of(archive))) {
            return java.util.UUID.fromString(archive);
        }
        return null;
    }

    static String shortName(String archive) {
        return idOf(archive) != null ? "backup " + archive : String.valueOf(Path.of(archive).getFileName());
    }

    @Command(name = "drill", description = "A restore drill: the newest backup (or ARCHIVE) restored into a scratch database,"
            + " checked against its manifest and queried; the result is kept (exit 0: it restores; 1: it does not).")
    static final class DrillCommand implements Callable<Integer> {
        @ParentCommand
        BackupCommand parent;

        @Parameters(paramLabel = "ARCHIVE", arity = "0..1")
        Path archive;

        @Option(names = "--json", description = "Print the result as JSON.")
        boolean json;

        @Override
        public Integer call() {
            Cli cli = parent.cli;
            Backups.Drill d = cli.platform().backups().drill(cli.actor(), archive);
            if (json) {
                cli.out.println(Output.json(d));
            } else if (d.succeeded()) {
                cli.out.printf("Drill passed: %s restored into a scratch database in %.1f s — %d tables (%,d rows) checked against its"
                        + " manifest, every table queried, a write made.%n", d.location(), d.seconds(), d.tables(), d.rows());
            } else {
                cli.out.println("Drill FAILED: " + d.location() + " — " + d.problem());
            }
            return d.succeeded() ? 0 : 1;
        }
    }

    /** How many backups to keep: the newest of each of the last N days, weeks and months. */
    static final class Keep {
        @Option(names = "--keep-daily", defaultValue = "7", paramLabel = "N", description = "Days (default 7).")
        int daily;

        @Option(names = "--keep-weekly", defaultValue = "4", paramLabel = "N", description = "Weeks (default 4).")
        int weekly;

        @Option(names = "--keep-monthly", defaultValue = "12", paramLabel = "N", description = "Months (default 12).")
        int monthly;

        Backups.Retention retention() {
            return new Backups.Retention(daily, weekly, monthly);
        }
    }

    @Command(name = "prune", description = "Delete the backups the retention does not keep: the newest of each of the last N days,"
            + " weeks and months, and always the newest verified one.")
    static final class Prune implements Callable<Integer> {
        @ParentCommand
        BackupCommand parent;

        @picocli.CommandLine.Mixin
        Keep keep;

        @Option(names = "--json", description = "Print the result as JSON.")
        boolean json;

        @Override
        public Integer call() {
            Cli cli = parent.cli;
            Backups.Pruned r = cli.platform().backups().prune(cli.actor(), keep.retention());
            if (json) {
                cli.out.println(Output.json(r));
            } else {
                cli.out.printf("Kept %d backups, deleted %d.%n", r.kept().size(), r.deleted().size());
                r.deleted().forEach(b -> cli.out.println("  deleted " + b.location()));
            }
            return 0;
        }
    }

    @Command(name = "list", description = "The backups this instance made, newest first.")
    static final class ListBackups implements Callable<Integer> {
        @ParentCommand
        BackupCommand parent;

        @Option(names = "--json", description = "Print the list as JSON.")
        boolean json;

        @Override
        public Integer call() {
            Cli cli = parent.cli;
            var list = cli.platform().backups().list(cli.actor());
            if (json) {
                cli.out.println(Output.json(Map.of("backups", list)));
                return 0;
            }
            if (list.isEmpty()) {
                cli.out.println("No backups yet: hotcrm backup create --output DIR");
            }
            Backups.DrillStatus drill = cli.platform().backups().drillStatus(cli.actor());
            if (drill.overdue()) {
                cli.out.println("Warning: " + (drill.lastSuccess() == null ? "no restore drill has passed yet"
                        : "the last restore drill that passed was " + drill.lastSuccess()) + " — run: hotcrm backup drill");
            }
            for (Backups.Listed b : list) {
                cli.out.printf("%s  %s  %,d bytes  %d tables, %,d rows, %d files  %s%n", b.createdAt(), b.location(), b.size(), b.tables(),
                        b.rows(), b.files(), b.verifiedAt() == null ? "not verified" : b.verifyProblem() == null ? "verified " + b.verifiedAt()
                                : "NOT sound: " + b.verifyProblem());
            }
            return 0;
        }
    }

    @Command(name = "destination", description = "Named places backups go to: save NAME --type s3|gcs|azure|sftp|local --set KEY=VALUE"
            + " [--secret-env KEY=ENV]; list; delete NAME.")
    static final class DestinationCommand implements Callable<Integer> {
        @ParentCommand
        BackupCommand parent;

        @Parameters(index = "0", paramLabel = "ACTION", description = "save, list or delete")
        String action;

        @Parameters(index = "1", arity = "0..1", paramLabel = "NAME")
        String name;

        @Option(names = "--type", paramLabel = "TYPE", description = "local, s3, gcs, azure or sftp.")
        String type;

        @picocli.CommandLine.Mixin
        DestinationSettings settings;

        @Option(names = "--no-test", description = "Save without writing a probe file there first.")
        boolean noTest;

        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Override
        public Integer call() {
            Cli cli = parent.cli;
            Backups b = cli.platform().backups();
            switch (action) {
                case "save" -> {
                    if (type == null) {
                        throw io.hotcrm.common.HotCrmException.invalid("save needs --type (local, s3, gcs, azure or sftp) and its --set"
                                + " settings.");
                    }
                    Backups.Place p = b.saveDestination(cli.actor(), required(name), type,
                            settings.resolve(cli), !noTest);
                    cli.out.println(json ? Output.json(p) : "Saved the backup destination \"" + p.name() + "\": " + p.location()
                            + ". Back up there with: hotcrm backup create --destination " + p.name());
                }
                case "list" -> {
                    var all = b.destinations(cli.actor());
                    if (json) {
                        cli.out.println(Output.json(Map.of("destinations", all)));
                    } else if (all.isEmpty()) {
                        cli.out.println("No backup destinations. Add one with: hotcrm backup destination save NAME --type s3 --set"
                                + " bucket=… --set region=… --secret-env secret_key=ENV");
                    } else {
                        all.forEach(p -> cli.out.printf("%-24s %-6s %s%n", p.name(), p.type(), p.location()));
                    }
                }
                case "delete" -> {
                    b.deleteDestination(cli.actor(), required(name));
                    cli.out.println("Deleted the backup destination \"" + name + "\" (backups already there stay).");
                }
                default -> throw io.hotcrm.common.HotCrmException.invalid("Unknown action \"" + action + "\": use save, list or delete.");
            }
            return 0;
        }
    }

    static String required(String name) {
        if (name == null || name.isBlank()) {
            throw io.hotcrm.common.HotCrmException.invalid("Give a NAME.");
        }
        return name;
    }

    @Command(name = "schedule", description = "Backups on a cron, each verified and followed by pruning: save NAME --cron CRON"
            + " [--time-zone ZONE] [--destination NAME] [--keep-daily 7 --keep-weekly 4 --keep-monthly 12]; list; pause NAME;"
            + " resume NAME; run NAME; delete NAME.")
    static final class ScheduleCommand implements Callable<Integer> {
        @ParentCommand
        BackupCommand parent;

        @Parameters(index = "0", paramLabel = "ACTION", description = "save, list, pause, resume, run or delete")
        String action;

        @Parameters(index = "1", arity = "0..1", paramLabel = "NAME")
        String name;

        @Option(names = "--cron", paramLabel = "CRON", description = "When it runs, e.g. \"0 2 * * *\" (02:00 daily).")
        String cron;

        @Option(names = "--time-zone", paramLabel = "ZONE", defaultValue = "UTC", description = "The cron's time zone (default UTC).")
        String timeZone;

        @Option(names = "--destination", paramLabel = "NAME", description = "A backup destination (default: the backup directory,"
                + " HOTCRM_BACKUP_DIR or DATA/backups).")
        String destination;

        @picocli.CommandLine.Mixin
        Keep keep;

        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Override
        public Integer call() {
            Cli cli = parent.cli;
            Backups b = cli.platform().backups();
            switch (action) {
                case "save" -> {
                    Backups.Schedule s = b.saveSchedule(cli.actor(), required(name), cron, timeZone, destination,
                            keep.retention());
                    cli.out.println(json ? Output.json(s) : "Saved the backup schedule \"" + s.name() + "\": next run " + s.nextRun()
                            + ", to " + (s.destination() == null ? "the backup directory" : "the destination " + s.destination())
                            + ", keeping " + s.keep().daily() + " daily, " + s.keep().weekly() + " weekly, " + s.keep().monthly()
                            + " monthly.");
                }
                case "list" -> {
                    var all = b.schedules(cli.actor());
                    if (json) {
                        cli.out.println(Output.json(Map.of("schedules", all)));
                    } else if (all.isEmpty()) {
                        cli.out.println("No backup schedules. Add one with: hotcrm backup schedule save nightly --cron \"0 2 * * *\"");
                    } else {
                        all.forEach(s -> cli.out.printf("%-20s %-14s %-16s %-12s keep %d/%d/%d  %s%s%n", s.name(), s.cron(), s.timeZone(),
                                s.destination() == null ? "(directory)" : s.destination(), s.keep().daily(), s.keep().weekly(),
                                s.keep().monthly(), s.paused() ? "paused" : "next " + s.nextRun(), s.lastProblem() == null ? ""
                                        : "  last run FAILED: " + s.lastProblem()));
                    }
                }
                case "pause", "resume" -> {
                    Backups.Schedule s = b.setPaused(cli.actor(), required(name), action.equals("pause"));
                    cli.out.println("The backup schedule \"" + s.name() + "\" is " + (s.paused() ? "paused." : "running; next run "
                            + s.nextRun() + "."));
                }
                case "run" -> {
                    var job = cli.platform().jobs().get(b.runNow(cli.actor(), required(name), null));
                    cli.out.println("Run finished (" + job.state().id() + "): " + (job.message() == null ? "" : job.message()));
                    return job.state() == io.hotcrm.jobs.JobState.SUCCEEDED ? 0 : 1;
                }
                case "delete" -> {
                    b.deleteSchedule(cli.actor(), required(name));
                    cli.out.println("Deleted the backup schedule \"" + name + "\" (its backups stay).");
                }
                default -> throw io.hotcrm.common.HotCrmException.invalid("Unknown action \"" + action + "\": use save, list, pause, resume,"
                        + " run or delete.");
            }
            return 0;
        }
    }
}
