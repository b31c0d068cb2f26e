package io.hotcrm.cli;

import io.hotcrm.common.HotCrmException;
import io.hotcrm.common.Ids;
import io.hotcrm.common.Work;
import io.hotcrm.importing.ImportFile;
import io.hotcrm.importing.ImportMode;
import io.hotcrm.importing.ImportRequest;
import io.hotcrm.importing.ImportState;
import io.hotcrm.importing.ImportSummary;
import io.hotcrm.importing.Importer;
import io.hotcrm.importing.SourceOptions;
import io.hotcrm.mapping.Formats;
import io.hotcrm.mapping.Mapping;
import io.hotcrm.mapping.SavedMappings;
import io.hotcrm.mapping.Suggestion;
import io.hotcrm.security.Principal;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code hotcrm import FILE --object OBJ …}: imports a CSV or Excel file as a job run in this process (with
 * a progress bar on a terminal), prints what happened and leaves result files. Exit status 0 when every row
 * succeeded, 1 when the import finished but some rows failed, and the usual codes for errors that stop it.
 */
@Command(name = "import", description = "Import a CSV or Excel file (see docs/import.md). Also: suggest, list, show, undo, resume, mappings.",
        subcommands = {ImportCommand.Suggest.class, ImportCommand.ListImports.class, ImportCommand.Show.class,
                ImportCommand.Undo.class, ImportCommand.Resume.class, ImportCommand.Results.class, ImportCommand.Mappings.class})
final class ImportCommand implements Callable<Integer> {
    /** Exit status when the import ran to the end but some rows failed. */
    static final int SOME_ROWS_FAILED = 1;

    @ParentCommand
    Cli cli;

    @Parameters(paramLabel = "FILE", arity = "0..1", description = "The CSV, .xlsx or .xls file.")
    Path file;

    @Option(names = "--object", description = "The object to import into (contact, account, lead, …).")
    String object;

    @Option(names = "--mode", defaultValue = "upsert", description = "insert, upsert (default) or update.")
    String mode;

    @Option(names = "--match", description = "The field rows are matched on (default: external_id, id or email, whichever is mapped).")
    String match;

    @Option(names = "--mapping", paramLabel = "NAME|FILE", description = "A saved mapping's name or a mapping JSON file (default: the suggested mapping).")
    String mapping;

    @Option(names = "--save-mapping", paramLabel = "NAME", description = "Save the mapping used under this name.")
    String saveMapping;

    @Mixin
    FileOptions fileOptions;

    @Option(names = "--date-format", paramLabel = "PATTERN", description = "How dates are written, e.g. dd.MM.yyyy (default ISO yyyy-MM-dd).")
    String dateFormat;

    @Option(names = "--time-zone", paramLabel = "ZONE", description = "Zone of date-times without an offset (default UTC).")
    String timeZone;

    @Option(names = "--decimal-comma", description = "Numbers are written 1.234,56.")
    boolean decimalComma;

    @Option(names = "--blanks-clear", description = "A blank cell clears the field of a matched record (default: blanks keep it).")
    boolean blanksClear;

    @Option(names = "--dry-run", description = "Check the whole file and report what would happen; write nothing.")
    boolean dryRun;

    @Option(names = "--migration", description = "Load data from another system: the file may fill created_at and created_by"
            + " (kept as given) and read-only fields. Needs a role allowed to migrate (hotcrm roles migrate ROLE on).")
    boolean migration;

    @Option(names = "--report", paramLabel = "DIR", description = "Also copy results.csv (and errors.csv) into this directory.")
    Path report;

    @Option(names = "--json", description = "Print one JSON object (id, object, mode, dryRun, rows, created, updated, unchanged, skipped, failed, …).")
    boolean json;

    /** Options about reading the file, shared by import and suggest. */
    static final class FileOptions {
        @Option(names = "--sheet", description = "The workbook sheet, by name or number (default: the first).")
        String sheet;

        @Option(names = "--delimiter", description = "The CSV delimiter: , ; | tab (default: detected).")
        String delimiter;

        @Option(names = "--encoding", description = "The CSV encoding, e.g. UTF-8, windows-1252 (default: detected).")
        String encoding;

        SourceOptions options() {
            return new SourceOptions(SourceOptions.delimiter(delimiter), SourceOptions.encoding(encoding), sheet);
        }
    }

    @Override
    public Integer call() throws IOException {
        if (file == null) {
            throw HotCrmException.invalid("Name the file to import: hotcrm import FILE --object OBJECT (see hotcrm import --help).");
        }
        if (object == null) {
            throw HotCrmException.invalid("Name the object to import into with --object (for example --object contact).");
        }
        Principal p = cli.actor();
        Importer importer = cli.platform().importer();
        Mapping m = null;
        String mappingName = null;
        if (mapping != null) {
            Path f = Path.of(mapping);
            if (Files.isRegularFile(f)) {
                m = Mapping.parse(Files.readString(f, StandardCharsets.UTF_8), "file " + f);
            } else {
                mappingName = mapping;
            }
        }
        Formats.Overrides formats = new Formats.Overrides(dateFormat, timeZone == null ? null : Formats.zone(timeZone),
                decimalComma ? Boolean.TRUE : null);
        ImportRequest request = ImportRequest.builder(object, ImportFile.local(file)).mode(ImportMode.of(mode)).match(match)
                .mapping(m).mappingName(mappingName).saveMappingAs(saveMapping).source(fileOptions.options()).formats(formats)
                .dryRun(dryRun).blanksClear(blanksClear).migration(migration).build();
        ImportSummary s;
        try (JobProgress bar = JobProgress.forTerminal("Importing")) {
            s = importer.start(p, request, Work.Run.here(bar));
        }
        return report(cli, s, json, report);
    }

    /** Prints an import that ended (and copies its files with --report); shared by import, resume and commit. */
    static int report(Cli cli, ImportSummary s, boolean json, Path report) throws IOException {
        Principal p = cli.actor();
        Importer importer = cli.platform().importer();
        if (report != null) {
            Files.createDirectories(report);
            for (boolean errors : new boolean[] {false, true}) {
                if ((errors ? s.errorFile() : s.resultFile()) != null) {
                    try (InputStream in = importer.openResultFile(p, s.id(), errors)) {
                        Files.copy(in, report.resolve(errors ? "errors.csv" : "results.csv"), StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
        }
        if (json) {
            cli.out.println(Output.json(s.view()));
        } else {
            printSummary(cli, s);
        }
        return s.failed() > 0 ? SOME_ROWS_FAILED : 0;
    }

    static void printSummary(Cli cli, ImportSummary s) {
        cli.out.println((s.dryRun() ? "Dry-run of " : "Imported ") + s.fileName() + " into " + s.object() + " (import " + s.id()
                + (s.source() != null ? "; " + s.source() : "") + ")" + (s.dryRun() ? ": nothing written." : ".")
                + (s.state() == ImportState.SUCCEEDED ? "" : " " + capitalised(s.stateText()) + "."));
        cli.out.println("  " + s.message());
        if (!s.ignoredColumns().isEmpty()) {
            cli.out.println("  Ignored columns (no field mapped): " + String.join(", ", s.ignoredColumns()));
        }
        int shown = 0;
        for (ImportSummary.Change c : s.changes()) {
            if (shown++ == 20) {
                break;
            }
            cli.out.println("  row " + c.row() + ": " + c.field() + ": " + show(c.before()) + " → " + show(c.after()));
        }
        for (ImportSummary.ProblemGroup g : s.problemGroups()) {
            String rows = g.count() == 1 ? "Row " + g.rows().get(0) : g.count() + " rows (" + String.join(", ", g.rows().stream()
                    .map(String::valueOf).toList()) + (g.count() > g.rows().size() ? ", …" : "") + ")";
            (g.notice() ? cli.out : cli.err).println("  " + (g.notice() ? "Corrected: " : "") + rows
                    + (g.column() == null ? "" : ", column \"" + g.column() + "\"") + ": " + g.message()
                    + (g.count() > 1 ? " (the first; the others alike)" : ""));
        }
        Importer importer = cli.platform().importer();
        if (s.resultFile() != null) {
            cli.out.println("  Results: " + importer.location(s.resultFile()));
        }
        if (s.errorFile() != null) {
            cli.out.println("  Failed rows, to fix and import again: " + importer.location(s.errorFile()));
        }
    }

    private static String capitalised(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    private static String show(String v) {
        return v == null ? "(blank)" : v;
    }

    @Command(name = "suggest", description = "Show how each column of a file would be mapped, with confidence and sample values.")
    static final class Suggest implements Callable<Integer> {
        @ParentCommand
        ImportCommand parent;

        @Parameters(paramLabel = "FILE")
        Path file;

        @Option(names = "--object", required = true)
        String object;

        @Mixin
        FileOptions fileOptions;

        @Option(names = "--json", description = "Print the suggested mapping as JSON (a starting point for --mapping FILE).")
        boolean json;

        @Override
        public Integer call() {
            Cli cli = parent.cli;
            Importer.Preview pv = cli.platform().importer().preview(cli.actor(), ImportFile.local(file), fileOptions.options(), object);
            if (json) {
                cli.out.println(pv.suggested().toJson());
                return 0;
            }
            cli.out.println(pv.source() + (pv.sheets().size() > 1 ? "; sheets: " + String.join(", ", pv.sheets()) : ""));
            for (Suggestion s : pv.suggestions()) {
                String target = s.mapped() ? s.field() + (s.by() == null ? "" : " by " + s.by().id()) : "(not mapped)";
                cli.out.printf("  %-28s → %-28s %4s  %s%s%n", s.header(), target,
                        s.mapped() ? Math.round(s.confidence() * 100) + "%" : "", s.reason(),
                        s.samples().isEmpty() ? "" : "  e.g. " + String.join(" | ", s.samples().stream().limit(3).toList()));
            }
            return 0;
        }
    }

    @Command(name = "list", description = "Imports, newest first (yours; everyone's for admins).")
    static final class ListImports implements Callable<Integer> {
        @ParentCommand
        ImportCommand parent;

        @Option(names = "--limit", defaultValue = "20")
        int limit;

        @Option(names = "--json")
        boolean json;

        @Override
        public Integer call() throws IOException {
            Cli cli = parent.cli;
            var list = cli.platform().importer().list(cli.actor(), limit);
            if (json) {
                cli.out.println(Output.json(list.stream().map(ImportSummary::view).toList()));
                return 0;
            }
            if (list.isEmpty()) {
                cli.err.println("No imports yet.");
            }
            for (ImportSummary s : list) {
                cli.out.printf("%s  %-10s %-30s %-8s %s  created %d, updated %d, unchanged %d, skipped %d, failed %d  %s%n",
                        s.id(), s.object(), s.stateText(), s.dryRun() ? "dry-run" : s.mode().id(), s.createdAt().withNano(0),
                        s.created(), s.updated(), s.unchanged(), s.skipped(), s.failed(), s.fileName());
            }
            return 0;
        }
    }

    @Command(name = "show", description = "One import as JSON: counts, state, files.")
    static final class Show implements Callable<Integer> {
        @ParentCommand
        ImportCommand parent;

        @Parameters(paramLabel = "IMPORT_ID")
        String id;

        @Override
        public Integer call() {
            Cli cli = parent.cli;
            cli.out.println(Output.json(cli.platform().importer().get(cli.actor(), Ids.parse(id, "Import id")).view()));
            return 0;
        }
    }

    @Command(name = "undo", description = "Take an import back: delete what it created, restore what it updated (records changed since are kept and listed).")
    static final class Undo implements Callable<Integer> {
        @ParentCommand
        ImportCommand parent;

        @Parameters(paramLabel = "IMPORT_ID")
        String id;

        @Option(names = "--json")
        boolean json;

        @Override
        public Integer call() {
            Cli cli = parent.cli;
            ImportSummary s;
            try (JobProgress bar = JobProgress.forTerminal("Undoing")) {
                s = cli.platform().importer().undo(cli.actor(), Ids.parse(id, "Import id"), Work.Run.here(bar));
            }
            if (json) {
                cli.out.println(Output.json(s.view()));
                return s.state() == ImportState.UNDONE ? 0 : 1;
            }
            if (s.undo() == null) {
                cli.err.println("Import " + id + " was not undone: " + s.stateText() + ".");
                return 1;
            }
            ImportSummary.UndoResult r = s.undo();
            cli.out.println("Import " + id + " undone: " + r.deleted() + " created records deleted, " + r.restored()
                    + " updated records restored.");
            if (!r.leftAlone().isEmpty()) {
                cli.out.println("Changed since the import, so left as they are:");
                r.leftAlone().forEach(x -> cli.out.println("  " + x));
            }
            return 0;
        }
    }

    @Command(name = "resume", description = "Continue an import that stopped midway (it goes on after its last committed chunk).")
    static final class Resume implements Callable<Integer> {
        @ParentCommand
        ImportCommand parent;

        @Parameters(paramLabel = "IMPORT_ID")
        String id;

        @Option(names = "--json")
        boolean json;

        @Override
        public Integer call() throws IOException {
            Cli cli = parent.cli;
            ImportSummary s;
            try (JobProgress bar = JobProgress.forTerminal("Importing")) {
                s = cli.platform().importer().resume(cli.actor(), Ids.parse(id, "Import id"), Work.Run.here(bar));
            }
            return report(cli, s, json, null);
        }
    }

    @Command(name = "results", description = "Write an import's result file (every row with its outcome), or with --errors its"
            + " error file, to a file or standard output; wherever the file store keeps it.")
    static final class Results implements Callable<Integer> {
        @ParentCommand
        ImportCommand parent;

        @Parameters(paramLabel = "IMPORT_ID")
        String id;

        @Option(names = "--errors", description = "The error file: only the rows that failed, ready to fix and import again.")
        boolean errors;

        @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write here (default: standard output).")
        Path output;

        @Override
        public Integer call() throws IOException {
            Cli cli = parent.cli;
            try (InputStream in = cli.platform().importer().openResultFile(cli.actor(), Ids.parse(id, "Import id"), errors)) {
                if (output == null) {
                    in.transferTo(cli.out);
                    cli.out.flush();
                } else {
                    Files.copy(in, output, StandardCopyOption.REPLACE_EXISTING);
                    cli.err.println("Wrote " + output);
                }
            }
            return 0;
        }
    }

    @Command(name = "mappings", description = "Saved mappings: list [--object O], show OBJECT NAME, delete OBJECT NAME.")
    static final class Mappings implements Callable<Integer> {
        @ParentCommand
        ImportCommand parent;

        @Parameters(paramLabel = "ACTION", arity = "0..1", defaultValue = "list")
        String action;

        @Parameters(paramLabel = "OBJECT", arity = "0..1", index = "1")
        String object;

        @Parameters(paramLabel = "NAME", arity = "0..1", index = "2")
        String name;

        @Option(names = "--object")
        String objectOption;

        @Override
        public Integer call() {
            Cli cli = parent.cli;
            SavedMappings saved = cli.platform().importer().mappings();
            switch (action) {
                case "list" -> saved.list(objectOption != null ? objectOption : object).forEach(i -> cli.out.printf("%-14s %-30s %s  %s%n",
                        i.object(), i.name(), i.updatedAt().withNano(0), i.createdBy()));
                case "show" -> cli.out.println(saved.get(required(object, "OBJECT"), required(name, "NAME")).toJson());
                case "delete" -> {
                    io.hotcrm.security.AccessGuard.requireSetup(cli.actor(), "delete saved mappings");
                    saved.delete(required(object, "OBJECT"), required(name, "NAME"));
                    cli.out.println("Mapping " + name + " of " + object + " deleted.");
                }
                default -> throw HotCrmException.invalid("Unknown action '" + action + "'; use list, show or delete.");
            }
            return 0;
        }

        private static String required(String v, String what) {
            if (v == null) {
                throw HotCrmException.invalid("Give the " + what + ": hotcrm import mappings show OBJECT NAME.");
            }
            return v;
        }
    }
}
