package io.hotcrm.cli;

import io.hotcrm.common.HotCrmException;
import io.hotcrm.common.Ids;
import io.hotcrm.jobs.Job;
import io.hotcrm.jobs.JobState;
import io.hotcrm.security.AccessGuard;
import io.hotcrm.security.Principal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "jobs", description = "Background jobs: imports, exports, purges. Users see their own; admins everyone's.",
        subcommands = {JobsCommand.ListJobs.class, JobsCommand.Show.class, JobsCommand.Cancel.class, JobsCommand.Retry.class})
final class JobsCommand {
    @ParentCommand
    Cli cli;

    Job visible(String id) {
        Principal p = cli.actor();
        UUID uuid = Ids.parse(id, "Job id");
        Job j = cli.platform().jobs().get(uuid);
        if (!AccessGuard.canSeeWorkOf(p, j.createdBy())) {
            throw HotCrmException.notFound("There is no job with id " + id + " that you can see.");
        }
        return j;
    }

    static String line(Job j) {
        String progress = j.total() != null ? j.done() + "/" + j.total() : String.valueOf(j.done());
        Integer pct = j.percent();
        Duration eta = j.eta();
        return String.format("%s  %-18s %-11s %-14s %s%s%s  %s", j.id(), j.type(), j.state().id(), progress,
                pct == null ? "" : pct + "% ", j.rate() == null ? "" : String.format("%.0f/s ", j.rate()),
                eta == null ? "" : "ETA " + eta.toSeconds() + "s", j.createdBy());
    }

    @Command(name = "list", description = "List jobs, newest first.")
    static final class ListJobs implements Callable<Integer> {
        @ParentCommand
        JobsCommand parent;

        @Option(names = "--state", split = ",", description = "Only these states: queued, running, retrying, interrupted, succeeded, failed, cancelled.")
        List<String> states = new ArrayList<>();

        @Option(names = "--type", description = "Only this job type.")
        String type;

        @Option(names = "--limit", defaultValue = "50")
        int limit;

        @Option(names = "--json", description = "One JSON array.")
        boolean json;

        @Override
        public Integer call() {
            Cli cli = parent.cli;
            Principal p = cli.actor();
            List<JobState> wanted = new ArrayList<>();
            for (String s : states) {
                try {
                    wanted.add(JobState.of(s.trim()));
                } catch (IllegalArgumentException e) {
                    throw HotCrmException.invalid("Unknown job state '" + s + "'. Use one of: queued, running, retrying,"
                            + " interrupted, succeeded, failed, cancelled.");
                }
            }
            cli.platform().jobs().sweepInterrupted();
            List<Job> jobs = cli.platform().jobs().list(p.role().manageSetup() ? null : p.email(), wanted, type, null, limit);
            if (json) {
                cli.out.println(Output.json(jobs.stream().map(Job::view).toList()));
            } else if (jobs.isEmpty()) {
                cli.err.println("No jobs.");
            } else {
                jobs.forEach(j -> cli.out.println(line(j)));
            }
            return 0;
        }
    }

    @Command(name = "show", description = "Show a job with its progress, result and state history.")
    static final class Show implements Callable<Integer> {
        @ParentCommand
        JobsCommand parent;

        @Parameters(paramLabel = "JOB_ID")
        String id;

        @Override
        public Integer call() {
            parent.cli.platform().jobs().sweepInterrupted();
            parent.cli.out.println(Output.json(parent.visible(id).view()));
            return 0;
        }
    }

    @Command(name = "cancel", description = "Cancel a queued or running job.")
    static final class Cancel implements Callable<Integer> {
        @ParentCommand
        JobsCommand parent;

        @Parameters(paramLabel = "JOB_ID")
        String id;

        @Override
        public Integer call() {
            Cli cli = parent.cli;
            Job j = parent.visible(id);
            Job after = cli.platform().jobs().cancel(j.id(), cli.actor().email());
            cli.out.println(after.state() == JobState.CANCELLED ? "Job " + id + " cancelled."
                    : "Cancellation of job " + id + " requested; it stops at its next progress report.");
            return 0;
        }
    }

    @Command(name = "retry", description = "Run a job that failed or was interrupted again (an import continues after its last"
            + " committed chunk). The job server of a running HotCRM picks it up.")
    static final class Retry implements Callable<Integer> {
        @ParentCommand
        JobsCommand parent;

        @Parameters(paramLabel = "JOB_ID")
        String id;

        @Override
        public Integer call() {
            Cli cli = parent.cli;
            Job j = parent.visible(id);
            Job retry = cli.platform().jobs().retry(j.id(), cli.actor().email());
            cli.out.println("Job " + id + " is retried as job " + retry.id() + " (" + retry.state().id() + ").");
            return 0;
        }
    }
}
