package io.hotcrm.bench;

import io.hotcrm.common.Ids;
import io.hotcrm.mapping.CompiledMapping;
import io.hotcrm.metadata.FieldDef;
import io.hotcrm.metadata.FieldType;
import io.hotcrm.metadata.ObjectDef;
import io.hotcrm.security.Principal;
import io.hotcrm.store.Database;
import io.hotcrm.store.RecordBatch;
import io.hotcrm.testing.TestPlatform;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * What H2 itself can do for the import's write: new contacts (the import's columns, HotCRM's indexes) written through
 * the store's one bulk path in transactions of 2,000, with no file, conversion or lookup — the ceiling of any H2
 * import. Two shapes, each on a new database: the import benchmark's (50 owners, an account per ten contacts, emails
 * in no particular order), and keys that arrive in index order (one account and owner, ascending emails), which shows
 * what H2 spends on inserting into the middle of its secondary indexes.
 * Run: {@code mvn -B -Pbench verify -Dbench.name=H2Ceiling -Dbench.rows=1000000}.
 */
public final class H2Ceiling {
    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        run(rows, false);
        run(rows, true);
        System.exit(0);
    }

    static void run(int rows, boolean ordered) throws Exception {
        Path dir = BenchFiles.tempDir("hotcrm-h2-ceiling");
        try (TestPlatform t = new TestPlatform(Database.open(Database.embeddedUrl(dir), "sa", "", 8))) {
            t.schema.addCustomField(Principal.system(), "contact", FieldDef.custom("birthdate", FieldType.DATE, "Birthdate",
                    null, null, false, false, 0, 0));
            t.schema.addCustomField(Principal.system(), "contact", FieldDef.custom("interests", FieldType.MULTI_PICKLIST,
                    "Interests", List.of(ImportBenchmark.INTERESTS), null, false, false, 0, 0));
            ObjectDef o = t.schema.object("contact");
            List<FieldDef> cols = Stream.of("external_id", "first_name", "last_name", "email", "phone", "title",
                    "account_id", "owner_id", "birthdate", "level", "relationship_strength", "interests", "notes")
                    .map(n -> n.equals("external_id") ? CompiledMapping.externalIdField() : o.requireField(n)).toList();
            RecordBatch batch = new RecordBatch(t.db, t.schema);
            SplittableRandom random = new SplittableRandom(7);
            UUID[] accounts = ids(ordered ? 1 : Math.max(1, rows / 10));
            UUID[] owners = ids(ordered ? 1 : 50);
            OffsetDateTime stamp = OffsetDateTime.now(ZoneOffset.UTC);
            long t0 = System.nanoTime();
            for (int start = 0; start < rows; start += 2000) {
                List<RecordBatch.NewRecord> chunk = new ArrayList<>();
                for (int i = start; i < Math.min(rows, start + 2000); i++) {
                    String email = ordered ? String.format("c%08d@example.com", i)
                            : ImportBenchmark.ascii(ImportBenchmark.FIRST[random.nextInt(ImportBenchmark.FIRST.length)]) + "."
                            + ImportBenchmark.ascii(ImportBenchmark.LAST[random.nextInt(ImportBenchmark.LAST.length)]) + "." + i
                            + "@example.com";
                    chunk.add(new RecordBatch.NewRecord(Ids.newId(), new Object[] {"C-" + i, "First" + (i % 97), "Last " + i,
                        email, "+49 30 " + i, "Engineer", accounts[random.nextInt(accounts.length)],
                        owners[random.nextInt(owners.length)], LocalDate.of(1970 + i % 40, 1 + i % 12, 1 + i % 28), "Manager",
                        "Strong", List.of("Cloud", "AI"),
                        i % 3 == 0 ? null : "Met at the fair, \"keen\" on a demo, call back in Q" + (1 + i % 4)}));
                }
                t.db.jdbi().useTransaction(h -> batch.insert(h, o, cols, chunk, stamp, owners[0]));
            }
            double s = (System.nanoTime() - t0) / 1e9;
            System.out.printf("H2 ceiling, %s: %,d new contacts in %.2f s = %,.0f rows/s%n",
                    ordered ? "keys in index order (one account, ascending emails)"
                            : "the import benchmark's shape (50 owners, an account per ten contacts, its emails)",
                    rows, s, rows / s);
        }
    }

    private static UUID[] ids(int n) {
        UUID[] ids = new UUID[n];
        for (int i = 0; i < n; i++) {
            ids[i] = Ids.newId();
        }
        return ids;
    }
}
