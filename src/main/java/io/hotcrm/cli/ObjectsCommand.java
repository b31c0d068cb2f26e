package io.hotcrm.cli;

import io.hotcrm.metadata.CatalogueJson;
import io.hotcrm.metadata.ObjectDef;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "objects", description = "List objects, or describe one: hotcrm objects describe contact.",
        subcommands = ObjectsCommand.Describe.class)
final class ObjectsCommand implements Callable<Integer> {
    @ParentCommand
    Cli cli;

    @Override
    public Integer call() {
        for (ObjectDef o : cli.platform().schema().catalogue().objects()) {
            cli.out.printf("%-24s %-24s %3d fields%n", o.name(), o.label(), o.fields().size());
        }
        return 0;
    }

    @Command(name = "describe", description = "Print an object's fields as JSON (catalogue format).")
    static final class Describe implements Callable<Integer> {
        @ParentCommand
        ObjectsCommand parent;

        @Parameters(paramLabel = "OBJECT")
        String object;

        @Override
        public Integer call() {
            ObjectDef o = parent.cli.platform().schema().object(object);
            parent.cli.out.println(Output.json(CatalogueJson.writeObject(o)));
            return 0;
        }
    }
}
