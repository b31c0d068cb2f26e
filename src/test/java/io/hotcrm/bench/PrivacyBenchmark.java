package io.hotcrm.bench;

import io.hotcrm.privacy.Findings;
import io.hotcrm.privacy.Identifiers;
import io.hotcrm.privacy.PrivacyRequest;
import io.hotcrm.store.Dialect;
import io.hotcrm.testing.TestPlatform;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

/**
 * The privacy benchmark: how long discovery takes to find one person among {@code rows} contacts (the import
 * benchmark's generated ones, with accounts and owners) and their linked records, by email and by email and phone.
 * The target: under 5 s for 1M contacts on PostgreSQL.
 * Run: {@code mvn -B -Pbench verify -Dbench.name=PrivacyBenchmark -Dbench.rows=1000000} ({@code -Dbench.db=h2} for H2).
 */
public final class PrivacyBenchmark {
    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        Dialect dialect = "h2".equalsIgnoreCase(System.getProperty("bench.db", "")) ? Dialect.H2 : Dialect.POSTGRES;
        Path dir = BenchFiles.tempDir("hotcrm-privacy-bench");
        try (TestPlatform t = new TestPlatform(dialect)) {
            int accounts = Math.max(1, rows / 10);
            Path users = dir.resolve("users.csv");
            Path accountsCsv = dir.resolve("accounts.csv");
            Path contacts = dir.resolve("contacts.csv");
            ImportBenchmark.generate(users, accountsCsv, contacts, dir.resolve("changed.csv"), rows, accounts);
            long t0 = System.nanoTime();
            ImportBenchmark.timedImport(t, users, "user");
            ImportBenchmark.timedImport(t, accountsCsv, "account");
            ImportBenchmark.timedImport(t, contacts, "contact");
            System.out.printf("Privacy benchmark: %,d contacts and %,d accounts on %s, loaded in %.1f s%n", rows, accounts,
                    dialect == Dialect.H2 ? "H2" : "PostgreSQL", (System.nanoTime() - t0) / 1e9);
            // the person: a contact with linked records of every kind, and a mention of their email in a note
            UUID person = t.records.create(t.admin, "contact", Map.of("first_name", "Maja", "last_name", "Jørgensen",
                    "email", "maja.jorgensen@example.org", "mobile_phone", "+45 20 12 34 56")).id();
            UUID account = t.records.create(t.admin, "account", Map.of("name", "Nordlys ApS", "description",
                    "Met maja.jorgensen@example.org at the fair")).id();
            for (int i = 0; i < 5; i++) {
                t.records.create(t.admin, "opportunity", Map.of("name", "Deal " + i, "contact_id", person.toString(), "account_id",
                        account.toString(), "stage", "Prospecting", "close_date", "2026-06-30"));
                t.records.create(t.admin, "task", Map.of("subject", "Call " + i, "who_id", person.toString(), "priority", "Normal",
                        "status", "Not Started", "due_date", "2026-06-30"));
                t.records.create(t.admin, "note", Map.of("title", "Note " + i, "body", "About the renewal", "parent_id",
                        person.toString(), "parent_type", "Contact"));
            }
            for (String[] how : new String[][] {{"email", "maja.jorgensen@example.org", null}, {"email and phone",
                "maja.jorgensen@example.org", "+45 2012 3456"}}) {
                PrivacyRequest r = t.privacy.create(t.admin, "erasure", new Identifiers(how[1], how[2], null, null));
                for (int round = 1; round <= 3; round++) {
                    long s0 = System.nanoTime();
                    Findings f = t.privacy.find(t.admin, r.id());
                    double s = (System.nanoTime() - s0) / 1e9;
                    System.out.printf("  by %-16s round %d: %.2f s — %d of the person's records, %d linked, %d mentions, %d audit"
                            + " entries, %d copies (the result files of the imports that loaded the data read too)%n", how[0], round, s,
                            f.subjects().size(), f.linked().size(), f.mentions().size(), f.audit().size(), f.copies().size());
                }
            }
        } finally {
            BenchFiles.delete(dir);
        }
        System.exit(0);
    }
}
