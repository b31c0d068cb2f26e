package io.hotcrm.cli;

import io.hotcrm.metadata.CatalogueJson;
import io.hotcrm.metadata.FieldDef;
import io.hotcrm.metadata.FieldType;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "fields", description = "Manage custom fields.", subcommands = FieldsCommand.Add.class)
final class FieldsCommand {
    @ParentCommand
    Cli cli;

    @Command(name = "add", description = "Add a custom field: hotcrm fields add account legacy_tier picklist --values \"Gold;Silver\".")
    static final class Add implements Callable<Integer> {
        @ParentCommand
        FieldsCommand parent;

        @Parameters(index = "0", paramLabel = "OBJECT")
        String object;

        @Parameters(index = "1", paramLabel = "NAME")
        String name;

        @Parameters(index = "2", paramLabel = "TYPE", description = "text, textarea, email, phone, url, number, currency,"
                + " percent, date, datetime, boolean, picklist, multi-picklist, lookup")
        String type;

        @Option(names = "--label")
        String label;

        @Option(names = "--values", description = "Picklist values separated by ;")
        String values;

        @Option(names = "--target", description = "Target object of a lookup.")
        String target;

        @Option(names = "--required")
        boolean required;

        @Option(names = "--unique")
        boolean unique;

        @Option(names = "--max-length")
        int maxLength;

        @Option(names = "--scale", description = "Decimal places of a number.")
        int scale;

        @Option(names = "--personal-data", paramLabel = "KIND", description = "What personal data the field holds, for"
                + " privacy requests: name, contact_info, address, free_text, person_link, …, or none (default: email and"
                + " phone fields contact_info, textarea free_text, others none).")
        String personalData;

        @Override
        public Integer call() {
            List<String> list = values == null ? List.of() : Arrays.asList(values.split(";"));
            FieldDef f = FieldDef.custom(name, FieldType.fromWire(type), label, list, target, required, unique, maxLength, scale,
                    personalData);
            Cli cli = parent.cli;
            FieldDef added = cli.platform().schema().addCustomField(cli.actor(), object, f);
            cli.out.println(Output.json(CatalogueJson.writeField(added)));
            return 0;
        }
    }
}
