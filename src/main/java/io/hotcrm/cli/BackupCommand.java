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

@Command(name = "backup", description = "Backups of the whole instance: create, verify, restore, list, drill, prune (see docs/operations.md).",
        subcommands = {BackupCommand.Create.class, BackupCommand.Verify.class, BackupCommand.Restore.class, BackupCommand.ListBackups.class,
                BackupCommand.DrillCommand.class, BackupCommand.Prune.class})
final class BackupCommand {
    @ParentCommand
    Cli cli;

    @Command(name = "create", description = "Back up every table (one consistent snapshot) and the file store into one archive with"
            + " a manifest of checksums: hotcrm backup create [--output DIR].")
    static final class Create implements Callable<Integer> {
        @ParentCommand
        BackupCommand parent;

        @Option(names = "--output", paramLabel = "DIR", description = "Directory the archive is written to (default: HOTCRM_BACKUP_DIR,"
                + " or DATA/backups).")
        Path output;

        @Option(names = "--json", description = "Print the result as JSON.")
        boolean json;

        @Override
        public Integer call() {
            Cli cli = parent.cli;
            Backups.Created c = output == null ? cli.platform().backups().create(cli.actor())
                    : cli.platform().backups().create(cli.actor(), output);
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

        @Parameters(paramLabel = "ARCHIVE")
        Path archive;

        @Option(names = "--json", description = "Print the result as JSON.")
        boolean json;

        @Override
        public Integer call() {
            Cli cli = parent.cli;
            Backups.Verification v = cli.platform().backups().verify(cli.actor(), archive);
            if (json) {
                cli.out.println(Output.json(v));
            } else if (v.valid()) {
                cli.out.printf("Sound: %s holds %d tables (%,d rows) and %d files from a %s database (schema %s) made %s; every"
                        + " checksum and count matches its manifest.%n", archive.getFileName(), v.tables(), v.rows(), v.files(),
                        v.database(), v.schemaVersion(), v.createdAt());
            } else {
                cli.out.println("NOT sound: " + archive.getFileName() + " — " + v.problem() + ".");
            }
            return v.valid() ? 0 : 1;
        }
    }

    @Command(name = "restore", description = "Restore an archive into this instance's database (empty, or --replace): checked"
            + " against its manifest before it takes the place of the current data, which is kept aside.")
    static final class Restore implements Callable<Integer> {
        @ParentCommand
        BackupCommand parent;

        @Parameters(paramLabel = "ARCHIVE")
        Path archive;

        @Option(names = "--replace", description = "Replace the data of a database that holds records (kept aside, not dropped).")
        boolean replace;

        @Option(names = "--json", description = "Print the result as JSON.")
        boolean json;

        @Override
        public Integer call() {
            Cli cli = parent.cli;
            Backups.Restored r;
            try {
                r = cli.opened().backups().restore(cli.actorAsIs(), archive, replace);
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
                                + " against the manifest, in %.1f s.%n", archive.getFileName(), r.tables(), r.rows(), r.files(),
                        r.fromDatabase(), r.fromSchema(), r.seconds());
                cli.out.printf("Erasure ledger replayed: %d records erased again.%n", Math.max(0, replayed));
                if (r.keptAs() != null) {
                    cli.out.println("The data it replaced is kept as " + r.keptAs() + " (see docs/operations.md to drop it).");
                }
            }
            return 0;
        }
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

    @Command(name = "prune", description = "Delete the backups the retention does not keep: the newest of each of the last N days,"
            + " weeks and months, and always the newest verified one.")
    static final class Prune implements Callable<Integer> {
        @ParentCommand
        BackupCommand parent;

        @Option(names = "--keep-daily", defaultValue = "7", paramLabel = "N")
        int daily;

        @Option(names = "--keep-weekly", defaultValue = "4", paramLabel = "N")
        int weekly;

        @Option(names = "--keep-monthly", defaultValue = "12", paramLabel = "N")
        int monthly;

        @Option(names = "--json", description = "Print the result as JSON.")
        boolean json;

        @Override
        public Integer call() {
            Cli cli = parent.cli;
            Backups.Pruned r = cli.platform().backups().prune(cli.actor(), new Backups.Retention(daily, weekly, monthly));
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
}
