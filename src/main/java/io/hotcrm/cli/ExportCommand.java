package io.hotcrm.cli;

import io.hotcrm.common.HotCrmException;
import io.hotcrm.exporting.ExportFormat;
import io.hotcrm.exporting.ExportOptions;
import io.hotcrm.exporting.ExportRequest;
import io.hotcrm.exporting.ExportSummary;
import io.hotcrm.query.Filter;
import io.hotcrm.query.ObjectQl;
import io.hotcrm.query.QueryRequest;
import io.hotcrm.query.Sort;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code hotcrm export --object contact [--view NAME | --where JSON | --query JSON] [--fields …] --format F
 * --output FILE}: streams the records the acting user may see to a file. The file appears only when it is
 * complete (it is written under a temporary name beside it and renamed), so a failed export leaves nothing.
 */
@Command(name = "export", description = "Export records, a list view or a report to CSV, Excel, JSON Lines or Parquet (see docs/export.md).",
        subcommands = ExportScheduleCommand.class)
final class ExportCommand implements Callable<Integer> {
    @ParentCommand
    Cli cli;

    @Option(names = "--object", description = "The object to export (contact, account, …).")
    String object;

    @Option(names = "--view", paramLabel = "NAME", description = "A saved list view or report of the object.")
    String view;

    @Option(names = "--where", paramLabel = "JSON", description = "An ObjectQL filter, e.g. '{\"lead_source\": \"web\"}' (added to the view's).")
    String where;

    @Option(names = "--query", paramLabel = "JSON", description = "A whole ObjectQL query (object, fields, where, orderBy).")
    String query;

    @Option(names = "--fields", split = ",", paramLabel = "FIELD", description = "Fields to export, comma-separated (lookup paths like account.name allowed).")
    List<String> fields;

    @Option(names = "--order-by", paramLabel = "SORT", description = "Order, e.g. \"last_name, created_at desc\".")
    String orderBy;

    @Option(names = "--format", description = "csv, xlsx, jsonl or parquet (default: from the output file's extension, else csv).")
    String format;

    @Option(names = {"--output", "-o"}, paramLabel = "FILE", description = "The file to write; - writes to standard output.")
    String output;

    @Option(names = "--bom", description = "Start a CSV with a byte-order mark, so Excel reads UTF-8 correctly.")
    boolean bom;

    @Option(names = "--no-neutralise", description = "Write text starting with = + - @ as it is (default: prefix an apostrophe so spreadsheets do not run it).")
    boolean noNeutralise;

    @Option(names = "--gzip", description = "Compress the file with gzip.")
    boolean gzip;

    @Option(names = "--json", description = "Print the summary as one JSON object.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        if (output == null) {
            throw HotCrmException.invalid("Say where to write: --output FILE (or - for standard output).");
        }
        ExportOptions options = new ExportOptions(format(), bom, !noNeutralise, gzip);
        ExportRequest request = request(options);
        ExportSummary s;
        if (output.equals("-")) {
            OutputStream stdout = new BufferedOutputStream(cli.out, 1 << 16);
            s = cli.platform().exporter().export(cli.actor(), request, stdout);
            stdout.flush();
            if (!json) {
                report(s, null, cli.err);
            }
            return 0;
        }
        Path target = Path.of(output).toAbsolutePath();
        Path dir = target.getParent();
        if (dir != null && !Files.isDirectory(dir)) {
            throw HotCrmException.invalid("The folder " + dir + " does not exist. Create it, or choose another --output.");
        }
        Path part = Files.createTempFile(dir, "." + target.getFileName(), ".part");
        try {
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(part), 1 << 16)) {
                s = cli.platform().exporter().export(cli.actor(), request, out);
            }
            Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(part);
        }
        if (json) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("object", s.object());
            out.put("view", s.view());
            out.put("format", s.format());
            out.put("file", target.toString());
            out.put("rows", s.rows());
            out.put("bytes", s.bytes());
            out.put("columns", s.columns());
            out.put("omittedFields", s.omittedFields());
            out.put("seconds", Math.round(s.seconds() * 1000) / 1000.0);
            cli.out.println(Output.json(out));
        } else {
            report(s, target, cli.out);
        }
        return 0;
    }

    private ExportFormat format() {
        if (format != null) {
            return ExportFormat.parse(format);
        }
        String name = output.toLowerCase(Locale.ROOT).replaceAll("\\.gz$", "");
        for (ExportFormat f : ExportFormat.values()) {
            if (name.endsWith("." + f.extension())) {
                return f;
            }
        }
        return ExportFormat.CSV;
    }

    private ExportRequest request(ExportOptions options) {
        if (query != null) {
            if (object != null || view != null || where != null) {
                throw HotCrmException.invalid("--query is a whole query: leave out --object, --view and --where.");
            }
            QueryRequest q = ObjectQl.parse(query);
            if (fields != null) {
                q = q.withFields(fields);
            }
            return ExportRequest.of(q, options);
        }
        if (object == null) {
            throw HotCrmException.invalid("Say what to export: --object contact (optionally with --view, --where, --fields), or --query JSON.");
        }
        Filter filter = where == null ? null : ObjectQl.parseWhere(where);
        return new ExportRequest(object, view, filter, fields, Sort.parseList(orderBy, "--order-by"), options);
    }

    private static void report(ExportSummary s, Path file, java.io.PrintStream to) {
        to.printf(Locale.ROOT, "Exported %,d %s record%s%s (%s, %s) in %.1f s.%n", s.rows(), s.object(), s.rows() == 1 ? "" : "s",
                file == null ? "" : " to " + file, s.format(), bytes(s.bytes()), s.seconds());
        if (!s.omittedFields().isEmpty()) {
            to.println("Left out because you may not read them: " + String.join(", ", s.omittedFields()) + ".");
        }
    }

    static String bytes(long n) {
        if (n < 10_000) {
            return n + " bytes";
        }
        return n < 10_000_000 ? String.format(Locale.ROOT, "%.1f KB", n / 1000.0) : String.format(Locale.ROOT, "%.1f MB", n / 1e6);
    }
}
