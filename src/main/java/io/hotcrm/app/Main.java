package io.hotcrm.app;

import io.hotcrm.cli.Cli;
import io.hotcrm.cli.Platform;
import java.nio.file.Path;
import java.util.Map;

/**
 * Entry point of {@code hotcrm.jar}: hands the command line to {@link Cli} with this composition root — a command's
 * settings for a command ({@link Config#forCommand}), serve's as they are.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        int code = new Cli(opener(System.getenv()), System.out, System.err).run(args);
        System.exit(code);
    }

    /** How a command line opens the platform with these settings (HOTCRM_*): a command's, serve's, and whether it is there yet. */
    public static Cli.Opener opener(Map<String, String> env) {
        return new Cli.Opener() {
            @Override
            public Platform open(Path dataDir) {
                return HotCrm.open(Config.from(dataDir, env).forCommand());
            }

            @Override
            public Platform openToServe(Path dataDir) {
                return HotCrm.open(Config.from(dataDir, env));
            }

            @Override
            public boolean existing(Path dataDir) {
                try {
                    return Config.from(dataDir, env).databaseExists();
                } catch (RuntimeException e) {
                    return false; // a bad setting: the command reports it when it opens
                }
            }
        };
    }
}
