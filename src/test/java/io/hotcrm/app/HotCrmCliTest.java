package io.hotcrm.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.hotcrm.security.Principal;
import io.hotcrm.store.StoredRecord;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line on the real composition root and an embedded H2 data directory, as a user runs it. */
class HotCrmCliTest {
    @TempDir
    Path data;
    final io.hotcrm.testing.CliRun cli = new io.hotcrm.testing.CliRun();

    int run(String... args) {
        return runWith(Map.of(), args);
    }

    int runWith(Map<String, String> env, String... args) {
        return cli.run(data, env, args);
    }

    String out() {
        return cli.out();
    }

    HotCrm open() {
        return HotCrm.open(Config.from(data, Map.of()));
    }

    @Test
    void purgingTheRecycleBinRunsAsAJobAndClearsLookupsToPurgedRecords() {
        UUID account;
        UUID contact;
        long seqBefore;
        try (HotCrm hc = open()) {
            hc.security().users().add(Principal.system(), "ann@example.com", "Ann Admin", "admin", null);
            Principal sys = hc.security().users().principal("ann@example.com");
            account = hc.records().create(sys, "account", Map.of("name", "Old Co")).id();
            hc.records().create(sys, "account", Map.of("name", "Kept Co"));
            StoredRecord c = hc.records().create(sys, "contact", Map.of("last_name", "Lee", "account_id", account.toString()));
            contact = c.id();
            hc.records().delete(sys, "account", account);
            seqBefore = hc.records().get(sys, "contact", contact).changeSeq();
        }

        assertThat(run("recycle-bin", "count")).isZero();
        assertThat(out()).containsPattern("account\\s+1");

        assertThat(run("recycle-bin", "purge", "--older-than-days", "1")).isZero();
        assertThat(out()).startsWith("Purged 0 record(s) deleted before");

        assertThat(run("recycle-bin", "purge", "--older-than-days", "0", "--object", "account", "--json")).isZero();
        assertThat(out()).contains("\"state\" : \"succeeded\"", "\"purged\" : {", "\"account\" : 1", "\"type\" : \"recycle-bin-purge\"");

        try (HotCrm hc = open()) {
            int left = hc.database().jdbi().withHandle(h -> h.createQuery("select count(*) from obj_account where id = :id")
                    .bind("id", account).mapTo(Integer.class).one());
            assertThat(left).isZero();
            StoredRecord c = hc.records().get(Principal.system(), "contact", contact);
            assertThat(c.get("account_id")).isNull();
            assertThat(c.changeSeq()).isGreaterThan(seqBefore);
            assertThat(hc.security().audit().recent(5)).anyMatch(e -> e.action().equals("recycle_bin.purge"));
        }

        assertThat(run("jobs", "list", "--type", "recycle-bin-purge")).isZero();
        String[] lines = out().strip().split("\n");
        assertThat(lines).hasSize(2).allMatch(l -> l.contains("succeeded") && l.contains("system"));
        String jobId = lines[0].substring(0, 36);
        assertThat(run("jobs", "show", jobId)).isZero();
        assertThat(out()).contains("\"history\"", "\"state\" : \"queued\"", "\"state\" : \"running\"");
        assertThat(run("jobs", "cancel", jobId)).isEqualTo(5);
        assertThat(cli.err()).contains("already ended (succeeded)");
    }

    @Test
    void usersCannotPurgeWhatTheyMayNotDeleteNorSeeOthersJobs() {
        try (HotCrm hc = open()) {
            hc.security().users().add(Principal.system(), "rita@example.com", "Rita Reader", "read_only", null);
        }
        assertThat(run("--as", "rita@example.com", "recycle-bin", "purge", "--older-than-days", "0", "--object", "lead"))
                .isEqualTo(3);
        assertThat(cli.err()).contains("may not delete lead records");
        assertThat(run("recycle-bin", "purge", "--older-than-days", "0", "--object", "lead")).isZero();
        assertThat(run("jobs", "list")).isZero();
        assertThat(out()).contains("recycle-bin-purge", "succeeded");
        assertThat(run("--as", "rita@example.com", "jobs", "list")).isZero();
        assertThat(out()).isEmpty();
        assertThat(cli.err()).contains("No jobs.");
        assertThat(run("recycle-bin", "purge", "--older-than-days", "-1")).isEqualTo(2);
        assertThat(run("recycle-bin", "purge", "--object", "user")).isEqualTo(2);
        assertThat(cli.err()).contains("deactivate them instead");
    }

    @Test
    void importFromTheCommandLineReportsJsonExitCodesAndUndoes() throws Exception {
        try (HotCrm hc = open()) {
            hc.security().users().add(Principal.system(), "ann@example.com", "Ann Admin", "admin", null);
        }
        Path csv = java.nio.file.Files.writeString(data.resolve("leads;semi.csv"),
                "Lead ID;Last Name;Company;Status;Annual Revenue\nL-1;Lee;Acme;new;1.500,50\nL-2;;Initech;contacted;\n");
        assertThat(run("import", csv.toString(), "--object", "lead", "--decimal-comma", "--json", "--dry-run")).isEqualTo(1);
        com.fasterxml.jackson.databind.JsonNode dry = new com.fasterxml.jackson.databind.ObjectMapper().readTree(out());
        assertThat(dry.get("dryRun").asBoolean()).isTrue();
        assertThat(dry.get("rows").asLong()).isEqualTo(2);
        assertThat(dry.get("created").asLong()).isEqualTo(1);
        assertThat(dry.get("failed").asLong()).isEqualTo(1);

        Path report = data.resolve("report");
        assertThat(run("import", csv.toString(), "--object", "lead", "--decimal-comma", "--report", report.toString())).isEqualTo(1);
        assertThat(out()).contains("Imported leads;semi.csv into lead", "Created 1, updated 0, unchanged 0, skipped 0, failed 1 of 2 rows.");
        assertThat(cli.err()).contains("Row 3, column \"Last Name\": Last Name is required for a new lead.");
        assertThat(report.resolve("results.csv")).exists();
        assertThat(report.resolve("errors.csv")).exists();
        String importId = out().lines().findFirst().orElseThrow().replaceAll(".*\\(import ([0-9a-f-]{36}).*", "$1");

        assertThat(run("import", "list")).isZero();
        assertThat(out()).contains(importId, "completed with 1 failed row");
        assertThat(report.resolve("errors.csv")).content(StandardCharsets.UTF_8).contains("Lead ID,Last Name,Company,Status,Annual Revenue,_row,_errors",
                "L-2,,Initech,contacted,,3,Last Name: Last Name is required for a new lead.");
        assertThat(run("import", "undo", importId)).isZero();
        assertThat(out()).contains("1 created records deleted");
        assertThat(run("import", "undo", importId)).isEqualTo(5);
        assertThat(run("import", data.resolve("missing.csv").toString(), "--object", "lead")).isEqualTo(2);
        assertThat(cli.err()).contains("There is no file");
        assertThat(run("import", "suggest", csv.toString(), "--object", "lead")).isZero();
        assertThat(out()).contains("Lead ID", "not mapped", "Company", "company");
    }

    @Test
    void exportFromTheCommandLineWritesTheFileWholeOrNotAtAllAndUsesSavedViews() throws Exception {
        try (HotCrm hc = open()) {
            hc.security().users().add(Principal.system(), "ann@example.com", "Ann Admin", "admin", null);
            hc.security().users().add(Principal.system(), "rita@example.com", "Rita Reader", "read_only", null);
        }
        Path csv = java.nio.file.Files.writeString(data.resolve("leads.csv"),
                "external_id,last_name,company,status,annual_revenue\nL-1,Lee,Acme,new,1500.50\nL-2,=Evil,Initech,contacted,\nL-3,Ng,Acme,new,10\n");
        assertThat(run("import", csv.toString(), "--object", "lead")).isZero();

        Path out1 = data.resolve("exports").resolve("leads.csv");
        java.nio.file.Files.createDirectories(out1.getParent());
        assertThat(run("export", "--object", "lead", "--fields", "external_id,last_name,company", "--order-by", "external_id",
                "--output", out1.toString())).isZero();
        assertThat(out()).contains("Exported 3 lead records to " + out1);
        assertThat(java.nio.file.Files.readString(out1)).isEqualTo(
                "external_id,last_name,company\r\nL-1,Lee,Acme\r\nL-2,'=Evil,Initech\r\nL-3,Ng,Acme\r\n");

        assertThat(run("views", "save", "Acme leads", "--object", "lead", "--fields", "external_id,last_name",
                "--where", "{\"company\": \"Acme\"}", "--order-by", "last_name desc", "--shared")).isZero();
        assertThat(run("views", "save", "By company", "--object", "lead", "--group-by", "company",
                "--aggregate", "count,sum:annual_revenue")).isZero();
        assertThat(run("views", "list", "--object", "lead")).isZero();
        assertThat(out()).contains("Acme leads", "shared", "By company", "report", "private");
        Path jsonl = data.resolve("exports").resolve("acme.jsonl");
        assertThat(run("export", "--object", "lead", "--view", "Acme leads", "--output", jsonl.toString(), "--json")).isZero();
        com.fasterxml.jackson.databind.JsonNode summary = new com.fasterxml.jackson.databind.ObjectMapper().readTree(out());
        assertThat(summary.get("rows").asLong()).isEqualTo(2);
        assertThat(summary.get("format").asText()).isEqualTo("jsonl");
        assertThat(java.nio.file.Files.readAllLines(jsonl)).containsExactly("{\"external_id\":\"L-3\",\"last_name\":\"Ng\"}",
                "{\"external_id\":\"L-1\",\"last_name\":\"Lee\"}");
        assertThat(run("views", "run", "lead", "By company")).isZero();
        assertThat(out()).contains("\"company\" : \"Acme\"", "\"count\" : 2", "\"sum_annual_revenue\" : 1510.50");

        Path denied = data.resolve("exports").resolve("denied.csv");
        assertThat(run("export", "--object", "lead", "--output", denied.toString(), "--as", "rita@example.com")).isEqualTo(3);
        assertThat(cli.err()).contains("may not export lead records");
        assertThat(denied).doesNotExist();
        assertThat(run("export", "--object", "lead", "--fields", "emial", "--output", denied.toString())).isEqualTo(2);
        assertThat(cli.err()).contains("no field \"emial\"");
        try (var files = java.nio.file.Files.list(denied.getParent())) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactlyInAnyOrder("leads.csv", "acme.jsonl");
        }
    }

    @Test
    void exportSchedulesAreManagedAndRunFromTheCommandLine() throws Exception {
        try (HotCrm hc = open()) {
            hc.security().users().add(Principal.system(), "ann@example.com", "Ann Admin", "admin", null);
        }
        Path csv = java.nio.file.Files.writeString(data.resolve("accounts.csv"), "external_id,name\nA-1,Acme\nA-2,Globex\n");
        assertThat(run("import", csv.toString(), "--object", "account")).isZero();
        Path drop = data.resolve("exports").resolve("drop");
        assertThat(run("export", "schedule", "save", "Outside", "--object", "account", "--destination", "local", "--set",
                "path=" + data.resolve("drop"), "--cron", "0 2 * * *")).isEqualTo(3);
        assertThat(cli.err()).contains("is outside the directories HotCRM may write exports to ("
                + drop.getParent() + ")");
        assertThat(run("export", "schedule", "save", "Accounts daily", "--object", "account", "--fields", "external_id,name",
                "--format", "jsonl", "--destination", "local", "--set", "path=drop", "--cron", "0 2 * * *",
                "--time-zone", "Europe/Paris", "--mode", "incremental", "--file-template", "{object}-{date}-{run}.{ext}")).isZero();
        assertThat(out()).contains("Saved the export schedule \"Accounts daily\": account as jsonl, incremental, next run");
        assertThat(run("export", "schedule", "list")).isZero();
        assertThat(out()).contains("Accounts daily", "incremental", "jsonl", "local", "0 2 * * *");
        assertThat(run("export", "schedule", "run", "Accounts daily")).isZero();
        assertThat(out()).contains("Run finished (succeeded): 2 rows written to account-");
        assertThat(run("export", "schedule", "run", "Accounts daily")).isZero();
        assertThat(out()).contains("0 rows, no changes: no file written");
        assertThat(run("export", "schedule", "runs", "Accounts daily")).isZero();
        assertThat(out().lines().count()).isEqualTo(2);
        assertThat(out()).contains("succeeded", "(no changes, no file)");
        try (var files = java.nio.file.Files.list(drop)) {
            assertThat(files.toList()).hasSize(1);
        }
        assertThat(run("export", "schedule", "pause", "Accounts daily")).isZero();
        assertThat(out()).contains("is paused");
        assertThat(run("export", "schedule", "show", "Accounts daily")).isZero();
        assertThat(out()).contains("\"paused\" : true", "\"timeZone\" : \"Europe/Paris\"");
        assertThat(run("export", "schedule", "save", "Secret one", "--object", "account", "--destination", "sftp", "--set", "host=127.0.0.1",
                "--set", "username=u", "--set", "password=pw", "--cron", "0 3 * * *", "--no-test")).isEqualTo(6);
        assertThat(cli.err()).contains("set HOTCRM_SECRET_KEY");
        assertThat(run("export", "schedule", "delete", "Accounts daily")).isZero();
        assertThat(run("export", "schedule", "show", "Accounts daily")).isEqualTo(4);
    }

    @Test
    void anyFirstCommandOnANewDataDirectorySetsItUpAndImportsOwnedByTheActingUser() throws Exception {
        Path csv = java.nio.file.Files.writeString(data.resolve("accounts.csv"), "external_id,name\nF-1,First\n");
        assertThat(run("import", csv.toString(), "--object", "account")).as(cli.err()).isZero();
        String first = cli.err();
        assertThat(first).contains("HotCRM created its first administrator", "Email:     admin@hotcrm.local", "Password:  ",
                "API token: hcrm_");
        assertThat(out()).contains("Created 1");
        assertThat(run("users", "add", "ann@example.com", "--name", "Ann Lee", "--role", "standard")).isZero();
        assertThat(cli.err()).doesNotContain("first administrator");
        Path more = java.nio.file.Files.writeString(data.resolve("more.csv"), "external_id,name\nF-2,Second\n");
        assertThat(run("--as", "ann@example.com", "import", more.toString(), "--object", "account")).isZero();
        assertThat(run("query", "{\"object\": \"account\", \"fields\": [\"external_id\", \"owner.email\"], \"orderBy\":"
                + " [{\"field\": \"external_id\"}]}")).isZero();
        assertThat(out()).containsSubsequence("F-1", "admin@hotcrm.local", "F-2", "ann@example.com");
        java.util.regex.Matcher token = java.util.regex.Pattern.compile("API token: (hcrm_\\S+)").matcher(first);
        assertThat(token.find()).isTrue();
        try (HotCrm hc = open()) {
            assertThat(hc.security().tokens().authenticate(token.group(1)).email()).isEqualTo("admin@hotcrm.local");
        }
    }

    @Test
    void aLineThatDoesNotParseLeavesANewDataDirectoryWithoutADatabase() {
        assertThat(run("objects", "--no-such-option")).isEqualTo(2);
        assertThat(cli.err()).contains("Unknown option: '--no-such-option'");
        assertThat(data.resolve("db")).doesNotExist();
        assertThat(run("objects")).isZero();
        assertThat(cli.err()).contains("HotCRM created its first administrator");
        assertThat(data.resolve("db").resolve("hotcrm.mv.db")).isRegularFile();
        // now that it is there, the same bad line opens it beside the parse and changes nothing
        assertThat(run("objects", "--no-such-option")).isEqualTo(2);
        assertThat(run("users", "list")).isZero();
        assertThat(cli.err()).doesNotContain("first administrator");
    }

    @Test
    void aDayItsMonthDoesNotHaveFailsItsRowInsteadOfBecomingAnotherDay() throws Exception {
        try (HotCrm hc = open()) {
            hc.security().users().add(Principal.system(), "ann@example.com", "Ann Admin", "admin", null);
        }
        Path csv = java.nio.file.Files.writeString(data.resolve("dates.csv"), "external_id,name,next_renewal_date\n"
                + "D-1,April,31.04.2024\nD-2,February,30.02.2023\nD-3,Leap,29.02.2024\n");
        assertThat(run("import", csv.toString(), "--object", "account", "--date-format", "dd.MM.yyyy")).isEqualTo(1);
        assertThat(cli.err()).contains(
                "Row 2, column \"next_renewal_date\": \"31.04.2024\" is not a real date: April 2024 has 30 days.",
                "Row 3, column \"next_renewal_date\": \"30.02.2023\" is not a real date: February 2023 has 28 days.");
        assertThat(run("query", "{\"object\": \"account\", \"fields\": [\"external_id\", \"next_renewal_date\"]}")).isZero();
        assertThat(out()).contains("D-3", "2024-02-29").doesNotContain("D-1", "D-2", "2024-04-30", "2023-02-28");
    }

    @Test
    void savedMappingsAreListedForEveryObject() throws Exception {
        try (HotCrm hc = open()) {
            hc.security().users().add(Principal.system(), "ann@example.com", "Ann Admin", "admin", null);
        }
        Path csv = java.nio.file.Files.writeString(data.resolve("m.csv"), "external_id,name\nM-1,Mapped\n");
        assertThat(run("import", csv.toString(), "--object", "account", "--save-mapping", "accounts sheet")).isZero();
        assertThat(run("import", "mappings", "list")).as(cli.err()).isZero();
        assertThat(out()).contains("account", "accounts sheet");
    }

    @Test
    void aDatabaseThatCannotBeReachedIsNamedWithTheReasonAtOnceAndNoPasswordIsShown() throws Exception {
        int closed = io.hotcrm.testing.TestServers.freePort();
        for (String url : java.util.List.of("jdbc:postgresql://127.0.0.1:" + closed + "/crm?user=crm&password=s3cret-pw",
                "jdbc:postgresql://crm:s3cret-pw@127.0.0.1:" + closed + "/crm")) {
            long start = System.nanoTime();
            assertThat(runWith(Map.of("HOTCRM_DB_URL", url, "HOTCRM_DB_PASSWORD", "s3cret-pw"), "objects")).isEqualTo(6);
            String message = cli.err();
            assertThat(message).as(message).contains("Cannot connect to the database at jdbc:postgresql://",
                    "Check HOTCRM_DB_URL, HOTCRM_DB_USER and HOTCRM_DB_PASSWORD").doesNotContain("s3cret-pw");
            assertThat(java.time.Duration.ofNanos(System.nanoTime() - start)).isLessThan(java.time.Duration.ofSeconds(20));
        }
        assertThat(cli.err()).contains("crm:***@127.0.0.1");
        assertThat(runWith(Map.of("HOTCRM_DB_URL", "jdbc:postgresql://127.0.0.1:" + closed + "/crm?password=s3cret-pw"), "objects"))
                .isEqualTo(6);
        assertThat(cli.err()).contains("/crm?password=***: Connection to 127.0.0.1:" + closed + " refused");
    }
}
