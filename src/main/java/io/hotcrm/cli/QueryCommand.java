package io.hotcrm.cli;

import io.hotcrm.query.ObjectQl;
import io.hotcrm.query.QueryRequest;
import io.hotcrm.query.QueryResult;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "query", description = "Run an ObjectQL query: hotcrm query '{\"object\":\"contact\",\"fields\":[\"email\"]}'.")
final class QueryCommand implements Callable<Integer> {
    @ParentCommand
    Cli cli;

    @Parameters(paramLabel = "JSON")
    String json;

    @Option(names = "--all", description = "Follow nextCursor and print every page's records as JSON Lines.")
    boolean all;

    @Override
    public Integer call() {
        QueryRequest q = ObjectQl.parse(json);
        if (all) {
            cli.platform().query().stream(cli.actor(), q, r -> cli.out.println(Output.json(r).replaceAll("\\s*\\n\\s*", " ")));
            return 0;
        }
        QueryResult r = cli.platform().query().run(cli.actor(), q);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("object", r.object());
        out.put("records", r.records());
        out.put("nextCursor", r.nextCursor());
        out.put("hasMore", r.hasMore());
        if (!r.hiddenFields().isEmpty()) {
            out.put("hiddenFields", r.hiddenFields());
        }
        cli.out.println(Output.json(out));
        return 0;
    }
}
