package io.hotcrm.bench;

import io.hotcrm.metadata.FieldDef;
import io.hotcrm.metadata.ObjectDef;
import io.hotcrm.store.Database;
import io.hotcrm.store.Dialect;
import io.hotcrm.store.RecordBatch;
import io.hotcrm.testing.TestPlatform;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * What H2 itself can do for the import's write: new contacts (the import's columns, HotCRM's indexes) written through
 * the store's one bulk path in transactions of 2,000, with no file, conversion or lookup — the ceiling of any H2
 * import. Run: {@code mvn -B -Pbench verify -Dbench.name=H2Ceiling -Dbench.rows=200000}.
 */
public final class H2Ceiling {
    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        Path dir = Files.createTempDirectory("hotcrm-h2-ceiling");
        try (TestPlatform t = new TestPlatform(Database.open(Database.embeddedUrl(dir), "sa", "", 8))) {
            t.schema.addCustomField(io.hotcrm.security.Principal.system(), "contact", FieldDef.custom("birthdate",
                    io.hotcrm.metadata.FieldType.DATE, "Birthdate", null, null, false, false, 0, 0));
            t.schema.addCustomField(io.hotcrm.security.Principal.system(), "contact", FieldDef.custom("interests",
                    io.hotcrm.metadata.FieldType.MULTI_PICKLIST, "Interests", List.of(ImportBenchmark.INTERESTS), null, false, false, 0, 0));
            ObjectDef o = t.schema.object("contact");
            UUID account = t.records.create(t.admin, "account", java.util.Map.of("name", "Acme")).id();
            List<FieldDef> cols = java.util.stream.Stream.of("external_id", "first_name", "last_name", "email", "phone", "title",
                    "account_id", "owner_id", "birthdate", "level", "relationship_strength", "interests", "notes")
                    .map(n -> n.equals("external_id") ? io.hotcrm.mapping.CompiledMapping.externalIdField() : o.requireField(n)).toList();
            RecordBatch batch = new RecordBatch(t.db, t.schema);
            UUID owner = t.admin.userId();
            OffsetDateTime stamp = OffsetDateTime.now(ZoneOffset.UTC);
            long t0 = System.nanoTime();
            long insertNanos = 0;
            for (int start = 0; start < rows; start += 2000) {
                List<RecordBatch.NewRecord> chunk = new ArrayList<>();
                for (int i = start; i < Math.min(rows, start + 2000); i++) {
                    chunk.add(new RecordBatch.NewRecord(io.hotcrm.common.Ids.newId(), new Object[] {"C-" + i, "First" + (i % 97),
                        "Last " + i, "c" + i + "@example.com", "+49 30 " + i, "Engineer", account, owner,
                        java.time.LocalDate.of(1970 + i % 40, 1 + i % 12, 1 + i % 28), "Manager", "Strong", List.of("Cloud", "AI"),
                        i % 3 == 0 ? null : "Met at the fair, \"keen\" on a demo, call back in Q" + (1 + i % 4)}));
                }
                long a = System.nanoTime();
                t.db.jdbi().useTransaction(h -> batch.insert(h, o, cols, chunk, stamp, owner));
                insertNanos += System.nanoTime() - a;
            }
            double s = (System.nanoTime() - t0) / 1e9;
            System.out.printf("H2 ceiling: %,d new contacts in %.2f s = %,.0f rows/s (insert and commit %.2f s)%n", rows, s,
                    rows / s, insertNanos / 1e9);
        }
        System.exit(0);
    }
}
