package io.hotcrm.importing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hotcrm.mapping.Formats;
import io.hotcrm.query.ObjectQl;
import io.hotcrm.security.Principal;
import io.hotcrm.store.Dialect;
import io.hotcrm.testing.DialectContract;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A small migration end to end on each database, in the order a customer does it: users, products,
 * accounts, contacts, leads, opportunities, cases, contracts — each referring to what came before by
 * email, name or external id — then a workbook.
 */
class ImportObjectsTest {

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

    @TestMethodOrder(org.junit.jupiter.api.MethodOrderer.MethodName.class)
    abstract static class Contract extends DialectContract {
        Contract(Dialect dialect) {
            super(dialect);
        }

        ImportSummary load(String object, String csv) {
            return load(object, csv, null);
        }

        ImportSummary load(String object, String csv, Formats formats) {
            try {
                Path dir = Files.createDirectories(t.workDir.resolve("objects"));
                Path f = Files.writeString(dir.resolve(object + ".csv"), csv, StandardCharsets.UTF_8);
                ImportSummary s = t.importer.run(t.admin, ImportRequest.of(f, object).withFormats(formats == null ? null : Formats.Overrides.all(formats)), ImportListener.NONE);
                assertThat(s.problems()).as(object).isEmpty();
                assertThat(s.failed()).as(object).isZero();
                return s;
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        List<Map<String, Object>> query(String json) {
            return t.query.run(t.admin, ObjectQl.parse(json)).records();
        }

        @Test
        void a_usersComeFirstAndTheirRolesAreChecked() throws IOException {
            ImportSummary s = load("user", "Email,Full Name,Role,Department\nrep1@example.com,Rita Rep,Standard,Sales\n"
                    + "rep2@example.com,Sam Rep,,Sales\n");
            assertThat(s.created()).isEqualTo(2);
            Principal rep = t.security.users().principal("rep2@example.com");
            assertThat(rep.role().name()).isEqualTo("standard");
            Path bad = Files.writeString(t.workDir.resolve("users-bad.csv"), "Email,Full Name,Role\nx@example.com,X,wizard\n");
            ImportSummary failed = t.importer.run(t.admin, ImportRequest.of(bad, "user"), ImportListener.NONE);
            assertThat(failed.problems().get(0).message()).contains("There is no role \"wizard\". Roles: admin, read_only, standard");
            assertThatThrownBy(() -> t.importer.run(rep, ImportRequest.of(bad, "user"), ImportListener.NONE))
                    .hasMessageContaining("may not import users");
        }

        @Test
        void a_usersExportedFromSalesforceAndHubSpotGetTheirNameComposedFromFirstAndLastName() throws IOException {
            ImportSummary sf = load("user", "Username,Email,FirstName,LastName,Title,IsActive\n"
                    + "ada@acme.example.sf,ada@example.com,Ada,Lovelace,CTO,true\n"
                    + "cher@acme.example.sf,cher@example.com,,Cher,Singer,true\n");
            assertThat(sf.created()).as(sf.problems().toString()).isEqualTo(2);
            ImportSummary hs = load("user", "First Name,Last Name,Email,Team\n Grace , Hopper ,grace@example.com,Navy\n");
            assertThat(hs.created()).as(hs.problems().toString()).isEqualTo(1);
            assertThat(query("{\"object\":\"user\",\"fields\":[\"email\",\"name\"],\"where\":{\"email\":{\"$in\":"
                    + "[\"ada@example.com\",\"cher@example.com\",\"grace@example.com\"]}},\"orderBy\":[{\"field\":\"email\"}]}"))
                    .extracting(r -> r.get("email") + "=" + r.get("name"))
                    .containsExactly("ada@example.com=Ada Lovelace", "cher@example.com=Cher", "grace@example.com=Grace Hopper");
            Path mapped = Files.writeString(t.workDir.resolve("users-mapped.csv"), "mail,given,family\nlin@example.com,Lin,Ho\n");
            ImportSummary viaMapping = t.importer.run(t.admin, ImportRequest.of(mapped, "user").withMapping(io.hotcrm.mapping.Mapping.parse(
                    "{\"columns\":{\"mail\":\"email\"},\"compose\":{\"name\":[\"given\",\"family\"]}}", "test")),
                    ImportListener.NONE);
            assertThat(viaMapping.created()).isEqualTo(1);
            assertThat(viaMapping.ignoredColumns()).isEmpty();
            assertThatThrownBy(() -> t.importer.run(t.admin, ImportRequest.of(mapped, "user").withMapping(io.hotcrm.mapping.Mapping.parse(
                    "{\"columns\":{\"mail\":\"email\"},\"compose\":{\"name\":[\"given\",\"surname\"]}}", "test")),
                    ImportListener.NONE)).hasMessageContaining("composes name from the column \"surname\", which the file does not have");
        }

        @Test
        void b_productsAccountsContactsAndLeads() {
            assertThat(load("product", "Product Code,Product Name,List Price,Active\nP-1,Widget,\"1,499.00\",yes\n"
                    + "P-2,Gadget,20,no\n").created()).isEqualTo(2);
            assertThat(load("account", "Id,Name,Industry,OwnerId,BillingCity,AnnualRevenue\n"
                    + "001A,Acme,Technology,rep1@example.com,München,1000000\n001B,Globex,finance,rep2@example.com,Zürich,\n")
                    .created()).isEqualTo(2);
            assertThat(load("contact", "Id,FirstName,LastName,Email,AccountId,Title\n003A,Ann,Lee,ann@acme.example,001A,CEO\n"
                    + "003B,Bob,Ray,bob@globex.example,001B,\n").created()).isEqualTo(2);
            assertThat(load("lead", "firstname,lastname,company,email,hs_lead_status\nLia,Kim,Initech,lia@initech.example,contacted\n")
                    .created()).isEqualTo(1);
            assertThat(query("{\"object\":\"account\",\"fields\":[\"name\",\"billing_city\",\"owner.email\"],"
                    + "\"where\":{\"external_id\":\"001A\"}}").get(0)).containsEntry("billing_city", "München")
                    .containsEntry("owner.email", "rep1@example.com");
        }

        @Test
        void c_opportunitiesCasesAndContractsReferToAccountsAndContacts() {
            ImportSummary opp = load("opportunity", "Opportunity Name,Account,Contact Email,Close Date,Stage,Amount\n"
                    + "Acme renewal,Acme,ann@acme.example,31.12.2026,prospecting,\"12.500,00\"\n",
                    new Formats("dd.MM.yyyy", Formats.zone("Europe/Berlin"), true));
            assertThat(opp.created()).isEqualTo(1);
            assertThat(query("{\"object\":\"opportunity\",\"fields\":[\"close_date\",\"amount\",\"account.name\",\"contact.email\"],"
                    + "\"where\":{\"name\":\"Acme renewal\"}}").get(0))
                    .containsEntry("close_date", java.time.LocalDate.of(2026, 12, 31))
                    .containsEntry("account.name", "Acme").containsEntry("contact.email", "ann@acme.example");
            assertThat(load("case", "Case Number,Subject,Description,Status,Priority,Origin,Account External ID,Contact Email\n"
                    + "CS-1,Broken widget,\"It broke.\nTwice.\",new,high,email,001A,ann@acme.example\n").created()).isEqualTo(1);
            assertThat(load("contract", "Contract Number,Account,Status,Start Date,Contract Value\n"
                    + "K-1,Globex,draft,2026-01-01,50000\n").created()).isEqualTo(1);
            assertThat(query("{\"object\":\"case\",\"fields\":[\"description\",\"account.name\"],\"where\":{\"case_number\":\"CS-1\"}}")
                    .get(0)).containsEntry("description", "It broke.\nTwice.").containsEntry("account.name", "Acme");
        }

        @Test
        void d_aWorkbookSheetImportsWithDateCells() throws URISyntaxException {
            Path xlsx = Path.of(ImportObjectsTest.class.getResource("/io/hotcrm/importing/contacts.xlsx").toURI());
            ImportSummary s = t.importer.run(t.admin, ImportRequest.of(xlsx, "contact")
                    .withSource(new SourceOptions(null, null, "Contacts")), ImportListener.NONE);
            assertThat(s).extracting(ImportSummary::created, ImportSummary::failed).containsExactly(2L, 0L);
            assertThat(s.ignoredColumns()).contains("Last Contact Date", "Met At", "Score", "Double Score");
            assertThat(query("{\"object\":\"contact\",\"fields\":[\"last_name\",\"is_decision_maker\"],"
                    + "\"where\":{\"external_id\":\"C-2\"}}").get(0)).containsEntry("last_name", "Nguyễn Văn")
                    .containsEntry("is_decision_maker", false);
        }
    }
}
