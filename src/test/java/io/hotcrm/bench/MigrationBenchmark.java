package io.hotcrm.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hotcrm.common.Work;
import io.hotcrm.importing.ImportFile;
import io.hotcrm.importing.ImportListener;
import io.hotcrm.importing.ImportRequest;
import io.hotcrm.importing.ImportSummary;
import io.hotcrm.migration.MigrationPlan;
import io.hotcrm.migration.Migrations;
import io.hotcrm.migration.RunSummary;
import io.hotcrm.migration.salesforce.SalesforceKind;
import io.hotcrm.store.Dialect;
import io.hotcrm.testing.FakeSalesforce;
import io.hotcrm.testing.PlanReview;
import io.hotcrm.testing.TestPlatform;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A generated org of about {@code bench.rows} records migrated from the fake Salesforce over HTTP (describes, SOQL
 * pages and Bulk API 2.0 jobs, file contents, the reconcile and spot-check included), against importing the same
 * records — the files the migration staged — from CSV with the importer, object by object in the same order, into a
 * new database in the same run. The fake org serves from a JVM of its own (as Salesforce does), on the same cores;
 * the migration's heap is HotCRM's alone. Rounds of both: {@code -Dbench.warmups} (2) not counted, then
 * {@code -Dbench.rounds} (3) counted, with their median.
 * Run: {@code mvn -B -Pbench verify -Dbench.name=MigrationBenchmark -Dbench.rows=100000} ({@code -Dbench.db=h2} for the
 * embedded database; PostgreSQL by default).
 */
public final class MigrationBenchmark {
    /** Lookups and owners the plan's target objects have set (both imports must resolve the same ones). */
    private static long links(TestPlatform t, MigrationPlan plan) {
        long n = 0;
        for (MigrationPlan.PlanObject o : plan.included()) {
            io.hotcrm.metadata.ObjectDef d = t.schema.object(o.target());
            for (io.hotcrm.metadata.FieldDef f : d.fields()) {
                if (f.type() == io.hotcrm.metadata.FieldType.LOOKUP || f.type() == io.hotcrm.metadata.FieldType.OWNER) {
                    n += t.db.jdbi().withHandle(h -> h.createQuery("select count(" + f.name() + ") from " + d.tableName())
                            .mapTo(Long.class).one());
                }
            }
        }
        return n;
    }

    /** CPU time a process has used so far, in milliseconds. */
    private static long cpu(ProcessHandle p) {
        return p.info().totalCpuDuration().map(java.time.Duration::toMillis).orElse(0L);
    }

    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(Migrations.class)).setLevel(ch.qos.logback.classic.Level.DEBUG);
        Dialect dialect = "h2".equalsIgnoreCase(System.getProperty("bench.db", "")) ? Dialect.H2 : Dialect.POSTGRES;
        int scale = Math.max(1, rows / 2330);
        // the fake org serves from a process of its own, so its records stay out of the migrating JVM's heap; it stands in
        // for Salesforce's servers, which are not on this machine, so it runs at the lowest CPU priority (its CPU time is
        // printed): it takes the cycles HotCRM leaves, as a remote org costs HotCRM's machine none
        // -Dbench.source=export: the same org from its Data Export's ZIP files instead of the API; hubspot: a generated
        // HubSpot portal of about as many records (half of them contacts) over HubSpot's API
        boolean export = "export".equalsIgnoreCase(System.getProperty("bench.source", "api"));
        boolean hubspot = "hubspot".equalsIgnoreCase(System.getProperty("bench.source", "api"));
        List<String> command = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx4g", "-cp", System.getProperty("java.class.path")));
        command.addAll(hubspot ? List.of(io.hotcrm.testing.FakeHubSpot.class.getName(), Integer.toString(rows / 2))
                : List.of(FakeSalesforce.class.getName(), Integer.toString(scale), "2000"));
        if (export) {
            command.add(BenchFiles.tempDir("hotcrm-bench-export").toString());
        }
        if (Files.isExecutable(Path.of("/usr/bin/nice"))) {
            command.addAll(0, List.of("/usr/bin/nice", "-n", "19"));
        }
        Process fake = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            JsonNode sf = new ObjectMapper().readTree(new java.io.BufferedReader(new java.io.InputStreamReader(fake.getInputStream(),
                    java.nio.charset.StandardCharsets.UTF_8)).readLine());
            long records = hubspot ? java.util.stream.StreamSupport.stream(sf.path("records").spliterator(), false)
                    .mapToLong(JsonNode::asLong).sum()
                    : Stream.of("User", "Product2", "Pricebook2", "Account", "Contact", "Lead", "Campaign", "Opportunity",
                    "OpportunityLineItem", "Quote", "QuoteLineItem", "CampaignMember", "Contract", "Case", "Task", "Event", "Note",
                    "ContentNote", "Attachment", "ContentVersion")
                    .mapToLong(o -> sf.path("records").path(o).asLong()).sum();
            System.out.printf("Migration benchmark: a generated %s of %,d records %s, %s; heap limit %d MB%n",
                    hubspot ? "HubSpot portal" : "org (scale " + scale + ")", records,
                    export ? "from its Data Export's ZIP files" : "over the API",
                    dialect == Dialect.H2 ? "H2" : "PostgreSQL", Runtime.getRuntime().maxMemory() / 1024 / 1024);
            Map<String, String> settings = new LinkedHashMap<>();
            settings.put(SalesforceKind.LOGIN_URL, sf.path("url").asText());
            settings.put(SalesforceKind.CLIENT_ID, FakeSalesforce.CLIENT_ID);
            settings.put(SalesforceKind.FLOW, "jwt");
            settings.put(SalesforceKind.USERNAME, "bench@acme.example.sf");
            settings.put(SalesforceKind.PRIVATE_KEY, sf.path("privateKey").asText());
            settings.put(SalesforceKind.RETRY_MILLIS, "50");
            // every round migrates into a new database and then imports what it staged, from CSV, into another; the first
            // rounds warm both JVMs up (as a server that has run a while is) and are not counted
            int warmups = Integer.getInteger("bench.warmups", 2);
            int rounds = warmups + Integer.getInteger("bench.rounds", 3);
            List<Double> ratios = new java.util.ArrayList<>();
            for (int round = 1; round <= rounds; round++) {
                System.out.printf("Round %d of %d%s%n", round, rounds, round <= warmups ? " (warm-up, not counted)" : "");
                Path staged = BenchFiles.tempDir("hotcrm-bench-staged");
                double migrate;
                long migratedLinks;
                long csvLinks;
                double cpu;
                double fakeCpu;
                long peak;
                RunSummary run;
                MigrationPlan plan;
                try (TestPlatform t = new TestPlatform(dialect)) {
                    if (hubspot) {
                        t.migrations.connect(t.admin, "bench", "hubspot", Map.of("baseUrl", sf.path("url").asText(), "token",
                                sf.path("token").asText(), "retryMillis", "50"), true);
                    } else if (export) {
                        List<String> uploads = new java.util.ArrayList<>();
                        for (JsonNode zip : sf.path("export")) {
                            try (java.io.InputStream in = Files.newInputStream(Path.of(zip.asText()))) {
                                uploads.add(t.importer.upload(t.admin, Path.of(zip.asText()).getFileName().toString(), in,
                                        Long.MAX_VALUE).id().toString());
                            }
                        }
                        t.migrations.connect(t.admin, "bench", "salesforce-export", Map.of("files", String.join(",", uploads)), true);
                    } else {
                        t.migrations.connect(t.admin, "bench", "salesforce", settings, true);
                    }
                    plan = PlanReview.settle(t.migrations.plan(t.admin, "bench", java.util.Set.of(), null), t.schema.catalogue());
                    t.migrations.savePlan(t.admin, "bench", plan);
                    System.gc();
                    List<MemoryPoolMXBean> heap = ManagementFactory.getMemoryPoolMXBeans().stream()
                            .filter(p -> p.getType() == MemoryType.HEAP).toList();
                    heap.forEach(MemoryPoolMXBean::resetPeakUsage);
                    long cpu0 = cpu(ProcessHandle.current());
                    long fakeCpu0 = cpu(fake.toHandle());
                    long t0 = System.nanoTime();
                    RunSummary started = t.migrations.start(t.admin, "bench", Migrations.RUN, null, Work.Run.here(null));
                    migrate = (System.nanoTime() - t0) / 1e9;
                    cpu = (cpu(ProcessHandle.current()) - cpu0) / 1e3;
                    fakeCpu = (cpu(fake.toHandle()) - fakeCpu0) / 1e3;
                    peak = heap.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum() / 1024 / 1024;
                    run = t.migrations.get(t.admin, started.id());
                    migratedLinks = links(t, plan);
                    // the files the run staged, one per object, as the reference imports them
                    try (Stream<Path> files = Files.walk(t.workDir.resolve("uploads"))) {
                        for (Path f : files.filter(p -> p.getFileName().toString().startsWith("run-")).toList()) {
                            Files.copy(f, staged.resolve(f.getFileName()));
                        }
                    }
                }
                System.out.printf("  migrated in %.2f s (%,.0f records/s), peak heap %d MB: %s%n",
                        migrate, records / migrate, peak, run.message());
                System.out.printf("  CPU: %.2f s in HotCRM's JVM, %.2f s in the fake source's (on %d cores)%n", cpu, fakeCpu,
                        Runtime.getRuntime().availableProcessors());
                long readMs = run.steps().stream().mapToLong(RunSummary.Step::readMillis).sum();
                long importMs = run.steps().stream().mapToLong(RunSummary.Step::importMillis).sum();
                for (RunSummary.Step st : run.steps()) {
                    System.out.printf("    %-20s %,7d records: read %,6d ms, import %,6d ms%n", st.source(), st.read(), st.readMillis(),
                            st.importMillis());
                }
                System.out.printf("  reading from the source %.2f s and importing %.2f s in all (objects are read ahead of their"
                        + " imports)%n", readMs / 1e3, importMs / 1e3);
                double csv = 0;
                long imported = 0;
                long csvCpu = 0;
                try (TestPlatform t = new TestPlatform(dialect)) {
                    long cpu0 = cpu(ProcessHandle.current());
                    for (MigrationPlan.PlanObject o : plan.included()) {
                        Path file = staged.resolve("run-" + o.source() + ".csv");
                        if (!Files.exists(file)) {
                            continue;
                        }
                        boolean users = o.target().equals("user");
                        long t0 = System.nanoTime();
                        ImportSummary s = t.importer.run(t.admin, ImportRequest.builder(o.target(), ImportFile.local(file))
                                .match(users ? "email" : "external_id").migration(!users).build(), ImportListener.NONE);
                        csv += (System.nanoTime() - t0) / 1e9;
                        imported += s.created();
                    }
                    csvCpu = cpu(ProcessHandle.current()) - cpu0;
                    csvLinks = links(t, plan);
                }
                BenchFiles.delete(staged);
                System.out.printf("  the same records from CSV (the staged files, imported object by object): %.2f s (CPU %.2f s), %,d"
                        + " created; lookups and owners set: %,d by the migration, %,d from CSV%n", csv, csvCpu / 1e3, imported,
                        migratedLinks, csvLinks);
                System.out.printf("  migration / CSV import: %.2f×%n", migrate / csv);
                if (round > warmups) {
                    ratios.add(migrate / csv);
                }
            }
            List<Double> sorted = ratios.stream().sorted().toList();
            System.out.printf("Migration / CSV import over the counted rounds: %s; median %.2f× (target ≤ 2×)%n",
                    ratios.stream().map(r -> String.format("%.2f×", r)).collect(java.util.stream.Collectors.joining(", ")),
                    sorted.get(sorted.size() / 2));
        } finally {
            fake.destroy();
        }
        System.exit(0);
    }
}
