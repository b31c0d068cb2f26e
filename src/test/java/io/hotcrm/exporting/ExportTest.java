package io.hotcrm.exporting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import io.hotcrm.common.ErrorCode;
import io.hotcrm.common.HotCrmException;
import io.hotcrm.importing.ImportListener;
import io.hotcrm.importing.ImportRequest;
import io.hotcrm.importing.ImportSummary;
import io.hotcrm.metadata.FieldDef;
import io.hotcrm.metadata.FieldType;
import io.hotcrm.query.ObjectQl;
import io.hotcrm.query.QueryRequest;
import io.hotcrm.query.ReportResult;
import io.hotcrm.query.Sort;
import io.hotcrm.security.FieldAccess;
import io.hotcrm.security.ObjectPermission;
import io.hotcrm.security.Principal;
import io.hotcrm.security.Visibility;
import io.hotcrm.store.Dialect;
import io.hotcrm.store.StoredRecord;
import io.hotcrm.testing.DialectContract;
import io.hotcrm.testing.TestPlatform;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.dhatim.fastexcel.reader.Cell;
import org.dhatim.fastexcel.reader.CellType;
import org.dhatim.fastexcel.reader.ReadableWorkbook;
import org.dhatim.fastexcel.reader.Row;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Ad-hoc exports on each database: every format with its types, formula neutralisation, lookups as id, name
 * and external id, field-level security and record visibility, export permission, saved views and reports,
 * and round trips through the importer.
 */
class ExportTest {

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

    static final String ACCOUNTS = """
            external_id,name,industry,annual_revenue,website,owner_email
            ACC-1,"Müller & Söhne, GmbH",technology,1250000.50,https://mueller.example,admin@example.com
            ACC-2,Globex,finance,,,admin@example.com
            """;
    static final String CONTACTS = """
            external_id,first_name,last_name,email,phone,title,account_external_id,owner_email,birthdate,interests,score,vip,last_seen,notes,level
            CON-1,Ann,Lee,ann@example.com,+1 555 0100,"=HYPERLINK(""http://evil.example"")",ACC-1,admin@example.com,1980-02-29,Cloud;AI,-5.25,yes,2024-03-10T08:00:00Z,"Line one, ""two""
            three",VP
            CON-2,Zoë,Ødegård,zoe@example.com,,@risk,,admin@example.com,,,,,,,
            CON-3,Bob,Brown,bob@example.com,555 0199,-minus,ACC-2,admin@example.com,1975-12-31,Data,10,no,2023-01-01T00:00:00.5Z,plain,Manager
            """;

    abstract static class Contract extends DialectContract {
        private final Dialect dialect;
        private boolean loaded;

        Contract(Dialect dialect) {
            super(dialect);
            this.dialect = dialect;
        }

        /** Adds the custom fields and imports the accounts and contacts once per database. */
        void load() {
            if (loaded) {
                return;
            }
            loaded = true;
            addFields(t);
            assertThat(importCsv(t, "account", ACCOUNTS).created()).isEqualTo(2);
            assertThat(importCsv(t, "contact", CONTACTS).created()).isEqualTo(3);
        }

        static void addFields(TestPlatform p) {
            Principal sys = Principal.system();
            p.schema.addCustomField(sys, "contact", FieldDef.custom("birthdate", FieldType.DATE, "Birthdate", null, null, false, false, 0, 0));
            p.schema.addCustomField(sys, "contact", FieldDef.custom("interests", FieldType.MULTI_PICKLIST, "Interests",
                    List.of("Cloud", "AI", "Data"), null, false, false, 0, 0));
            p.schema.addCustomField(sys, "contact", FieldDef.custom("score", FieldType.NUMBER, "Score", null, null, false, false, 0, 2));
            p.schema.addCustomField(sys, "contact", FieldDef.custom("vip", FieldType.BOOLEAN, "VIP", null, null, false, false, 0, 0));
            p.schema.addCustomField(sys, "contact", FieldDef.custom("last_seen", FieldType.DATETIME, "Last Seen", null, null, false, false, 0, 0));
        }

        static ImportSummary importCsv(TestPlatform p, String object, String csv) {
            try {
                Path f = Files.createTempFile(p.workDir, object, ".csv");
                Files.writeString(f, csv, StandardCharsets.UTF_8);
                return importFile(p, f, object);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        static ImportSummary importFile(TestPlatform p, Path f, String object) {
            ImportSummary s = p.importer.run(p.admin, ImportRequest.of(f, object), ImportListener.NONE);
            assertThat(s.problems()).as(object + " import problems").isEmpty();
            return s;
        }

        static StoredRecord byExt(TestPlatform p, String object, String externalId) {
            Object id = p.query.run(p.admin, ObjectQl.parse("{\"object\": \"" + object + "\", \"fields\": [\"id\"],"
                    + " \"where\": {\"external_id\": \"" + externalId + "\"}}")).records().get(0).get("id");
            return p.records.get(p.admin, object, (java.util.UUID) id);
        }

        byte[] export(Principal p, ExportRequest r) throws IOException {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            t.exporter.export(p, r, out);
            return out.toByteArray();
        }

        static List<Map<String, String>> csv(byte[] bytes) throws IOException {
            List<Map<String, String>> rows = new ArrayList<>();
            try (CsvReader<CsvRecord> r = CsvReader.builder().ofCsvRecord(new String(bytes, StandardCharsets.UTF_8))) {
                List<String> header = null;
                for (CsvRecord rec : r) {
                    if (header == null) {
                        header = rec.getFields();
                        continue;
                    }
                    Map<String, String> m = new LinkedHashMap<>();
                    for (int i = 0; i < header.size(); i++) {
                        m.put(header.get(i), rec.getField(i));
                    }
                    rows.add(m);
                }
            }
            return rows;
        }

        static ExportRequest contacts(ExportFormat f) {
            return new ExportRequest("contact", null, ObjectQl.parseWhere("{\"external_id\": {\"$startsWith\": \"CON-\"}}"), List.of(),
                    List.of(new Sort("external_id", false)), ExportOptions.of(f));
        }

        @Test
        void csvHasIsoValuesLookupsAsIdNameAndExternalIdAndNeutralisedFormulas() throws IOException {
            load();
            byte[] bytes = export(t.admin, contacts(ExportFormat.CSV));
            String text = new String(bytes, StandardCharsets.UTF_8);
            assertThat(text).startsWith("id,external_id,").contains("\r\n").doesNotStartWith("\uFEFF");
            List<Map<String, String>> rows = csv(bytes);
            assertThat(rows).extracting(m -> m.get("external_id")).containsExactly("CON-1", "CON-2", "CON-3");
            Map<String, String> ann = rows.get(0);
            assertThat(ann).doesNotContainKeys("account_id", "owner_id");
            assertThat(ann).containsEntry("account_name", "Müller & Söhne, GmbH").containsEntry("account_external_id", "ACC-1")
                    .containsEntry("owner_email", "admin@example.com")
                    .containsEntry("owner_name", "Admin")
                    .containsEntry("birthdate", "1980-02-29").containsEntry("interests", "Cloud;AI").containsEntry("score", "-5.25")
                    .containsEntry("vip", "true").containsEntry("last_seen", "2024-03-10T08:00:00Z")
                    .containsEntry("notes", "Line one, \"two\"\nthree").containsEntry("level", "VP")
                    // text a spreadsheet would run gets an apostrophe; numbers never do
                    .containsEntry("title", "'=HYPERLINK(\"http://evil.example\")").containsEntry("phone", "'+1 555 0100");
            assertThat(rows.get(1)).containsEntry("title", "'@risk").containsEntry("account_external_id", "").containsEntry("account_name", "")
                    .containsEntry("first_name", "Zoë").containsEntry("last_name", "Ødegård");
            assertThat(rows.get(2)).containsEntry("title", "'-minus").containsEntry("last_seen", "2023-01-01T00:00:00.500Z");
        }

        @Test
        void neutralisationCanBeTurnedOffAndABomAdded() throws IOException {
            load();
            ExportRequest r = new ExportRequest("contact", null, ObjectQl.parseWhere("{\"external_id\": \"CON-1\"}"),
                    List.of("external_id", "title", "phone"), List.of(), new ExportOptions(ExportFormat.CSV, true, false, false));
            byte[] bytes = export(t.admin, r);
            assertThat(bytes).startsWith((byte) 0xEF, (byte) 0xBB, (byte) 0xBF);
            String text = new String(bytes, 3, bytes.length - 3, StandardCharsets.UTF_8);
            assertThat(text).isEqualTo("external_id,title,phone\r\n"
                    + "CON-1,\"=HYPERLINK(\"\"http://evil.example\"\")\",+1 555 0100\r\n");
        }

        @Test
        void anExportReimportsUnchangedAndAnEditedExportUpdatesOnlyTheEdit() throws IOException {
            load();
            Path file = t.workDir.resolve("roundtrip-" + dialect + ".csv");
            Files.write(file, export(t.admin, contacts(ExportFormat.CSV)));
            ImportSummary again = importFile(t, file, "contact");
            assertThat(again.unchanged()).isEqualTo(3);
            assertThat(again.created() + again.updated() + again.failed()).isZero();

            String edited = Files.readString(file).replace("Manager", "Director");
            Files.writeString(file, edited);
            ImportSummary update = importFile(t, file, "contact");
            assertThat(update.updated()).isEqualTo(1);
            assertThat(update.unchanged()).isEqualTo(2);
            assertThat(byExt(t, "contact", "CON-3").get("level")).isEqualTo("Director");
            assertThat(byExt(t, "contact", "CON-1").get("title")).isEqualTo("=HYPERLINK(\"http://evil.example\")");
            Files.writeString(file, edited.replace("Director", "Manager"));
            importFile(t, file, "contact");
        }

        @Test
        void accountsExportedFromOneDatabaseImportAsIdenticalRecordsIntoAnother() throws IOException {
            load();
            byte[] bytes = export(t.admin, new ExportRequest("account", null, null, List.of(), List.of(new Sort("external_id", false)),
                    ExportOptions.of(ExportFormat.CSV)));
            Path file = t.workDir.resolve("accounts-" + dialect + ".csv");
            Files.write(file, bytes);
            try (TestPlatform other = new TestPlatform(dialect)) {
                ImportSummary s = importFile(other, file, "account");
                assertThat(s.created()).isEqualTo(2);
                for (String ext : List.of("ACC-1", "ACC-2")) {
                    StoredRecord a = byExt(t, "account", ext);
                    StoredRecord b = byExt(other, "account", ext);
                    Map<String, Object> fa = new LinkedHashMap<>(a.fields());
                    Map<String, Object> fb = new LinkedHashMap<>(b.fields());
                    assertThat(fb.remove("owner_id")).isEqualTo(other.admin.userId());
                    assertThat(fa.remove("owner_id")).isEqualTo(t.admin.userId());
                    assertThat(fb).as(ext).isEqualTo(fa);
                }
            }
        }

        @Test
        void fieldsTheUserMayNotReadAreLeftOutAndListedAndOnlyVisibleRecordsExported() throws IOException {
            load();
            t.security.roles().create(t.admin, "exp_rep", "Rep");
            t.security.roles().grant(t.admin, "exp_rep", "*", new ObjectPermission(true, true, true, false, true, Visibility.OWN));
            t.security.roles().setFieldAccess(t.admin, "exp_rep", "contact", "phone", new FieldAccess(false, false));
            Principal rep = t.user("exp-rep@example.com", "exp_rep");
            t.records.create(rep, "contact", Map.of("last_name", "Mine"));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ExportSummary s = t.exporter.export(rep, new ExportRequest("contact", null, null, List.of(), List.of(),
                    ExportOptions.of(ExportFormat.CSV)), out);
            assertThat(s.omittedFields()).contains("phone");
            assertThat(s.columns()).doesNotContain("phone").contains("last_name");
            List<Map<String, String>> rows = csv(out.toByteArray());
            assertThat(rows).extracting(m -> m.get("last_name")).containsExactly("Mine");
            assertThat(rows.get(0)).doesNotContainKey("phone");
            assertThat(s.rows()).isEqualTo(1);

            ExportSummary named = t.exporter.export(rep, new ExportRequest("contact", null, null, List.of("last_name", "phone"),
                    List.of(), ExportOptions.of(ExportFormat.CSV)), new ByteArrayOutputStream());
            assertThat(named.columns()).containsExactly("last_name");
            assertThat(named.omittedFields()).containsExactly("phone");
        }

        @Test
        void exportNeedsTheExportPermission() {
            load();
            t.security.roles().create(t.admin, "exp_reader", "Reader");
            t.security.roles().grant(t.admin, "exp_reader", "*", new ObjectPermission(true, false, false, false, false, Visibility.ALL));
            Principal reader = t.user("exp-reader@example.com", "exp_reader");
            assertThatThrownBy(() -> export(reader, contacts(ExportFormat.CSV)))
                    .isInstanceOfSatisfying(HotCrmException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.PERMISSION_DENIED))
                    .hasMessageContaining("may not export contact records");
        }

        @Test
        void aSavedListViewExportsItsColumnsFilterAndOrder() throws IOException {
            load();
            t.exporter.views().save(t.admin, "VIPs by name", """
                    {"object": "contact", "fields": ["last_name", "email", "account.name"],
                     "where": {"vip": true}, "orderBy": [{"field": "last_name", "order": "desc"}]}""", true);
            t.records.create(t.admin, "contact", Map.of("last_name", "Young", "email", "young@example.com", "vip", "true"));
            List<Map<String, String>> rows = csv(export(t.admin, ExportRequest.view("contact", "VIPs by name", ExportOptions.of(ExportFormat.CSV))));
            assertThat(rows).extracting(m -> m.get("last_name")).containsExactly("Young", "Lee");
            assertThat(rows.get(1).keySet()).containsExactly("last_name", "email", "account_name");
            assertThat(rows.get(1)).containsEntry("account_name", "Müller & Söhne, GmbH");

            Principal other = t.user("view-other@example.com", "admin");
            assertThatThrownBy(() -> t.exporter.views().delete(t.user("view-rep@example.com", "standard"), "contact", "VIPs by name"))
                    .isInstanceOfSatisfying(HotCrmException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.PERMISSION_DENIED));
            assertThat(t.exporter.views().list(other, "contact")).extracting(io.hotcrm.query.Views.View::name).contains("VIPs by name");
        }

        @Test
        void aReportGroupsAndTotalsAndExportsOneRowPerGroup() throws IOException {
            load();
            t.exporter.views().save(t.admin, "Score by level", """
                    {"object": "contact", "where": {"external_id": {"$startsWith": "CON-"}}, "groupBy": ["level"],
                     "aggregates": [{"fn": "count"}, {"fn": "sum", "field": "score"}, {"fn": "max", "field": "birthdate"}]}""", false);
            ReportResult r = t.query.report(t.admin, t.exporter.views().get(t.admin, "contact", "Score by level").request());
            assertThat(r.columns()).containsExactly("level", "count", "sum_score", "max_birthdate");
            assertThat(r.rows()).hasSize(3);
            assertThat(r.rows().get(0)).containsEntry("level", "Manager").containsEntry("count", 1L)
                    .containsEntry("max_birthdate", LocalDate.of(1975, 12, 31));
            assertThat((BigDecimal) r.rows().get(0).get("sum_score")).isEqualByComparingTo("10");
            assertThat(r.rows().get(2)).containsEntry("level", null).containsEntry("count", 1L);
            assertThat(r.totals()).containsEntry("count", 3L);
            assertThat((BigDecimal) r.totals().get("sum_score")).isEqualByComparingTo("4.75");

            List<Map<String, String>> rows = csv(export(t.admin, ExportRequest.view("contact", "Score by level", ExportOptions.of(ExportFormat.CSV))));
            assertThat(rows).extracting(m -> m.get("level") + "|" + m.get("count") + "|" + m.get("sum_score"))
                    .containsExactly("Manager|1|10.00", "VP|1|-5.25", "|1|");
            assertThatThrownBy(() -> t.exporter.views().save(t.admin, "Bad", "{\"object\": \"contact\", \"groupBy\": [\"level\"],"
                    + " \"aggregates\": [{\"fn\": \"sum\", \"field\": \"last_name\"}]}", false))
                    .isInstanceOfSatisfying(HotCrmException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_QUERY))
                    .hasMessage("sum needs a number field; last_name is a text field.");
            assertThat(t.exporter.views().find(t.admin, "contact", "Bad")).isEmpty();
        }

        @Test
        void parquetHasRealColumnTypesReadByDuckDb() throws Exception {
            load();
            Path file = t.workDir.resolve("contacts-" + dialect + ".parquet");
            Files.write(file, export(t.admin, contacts(ExportFormat.PARQUET)));
            try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement()) {
                Map<String, String> types = new LinkedHashMap<>();
                try (ResultSet rs = st.executeQuery("describe select * from read_parquet('" + file + "')")) {
                    while (rs.next()) {
                        types.put(rs.getString("column_name"), rs.getString("column_type"));
                    }
                }
                assertThat(types).containsEntry("id", "VARCHAR").containsEntry("first_name", "VARCHAR")
                        .containsEntry("birthdate", "DATE").containsEntry("score", "DECIMAL(18,2)").containsEntry("vip", "BOOLEAN")
                        .containsEntry("last_seen", "TIMESTAMP WITH TIME ZONE").containsEntry("interests", "VARCHAR[]")
                        .containsEntry("created_at", "TIMESTAMP WITH TIME ZONE").containsEntry("account_name", "VARCHAR");
                try (ResultSet rs = st.executeQuery("select external_id, birthdate, score, vip, epoch_ms(last_seen), interests, title,"
                        + " account_external_id from read_parquet('" + file + "') order by external_id")) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).isEqualTo("CON-1");
                    assertThat(rs.getObject(2, LocalDate.class)).isEqualTo(LocalDate.of(1980, 2, 29));
                    assertThat(rs.getBigDecimal(3)).isEqualByComparingTo("-5.25");
                    assertThat(rs.getBoolean(4)).isTrue();
                    assertThat(rs.getLong(5)).isEqualTo(java.time.Instant.parse("2024-03-10T08:00:00Z").toEpochMilli());
                    assertThat(rs.getString(6)).isEqualTo("[Cloud, AI]");
                    assertThat(rs.getString(7)).as("no spreadsheet, no neutralisation").isEqualTo("=HYPERLINK(\"http://evil.example\")");
                    assertThat(rs.getString(8)).isEqualTo("ACC-1");
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getObject(2)).isNull();
                    assertThat(rs.getObject(3)).isNull();
                    assertThat(rs.getObject(4)).isNull();
                }
            }
        }

        @Test
        void excelCellsAreTypedAndJsonLinesUseJsonTypes() throws IOException {
            load();
            byte[] xlsx = export(t.admin, contacts(ExportFormat.XLSX));
            try (InputStream in = new java.io.ByteArrayInputStream(xlsx); ReadableWorkbook wb = new ReadableWorkbook(in)) {
                List<Row> rows = wb.getFirstSheet().read();
                assertThat(wb.getFirstSheet().getName()).isEqualTo("Contacts");
                List<String> header = rows.get(0).stream().map(Cell::getRawValue).toList();
                Row ann = rows.get(1);
                assertThat(ann.getCell(header.indexOf("score")).getType()).isEqualTo(CellType.NUMBER);
                assertThat(ann.getCell(header.indexOf("score")).asNumber()).isEqualByComparingTo("-5.25");
                assertThat(ann.getCell(header.indexOf("birthdate")).asDate().toLocalDate()).isEqualTo(LocalDate.of(1980, 2, 29));
                assertThat(ann.getCell(header.indexOf("vip")).getType()).isEqualTo(CellType.BOOLEAN);
                assertThat(ann.getCell(header.indexOf("title")).getType()).isEqualTo(CellType.STRING);
                assertThat(ann.getCell(header.indexOf("title")).getText()).isEqualTo("=HYPERLINK(\"http://evil.example\")");
                assertThat(rows).hasSize(4);
            }

            String jsonl = new String(export(t.admin, contacts(ExportFormat.JSONL)), StandardCharsets.UTF_8);
            List<JsonNode> lines = jsonl.lines().map(l -> {
                try {
                    return new ObjectMapper().readTree(l);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).collect(Collectors.toList());
            assertThat(lines).hasSize(3);
            JsonNode a = lines.get(0);
            assertThat(a.get("score").isNumber()).isTrue();
            assertThat(a.get("score").decimalValue()).isEqualByComparingTo("-5.25");
            assertThat(a.get("vip").isBoolean()).isTrue();
            assertThat(a.get("interests").isArray()).isTrue();
            assertThat(a.get("interests").get(1).asText()).isEqualTo("AI");
            assertThat(a.get("birthdate").asText()).isEqualTo("1980-02-29");
            assertThat(a.get("last_seen").asText()).isEqualTo("2024-03-10T08:00:00Z");
            assertThat(lines.get(1).get("birthdate").isNull()).isTrue();
        }

        @Test
        void aQueryWithAnUnknownFieldIsAClearError() {
            load();
            assertThatThrownBy(() -> export(t.admin, ExportRequest.of(QueryRequest.of("contact").withFields(List.of("emial")),
                    ExportOptions.of(ExportFormat.CSV))))
                    .isInstanceOfSatisfying(HotCrmException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_QUERY))
                    .hasMessageContaining("no field \"emial\"");
        }
    }
}
