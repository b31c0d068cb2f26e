package io.hotcrm.cli;

import io.hotcrm.common.HotCrmException;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** A destination's settings as a command takes them: {@code --set KEY=VALUE}, and secrets by {@code --secret-env KEY=ENV}. */
final class DestinationSettings {
    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "A destination setting, e.g. --set bucket=exports --set region=eu-west-1.")
    Map<String, String> settings = new LinkedHashMap<>();

    @Option(names = "--secret-env", paramLabel = "KEY=ENV", description = "A secret setting read from an environment variable, e.g."
            + " --secret-env password=SFTP_PASSWORD.")
    Map<String, String> secretEnv = new LinkedHashMap<>();

    /** The --set settings plus the --secret-env ones read from the environment (a missing variable is named). */
    Map<String, String> resolve(Cli cli) {
        Map<String, String> all = new LinkedHashMap<>(settings);
        secretEnv.forEach((k, env) -> {
            String v = cli.env.apply(env);
            if (v == null) {
                throw HotCrmException.invalid("The environment variable " + env + " (for the setting " + k + ") is not set.");
            }
            all.put(k, v);
        });
        return all;
    }
}
