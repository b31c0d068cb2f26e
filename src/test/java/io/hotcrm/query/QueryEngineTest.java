package io.hotcrm.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hotcrm.common.ErrorCode;
import io.hotcrm.common.HotCrmException;
import io.hotcrm.security.FieldAccess;
import io.hotcrm.security.ObjectPermission;
import io.hotcrm.security.Principal;
import io.hotcrm.security.Visibility;
import io.hotcrm.store.Dialect;
import io.hotcrm.testing.DialectContract;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class QueryEngineTest {

    @Nested
    class OnH2 extends Contract {
        OnH2() {
            super(Dialect.H2);
        }
    }

    @Nested
    class OnPostgres extends Contract {
        OnPostgres() {
            super(Dialect.POSTGRES);
        }
    }

    abstract static class Contract extends DialectContract {
        Contract(Dialect dialect) {
            super(dialect);
        }

        @BeforeAll
        void seed() {
            UUID acme = t.records.create(t.admin, "account", Map.of("name", "Acme", "industry", "Technology")).id();
            t.records.create(t.admin, "opportunity", Map.of("name", "Alpha deal", "account_id", acme.toString(),
                    "close_date", "2026-01-15", "stage", "Prospecting", "amount", 1000));
            t.records.create(t.admin, "opportunity", Map.of("name", "Beta deal", "account_id", acme.toString(),
                    "close_date", "2026-02-15", "stage", "Closed Won", "amount", 60000));
            t.records.create(t.admin, "opportunity", Map.of("name", "Gamma 100%_deal", "account_id", acme.toString(),
                    "close_date", "2026-03-15", "stage", "Negotiation", "amount", 75000, "next_step", "Call CFO"));
            t.records.create(t.admin, "opportunity", Map.of("name", "Delta deal", "account_id", acme.toString(),
                    "close_date", "2026-04-15", "stage", "closed lost"));
        }

        List<Object> names(String where) {
            QueryResult r = t.query.run(t.admin, ObjectQl.parse("{\"object\":\"opportunity\",\"fields\":[\"name\"],"
                    + "\"orderBy\":[{\"field\":\"close_date\"}]," + where + "}"));
            return r.records().stream().map(m -> m.get("name")).toList();
        }

        @ParameterizedTest(name = "{0}")
        @CsvSource(delimiter = '|', textBlock = """
                "where":{"stage":"closed won"}                                  | Beta deal
                "where":{"stage":{"$eq":"Prospecting"}}                         | Alpha deal
                "where":{"stage":{"$ne":"Prospecting"}}                         | Beta deal,Gamma 100%_deal,Delta deal
                "where":{"amount":{"$gt":60000}}                                | Gamma 100%_deal
                "where":{"amount":{"$gte":60000}}                               | Beta deal,Gamma 100%_deal
                "where":{"amount":{"$lt":60000}}                                | Alpha deal
                "where":{"amount":{"$lte":60000}}                               | Alpha deal,Beta deal
                "where":{"stage":{"$in":["Negotiation","Prospecting"]}}         | Alpha deal,Gamma 100%_deal
                "where":{"stage":{"$nin":["Closed Won","Closed Lost"]}}         | Alpha deal,Gamma 100%_deal
                "where":{"close_date":{"$between":["2026-02-01","2026-03-31"]}} | Beta deal,Gamma 100%_deal
                "where":{"name":{"$contains":"100%_"}}                          | Gamma 100%_deal
                "where":{"name":{"$startsWith":"be"}}                           | Beta deal
                "where":{"name":{"$endsWith":"A DEAL"}}                         | Alpha deal,Beta deal,Delta deal
                "where":{"amount":{"$null":true}}                               | Delta deal
                "where":{"next_step":{"$null":false}}                           | Gamma 100%_deal
                "where":{"$or":[{"stage":"Prospecting"},{"amount":{"$gt":70000}}]}      | Alpha deal,Gamma 100%_deal
                "where":{"$and":[{"amount":{"$gt":500}},{"amount":{"$lt":70000}}]}      | Alpha deal,Beta deal
                "where":{"$not":{"stage":{"$in":["Prospecting","Closed Lost"]}}}        | Beta deal,Gamma 100%_deal
                "where":{"account.name":"Acme","amount":{"$gt":70000}}                  | Gamma 100%_deal
                "filters":[["amount",">",50000],"and",["stage","not in",["Closed Won"]]] | Gamma 100%_deal
                "filters":[["stage","=","Prospecting"],"or",["stage","=","Negotiation"]] | Alpha deal,Gamma 100%_deal
                "filters":[["amount",">=",1000],["amount","<=",60000]]                   | Alpha deal,Beta deal
                "filters":[["name","startswith","Del"]]                                  | Delta deal
                """)
        void filtersWithEveryOperator(String where, String expected) {
            assertThat(names(where)).containsExactly((Object[]) expected.split(","));
        }

        @Test
        void followsLookupPathsInFields() {
            QueryResult r = t.query.run(t.admin, ObjectQl.parse("{\"object\":\"opportunity\",\"fields\":[\"name\","
                    + "\"account.name\",\"owner.email\"],\"where\":{\"stage\":\"Prospecting\"}}"));
            assertThat(r.records()).singleElement().satisfies(m -> {
                assertThat(m.get("account.name")).isEqualTo("Acme");
                assertThat(m.get("owner.email")).isEqualTo("admin@example.com");
            });
        }

        @Test
        void explainsUnknownFieldsAndBadValues() {
            assertThatThrownBy(() -> names("\"where\":{\"stag\":\"x\"}"))
                    .hasMessageContaining("Unknown field \"stag\": object \"opportunity\" has no field \"stag\". Did you mean \"stage\"?");
            assertThatThrownBy(() -> names("\"where\":{\"amount\":{\"$gt\":\"lots\"}}"))
                    .hasMessage("where amount: Amount: \"lots\" is not a number.");
            assertThatThrownBy(() -> names("\"limit\":5000"))
                    .hasMessage("limit must be between 1 and 2000, found 5000. Page through larger results with nextCursor.");
        }

        @Test
        void keysetPagingReturnsEveryRecordExactlyOnceWhileRecordsAreInserted() throws Exception {
            int n = 10_500;
            StringBuilder csv = new StringBuilder("external_id,name,family\n");
            IntStream.range(0, n).forEach(i -> csv.append("P-").append(i).append(",Product ").append(i % 97).append(',')
                    .append(i % 3 == 0 ? "" : "Software").append('\n'));
            java.nio.file.Path file = java.nio.file.Files.writeString(t.workDir.resolve("products.csv"), csv);
            assertThat(t.importer.run(t.admin, io.hotcrm.importing.ImportRequest.of(file, "product"),
                    io.hotcrm.importing.ImportListener.NONE).created()).isEqualTo(n);
            Set<Object> original = new HashSet<>(t.db.jdbi().withHandle(h -> h.createQuery("select id from obj_product")
                    .mapTo(UUID.class).list()));
            AtomicBoolean stop = new AtomicBoolean();
            Thread writer = new Thread(() -> {
                int i = 0;
                while (!stop.get()) {
                    int k = i++;
                    t.records.create(t.admin, "product", java.util.Map.of("external_id", "NEW-" + k, "name", "Product " + (k % 97),
                            "family", "Hardware"));
                }
            });
            writer.start();
            List<Object> seen = new ArrayList<>();
            QueryRequest q = ObjectQl.parse("{\"object\":\"product\",\"fields\":[\"name\",\"family\"],"
                    + "\"orderBy\":[{\"field\":\"family\",\"order\":\"desc\"},{\"field\":\"name\"}],\"limit\":700}");
            int pages = 0;
            try {
                while (true) {
                    QueryResult r = t.query.run(t.admin, q);
                    r.records().forEach(m -> seen.add(m.get("id")));
                    pages++;
                    if (!r.hasMore()) {
                        break;
                    }
                    q = q.withCursor(r.nextCursor());
                }
            } finally {
                stop.set(true);
                writer.join();
            }
            assertThat(pages).isGreaterThan(15);
            assertThat(new HashSet<>(seen)).hasSameSizeAs(seen).containsAll(original);
        }

        @Test
        void fieldLevelSecurityHidesFieldsAndRejectsExplicitRequests() {
            t.security.roles().create(t.admin, "sales_fls", "Sales");
            t.security.roles().grant(t.admin, "sales_fls", "*", ObjectPermission.FULL);
            t.security.roles().setFieldAccess(t.admin, "sales_fls", "opportunity", "amount", new FieldAccess(false, false));
            Principal sales = t.user("fls@example.com", "sales_fls");
            QueryResult r = t.query.run(sales, QueryRequest.of("opportunity"));
            assertThat(r.hiddenFields()).containsExactly("amount");
            assertThat(r.records()).isNotEmpty().allSatisfy(m -> assertThat(m).doesNotContainKey("amount"));
            assertThatThrownBy(() -> t.query.run(sales, QueryRequest.of("opportunity").withFields(List.of("name", "amount"))))
                    .isInstanceOfSatisfying(HotCrmException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.PERMISSION_DENIED))
                    .hasMessage("User fls@example.com (role \"sales_fls\") may not read the field opportunity.amount"
                            + " (field-level security of role \"sales_fls\"). Remove it from the request or ask an administrator for access.");
            assertThatThrownBy(() -> t.query.run(sales, ObjectQl.parse("{\"object\":\"opportunity\",\"where\":{\"amount\":{\"$gt\":1}}}")))
                    .hasMessageContaining("may not read the field opportunity.amount");
        }

        @Test
        void aRoleThatSeesOwnRecordsSeesOnlyThose() {
            t.security.roles().create(t.admin, "own_only", "Own");
            t.security.roles().grant(t.admin, "own_only", "*", new ObjectPermission(true, true, true, false, false, Visibility.OWN));
            Principal rep = t.user("rep@example.com", "own_only");
            t.records.create(rep, "lead", Map.of("last_name", "Mine", "company", "Rep Co"));
            t.records.create(t.admin, "lead", Map.of("last_name", "Theirs", "company", "Admin Co"));
            assertThat(t.query.run(rep, QueryRequest.of("lead")).records()).extracting(m -> m.get("last_name")).containsExactly("Mine");
        }

        @Test
        void aWholeObjectStreamResolvesLookupsFromMapsExactlyAsTheDatabaseJoinsThem() {
            UUID live = t.records.create(t.admin, "account", Map.of("name", "Stream Live", "external_id", "SL-1")).id();
            UUID binned = t.records.create(t.admin, "account", Map.of("name", "Stream Binned")).id();
            t.security.roles().create(t.admin, "own_accounts", "Own accounts");
            t.security.roles().grant(t.admin, "own_accounts", "*", ObjectPermission.FULL);
            t.security.roles().grant(t.admin, "own_accounts", "account", new ObjectPermission(true, true, true, true, false, Visibility.OWN));
            Principal rep = t.user("streams@example.com", "own_accounts");
            UUID repsOwn = t.records.create(rep, "account", Map.of("name", "Rep's Own", "external_id", "SL-2")).id();
            t.records.create(t.admin, "contact", Map.of("last_name", "S-live", "account_id", live.toString()));
            t.records.create(t.admin, "contact", Map.of("last_name", "S-binned", "account_id", binned.toString()));
            t.records.create(t.admin, "contact", Map.of("last_name", "S-reps", "account_id", repsOwn.toString()));
            t.records.create(t.admin, "contact", Map.of("last_name", "S-none"));
            t.records.delete(t.admin, "account", binned);
            QueryRequest whole = QueryRequest.of("contact").withFields(List.of("last_name", "account.name", "owner.email",
                    "account.external_id", "account_id"));

            // the statement of a whole-object read selects the reference instead of joining its target
            SqlQuery compiled = new SqlQuery(t.schema.catalogue(), t.admin, t.schema.object("contact"));
            compiled.select(whole.fields());
            assertThat(compiled.detachLookups(null, 10)).extracting(l -> l.join().target().name()).containsExactly("account", "user");
            String sql = compiled.sql(null, null, 0, new ArrayList<>());
            assertThat(sql).doesNotContain(" join ").contains("t.\"account_id\"", "t.\"owner_id\"");

            for (Principal p : List.of(t.admin, rep)) {
                Map<Object, List<Object>> viaMaps = streamed(p, whole);
                t.query.streamLimits(1, QueryEngine.H2_PAGE);
                Map<Object, List<Object>> viaJoins = streamed(p, whole);
                t.query.streamLimits(QueryEngine.LOOKUP_MAP_LIMIT, QueryEngine.H2_PAGE);
                // a filter keeps the joins in the statement
                Map<Object, List<Object>> filtered = streamed(p, whole.withWhere(ObjectQl.parse(
                        "{\"object\":\"contact\",\"where\":{\"last_name\":{\"$startsWith\":\"S-\"}}}").where()));
                assertThat(viaMaps).isEqualTo(viaJoins).containsAllEntriesOf(filtered);
                assertThat(filtered).hasSize(4);
                boolean admin = p == t.admin;
                assertThat(filtered.get("S-live")).containsExactly("S-live", admin ? "Stream Live" : null, "admin@example.com",
                        admin ? "SL-1" : null, live);
                assertThat(filtered.get("S-binned")).containsExactly("S-binned", null, "admin@example.com", null, binned);
                assertThat(filtered.get("S-reps")).containsExactly("S-reps", "Rep's Own", "admin@example.com", "SL-2", repsOwn);
                assertThat(filtered.get("S-none")).containsExactly("S-none", null, "admin@example.com", null, null);
            }
        }

        @Test
        void aWholeObjectStreamReadsOneSnapshotAcrossPages() {
            IntStream.range(0, 7).forEach(i -> t.records.create(t.admin, "lead", Map.of("last_name", "Paged " + i, "company", "P")));
            QueryRequest whole = QueryRequest.of("lead").withFields(List.of("last_name"));
            List<Object> before = new ArrayList<>();
            t.query.stream(t.admin, whole.withWhere(ObjectQl.parse("{\"object\":\"lead\",\"where\":{\"last_name\":{\"$null\":false}}}")
                    .where()), m -> before.add(m.get("id")));
            t.query.streamLimits(QueryEngine.LOOKUP_MAP_LIMIT, 3);
            try {
                List<Object> paged = new ArrayList<>();
                // records another user adds and removes while the stream runs belong to a later snapshot: it neither
                // sees nor loses any (another thread: this one's database work would join the stream's transaction)
                t.query.stream(t.admin, whole, m -> {
                    if (paged.isEmpty()) {
                        Thread other = new Thread(() -> {
                            t.records.create(t.admin, "lead", Map.of("last_name", "Added meanwhile", "company", "P"));
                            t.records.delete(t.admin, "lead", (UUID) before.get(before.size() - 1));
                        });
                        other.start();
                        try {
                            other.join();
                        } catch (InterruptedException e) {
                            throw new IllegalStateException(e);
                        }
                    }
                    paged.add(m.get("id"));
                });
                assertThat(t.query.run(t.admin, QueryRequest.of("lead").withWhere(ObjectQl.parse(
                        "{\"object\":\"lead\",\"where\":{\"last_name\":\"Added meanwhile\"}}").where())).records()).hasSize(1);
                assertThat(before).hasSizeGreaterThan(7);
                assertThat(paged).containsExactlyElementsOf(before);
            } finally {
                t.query.streamLimits(QueryEngine.LOOKUP_MAP_LIMIT, QueryEngine.H2_PAGE);
            }
        }

        /** Every streamed record's values but the id, by last name. */
        private Map<Object, List<Object>> streamed(Principal p, QueryRequest q) {
            Map<Object, List<Object>> out = new java.util.HashMap<>();
            t.query.streamRows(p, q, (columns, values) -> {
                assertThat(columns).containsExactly("id", "last_name", "account.name", "owner.email", "account.external_id", "account_id");
                out.put(values[1], java.util.Arrays.asList(values).subList(1, values.length).stream().toList());
            });
            return out;
        }

        @Test
        void aUserWithoutPermissionGetsAClearDenial() {
            Principal reader = t.user("reader@example.com", "read_only");
            assertThatThrownBy(() -> t.records.create(reader, "account", Map.of("name", "Nope")))
                    .isInstanceOfSatisfying(HotCrmException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.PERMISSION_DENIED))
                    .hasMessage("User reader@example.com (role \"read_only\") may not create account records. Ask an administrator"
                            + " to grant \"create\" on account to the role \"read_only\".");
        }
    }
}
