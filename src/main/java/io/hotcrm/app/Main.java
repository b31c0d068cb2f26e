package io.hotcrm.app;

import io.hotcrm.cli.Cli;
import io.hotcrm.cli.Platform;
import java.nio.file.Path;

/**
 * Entry point of {@code hotcrm.jar}: hands the command line to {@link Cli} with this composition root — a command's
 * settings for a command ({@link Config#forCommand}), serve's as they are.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        Cli.Opener opener = new Cli.Opener() {
            @Override
            public Platform open(Path dataDir) {
                return HotCrm.open(Config.from(dataDir, System.getenv()).forCommand());
            }

            @Override
            public Platform openToServe(Path dataDir) {
                return HotCrm.open(Config.from(dataDir, System.getenv()));
            }
        };
        int code = new Cli(opener, System.out, System.err).run(args);
        System.exit(code);
    }
}
