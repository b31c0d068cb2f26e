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

    /**
     * Backups at a named destination (a real S3-compatible server): saved once with its secret from the environment,
     * written there streamed, listed, verified and drilled from there, restored by id; a schedule run makes, verifies and
     * prunes them; the secret is never printed.
     */
    @Test
    void backupsGoToANamedDestinationAndAScheduleMakesVerifiesAndPrunesThem() throws Exception {
        ObjectMapper json = new ObjectMapper();
        Map<String, String> env = Map.of("HOTCRM_SECRET_KEY", TestPlatform.SECRET_KEY, "S3_SECRET", "s3-secret-value");
        Path data = dir.resolve("data");
        CliRun cli = new CliRun();
        Path csv = dir.resolve("contacts.csv");
        Files.writeString(csv, "First Name,Last Name,Email\nMaja,Berg,maja@example.org\n");
        assertThat(cli.run(data, env, "import", csv.toString(), "--object", "contact")).as(cli.err()).isZero();
        String prefix = "backups-" + java.util.UUID.randomUUID() + "/";
        assertThat(cli.run(data, env, "backup", "destination", "save", "offsite", "--type", "s3", "--set", "bucket="
                + io.hotcrm.testing.TestServers.S3_BUCKET, "--set", "endpoint=" + io.hotcrm.testing.TestServers.s3(), "--set",
                "pathStyle=true", "--set", "accessKeyId=AKIAHOTCRMTEST", "--secret-env", "secretAccessKey=S3_SECRET", "--set",
                "prefix=" + prefix)).as(cli.err()).isZero();
        assertThat(cli.out()).contains("Saved the backup destination \"offsite\"", "s3://").doesNotContain("s3-secret-value");
        assertThat(cli.run(data, env, "backup", "destination", "list", "--json")).isZero();
        assertThat(cli.out()).contains("offsite", "********").doesNotContain("s3-secret-value");

        assertThat(cli.run(data, env, "backup", "create", "--destination", "offsite", "--json")).as(cli.err()).isZero();
        JsonNode first = json.readTree(cli.out());
        assertThat(first.path("archive").asText()).startsWith("s3://" + io.hotcrm.testing.TestServers.S3_BUCKET + "/" + prefix);
        String firstId = first.path("id").asText();
        assertThat(cli.run(data, env, "backup", "verify", firstId)).as(cli.out() + cli.err()).isZero();
        assertThat(cli.out()).contains("Sound");
        assertThat(cli.run(data, env, "backup", "drill")).as(cli.out() + cli.err()).isZero();
        assertThat(cli.out()).contains("Drill passed", "s3://");

        // a schedule keeping one backup a day: its run makes a second backup there, verifies it, and prunes the first
        assertThat(cli.run(data, env, "backup", "schedule", "save", "nightly", "--cron", "0 2 * * *", "--time-zone", "Europe/Oslo",
                "--destination", "offsite", "--keep-daily", "1", "--keep-weekly", "0", "--keep-monthly", "0")).as(cli.err()).isZero();
        assertThat(cli.out()).contains("next run", "the destination offsite");
        assertThat(cli.run(data, env, "backup", "schedule", "run", "nightly")).as(cli.out() + cli.err()).isZero();
        assertThat(cli.out()).contains("succeeded", "verified", "pruned 1");
        assertThat(cli.run(data, env, "backup", "list", "--json")).isZero();
        JsonNode listed = json.readTree(cli.out()).path("backups");
        assertThat(listed).hasSize(1);
        assertThat(listed.get(0).path("id").asText()).isNotEqualTo(firstId);
        assertThat(listed.get(0).path("verifiedAt").isNull()).isFalse();
        try (var s3 = software.amazon.awssdk.services.s3.S3Client.builder().endpointOverride(java.net.URI.create(
                        io.hotcrm.testing.TestServers.s3())).forcePathStyle(true).region(software.amazon.awssdk.regions.Region.US_EAST_1)
                .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                        software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create("AKIAHOTCRMTEST", "x"))).build()) {
            var keys = s3.listObjectsV2(b -> b.bucket(io.hotcrm.testing.TestServers.S3_BUCKET).prefix(prefix)).contents().stream()
                    .map(software.amazon.awssdk.services.s3.model.S3Object::key).toList();
            assertThat(keys).hasSize(1).allMatch(k -> k.startsWith(prefix + "hotcrm-backup-") && k.endsWith(".zip"));
        }
        assertThat(cli.run(data, env, "backup", "schedule", "list")).isZero();
        assertThat(cli.out()).contains("nightly", "0 2 * * *", "Europe/Oslo", "offsite", "keep 1/0/0", "next ");
        assertThat(cli.run(data, env, "backup", "destination", "delete", "offsite")).isNotZero();
        assertThat(cli.err()).contains("used by the schedule(s) nightly");
        assertThat(cli.run(data, env, "backup", "schedule", "pause", "nightly")).isZero();
        assertThat(cli.out()).contains("paused");

        // restored by id from the destination, replacing the data
        assertThat(cli.run(data, env, "backup", "restore", listed.get(0).path("id").asText(), "--replace")).as(cli.err()).isZero();
        assertThat(cli.out()).contains("Restored");
        assertThat(cli.run(data, env, "query", "{\"object\":\"contact\",\"fields\":[\"email\"]}")).as(cli.err()).isZero();
        assertThat(cli.out()).contains("maja@example.org");
        assertThat(cli.run(data, env, "backup", "schedule", "delete", "nightly")).isZero();
        assertThat(cli.run(data, env, "backup", "destination", "delete", "offsite")).as(cli.err()).isZero();
    }

    /** {@code hotcrm sandbox create} as an operator types it, then the sandbox used as its own instance. */
    @Test
    void anOperatorMakesASandboxAndUsesIt() throws Exception {
        Map<String, String> env = Map.of("HOTCRM_SECRET_KEY", TestPlatform.SECRET_KEY);
        Path data = dir.resolve("data");
        CliRun cli = new CliRun();
        Path csv = dir.resolve("contacts.csv");
        Files.writeString(csv, "First Name,Last Name,Email\nMaja,Berg,maja@example.org\n");
        assertThat(cli.run(data, env, "import", csv.toString(), "--object", "contact")).as(cli.err()).isZero();
        assertThat(cli.run(data, env, "users", "add", "ann@example.com", "--name", "Ann", "--role", "admin")).as(cli.err()).isZero();
        assertThat(cli.run(data, env, "sandbox", "create", "dry-run-1")).as(cli.out() + cli.err()).isZero();
        Path sandbox = data.toAbsolutePath().normalize().resolve("sandboxes").resolve("dry-run-1");
        assertThat(cli.out()).contains("Made the sandbox \"dry-run-1\"", "Email is off", ".invalid", "./hotcrm --data " + sandbox + " serve");
        assertThat(cli.run(sandbox, env, "users", "list")).as(cli.err()).isZero();
        assertThat(cli.out()).contains("ann@example.com.invalid");
        assertThat(cli.run(sandbox, env, "query", "{\"object\":\"contact\",\"fields\":[\"email\"]}")).as(cli.err()).isZero();
        assertThat(cli.out()).contains("maja@example.org");
        // an anonymised one, elsewhere, from a backup archive
        assertThat(cli.run(data, env, "backup", "create", "--output", dir.resolve("b").toString())).isZero();
        Path archive;
        try (var files = Files.list(dir.resolve("b"))) {
            archive = files.findFirst().orElseThrow();
        }
        Path other = dir.resolve("anon");
        assertThat(cli.run(data, env, "sandbox", "create", "anon", "--from", archive.toString(), "--data", other.toString(),
                "--anonymise")).as(cli.out() + cli.err()).isZero();
        assertThat(cli.out()).contains("Anonymised");
        assertThat(cli.run(other, env, "query", "{\"object\":\"contact\",\"fields\":[\"email\"]}")).as(cli.err()).isZero();
        assertThat(cli.out()).doesNotContain("maja@example.org").contains("@redacted.invalid");
        assertThat(cli.run(data, env, "sandbox", "create", "bad/name")).isNotZero();
        assertThat(cli.err()).contains("letters, digits");
    }
}
