package io.hotcrm.testing;

import io.hotcrm.app.Main;
import io.hotcrm.cli.Cli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/** Runs {@code hotcrm} commands in this JVM on a data directory, as a user types them, and keeps what the last one printed. */
public final class CliRun {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    /** Runs {@code hotcrm --data DATA ARGS} with the environment; returns its exit status. */
    public int run(Path data, Map<String, String> env, String... args) {
        out.reset();
        err.reset();
        String[] all = new String[args.length + 2];
        all[0] = "--data";
        all[1] = data.toString();
        System.arraycopy(args, 0, all, 2, args.length);
        return new Cli(Main.opener(env), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), v -> env.containsKey(v) ? env.get(v) : System.getenv(v)).run(all);
    }

    /** What the last command printed on standard output. */
    public String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    /** What the last command printed on standard error. */
    public String err() {
        return err.toString(StandardCharsets.UTF_8);
    }
}
