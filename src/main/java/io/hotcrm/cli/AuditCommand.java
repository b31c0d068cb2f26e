package io.hotcrm.cli;

import io.hotcrm.security.AccessGuard;
import io.hotcrm.security.AuditLog;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "audit", description = "Show the newest audit log entries.")
final class AuditCommand implements Callable<Integer> {
    @ParentCommand
    Cli cli;

    @Option(names = "--limit", defaultValue = "50")
    int limit;

    @Override
    public Integer call() {
        AccessGuard.requireSetup(cli.actor(), "read the audit log");
        for (AuditLog.Entry e : cli.platform().security().audit().recent(limit)) {
            cli.out.printf("%s  %-24s %-18s %s %s %s%n", e.at().withNano(0), e.actor(), e.action(),
                    e.objectName() == null ? "" : e.objectName(), e.recordId() == null ? "" : e.recordId(),
                    e.details() == null ? "" : e.details());
        }
        return 0;
    }
}
