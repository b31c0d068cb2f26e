package io.hotcrm.destinations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.hotcrm.common.HotCrmException;
import io.hotcrm.destinations.azure.AzureKind;
import io.hotcrm.destinations.local.LocalKind;
import io.hotcrm.destinations.s3.S3Kind;
import io.hotcrm.destinations.sftp.SftpKind;
import io.hotcrm.testing.TestServers;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;
import org.apache.sshd.common.file.virtualfs.VirtualFileSystemFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Every destination kind passes the same contract against a real local server: a connection test, a file
 * that appears only when committed, overwriting, a large file sent in parts, a failure midway that leaves
 * nothing visible (and an older file intact), and a clear error for bad credentials.
 */
class DestinationContractTest {
    /** The one directory (besides /proc, for the unwritable case) local destinations may write under in these tests. */
    static final Path LOCAL_ROOT = tempDir();
    static final Destinations KINDS = new Destinations(List.of(new LocalKind(List.of(LOCAL_ROOT, Path.of("/proc"))), S3Kind.s3(),
            S3Kind.gcs(), new AzureKind(), new SftpKind()));

    static Path tempDir() {
        try {
            return Files.createTempDirectory("hotcrm-local-dest");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    abstract static class Contract {
        abstract String type();

        abstract Map<String, String> settings();

        abstract Map<String, String> badCredentials();

        /** Larger than a few parts or blocks of the kind's configured size. */
        int largeBytes() {
            return 3 * 1024 * 1024 + 12_345;
        }

        /**
         * Whether the test server keeps an existing file when an upload of the same name is aborted. Real S3 and
         * GCS do; S3Mock 5.2 deletes the object when a multipart upload of its key is aborted.
         */
        boolean serverKeepsOlderFileOnAbort() {
            return true;
        }

        /** A fresh folder per test, so that listings only show what the test wrote. */
        Destination open() {
            Map<String, String> s = new HashMap<>(settings());
            String folder = "t-" + UUID.randomUUID();
            String key = type().equals("local") ? "path" : type().equals("sftp") ? "directory" : "prefix";
            s.put(key, type().equals("local") ? Path.of(s.get("path")).resolve(folder).toString()
                    : Destinations.join(s.getOrDefault(key, ""), folder));
            return KINDS.open(type(), s);
        }

        static void write(Upload u, byte[] data) throws IOException {
            OutputStream out = u.stream();
            out.write(data);
        }

        static byte[] read(Destination d, String name) throws IOException {
            try (InputStream in = d.open(name)) {
                return in.readAllBytes();
            }
        }

        @Test
        void theConnectionTestWritesAndRemovesAProbe() throws IOException {
            try (Destination d = open()) {
                d.test();
                assertThat(d.list()).isEmpty();
                assertThat(d.describe()).doesNotContain(settings().getOrDefault("secretAccessKey", "\u0000"))
                        .doesNotContain(settings().getOrDefault("password", "\u0000"));
            }
        }

        @Test
        void aFileAppearsOnlyWhenCommitted() throws IOException {
            try (Destination d = open()) {
                try (Upload u = d.upload("exports/contacts.csv")) {
                    write(u, "id,name\r\n1,Zoë\r\n".getBytes(StandardCharsets.UTF_8));
                    u.stream().flush();
                    assertThat(d.list()).doesNotContain("exports/contacts.csv");
                    u.commit();
                }
                assertThat(d.list()).containsExactly("exports/contacts.csv");
                assertThat(new String(read(d, "exports/contacts.csv"), StandardCharsets.UTF_8)).isEqualTo("id,name\r\n1,Zoë\r\n");
            }
        }

        @Test
        void aSecondUploadOfTheSameNameReplacesTheFirst() throws IOException {
            try (Destination d = open()) {
                for (String content : List.of("first version", "second")) {
                    try (Upload u = d.upload("daily.jsonl")) {
                        write(u, content.getBytes(StandardCharsets.UTF_8));
                        u.commit();
                    }
                }
                assertThat(new String(read(d, "daily.jsonl"), StandardCharsets.UTF_8)).isEqualTo("second");
                assertThat(d.list()).containsExactly("daily.jsonl");
            }
        }

        @Test
        void aLargeFileSentInPartsArrivesIntact() throws Exception {
            byte[] data = new byte[largeBytes()];
            new SplittableRandom(7).nextBytes(data);
            try (Destination d = open()) {
                try (Upload u = d.upload("big.parquet")) {
                    OutputStream out = u.stream();
                    for (int off = 0; off < data.length; off += 100_000) {
                        out.write(data, off, Math.min(100_000, data.length - off));
                    }
                    u.commit();
                }
                assertThat(sha256(read(d, "big.parquet"))).isEqualTo(sha256(data));
            }
        }

        @Test
        void aFailureMidwayLeavesNothingVisibleAndTheOlderFileIntact() throws Exception {
            byte[] data = new byte[largeBytes()];
            new SplittableRandom(11).nextBytes(data);
            try (Destination d = open()) {
                try (Upload u = d.upload("weekly.csv")) {
                    write(u, "old complete file".getBytes(StandardCharsets.UTF_8));
                    u.commit();
                }
                for (String name : serverKeepsOlderFileOnAbort() ? List.of("weekly.csv", "new.csv") : List.of("new.csv")) {
                    Upload u = d.upload(name);
                    u.stream().write(data);
                    u.abort();
                }
                assertThat(d.list()).containsExactly("weekly.csv");
                assertThat(new String(read(d, "weekly.csv"), StandardCharsets.UTF_8)).isEqualTo("old complete file");
                try (Upload u = d.upload("closed-without-commit.csv")) {
                    u.stream().write(data, 0, 1000);
                }
                assertThat(d.list()).containsExactly("weekly.csv");
            }
        }

        @Test
        void badCredentialsAreAClearError() {
            try (Destination d = KINDS.open(type(), badCredentials())) {
                assertThatThrownBy(d::test).isInstanceOf(HotCrmException.class).hasMessageContaining("refused");
            }
        }

        @Test
        void missingAndUnknownSettingsAreNamed() {
            Map<String, String> s = new HashMap<>(settings());
            String required = KINDS.kind(type()).settings().stream().filter(DestinationKind.Setting::required)
                    .map(DestinationKind.Setting::name).findFirst().orElseThrow();
            s.remove(required);
            s.put("colour", "blue");
            assertThatThrownBy(() -> KINDS.open(type(), s)).isInstanceOf(HotCrmException.class)
                    .hasMessageContaining("\"" + required + "\" is required").hasMessageContaining("\"colour\" is not a setting");
        }

        static String sha256(byte[] b) throws Exception {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        }
    }

    @Nested
    class Local extends Contract {
        final Path root;

        Local() {
            root = LOCAL_ROOT;
        }

        @Override
        String type() {
            return "local";
        }

        @Override
        Map<String, String> settings() {
            return Map.of("path", root.toString());
        }

        @Override
        Map<String, String> badCredentials() {
            return Map.of("path", "/proc/hotcrm-cannot-write-here");
        }

        @Test
        void aDirectoryOutsideTheAllowedOnesIsRefusedBeforeAnythingIsWritten() {
            assertThatThrownBy(() -> KINDS.open("local", Map.of("path", "/etc/cron.d")))
                    .isInstanceOf(HotCrmException.class).hasMessage("The local destination's path /etc/cron.d is outside the"
                            + " directories HotCRM may write exports to (" + root + ", /proc). Choose a directory inside them; an"
                            + " administrator can allow more with the HOTCRM_EXPORT_DIRS setting.")
                    .extracting(e -> ((HotCrmException) e).code()).isEqualTo(io.hotcrm.common.ErrorCode.PERMISSION_DENIED);
            assertThatThrownBy(() -> KINDS.open("local", Map.of("path", root + "/../../etc")))
                    .hasMessageContaining("contains \"..\"");
            assertThatThrownBy(() -> KINDS.open("local", Map.of("path", "nightly/../../../root/.ssh")))
                    .hasMessageContaining("contains \"..\"");
        }

        @Test
        void aRelativePathIsTakenInsideTheFirstAllowedDirectory() throws IOException {
            String folder = "rel-" + UUID.randomUUID();
            try (Destination d = KINDS.open("local", Map.of("path", folder)); Upload u = d.upload("a.csv")) {
                write(u, "x".getBytes(StandardCharsets.UTF_8));
                u.commit();
            }
            assertThat(root.resolve(folder).resolve("a.csv")).hasContent("x");
        }

        @Test
        void aSymbolicLinkLeadingOutOfTheAllowedDirectoryIsNotFollowed() throws IOException {
            Path outside = Files.createTempDirectory("hotcrm-outside");
            Path link = Files.createSymbolicLink(root.resolve("link-" + UUID.randomUUID()), outside);
            assertThatThrownBy(() -> KINDS.open("local", Map.of("path", link.toString())))
                    .hasMessageContaining("is outside the directories HotCRM may write exports to");
            Path folder = Files.createDirectories(root.resolve("t-" + UUID.randomUUID()));
            Files.createSymbolicLink(folder.resolve("sub"), outside);
            try (Destination d = KINDS.open("local", Map.of("path", folder.toString()))) {
                assertThatThrownBy(() -> d.upload("sub/authorized_keys")).isInstanceOf(HotCrmException.class)
                        .hasMessageContaining("outside the destination directory");
            }
            try (var files = Files.list(outside)) {
                assertThat(files).isEmpty();
            }
        }

        @Override
        @Test
        void badCredentialsAreAClearError() {
            try (Destination d = KINDS.open(type(), badCredentials())) {
                assertThatThrownBy(d::test).isInstanceOf(HotCrmException.class).hasMessageContaining("cannot write to the directory");
            }
        }
    }

    @Nested
    class Sftp extends Contract {
        final SshServer server;
        final Path root;

        Sftp() throws IOException {
            root = Files.createTempDirectory("hotcrm-sftp-root");
            server = SshServer.setUpDefaultServer();
            server.setHost("127.0.0.1");
            server.setPort(0);
            server.setKeyPairProvider(new SimpleGeneratorHostKeyProvider(Files.createTempDirectory("hotcrm-sftp-key").resolve("host.ser")));
            server.setPasswordAuthenticator((user, password, session) -> user.equals("exporter") && password.equals("correct-pw"));
            server.setSubsystemFactories(List.of(new SftpSubsystemFactory()));
            server.setFileSystemFactory(new VirtualFileSystemFactory(root));
            server.start();
        }

        @AfterAll
        void stop() throws IOException {
            server.stop();
        }

        @Override
        String type() {
            return "sftp";
        }

        @Override
        Map<String, String> settings() {
            return Map.of("host", "127.0.0.1", "port", String.valueOf(server.getPort()), "username", "exporter",
                    "password", "correct-pw", "directory", "/drop");
        }

        @Override
        Map<String, String> badCredentials() {
            return Map.of("host", "127.0.0.1", "port", String.valueOf(server.getPort()), "username", "exporter",
                    "password", "wrong-pw");
        }

        @Test
        void aPinnedHostKeyThatDoesNotMatchIsRefused() {
            Map<String, String> s = new HashMap<>(settings());
            s.put("hostKeyFingerprint", "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
            try (Destination d = KINDS.open("sftp", s)) {
                assertThatThrownBy(d::test).isInstanceOf(HotCrmException.class).hasMessageContaining("not the pinned");
            }
        }
    }

    @Nested
    class S3 extends Contract {
        @Override
        boolean serverKeepsOlderFileOnAbort() {
            return false;
        }

        @Override
        String type() {
            return "s3";
        }

        @Override
        Map<String, String> settings() {
            return Map.of("bucket", TestServers.S3_BUCKET, "endpoint", TestServers.s3(), "pathStyle", "true",
                    "accessKeyId", "AKIAHOTCRMTEST", "secretAccessKey", "test-secret", "partSizeMb", "5", "prefix", "s3-contract/");
        }

        @Override
        int largeBytes() {
            return 11 * 1024 * 1024 + 777;
        }

        /** S3Mock accepts any key, so the refusal comes from a server answering as S3 does to an unknown key. */
        @Override
        Map<String, String> badCredentials() {
            return Map.of("bucket", "hotcrm", "endpoint", RefusingS3.url("InvalidAccessKeyId",
                    "The AWS Access Key Id you provided does not exist in our records."), "pathStyle", "true",
                    "accessKeyId", "AKIAWRONG", "secretAccessKey", "wrong");
        }
    }

    @Nested
    class Gcs extends Contract {
        @Override
        boolean serverKeepsOlderFileOnAbort() {
            return false;
        }

        @Override
        String type() {
            return "gcs";
        }

        /** GCS's S3-compatible XML API, served here by S3Mock at the endpoint GCS would have. */
        @Override
        Map<String, String> settings() {
            return Map.of("bucket", TestServers.S3_BUCKET, "endpoint", TestServers.s3(), "pathStyle", "true",
                    "accessKeyId", "GOOGHOTCRMTESTHMAC", "secretAccessKey", "hmac-secret", "prefix", "gcs-contract/",
                    "partSizeMb", "5");
        }

        @Override
        int largeBytes() {
            return 11 * 1024 * 1024 + 777;
        }

        @Override
        Map<String, String> badCredentials() {
            return Map.of("bucket", "hotcrm", "endpoint", RefusingS3.url("SignatureDoesNotMatch",
                    "The request signature we calculated does not match the signature you provided."), "pathStyle", "true",
                    "accessKeyId", "GOOGWRONG", "secretAccessKey", "wrong");
        }
    }

    @Nested
    class Azure extends Contract {
        @Override
        String type() {
            return "azure";
        }

        @Override
        Map<String, String> settings() {
            String endpoint = TestServers.azurite();
            ensureContainer();
            return Map.of("container", "exports", "account", TestServers.AZURITE_ACCOUNT, "accountKey", TestServers.AZURITE_KEY,
                    "endpoint", endpoint, "blockSizeMb", "1", "prefix", "azure-contract/");
        }

        @Override
        Map<String, String> badCredentials() {
            return Map.of("container", "exports", "account", TestServers.AZURITE_ACCOUNT,
                    "accountKey", java.util.Base64.getEncoder().encodeToString("not the key".getBytes(StandardCharsets.UTF_8)),
                    "endpoint", TestServers.azurite());
        }

        private void ensureContainer() {
            new com.azure.storage.blob.BlobServiceClientBuilder().connectionString(TestServers.azuriteConnectionString())
                    .httpClient(new com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder().build()).buildClient()
                    .getBlobContainerClient("exports").createIfNotExists();
        }

        @Test
        void aMissingContainerIsNamed() {
            Map<String, String> s = new HashMap<>(settings());
            s.put("container", "no-such-container");
            try (Destination d = KINDS.open("azure", s)) {
                assertThatThrownBy(d::test).isInstanceOf(HotCrmException.class).hasMessageContaining("container does not exist");
            }
        }
    }

    /** Answers every request with S3's XML error for refused credentials (HTTP 403). */
    static final class RefusingS3 {
        private static final Map<String, String> URLS = new HashMap<>();

        static synchronized String url(String code, String message) {
            return URLS.computeIfAbsent(code, c -> {
                try {
                    HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
                    s.createContext("/", ex -> {
                        byte[] body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + code + "</Code><Message>" + message
                                + "</Message><RequestId>4442587FB7D0A2F9</RequestId></Error>").getBytes(StandardCharsets.UTF_8);
                        ex.getRequestBody().readAllBytes();
                        ex.getResponseHeaders().add("Content-Type", "application/xml");
                        ex.sendResponseHeaders(403, body.length);
                        ex.getResponseBody().write(body);
                        ex.close();
                    });
                    s.start();
                    return "http://127.0.0.1:" + s.getAddress().getPort();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
        }
    }
}
