package io.hotcrm.app;

import io.hotcrm.cli.Cli;

/** Entry point of {@code hotcrm.jar}: hands the command line to {@link Cli} with this composition root. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        int code = new Cli(dataDir -> HotCrm.open(Config.from(dataDir, System.getenv())), System.out, System.err)
                .run(args);
        System.exit(code);
    }
}
