package io.hotcrm.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hotcrm.common.HotCrmException;
import io.hotcrm.query.QueryRequest;
import io.hotcrm.query.QueryResult;
import io.hotcrm.query.ReportRequest;
import io.hotcrm.query.ReportResult;
import io.hotcrm.query.Sort;
import io.hotcrm.query.Views;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code hotcrm views list|show|save|run|delete}: saved list views and reports. A view is saved from a whole
 * definition ({@code --definition JSON}) or from options ({@code --fields}, {@code --where}, {@code --order-by},
 * and for a report {@code --group-by} and {@code --aggregate sum:amount}).
 */
@Command(name = "views", description = "Saved list views and reports: list, show OBJECT NAME, save NAME --object O …, run OBJECT NAME, delete OBJECT NAME.")
final class ViewsCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @ParentCommand
    Cli cli;

    @Parameters(paramLabel = "ACTION", arity = "0..1", defaultValue = "list", description = "list (default), show, save, run or delete.")
    String action;

    @Parameters(paramLabel = "ARGS", arity = "0..2", index = "1..*", description = "show/run/delete: OBJECT NAME; save: NAME.")
    List<String> args;

    @Option(names = "--object", description = "The view's object (list: only this object's views).")
    String object;

    @Option(names = "--definition", paramLabel = "JSON", description = "The whole view as ObjectQL JSON, with groupBy and aggregates for a report.")
    String definition;

    @Option(names = "--fields", split = ",", paramLabel = "FIELD", description = "Columns of a list view.")
    List<String> fields;

    @Option(names = "--where", paramLabel = "JSON", description = "An ObjectQL filter.")
    String where;

    @Option(names = "--order-by", paramLabel = "SORT", description = "Order, e.g. \"last_name, created_at desc\".")
    String orderBy;

    @Option(names = "--group-by", split = ",", paramLabel = "FIELD", description = "Makes the view a report grouped by these fields.")
    List<String> groupBy;

    @Option(names = "--aggregate", split = ",", paramLabel = "FN[:FIELD]", description = "Report summaries: count, sum:amount, avg:amount, min:close_date, max:…")
    List<String> aggregates;

    @Option(names = "--shared", description = "Everyone who may read the object can use the view (default: only you).")
    boolean shared;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Views views = cli.platform().exporter().views();
        List<String> a = args == null ? List.of() : args;
        switch (action) {
            case "list" -> {
                List<Views.View> all = views.list(cli.actor(), object);
                if (json) {
                    cli.out.println(Output.json(all.stream().map(Views.View::view).toList()));
                } else if (all.isEmpty()) {
                    cli.out.println("No saved views" + (object == null ? "." : " of " + object + ".")
                            + " Save one with: hotcrm views save NAME --object contact --fields first_name,last_name,email");
                } else {
                    all.forEach(v -> cli.out.printf("%-14s %-30s %-7s %-8s %s%n", v.object(), v.name(),
                            v.isReport() ? "report" : "list", v.shared() ? "shared" : "private", v.owner()));
                }
            }
            case "show" -> {
                Views.View v = views.get(cli.actor(), arg(a, 0, "OBJECT"), arg(a, 1, "NAME"));
                cli.out.println(json ? Output.json(v.view()) : JSON.writerWithDefaultPrettyPrinter().writeValueAsString(JSON.readTree(v.definition())));
            }
            case "save" -> {
                String name = arg(a, 0, "NAME");
                Views.View v = views.save(cli.actor(), name, definition(), shared);
                cli.out.println("Saved " + (v.isReport() ? "report" : "list view") + " \"" + v.name() + "\" of " + v.object()
                        + (v.shared() ? ", shared." : ", private to you."));
            }
            case "run" -> run(views, views.get(cli.actor(), arg(a, 0, "OBJECT"), arg(a, 1, "NAME")));
            case "delete" -> {
                views.delete(cli.actor(), arg(a, 0, "OBJECT"), arg(a, 1, "NAME"));
                cli.out.println("View \"" + a.get(1) + "\" of " + a.get(0) + " deleted.");
            }
            default -> throw HotCrmException.invalid("Unknown action \"" + action + "\"; use list, show, save, run or delete.");
        }
        return 0;
    }

    private void run(Views views, Views.View v) {
        ReportRequest r = v.request();
        if (r.isReport()) {
            ReportResult result = cli.platform().query().report(cli.actor(), r);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("object", result.object());
            out.put("columns", result.columns());
            out.put("rows", result.rows());
            out.put("totals", result.totals());
            cli.out.println(Output.json(out));
            return;
        }
        QueryResult page = views.page(cli.actor(), v, QueryRequest.DEFAULT_LIMIT, null);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("object", page.object());
        out.put("records", page.records());
        out.put("hasMore", page.hasMore());
        if (!page.hiddenFields().isEmpty()) {
            out.put("hiddenFields", page.hiddenFields());
        }
        cli.out.println(Output.json(out));
    }

    /** The definition given whole, or built from the options. */
    private String definition() throws Exception {
        if (definition != null) {
            return definition;
        }
        if (object == null) {
            throw HotCrmException.invalid("Say which object the view is of: --object contact (or give --definition JSON).");
        }
        ObjectNode d = JSON.createObjectNode();
        d.put("object", object);
        if (fields != null) {
            ArrayNode f = d.putArray("fields");
            fields.forEach(f::add);
        }
        if (where != null) {
            d.set("where", JSON.readTree(where));
        }
        if (orderBy != null) {
            ArrayNode o = d.putArray("orderBy");
            for (Sort s : Sort.parseList(orderBy, "--order-by")) {
                o.addObject().put("field", s.field()).put("order", s.descending() ? "desc" : "asc");
            }
        }
        if (groupBy != null) {
            ArrayNode g = d.putArray("groupBy");
            groupBy.forEach(g::add);
        }
        if (aggregates != null) {
            ArrayNode ag = d.putArray("aggregates");
            for (String spec : aggregates) {
                String[] p = spec.trim().split(":", 2);
                ObjectNode n = ag.addObject().put("fn", p[0]);
                if (p.length == 2) {
                    n.put("field", p[1]);
                }
            }
        }
        return d.toString();
    }


    private static String arg(List<String> a, int i, String what) {
        if (a.size() <= i) {
            throw HotCrmException.invalid("Give the " + what + ": hotcrm views show|run|delete OBJECT NAME, or hotcrm views save NAME --object O ….");
        }
        return a.get(i);
    }
}
