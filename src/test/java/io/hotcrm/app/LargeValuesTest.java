package io.hotcrm.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.hotcrm.testing.Child;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded database under large values, command after command as an operator runs them (each in its own
 * process), the sequence that corrupted it: an import of 10 MB cells used to echo them to the terminal and
 * keep them in its job's result, a row H2 stored inside a storage page of over 1 MiB; H2 2.5 could not read such
 * a page back once it was rewritten, so two of the next three commands failed with "File corrupted in chunk …".
 * Now H2 is 2.4, the cells are refused by their length and named by their first characters only, and large
 * system values (undo journals of megabytes, job results) are kept apart from their rows on H2.
 */
class LargeValuesTest {
    @TempDir
    Path dir;

    int hotcrm(String... args) throws Exception {
        try (Child c = Child.start(dir.resolve("data"), Map.of(), args)) {
            int code = c.await(180);
            last = c.output();
            return code;
        }
    }

    String last;

    @Test
    void tenMegabyteCellsAreRefusedAndLongTextSurvivesTheNextCommands() throws Exception {
        assertThat(hotcrm("users", "add", "admin@example.com", "--name", "Admin", "--role", "admin")).as(last).isZero();
        String huge = "A".repeat(10 * 1024 * 1024);
        Path big = Files.writeString(dir.resolve("big.csv"), "external_id,last_name,level,title\nB-1,Big," + huge + ",t\n"
                + "B-2,Small,VP," + huge + "\nB-3,Ok,VP,ok\n");
        assertThat(hotcrm("import", big.toString(), "--object", "contact")).as(last).isEqualTo(1);
        assertThat(last.length()).as("what the command printed").isLessThan(5_000);
        assertThat(last).contains("Row 2, column \"level\": Too long: at most 255 characters fit Seniority Level, found 10485760.",
                "Row 3, column \"title\": Too long: at most 128 characters fit Job Title, found 10485760.");

        // accounts whose three long text fields are full: over 1 MiB in one row
        String street = "Straße ".repeat(18_000);
        StringBuilder accounts = new StringBuilder("external_id,name,billing_street,shipping_street,description\n");
        for (int i = 0; i < 5; i++) {
            accounts.append("L-").append(i).append(",Long ").append(i).append(',').append(street).append(',').append(street)
                    .append(',').append(street).append('\n');
        }
        assertThat(hotcrm("import", Files.writeString(dir.resolve("long.csv"), accounts).toString(), "--object", "account"))
                .as(last).isZero();
        // an update of 6,000 contacts' notes: each chunk's undo journal holds megabytes of before-images
        StringBuilder first = new StringBuilder("external_id,last_name,notes\n");
        StringBuilder second = new StringBuilder("external_id,last_name,notes\n");
        for (int i = 0; i < 6_000; i++) {
            first.append("N-").append(i).append(",Note,").append("first ".repeat(300)).append('\n');
            second.append("N-").append(i).append(",Note,").append("second ".repeat(300)).append('\n');
        }
        assertThat(hotcrm("import", Files.writeString(dir.resolve("n1.csv"), first).toString(), "--object", "contact")).as(last).isZero();
        assertThat(hotcrm("import", Files.writeString(dir.resolve("n2.csv"), second).toString(), "--object", "contact", "--json"))
                .as(last).isZero();
        String updateImport = last.substring(last.indexOf("\"id\" : \"") + 8, last.indexOf("\"id\" : \"") + 44);
        for (int i = 0; i < 3; i++) {
            Path small = Files.writeString(dir.resolve("small.csv"), "external_id,last_name,notes\nS-" + i + ",Small,"
                    + "n".repeat(100_000) + "\nN-" + i + ",Note,changed " + i + "\n");
            assertThat(hotcrm("import", small.toString(), "--object", "contact")).as(last).isZero();
            assertThat(hotcrm("import", Files.writeString(dir.resolve("long.csv"), accounts.toString().replace("Long", "Longer " + i))
                    .toString(), "--object", "account")).as(last).isZero();
            assertThat(hotcrm("jobs", "list")).as(last).isZero();
        }
        assertThat(hotcrm("import", "undo", updateImport)).as(last).isZero();
        assertThat(last).contains("5997 updated records restored", "was updated by the import and changed again since; kept");
        assertThat(hotcrm("query", "{\"object\": \"account\", \"fields\": [\"external_id\", \"description\"], \"where\": {\"external_id\": \"L-4\"}}"))
                .as(last).isZero();
        assertThat(last).contains("Straße Straße");
        assertThat(hotcrm("query", "{\"object\": \"contact\", \"fields\": [\"notes\"], \"where\": {\"external_id\": \"N-1999\"}}"))
                .as(last).isZero();
        assertThat(last).contains("first first").doesNotContain("second");
        assertThat(Files.list(dir.resolve("data").resolve("db")).map(p -> p.getFileName().toString())).doesNotContain("hotcrm.trace.db");
    }
}
