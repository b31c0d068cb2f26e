package io.hotcrm.cli;

import io.hotcrm.common.HotCrmException;
import io.hotcrm.exporting.ExportFormat;
import io.hotcrm.exporting.ExportSchedules;
import io.hotcrm.jobs.Job;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code hotcrm export schedule save|list|show|run|pause|resume|delete|runs|test}: scheduled exports. Secret
 * destination settings can be read from environment variables ({@code --secret-env password=SFTP_PASSWORD}) so
 * they stay out of the shell history.
 */
@Command(name = "schedule", description = "Scheduled exports: save NAME …, list, show NAME, run NAME, pause NAME, resume NAME,"
        + " delete NAME, runs NAME, test --destination TYPE --set k=v ….")
final class ExportScheduleCommand implements Callable<Integer> {
    @ParentCommand
    ExportCommand parent;

    @Parameters(index = "0", paramLabel = "ACTION", defaultValue = "list", description = "save, list, show, run, pause, resume, delete, runs or test.")
    String action;

    @Parameters(index = "1", arity = "0..1", paramLabel = "NAME")
    String name;

    @Option(names = "--object", description = "The object to export.")
    String object;

    @Option(names = "--fields", split = ",", paramLabel = "FIELD", description = "Fields to export (default: every field the owner may read).")
    List<String> fields;

    @Option(names = "--where", paramLabel = "JSON", description = "An ObjectQL filter.")
    String where;

    @Option(names = "--format", defaultValue = "csv", description = "csv, parquet or jsonl (default csv).")
    String format;

    @Option(names = "--gzip", description = "Compress each file with gzip.")
    boolean gzip;

    @Option(names = "--destination", paramLabel = "TYPE", description = "local, s3, gcs, azure or sftp.")
    String destination;

    @picocli.CommandLine.Mixin
    DestinationSettings settings;

    @Option(names = "--file-template", paramLabel = "TEMPLATE", description = "File name, default " + ExportSchedules.DEFAULT_TEMPLATE
            + "; variables {object} {schedule} {date} {time} {datetime} {run} {mode} {ext}.")
    String fileTemplate;

    @Option(names = "--cron", paramLabel = "CRON", description = "When it runs, e.g. \"0 2 * * *\" (02:00 daily).")
    String cron;

    @Option(names = "--time-zone", paramLabel = "ZONE", defaultValue = "UTC", description = "The cron schedule's time zone (default UTC).")
    String timeZone;

    @Option(names = "--mode", defaultValue = "full", description = "full (every record each run) or incremental (changes since the last run).")
    String mode;

    @Option(names = "--no-test", description = "Save without the connection test.")
    boolean noTest;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public Integer call() {
        Cli cli = parent.cli;
        ExportSchedules schedules = cli.platform().schedules();
        switch (action) {
            case "list" -> {
                List<ExportSchedules.Schedule> all = schedules.list(cli.actor());
                if (json) {
                    cli.out.println(Output.json(all.stream().map(ExportSchedules.Schedule::view).toList()));
                } else if (all.isEmpty()) {
                    cli.out.println("No export schedules. Create one with: hotcrm export schedule save NAME --object account"
                            + " --destination local --set path=/srv/exports --cron \"0 2 * * *\"");
                } else {
                    all.forEach(s -> cli.out.printf(Locale.ROOT, "%-28s %-12s %-11s %-8s %-7s %-16s %s%n", s.name(), s.object(), s.mode().wireName(),
                            s.format().wireName(), s.destinationType(), s.cron(), s.paused() ? "paused" : "next " + s.nextRun()));
                }
            }
            case "show" -> cli.out.println(Output.json(schedules.get(cli.actor(), required()).view()));
            case "save" -> {
                if (object == null || destination == null || cron == null) {
                    throw HotCrmException.invalid("save needs --object, --destination (with --set …) and --cron.");
                }
                Map<String, String> all = settings.resolve(parent.cli);
                ExportSchedules.Schedule s = schedules.save(cli.actor(), new ExportSchedules.Spec(required(), object, fields, where,
                        ExportFormat.parse(format), gzip, destination, all, fileTemplate, cron, timeZone, ExportSchedules.Mode.parse(mode)), !noTest);
                cli.out.println("Saved the export schedule \"" + s.name() + "\": " + s.object() + " as " + s.format().wireName()
                        + (s.gzip() ? ".gz" : "") + ", " + s.mode().wireName() + ", next run " + s.nextRun() + ".");
            }
            case "run" -> {
                Job job = cli.platform().jobs().get(schedules.runHere(cli.actor(), required(), null));
                cli.out.println("Run finished (" + job.state().id() + "): " + (job.message() == null ? "" : job.message()));
                return job.state() == io.hotcrm.jobs.JobState.SUCCEEDED ? 0 : 1;
            }
            case "pause", "resume" -> {
                ExportSchedules.Schedule s = schedules.setPaused(cli.actor(), required(), action.equals("pause"));
                cli.out.println("The export schedule \"" + s.name() + "\" is " + (s.paused() ? "paused." : "running again; next run " + s.nextRun() + "."));
            }
            case "delete" -> {
                schedules.delete(cli.actor(), required());
                cli.out.println("The export schedule \"" + name + "\" is deleted (files already exported stay where they are).");
            }
            case "runs" -> {
                List<ExportSchedules.Run> runs = schedules.runs(cli.actor(), required(), 50);
                if (json) {
                    cli.out.println(Output.json(runs));
                } else {
                    runs.forEach(r -> cli.out.printf(Locale.ROOT, "%s  %-9s %-8s %8s rows %10s bytes %6s s  %s%n", r.startedAt().withNano(0),
                            r.state(), r.trigger(), r.rows() == null ? "-" : r.rows(), r.bytes() == null ? "-" : r.bytes(),
                            r.seconds() == null ? "-" : String.format(Locale.ROOT, "%.1f", r.seconds()),
                            r.error() != null ? r.error() : r.file() == null ? "(no changes, no file)" : r.file()));
                }
            }
            case "test" -> {
                if (destination == null) {
                    throw HotCrmException.invalid("test needs --destination TYPE and its --set settings.");
                }
                Map<String, String> all = settings.resolve(parent.cli);
                cli.out.println("Connection works: files will go to " + schedules.testDestination(cli.actor(), destination, all));
            }
            default -> throw HotCrmException.invalid("Unknown action \"" + action + "\"; use save, list, show, run, pause, resume, delete, runs or test.");
        }
        return 0;
    }

    private String required() {
        if (name == null || name.isBlank()) {
            throw HotCrmException.invalid("Give the schedule's NAME: hotcrm export schedule " + action + " NAME.");
        }
        return name;
    }
}
