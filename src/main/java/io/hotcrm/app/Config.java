package io.hotcrm.app;

import io.hotcrm.store.Database;
import java.nio.file.Path;
import java.util.Map;

/**
 * Every setting HotCRM reads, with its default, in one place. Settings come from the environment
 * (HOTCRM_*) and the global {@code --data} option.
 */
public record Config(Path dataDir, String dbUrl, String dbUser, String dbPassword, String adminEmail) {
    public static final String DEFAULT_ADMIN = "admin@hotcrm.local";

    public static Config from(Path dataDirOption, Map<String, String> env) {
        Path data = dataDirOption != null ? dataDirOption
                : Path.of(env.getOrDefault("HOTCRM_DATA", "data"));
        String url = env.get("HOTCRM_DB_URL");
        if (url == null || url.isBlank()) {
            url = Database.embeddedUrl(data);
        }
        return new Config(data.toAbsolutePath().normalize(), url, env.get("HOTCRM_DB_USER"),
                env.get("HOTCRM_DB_PASSWORD"), env.getOrDefault("HOTCRM_ADMIN_EMAIL", DEFAULT_ADMIN));
    }

    public boolean embedded() {
        return dbUrl.startsWith("jdbc:h2:");
    }

    @Override
    public String toString() {
        return "Config[data=" + dataDir + ", db=" + (embedded() ? "embedded H2" : dbUrl.replaceAll("(?i)password=[^&;]*", "password=***")) + "]";
    }
}
