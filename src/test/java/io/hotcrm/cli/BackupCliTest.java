package io.hotcrm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hotcrm.testing.CliRun;
import io.hotcrm.testing.TestPlatform;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hotcrm backup …} as an operator types it: back up one data directory, check it, restore it into a new one. */
class BackupCliTest {
    @TempDir
    Path dir;

    @Test
    void anOperatorBacksUpVerifiesAndRestoresIntoANewDataDirectory() throws Exception {
        ObjectMapper json = new ObjectMapper();
        Map<String, String> env = Map.of("HOTCRM_SECRET_KEY", TestPlatform.SECRET_KEY);
        Path data = dir.resolve("data");
        CliRun cli = new CliRun();
        Path csv = dir.resolve("contacts.csv");
        Files.writeString(csv, "First Name,Last Name,Email\nMaja,Berg,maja@example.org\nOla,Nor,ola@example.org\n");
        assertThat(cli.run(data, env, "import", csv.toString(), "--object", "contact")).as(cli.err()).isZero();

        Path backups = dir.resolve("backups");
        assertThat(cli.run(data, env, "backup", "create", "--output", backups.toString(), "--json")).as(cli.err()).isZero();
        JsonNode created = json.readTree(cli.out());
        Path archive = Path.of(created.path("archive").asText());
        assertThat(archive).exists().hasParent(backups);
        assertThat(created.path("rows").asLong()).isPositive();
        assertThat(cli.run(data, env, "backup", "verify", archive.toString())).as(cli.err()).isZero();
        assertThat(cli.out()).contains("Sound", "every checksum and count matches");
        assertThat(cli.run(data, env, "backup", "list")).isZero();
        assertThat(cli.out()).contains(archive.getFileName().toString(), "verified", "no restore drill has passed yet");
        assertThat(cli.run(data, env, "backup", "drill")).as(cli.err()).isZero();
        assertThat(cli.out()).contains("Drill passed", archive.getFileName().toString(), "checked against its manifest");
        assertThat(cli.run(data, env, "backup", "list")).isZero();
        assertThat(cli.out()).doesNotContain("Warning");

        // a copy cut short: exit 1, naming where
        Path cut = dir.resolve("cut.zip");
        byte[] bytes = Files.readAllBytes(archive);
        Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        assertThat(cli.run(data, env, "backup", "verify", cut.toString())).isEqualTo(1);
        assertThat(cli.out()).contains("NOT sound", "cut short");

        // the data directory holds records: a restore into it needs --replace
        assertThat(cli.run(data, env, "backup", "restore", archive.toString())).isEqualTo(5);
        assertThat(cli.err()).contains("--replace");

        // a new machine: restore into an empty data directory, then use it at once
        Path fresh = dir.resolve("fresh");
        assertThat(cli.run(fresh, env, "backup", "restore", archive.toString())).as(cli.err()).isZero();
        assertThat(cli.out()).contains("Restored", "each table checked against the manifest", "Erasure ledger replayed");
        assertThat(cli.run(fresh, env, "query", "{\"object\":\"contact\",\"fields\":[\"email\"]}")).as(cli.err()).isZero();
        assertThat(cli.out()).contains("maja@example.org", "ola@example.org");
        assertThat(cli.run(fresh, env, "import", csv.toString(), "--object", "contact", "--match", "email")).as(cli.err()).isZero();
    }
}
