package io.hotcrm.cli;

import io.hotcrm.jobs.Job;
import io.hotcrm.security.Principal;
import io.hotcrm.store.RecycleBin;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "recycle-bin", description = "Records deleted but still restorable; purge deletes them for good.",
        subcommands = {RecycleBinCommand.Count.class, RecycleBinCommand.Purge.class})
final class RecycleBinCommand {
    @ParentCommand
    Cli cli;

    @Command(name = "count", description = "How many records are in the recycle bin, per object.")
    static final class Count implements Callable<Integer> {
        @ParentCommand
        RecycleBinCommand parent;

        @Option(names = "--object", split = ",", description = "Only these objects.")
        List<String> objects = new ArrayList<>();

        @Option(names = "--older-than-days", defaultValue = "0", description = "Only records deleted at least this many days ago.")
        int days;

        @Override
        public Integer call() {
            Cli cli = parent.cli;
            RecycleBin bin = cli.platform().recycleBin();
            Map<String, Long> counts = bin.count(cli.actor(), bin.objects(cli.actor(), objects),
                    OffsetDateTime.now(ZoneOffset.UTC).minusDays(days));
            if (counts.isEmpty()) {
                cli.err.println("The recycle bin is empty" + (days > 0 ? " for records deleted " + days + "+ days ago." : "."));
            }
            counts.forEach((o, n) -> cli.out.printf("%-24s %d%n", o, n));
            return 0;
        }
    }

    @Command(name = "purge", description = "Permanently delete records deleted more than N days ago (runs as a job; lookups to them are cleared).")
    static final class Purge implements Callable<Integer> {
        @ParentCommand
        RecycleBinCommand parent;

        @Option(names = "--object", split = ",", description = "Only these objects (default: all but users).")
        List<String> objects = new ArrayList<>();

        @Option(names = "--older-than-days", defaultValue = "30", description = "Default 30; 0 purges everything in the bin.")
        int days;

        @Option(names = "--json", description = "Print the finished job as JSON.")
        boolean json;

        @Override
        public Integer call() {
            Cli cli = parent.cli;
            Principal who = cli.actor();
            RecycleBin.PurgeRequest request = new RecycleBin.PurgeRequest(days, objects);
            cli.platform().recycleBin().objects(who, objects);
            Job job;
            try (JobProgress bar = JobProgress.forTerminal("Purging")) {
                job = cli.platform().jobs().runHere(RecycleBin.PURGE_JOB, request.toJson(), who.email(), bar);
            }
            if (json) {
                cli.out.println(Output.json(job.view()));
            } else {
                cli.out.println(job.message() + " (job " + job.id() + ").");
            }
            return 0;
        }
    }
}
