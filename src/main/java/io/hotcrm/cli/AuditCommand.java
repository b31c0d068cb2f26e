package io.hotcrm.cli;

import io.hotcrm.security.AuditLog;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "audit", description = "Show the newest audit log entries, optionally narrowed: hotcrm audit --user ada@example.com"
        + " --object contact --action record. --since 2026-11-01.")
final class AuditCommand implements Callable<Integer> {
    @ParentCommand
    Cli cli;

    @Option(names = "--limit", defaultValue = "50")
    int limit;

    @Option(names = "--user", description = "Only what this user did (part of the email is enough).")
    String user;

    @Option(names = "--object", description = "Only entries about this object's records.")
    String object;

    @Option(names = "--action", description = "Only this action (record.update) or family of actions, ending in a dot (record.).")
    String action;

    @Option(names = "--since", paramLabel = "DATE", description = "From this day (YYYY-MM-DD, UTC).")
    String since;

    @Option(names = "--until", paramLabel = "DATE", description = "Up to and including this day (YYYY-MM-DD, UTC).")
    String until;

    @Override
    public Integer call() {
        String o = object == null ? null : cli.platform().schema().object(object).name();
        AuditLog.Search search = AuditLog.Search.days(user, o, action, AuditLog.day(since, "--since"), AuditLog.day(until, "--until"),
                null, limit);
        for (AuditLog.Entry e : cli.platform().security().audit().search(cli.actor(), search)) {
            cli.out.printf("%s  %-24s %-18s %s %s %s%n", e.at().withNano(0), e.actor(), e.action(),
                    e.objectName() == null ? "" : e.objectName(), e.recordId() == null ? "" : e.recordId(),
                    e.details() == null ? "" : e.details());
        }
        return 0;
    }
}
