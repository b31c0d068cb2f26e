package io.hotcrm.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hotcrm.common.ErrorCode;
import io.hotcrm.common.HotCrmException;
import io.hotcrm.common.Problem;
import io.hotcrm.metadata.FieldDef;
import io.hotcrm.metadata.FieldType;
import io.hotcrm.query.ObjectQl;
import io.hotcrm.query.QueryResult;
import io.hotcrm.testing.DialectContract;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class RecordStoreTest {

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

        @Test
        void aTextColumnTheCatalogueLengthenedIsWidenedOnTheNextStartWithItsValuesKept() {
            t.db.jdbi().useHandle(h -> {
                h.execute("alter table obj_note alter column parent_id set data type varchar(18)");
                h.execute("insert into obj_note (id, title, body, parent_id, parent_type, owner_id, created_at, updated_at, change_seq)"
                        + " values ('01a20000-0000-7000-8000-000000000001', 'T', 'B', '001Rz0000000001AAA', 'Account', null,"
                        + " current_timestamp, current_timestamp, 1)");
            });
            new Schema(t.db, io.hotcrm.metadata.Catalogue.standard()).sync();
            int length = t.db.jdbi().withHandle(h -> h.createQuery("select character_maximum_length from information_schema.columns"
                    + " where table_schema = current_schema() and table_name = 'obj_note' and column_name = 'parent_id'")
                    .mapTo(Integer.class).one());
            assertThat(length).isEqualTo(36);
            String kept = t.db.jdbi().withHandle(h -> h.createQuery("select parent_id from obj_note").mapTo(String.class).one());
            assertThat(kept).isEqualTo("001Rz0000000001AAA");
        }

        @Test
        void loadsTheStandardCatalogueIntoOneTablePerObject() {
            assertThat(t.schema.catalogue().objects()).hasSize(22);
            int tables = t.db.jdbi().withHandle(h -> h.createQuery("select count(*) from information_schema.tables"
                    + " where table_schema = current_schema() and table_name like 'obj\\_%' escape '\\'").mapTo(Integer.class).one());
            assertThat(tables).isEqualTo(22);
        }

        @Test
        void purgingTheRecycleBinDeletesForGoodAndClearsLookupsToThePurgedRecords() {
            StoredRecord acc = t.records.create(t.admin, "account", Map.of("name", "Purge Co"));
            StoredRecord kept = t.records.create(t.admin, "account", Map.of("name", "Kept Co"));
            StoredRecord con = t.records.create(t.admin, "contact", Map.of("last_name", "Pu", "account_id", acc.id().toString()));
            t.records.delete(t.admin, "account", acc.id());
            List<io.hotcrm.metadata.ObjectDef> objects = t.recycleBin.objects(t.admin, List.of("account"));
            java.time.OffsetDateTime cutoff = java.time.OffsetDateTime.now().plusSeconds(1);
            assertThat(t.recycleBin.count(t.admin, objects, cutoff).get("account")).isGreaterThanOrEqualTo(1L);
            assertThat(t.recycleBin.count(t.admin, objects, cutoff.minusDays(1))).doesNotContainKey("account");

            assertThat(t.recycleBin.purge(t.admin, objects.get(0), cutoff)).isGreaterThanOrEqualTo(1);
            assertThatThrownBy(() -> t.records.get(t.admin, "account", acc.id()))
                    .isInstanceOfSatisfying(HotCrmException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
            StoredRecord after = t.records.get(t.admin, "contact", con.id());
            assertThat(after.get("account_id")).isNull();
            assertThat(after.changeSeq()).isGreaterThan(con.changeSeq());
            assertThat(t.records.get(t.admin, "account", kept.id()).get("name")).isEqualTo("Kept Co");
            assertThat(t.recycleBin.objects(t.admin, List.of())).extracting(io.hotcrm.metadata.ObjectDef::name)
                    .contains("account", "lead").doesNotContain("user");

            io.hotcrm.security.Principal reader = t.user("purge-reader@example.com", "read_only");
            assertThatThrownBy(() -> t.recycleBin.objects(reader, List.of("account")))
                    .isInstanceOfSatisfying(HotCrmException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.PERMISSION_DENIED))
                    .hasMessageContaining("may not delete account records");
            assertThat(t.recycleBin.objects(reader, List.of())).isEmpty();
        }

        @Test
        void createsReadsUpdatesDeletesAndRestoresARecord() {
            StoredRecord a = t.records.create(t.admin, "account", Map.of("name", "Acme", "industry", "technology",
                    "annual_revenue", "1200.50", "next_renewal_date", "2026-03-01", "external_id", "ACC-1"));
            assertThat(a.get("industry")).isEqualTo("Technology");
            assertThat((BigDecimal) a.get("annual_revenue")).isEqualByComparingTo("1200.5");
            assertThat(a.get("next_renewal_date")).isEqualTo(LocalDate.of(2026, 3, 1));
            assertThat(a.get("owner_id")).isEqualTo(t.admin.userId());
            assertThat(a.externalId()).isEqualTo("ACC-1");

            StoredRecord b = t.records.update(t.admin, "account", a.id(), Map.of("rating", "HOT"));
            assertThat(b.get("rating")).isEqualTo("Hot");
            assertThat(b.changeSeq()).isGreaterThan(a.changeSeq());

            t.records.delete(t.admin, "account", a.id());
            assertThat(t.records.get(t.admin, "account", a.id()).deleted()).isTrue();
            assertThat(t.records.restore(t.admin, "account", a.id()).deleted()).isFalse();
        }

        @Test
        void reportsEveryProblemOfAnInvalidRecordAtOnce() {
            assertThatThrownBy(() -> t.records.create(t.admin, "contact", Map.of("email", "bob@", "salutation", "Sir",
                    "nickname", "B")))
                    .isInstanceOfSatisfying(HotCrmException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.VALIDATION_FAILED);
                        assertThat(e.details()).extracting(Problem::message).containsExactlyInAnyOrder(
                                "Email: \"bob@\" is not an email address.",
                                "Salutation: \"Sir\" is not one of the allowed values (Mr., Ms., Dr., Prof.).",
                                "Object \"contact\" has no field \"nickname\".",
                                "Last Name (last_name) is required.");
                    });
            assertThat(count("contact")).isZero();
        }

        @Test
        void rejectsADuplicateUniqueValueNamingTheField() {
            t.records.create(t.admin, "product", Map.of("name", "Widget", "product_code", "W-1"));
            assertThatThrownBy(() -> t.records.create(t.admin, "product", Map.of("name", "Widget 2", "product_code", "W-1")))
                    .isInstanceOfSatisfying(HotCrmException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT);
                        assertThat(e.details().get(0).field()).isEqualTo("product_code");
                    });
        }

        @Test
        void aCustomFieldAddedAtRuntimeIsWritableAndQueryable() {
            t.schema.addCustomField(t.admin, "account", FieldDef.custom("legacy_tier", FieldType.PICKLIST, "Legacy Tier",
                    List.of("Gold", "Silver"), null, false, false, 0, 0));
            StoredRecord a = t.records.create(t.admin, "account", Map.of("name", "Tiered", "legacy_tier", "gold"));
            assertThat(a.get("legacy_tier")).isEqualTo("Gold");
            QueryResult r = t.query.run(t.admin, ObjectQl.parse(
                    "{\"object\":\"account\",\"fields\":[\"name\",\"legacy_tier\"],\"where\":{\"legacy_tier\":\"Gold\"}}"));
            assertThat(r.records()).extracting(m -> m.get("name")).containsExactly("Tiered");
        }

        @Test
        void batchInsertStoresEveryFieldTypeExactlyAsGiven() {
            io.hotcrm.security.Principal sys = io.hotcrm.security.Principal.system();
            t.schema.addCustomField(sys, "opportunity", FieldDef.custom("rt_when", FieldType.DATETIME, "When", null, null, false, false, 0, 0));
            t.schema.addCustomField(sys, "opportunity", FieldDef.custom("rt_flag", FieldType.BOOLEAN, "Flag", null, null, false, false, 0, 0));
            t.schema.addCustomField(sys, "opportunity", FieldDef.custom("rt_tags", FieldType.MULTI_PICKLIST, "Tags",
                    List.of("A", "B", "C"), null, false, false, 0, 0));
            t.schema.addCustomField(sys, "opportunity", FieldDef.custom("rt_ratio", FieldType.NUMBER, "Ratio", null, null, false, false, 0, 6));
            io.hotcrm.metadata.ObjectDef o = t.schema.object("opportunity");
            List<FieldDef> cols = java.util.stream.Stream.of("name", "amount", "close_date", "rt_when", "rt_flag", "rt_tags", "rt_ratio")
                    .map(o::requireField).toList();
            Object[][] values = {
                {"Plain", new BigDecimal("0.00"), LocalDate.of(2000, 1, 1), java.time.OffsetDateTime.parse("2000-01-01T00:00:00Z"), true, List.of("A"), new BigDecimal("0.000001")},
                {"Quote \"q\", comma, back\\slash\nnew line", new BigDecimal("-12345678.90"), LocalDate.of(1899, 12, 31),
                    java.time.OffsetDateTime.parse("1969-07-20T20:17:40.123456Z"), false, List.of("A", "C"), new BigDecimal("-0.5")},
                {"Zoë 李 Ødegård", new BigDecimal("9999999999999999.99"), LocalDate.of(2024, 2, 29),
                    java.time.OffsetDateTime.parse("2038-01-19T03:14:08.000001Z"), null, null, new BigDecimal("123456789012.000100")},
                {"Nulls", null, null, null, null, null, new BigDecimal("10000")},
            };
            List<RecordBatch.NewRecord> rows = new java.util.ArrayList<>();
            for (Object[] v : values) {
                rows.add(new RecordBatch.NewRecord(io.hotcrm.common.Ids.newId(), v));
            }
            java.time.OffsetDateTime stamp = java.time.OffsetDateTime.parse("2026-11-25T10:15:30.5Z");
            t.db.jdbi().useTransaction(h -> new RecordBatch(t.db, t.schema).insert(h, o, cols, rows, stamp, t.admin.userId()));
            for (int r = 0; r < values.length; r++) {
                StoredRecord got = t.records.get(t.admin, "opportunity", rows.get(r).id());
                for (int c = 0; c < cols.size(); c++) {
                    Object want = values[r][c];
                    Object have = got.get(cols.get(c).name());
                    if (want instanceof BigDecimal w) {
                        assertThat((BigDecimal) have).as(cols.get(c).name()).isEqualByComparingTo(w);
                    } else if (want instanceof java.time.OffsetDateTime w) {
                        assertThat(((java.time.OffsetDateTime) have).toInstant()).as(cols.get(c).name()).isEqualTo(w.toInstant());
                    } else {
                        assertThat(have).as(cols.get(c).name()).isEqualTo(want);
                    }
                }
                assertThat(got.createdAt().toInstant()).isEqualTo(stamp.toInstant());
                assertThat(got.updatedAt().toInstant()).isEqualTo(stamp.toInstant());
                assertThat(got.createdBy()).isEqualTo(t.admin.userId());
                assertThat(got.changeSeq()).isPositive();
            }
        }

        long count(String object) {
            return t.db.jdbi().withHandle(h -> h.createQuery("select count(*) from obj_" + object).mapTo(Long.class).one());
        }
    }
}
