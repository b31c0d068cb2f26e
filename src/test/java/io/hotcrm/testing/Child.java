package io.hotcrm.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * HotCRM's own command ({@code io.hotcrm.app.Main}) in a separate JVM, as a user runs it, so a test can kill
 * it with SIGKILL — a crash the JVM under test cannot simulate in itself. Its output goes to a log file.
 */
public final class Child implements AutoCloseable {
    private final Process process;
    private final Path log;

    private Child(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Starts {@code hotcrm --data DATA ARGS…} with the environment added to this one's. */
    public static Child start(Path data, Map<String, String> env, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", System.getProperty("java.class.path"), "io.hotcrm.app.Main", "--data", data.toString()));
        cmd.addAll(List.of(args));
        Files.createDirectories(data);
        Path log = Files.createTempFile(data, "child-", ".log");
        ProcessBuilder b = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        b.environment().putAll(env);
        return new Child(b.start(), log);
    }

    public boolean alive() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    /** SIGKILL: the process gets no chance to clean up, as when a machine or container dies. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits for the process to end; returns its exit code. */
    public int await(long seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            throw new IllegalStateException("The child process did not end within " + seconds + " s; its output:\n" + output());
        }
        return process.exitValue();
    }

    public String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
    }
}
