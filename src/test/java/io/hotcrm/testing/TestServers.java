package io.hotcrm.testing;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Real local servers for the destination tests, each started once per test JVM and stopped with it: S3Mock in
 * its own JVM (its classpath resolved once with Maven from src/test/s3mock/pom.xml) and Azurite from npm
 * (src/test/azurite, installed by {@code npm ci} when missing). Their output goes to target/*.log.
 */
public final class TestServers {
    public static final String AZURITE_ACCOUNT = "devstoreaccount1";
    /** Azurite's well-known development key (public, documented by Microsoft). */
    public static final String AZURITE_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    public static final String S3_BUCKET = "hotcrm";
    private static final Path BASE = Path.of("").toAbsolutePath();
    private static String s3Endpoint;
    private static String azuriteEndpoint;

    private TestServers() {
    }

    /** The S3Mock endpoint (path-style; bucket {@value #S3_BUCKET} exists). */
    public static synchronized String s3() {
        if (s3Endpoint == null) {
            try {
                Path cp = BASE.resolve("target/s3mock.classpath");
                Path pom = BASE.resolve("src/test/s3mock/pom.xml");
                if (!Files.exists(cp) || Files.getLastModifiedTime(cp).compareTo(Files.getLastModifiedTime(pom)) < 0) {
                    run(List.of(mvn(), "-q", "-B", "-f", pom.toString(), "dependency:build-classpath",
                            "-Dmdep.outputFile=" + cp), "target/s3mock-resolve.log", Duration.ofMinutes(5));
                }
                int port = freePort();
                Path root = Files.createTempDirectory("hotcrm-s3mock");
                List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx512m", "-cp", Files.readString(cp).trim(), "com.adobe.testing.s3mock.S3MockApplication",
                        "--http.port=" + port, "--server.port=" + freePort(),
                        "--com.adobe.testing.s3mock.store.initial-buckets=" + S3_BUCKET,
                        "--com.adobe.testing.s3mock.store.root=" + root));
                start(cmd, "target/s3mock.log");
                s3Endpoint = "http://127.0.0.1:" + port;
                waitFor(s3Endpoint + "/", Duration.ofSeconds(90), "S3Mock");
            } catch (IOException e) {
                throw new IllegalStateException("Could not start S3Mock: " + e.getMessage(), e);
            }
        }
        return s3Endpoint;
    }

    /** Azurite's blob endpoint for the development account. */
    public static synchronized String azurite() {
        if (azuriteEndpoint == null) {
            try {
                Path dir = BASE.resolve("src/test/azurite");
                Path bin = dir.resolve("node_modules/.bin/azurite-blob");
                if (!Files.exists(bin)) {
                    run(List.of("npm", "ci", "--no-audit", "--no-fund", "--prefix", dir.toString()), "target/azurite-install.log",
                            Duration.ofMinutes(5));
                }
                int port = freePort();
                Path location = Files.createTempDirectory("hotcrm-azurite");
                start(List.of(bin.toString(), "--blobHost", "127.0.0.1", "--blobPort", String.valueOf(port), "--location",
                        location.toString(), "--skipApiVersionCheck", "--loose", "--disableTelemetry"), "target/azurite.log");
                azuriteEndpoint = "http://127.0.0.1:" + port + "/" + AZURITE_ACCOUNT;
                waitFor(azuriteEndpoint + "?comp=list", Duration.ofSeconds(60), "Azurite");
            } catch (IOException e) {
                throw new IllegalStateException("Could not start Azurite (needs node and npm): " + e.getMessage(), e);
            }
        }
        return azuriteEndpoint;
    }

    public static String azuriteConnectionString() {
        return "DefaultEndpointsProtocol=http;AccountName=" + AZURITE_ACCOUNT + ";AccountKey=" + AZURITE_KEY + ";BlobEndpoint="
                + azurite() + ";";
    }

    private static String mvn() {
        String home = System.getProperty("maven.home");
        return home != null ? Path.of(home, "bin", "mvn").toString() : "mvn";
    }

    private static void start(List<String> cmd, String log) throws IOException {
        Path out = BASE.resolve(log);
        Files.createDirectories(out.getParent());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            p.descendants().forEach(ProcessHandle::destroy);
            p.destroy();
        }));
    }

    private static void run(List<String> cmd, String log, Duration timeout) throws IOException {
        Path out = BASE.resolve(log);
        Files.createDirectories(out.getParent());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try {
            if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", cmd) + " failed; see " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static void waitFor(String url, Duration timeout, String what) throws IOException {
        Instant end = Instant.now().plus(timeout);
        while (Instant.now().isBefore(end)) {
            try {
                HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
                c.setConnectTimeout(500);
                c.setReadTimeout(2000);
                int code = c.getResponseCode();
                c.disconnect();
                if (code > 0) {
                    return;
                }
            } catch (IOException e) {
                // not up yet
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
        throw new IOException(what + " did not answer on " + url + " within " + timeout.toSeconds() + " s");
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
