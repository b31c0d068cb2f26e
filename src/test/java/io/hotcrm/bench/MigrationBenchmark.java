package io.hotcrm.bench;

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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A generated org of about {@code bench.rows} records migrated from the fake Salesforce over HTTP (describes, SOQL
 * pages and Bulk API 2.0 jobs, file contents, the reconcile and spot-check included), against importing the same
 * records — the files the migration staged — from CSV with the importer, object by object in the same order, into a
 * new database in the same run. Run: {@code mvn -B -Pbench verify -Dbench.name=MigrationBenchmark -Dbench.rows=100000}
 * ({@code -Dbench.db=h2} for the embedded database; PostgreSQL by default).
 */
public final class MigrationBenchmark {
    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(Migrations.class)).setLevel(ch.qos.logback.classic.Level.DEBUG);
        Dialect dialect = "h2".equalsIgnoreCase(System.getProperty("bench.db", "")) ? Dialect.H2 : Dialect.POSTGRES;
        int scale = Math.max(1, rows / 2330);
        try (FakeSalesforce sf = new FakeSalesforce(scale)) {
            long records = Stream.of("User", "Product2", "Account", "Contact", "Lead", "Campaign", "Opportunity", "OpportunityLineItem",
                    "CampaignMember", "Contract", "Case", "Task", "Event", "Note", "Attachment", "ContentVersion")
                    .mapToLong(o -> sf.live(o).size()).sum();
            System.out.printf("Migration benchmark: a generated org of %,d records (scale %d), %s; heap limit %d MB%n", records, scale,
                    dialect == Dialect.H2 ? "H2" : "PostgreSQL", Runtime.getRuntime().maxMemory() / 1024 / 1024);
            Map<String, String> settings = new LinkedHashMap<>();
            settings.put(SalesforceKind.LOGIN_URL, sf.url());
            settings.put(SalesforceKind.CLIENT_ID, FakeSalesforce.CLIENT_ID);
            settings.put(SalesforceKind.FLOW, "jwt");
            settings.put(SalesforceKind.USERNAME, "bench@acme.example.sf");
            settings.put(SalesforceKind.PRIVATE_KEY, sf.privateKeyPem());
            settings.put(SalesforceKind.RETRY_MILLIS, "50");
            sf.pageSize = 2000;
            Path staged = Files.createTempDirectory("hotcrm-bench-staged");
            double migrate;
            long peak;
            RunSummary run;
            MigrationPlan plan;
            try (TestPlatform t = new TestPlatform(dialect)) {
                t.migrations.connect(t.admin, "bench", "salesforce", settings, true);
                plan = PlanReview.settle(t.migrations.plan(t.admin, "bench", java.util.Set.of(), null), t.schema.catalogue());
                t.migrations.savePlan(t.admin, "bench", plan);
                System.gc();
                List<MemoryPoolMXBean> heap = ManagementFactory.getMemoryPoolMXBeans().stream()
                        .filter(p -> p.getType() == MemoryType.HEAP).toList();
                heap.forEach(MemoryPoolMXBean::resetPeakUsage);
                long t0 = System.nanoTime();
                RunSummary started = t.migrations.start(t.admin, "bench", Migrations.RUN, null, Work.Run.here(null));
                migrate = (System.nanoTime() - t0) / 1e9;
                peak = heap.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum() / 1024 / 1024;
                run = t.migrations.get(t.admin, started.id());
                // the files the run staged, one per object, as the reference imports them
                try (Stream<Path> files = Files.walk(t.workDir.resolve("uploads"))) {
                    for (Path f : files.filter(p -> p.getFileName().toString().startsWith("run-")).toList()) {
                        Files.copy(f, staged.resolve(f.getFileName()));
                    }
                }
            }
            System.out.printf("  migrated in %.2f s (%,.0f records/s), peak heap %d MB (the fake org's records share this JVM): %s%n",
                    migrate, records / migrate, peak, run.message());
            long readMs = run.steps().stream().mapToLong(RunSummary.Step::readMillis).sum();
            long importMs = run.steps().stream().mapToLong(RunSummary.Step::importMillis).sum();
            for (RunSummary.Step st : run.steps()) {
                System.out.printf("    %-20s %,7d records: read %,6d ms, import %,6d ms%n", st.source(), st.read(), st.readMillis(), st.importMillis());
            }
            System.out.printf("  reading from the source %.2f s and importing %.2f s in all (the next object is read while one is"
                    + " imported)%n", readMs / 1e3, importMs / 1e3);
            double csv = 0;
            Map<String, Long> created = new HashMap<>();
            try (TestPlatform t = new TestPlatform(dialect)) {
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
                    created.put(o.source(), s.created());
                }
            }
            long imported = created.values().stream().mapToLong(Long::longValue).sum();
            System.out.printf("  the same records from CSV (the staged files, imported object by object): %.2f s, %,d created%n", csv, imported);
            System.out.printf("  migration / CSV import: %.2f× (target ≤ 2×)%n", migrate / csv);
        }
        System.exit(0);
    }
}
