package io.hotcrm.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "serve", description = "Run the web console, the REST API and a background job server.")
final class ServeCommand implements Callable<Integer> {
    @ParentCommand
    Cli cli;

    @Option(names = "--port", defaultValue = "${env:HOTCRM_PORT:-8080}", description = "HTTP port (default 8080, or HOTCRM_PORT).")
    int port;

    @Override
    public Integer call() {
        cli.toServe().serve(port);
        return 0;
    }
}
