package io.hotcrm.cli;

import io.hotcrm.common.HotCrmException;
import io.hotcrm.common.Work;
import io.hotcrm.migration.MigrationInfo;
import io.hotcrm.migration.MigrationPlan;
import io.hotcrm.migration.MigrationState;
import io.hotcrm.migration.Migrations;
import io.hotcrm.migration.ReconcileReport;
import io.hotcrm.migration.RunSummary;
import io.hotcrm.migration.Slice;
import io.hotcrm.migration.SourceOrg;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code hotcrm migrate …}: moves an org from another CRM (Salesforce) into HotCRM — connect, plan, dry-run, run,
 * reconcile, delta, undo (see docs/migration.md). Exit status 0 when all went well, 1 when some records failed or
 * the reconcile found a gap or a difference, 2 when the command could not do its work.
 */
@Command(name = "migrate", description = "Migrate from Salesforce or HubSpot: connect, plan, dry-run, run (--delta), reconcile, list, show, undo, resume (see docs/migration.md).",
        subcommands = {MigrateCommand.Connect.class, MigrateCommand.Plan.class, MigrateCommand.DryRun.class, MigrateCommand.Run.class,
                MigrateCommand.Reconcile.class, MigrateCommand.ListMigrations.class, MigrateCommand.Show.class,
                MigrateCommand.Undo.class, MigrateCommand.Resume.class})
final class MigrateCommand {
    static final int SOME_FAILED = 1;
    static final int FATAL = 2;

    @ParentCommand
    Cli cli;

    /** Runs a migrate command; a failure is printed and ends with exit status 2, as docs/migration.md says. */
    int guarded(Callable<Integer> body) throws Exception {
        try {
            return body.call();
        } catch (HotCrmException e) {
            cli.err.println("hotcrm: " + e.getMessage());
            return FATAL;
        }
    }

    Migrations migrations() {
        return cli.platform().migrations();
    }

    @Command(name = "connect", description = "Connect a source and check it: hotcrm migrate connect salesforce NAME --login-url URL --client-id ID"
            + " (--jwt-key FILE --username U | --refresh-token-env VAR) [--client-secret-env VAR]; hotcrm migrate connect"
            + " salesforce-export NAME --file ZIP [--file ZIP]; hotcrm migrate connect hubspot NAME [--base-url URL]"
            + " (--token-env VAR | --client-id ID --client-secret-env VAR --refresh-token-env VAR).")
    static final class Connect implements Callable<Integer> {
        @ParentCommand
        MigrateCommand parent;

        @Parameters(index = "0", paramLabel = "KIND", description = "salesforce (an org, over its API), salesforce-export"
                + " (the ZIP files of its weekly Data Export) or hubspot (a portal, over its API)")
        String kind;

        @Parameters(index = "1", paramLabel = "NAME", description = "A name for this migration (e.g. acme-prod).")
        String name;

        @Option(names = "--base-url", paramLabel = "URL", description = "hubspot: the API's address (default https://api.hubapi.com;"
                + " EU portals https://api-eu1.hubapi.com).")
        String baseUrl;

        @Option(names = "--token-env", paramLabel = "VAR", description = "hubspot: the environment variable holding a private app's"
                + " access token.")
        String tokenEnv;

        @Option(names = "--login-url", description = "https://login.salesforce.com (production), https://test.salesforce.com (sandbox), or the org's My Domain.")
        String loginUrl;

        @Option(names = "--client-id", description = "The connected app's consumer key.")
        String clientId;

        @Option(names = "--jwt-key", paramLabel = "FILE", description = "The connected app's private key (PEM), for the JWT bearer flow.")
        Path jwtKey;

        @Option(names = "--username", description = "The Salesforce user the JWT bearer flow logs in as.")
        String username;

        @Option(names = "--refresh-token-env", paramLabel = "VAR", description = "The environment variable holding a refresh token.")
        String refreshTokenEnv;

        @Option(names = "--client-secret-env", paramLabel = "VAR", description = "The environment variable holding the consumer secret.")
        String clientSecretEnv;

        @Option(names = "--api-reserve", paramLabel = "CALLS", description = "API calls left to the org's other users (default 1000).")
        Long apiReserve;

        @Option(names = "--bulk-threshold", paramLabel = "RECORDS", description = "Objects larger than this are read with Bulk API 2.0 (default 2000).")
        Long bulkThreshold;

        @Option(names = "--no-check", description = "Save without logging in (to finish the sign-in from the console).")
        boolean noCheck;

        @Option(names = "--file", paramLabel = "ZIP", description = "salesforce-export: a ZIP file of the Data Export (once per file).")
        List<Path> files = new ArrayList<>();

        @Option(names = "--encoding", paramLabel = "E", description = "salesforce-export: the CSVs' encoding, UTF-8 or ISO-8859-1"
                + " (found out when left out).")
        String encoding;

        @Override
        public Integer call() throws Exception {
            if ("salesforce-export".equalsIgnoreCase(kind)) {
                return export();
            }
            if ("hubspot".equalsIgnoreCase(kind)) {
                return hubspot();
            }
            return parent.guarded(() -> {
                if (loginUrl == null || clientId == null) {
                    throw HotCrmException.invalid("A Salesforce connection needs --login-url URL and --client-id ID (for a Data"
                            + " Export's ZIP files: hotcrm migrate connect salesforce-export NAME --file WE_…_1.ZIP).");
                }
                Map<String, String> s = new LinkedHashMap<>();
                s.put("loginUrl", loginUrl);
                s.put("clientId", clientId);
                if (jwtKey != null) {
                    if (!Files.isRegularFile(jwtKey)) {
                        throw HotCrmException.invalid("There is no key file " + jwtKey + ".");
                    }
                    s.put("flow", "jwt");
                    s.put("privateKey", Files.readString(jwtKey, StandardCharsets.US_ASCII));
                    s.put("username", username);
                } else {
                    s.put("flow", "refresh-token");
                    if (refreshTokenEnv != null) {
                        s.put("refreshToken", env(refreshTokenEnv));
                    } else if (!noCheck) {
                        throw HotCrmException.invalid("Give a grant: --jwt-key FILE --username USER, or --refresh-token-env VAR"
                                + " (or --no-check, then sign in from the console: Setup → Data → Migrate from Salesforce).");
                    }
                }
                if (clientSecretEnv != null) {
                    s.put("clientSecret", env(clientSecretEnv));
                }
                if (apiReserve != null) {
                    s.put("apiReserve", apiReserve.toString());
                }
                if (bulkThreshold != null) {
                    s.put("bulkThreshold", bulkThreshold.toString());
                }
                var org = parent.migrations().connect(parent.cli.actor(), name, kind, s, !noCheck);
                parent.cli.out.println("Saved the connection " + name + " (" + kind + ", " + loginUrl + ").");
                org.ifPresent(o -> printOrg(parent.cli, o));
                parent.cli.out.println("Next: hotcrm migrate plan " + name + " --output plan.json");
                return 0;
            });
        }

        /** A Data Export: each ZIP file uploaded as the user's, then the connection made of them. */
        private Integer export() throws Exception {
            return parent.guarded(() -> {
                if (files.isEmpty()) {
                    throw HotCrmException.invalid("Give the export's ZIP files: --file WE_…_1.ZIP --file WE_…_2.ZIP (every part the"
                            + " Data Export page offers).");
                }
                List<String> uploads = new ArrayList<>();
                for (Path f : files) {
                    if (!Files.isRegularFile(f)) {
                        throw HotCrmException.invalid("There is no file " + f + ".");
                    }
                    try (java.io.InputStream in = Files.newInputStream(f)) {
                        uploads.add(parent.cli.platform().importer().upload(parent.cli.actor(), f.getFileName().toString(), in,
                                Long.MAX_VALUE).id().toString());
                    }
                }
                Map<String, String> s = new LinkedHashMap<>();
                s.put("files", String.join(",", uploads));
                if (encoding != null) {
                    s.put("encoding", encoding);
                }
                var org = parent.migrations().connect(parent.cli.actor(), name, "salesforce-export", s, true);
                parent.cli.out.println("Saved the connection " + name + " (salesforce-export, " + files.size() + " ZIP file"
                        + (files.size() == 1 ? "" : "s") + ").");
                org.ifPresent(o -> printOrg(parent.cli, o));
                parent.cli.out.println("Next: hotcrm migrate plan " + name + " --output plan.json");
                return 0;
            });
        }

        /** A HubSpot portal: a private app's token, or an OAuth app with its refresh token (or signed in from the console). */
        private Integer hubspot() throws Exception {
            return parent.guarded(() -> {
                Map<String, String> s = new LinkedHashMap<>();
                if (baseUrl != null) {
                    s.put("baseUrl", baseUrl);
                }
                if (tokenEnv != null) {
                    s.put("token", env(tokenEnv));
                } else {
                    if (clientId == null || clientSecretEnv == null) {
                        throw HotCrmException.invalid("A HubSpot connection needs a private app's token (--token-env VAR) or an"
                                + " OAuth app: --client-id ID --client-secret-env VAR --refresh-token-env VAR.");
                    }
                    s.put("clientId", clientId);
                    s.put("clientSecret", env(clientSecretEnv));
                    if (refreshTokenEnv != null) {
                        s.put("refreshToken", env(refreshTokenEnv));
                    } else if (!noCheck) {
                        throw HotCrmException.invalid("Give the OAuth app's refresh token (--refresh-token-env VAR), or save with"
                                + " --no-check and sign in from the console: Setup → Data → Migrate from HubSpot.");
                    }
                }
                var org = parent.migrations().connect(parent.cli.actor(), name, "hubspot", s, !noCheck);
                parent.cli.out.println("Saved the connection " + name + " (hubspot, " + (baseUrl == null ? "https://api.hubapi.com"
                        : baseUrl) + ").");
                org.ifPresent(o -> printOrg(parent.cli, o));
                parent.cli.out.println("Next: hotcrm migrate plan " + name + " --output plan.json");
                return 0;
            });
        }

        private String env(String var) {
            String v = parent.cli.env.apply(var);
            if (v == null || v.isBlank()) {
                throw HotCrmException.invalid("The environment variable " + var + " is not set.");
            }
            return v;
        }
    }

    static void printOrg(Cli cli, SourceOrg o) {
        cli.out.println("Org:       " + o.name() + " (" + o.id() + ")" + (o.sandbox() ? ", a sandbox" : ", production"));
        // a source read from files (a Data Export) has no instance, time zone or API allowance to show
        if (!o.instanceUrl().isEmpty()) {
            cli.out.println("Instance:  " + o.instanceUrl());
        }
        if (!o.timeZone().isEmpty()) {
            cli.out.println("Time zone: " + o.timeZone());
        }
        if (o.currency() != null) {
            cli.out.println("Currency:  " + o.currency());
        }
        if (o.apiMax() > 0) {
            cli.out.println("API calls: " + o.apiUsed() + " of " + o.apiMax() + " used in the last 24 hours");
        }
        o.details().forEach((label, text) -> cli.out.println(String.format("%-10s %s", label + ":", text)));
    }

    @Command(name = "plan", description = "Make the migration's plan from what the source holds now, save it, and print it (or write it to --output).")
    static final class Plan implements Callable<Integer> {
        @ParentCommand
        MigrateCommand parent;

        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--objects", split = ",", paramLabel = "A,B", description = "Only these source objects (users always come along).")
        Set<String> objects = new LinkedHashSet<>();

        @Option(names = "--since", paramLabel = "DATE", description = "Only records created (or --slice-on modified) on or after this date.")
        String since;

        @Option(names = "--until", paramLabel = "DATE", description = "Only records created (or modified) before this date.")
        String until;

        @Option(names = "--slice-on", defaultValue = "created", description = "created (default) or modified.")
        String sliceOn;

        @Option(names = "--output", paramLabel = "FILE", description = "Write the plan as JSON to this file.")
        Path output;

        @Option(names = "--show", paramLabel = "FILE", description = "Print the saved plan instead of making a new one.")
        boolean show;

        @Override
        public Integer call() throws Exception {
            return parent.guarded(() -> {
                Slice slice = since == null && until == null ? Slice.ALL
                        : new Slice(sliceOn, Slice.time(since, "--since"), Slice.time(until, "--until"), null);
                MigrationPlan plan = show ? parent.migrations().currentPlan(parent.cli.actor(), name)
                        : parent.migrations().plan(parent.cli.actor(), name, objects, slice);
                if (output != null) {
                    Files.writeString(output, plan.toJson(), StandardCharsets.UTF_8);
                    parent.cli.out.println("Wrote the plan to " + output + "; edit it and use it with --plan " + output + ".");
                }
                printPlan(parent.cli, plan, output == null);
                return 0;
            });
        }
    }

    static void printPlan(Cli cli, MigrationPlan plan, boolean json) {
        if (json) {
            cli.out.println(plan.toJson());
            return;
        }
        cli.out.println("Objects, in the order they load:");
        for (MigrationPlan.PlanObject o : plan.objects()) {
            long created = o.fields().stream().filter(f -> f.create() != null).count();
            cli.out.printf("  %-22s → %-22s %,9d records%s%s%n", o.source(), o.target(), o.count(), o.include() ? "" : " (left out)",
                    created == 0 ? "" : ", " + created + " new custom field(s)");
        }
        if (!plan.skipped().isEmpty()) {
            cli.out.println("Left out:");
            plan.skipped().forEach(s -> cli.out.printf("  %-22s %s%s%n", s.name(), s.count() < 0 ? "" : String.format("%,d records: ", s.count()), s.why()));
        }
        if (!plan.unsettled().isEmpty()) {
            cli.out.println("To settle before a run (a dry-run shows the rest):");
            plan.unsettled().forEach(u -> cli.out.println("  - " + u));
        }
    }

    /** Runs the migration here (a job in this process, with progress) and prints the outcome. */
    static int run(MigrateCommand parent, String name, String mode, Path planFile, boolean json) throws IOException {
        MigrationPlan plan = planFile == null ? null
                : MigrationPlan.parse(Files.readString(planFile, StandardCharsets.UTF_8), "file " + planFile);
        RunSummary s;
        try (JobProgress bar = JobProgress.forTerminal(mode.equals(Migrations.DRY_RUN) ? "Dry-run" : "Migrating")) {
            s = parent.migrations().start(parent.cli.actor(), name, mode, plan, Work.Run.here(bar));
        }
        s = parent.migrations().get(parent.cli.actor(), s.id());
        return report(parent.cli, s, json);
    }

    static int report(Cli cli, RunSummary s, boolean json) {
        if (json) {
            cli.out.println(Output.json(s));
        } else {
            cli.out.println("Run " + s.id() + " (" + s.mode() + ") " + s.state().id().replace('_', ' ') + ": " + s.message());
            cli.out.printf("  %-22s %9s %9s %9s %9s %9s%n", "object", "read", s.mode().equals(Migrations.DRY_RUN) ? "would add" : "created",
                    "updated", "unchanged", "failed");
            for (RunSummary.Step st : s.steps()) {
                cli.out.printf("  %-22s %,9d %,9d %,9d %,9d %,9d%s%n", st.source() + " → " + st.target(), st.read(), st.created(),
                        st.updated(), st.unchanged(), st.failed(), extras(st));
            }
            if (s.reconcile() != null) {
                printReconcile(cli, s.reconcile());
            }
        }
        boolean bad = s.failed() > 0 || (s.reconcile() != null && !s.reconcile().clean());
        return s.state() == MigrationState.FAILED ? FATAL
                : bad || (s.state() != MigrationState.SUCCEEDED && s.state() != MigrationState.UNDONE) ? SOME_FAILED : 0;
    }

    private static String extras(RunSummary.Step st) {
        StringBuilder b = new StringBuilder();
        if (st.queueOwned() + st.unmatchedOwners() > 0) {
            b.append("  ").append(st.queueOwned() + st.unmatchedOwners()).append(" to the fallback owner");
        }
        if (st.deleted() > 0) {
            b.append("  ").append(st.deleted()).append(" deleted");
        }
        st.orphans().forEach((k, v) -> b.append("  ").append(v).append(" ").append(k).append(" not kept"));
        if (st.errorFile() != null) {
            b.append("  errors: hotcrm import results ").append(st.importId()).append(" --errors");
        }
        return b.toString();
    }

    static void printReconcile(Cli cli, ReconcileReport r) {
        cli.out.println("Reconcile: " + (r.gap() == 0 ? "no gap" : r.gap() + " source records missing") + "; spot-check "
                + (r.differences() == 0 ? "without differences" : r.differences() + " differences"));
        for (ReconcileReport.ObjectCheck o : r.objects()) {
            cli.out.printf("  %-22s source %,9d  HotCRM %,9d  gap %,d%s  spot-checked %d%s%n", o.source(), o.sourceCount(), o.inHotCrm(),
                    o.gap(), o.flagged() ? " (over 0.1 %)" : "", o.spotChecked(), o.differences().isEmpty() ? "" : ", " + o.differences().size() + " differ");
            o.missing().stream().limit(20).forEach(m -> cli.out.println("      missing " + m.id() + ": " + m.reason()));
            o.differences().stream().limit(20).forEach(d -> cli.out.println("      " + d.id() + " " + d.field() + ": source "
                    + d.source() + ", HotCRM " + d.hotcrm()));
        }
    }

    @Command(name = "dry-run", description = "Run the whole plan through the importer's dry-run: per object what would be created, updated, unchanged or fail. Writes nothing.")
    static final class DryRun implements Callable<Integer> {
        @ParentCommand
        MigrateCommand parent;

        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--plan", paramLabel = "FILE", description = "Use (and save) this plan instead of the saved one.")
        Path plan;

        @Option(names = "--json", description = "Print one JSON document with per-object counts.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            return parent.guarded(() -> run(parent, name, Migrations.DRY_RUN, plan, json));
        }
    }

    @Command(name = "run", description = "Migrate: every object of the plan, in order, then reconcile. --delta reads only what changed since the last run and applies deletions.")
    static final class Run implements Callable<Integer> {
        @ParentCommand
        MigrateCommand parent;

        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--plan", paramLabel = "FILE", description = "Use (and save) this plan instead of the saved one.")
        Path plan;

        @Option(names = "--delta", description = "Only records changed since the last successful run; records deleted in the source go to the recycle bin.")
        boolean delta;

        @Option(names = "--json", description = "Print one JSON document with per-object counts and the reconcile report.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            return parent.guarded(() -> run(parent, name, delta ? Migrations.DELTA : Migrations.RUN, plan, json));
        }
    }

    @Command(name = "reconcile", description = "Compare the source with HotCRM now: counts, every missing record with its reason, a spot-check of 10 records per object.")
    static final class Reconcile implements Callable<Integer> {
        @ParentCommand
        MigrateCommand parent;

        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--json", description = "Print the report as JSON.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            return parent.guarded(() -> {
                ReconcileReport r = parent.migrations().reconcile(parent.cli.actor(), name);
                if (json) {
                    parent.cli.out.println(Output.json(r));
                } else {
                    printReconcile(parent.cli, r);
                }
                return r.clean() ? 0 : SOME_FAILED;
            });
        }
    }

    @Command(name = "list", description = "List migrations.")
    static final class ListMigrations implements Callable<Integer> {
        @ParentCommand
        MigrateCommand parent;

        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            return parent.guarded(() -> {
                var all = parent.migrations().list(parent.cli.actor());
                if (json) {
                    parent.cli.out.println(Output.json(all));
                } else if (all.isEmpty()) {
                    parent.cli.out.println("No migrations yet: hotcrm migrate connect salesforce NAME --login-url URL --client-id ID …"
                            + " (or, from a Data Export: hotcrm migrate connect salesforce-export NAME --file ZIP …)");
                } else {
                    all.forEach(m -> parent.cli.out.printf("%-24s %-12s %s%s%n", m.name(), m.kind(), m.settings().getOrDefault("loginUrl", ""),
                            m.highWater() == null ? "  (not run yet)" : "  last run reached " + m.highWater()));
                }
                return 0;
            });
        }
    }

    @Command(name = "show", description = "Show a migration (or, given a run id, that run).")
    static final class Show implements Callable<Integer> {
        @ParentCommand
        MigrateCommand parent;

        @Parameters(paramLabel = "NAME|RUN_ID")
        String name;

        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            return parent.guarded(() -> {
                if (name.matches("[0-9a-fA-F-]{36}")) {
                    return report(parent.cli, parent.migrations().get(parent.cli.actor(), UUID.fromString(name)), json);
                }
                MigrationInfo m = parent.migrations().show(parent.cli.actor(), name);
                if (json) {
                    parent.cli.out.println(Output.json(m));
                    return 0;
                }
                parent.cli.out.println(m.name() + " (" + m.kind() + "), created by " + m.createdBy() + " at " + m.createdAt());
                m.settings().forEach((k, v) -> parent.cli.out.println("  " + k + ": " + v));
                parent.cli.out.println("  plan: " + (m.planned() ? "saved (hotcrm migrate plan " + name + " --show)" : "none yet"));
                parent.cli.out.println("  delta starts after: " + (m.highWater() == null ? "(no run yet)" : m.highWater()));
                for (UUID run : m.recentRuns()) {
                    RunSummary r = parent.migrations().get(parent.cli.actor(), run);
                    parent.cli.out.println("  run " + r.id() + "  " + r.mode() + "  " + r.state().id() + "  " + r.createdAt() + "  " + r.message());
                }
                return 0;
            });
        }
    }

    @Command(name = "undo", description = "Take a run back: every one of its imports is undone, last first.")
    static final class Undo implements Callable<Integer> {
        @ParentCommand
        MigrateCommand parent;

        @Parameters(paramLabel = "RUN_ID")
        UUID run;

        @Override
        public Integer call() throws Exception {
            return parent.guarded(() -> {
                try (JobProgress bar = JobProgress.forTerminal("Undoing")) {
                    parent.migrations().undo(parent.cli.actor(), run, Work.Run.here(bar));
                }
                RunSummary s = parent.migrations().get(parent.cli.actor(), run);
                parent.cli.out.println("Run " + s.id() + " is undone: " + s.message());
                return 0;
            });
        }
    }

    @Command(name = "resume", description = "Run a run that stopped midway again, from the object it stopped in.")
    static final class Resume implements Callable<Integer> {
        @ParentCommand
        MigrateCommand parent;

        @Parameters(paramLabel = "RUN_ID")
        UUID run;

        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            return parent.guarded(() -> {
                RunSummary s;
                try (JobProgress bar = JobProgress.forTerminal("Migrating")) {
                    s = parent.migrations().resume(parent.cli.actor(), run, Work.Run.here(bar));
                }
                return report(parent.cli, parent.migrations().get(parent.cli.actor(), s.id()), json);
            });
        }
    }
}
