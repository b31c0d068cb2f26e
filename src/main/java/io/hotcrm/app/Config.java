package io.hotcrm.app;

import io.hotcrm.common.ErrorCode;
import io.hotcrm.common.HotCrmException;
import io.hotcrm.jobs.Jobs;
import io.hotcrm.notify.Notifier;
import io.hotcrm.store.Database;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Every setting HotCRM reads, with its default, in one place. Settings come from the environment
 * (HOTCRM_*) and the global {@code --data} option.
 */
public record Config(Path dataDir, String dbUrl, String dbUser, String dbPassword, String adminEmail, String node,
                     int jobWorkers, int recycleBinDays, int uploadMaxMb, Notifier.Smtp smtp, String secretKey,
                     List<Path> exportDirs, Map<String, String> fileBucket, List<String> migrationHosts, String backupKey,
                     Path backupDir) {
    public static final String DEFAULT_ADMIN = "admin@hotcrm.local";

    public static Config from(Path dataDirOption, Map<String, String> env) {
        Path data = dataDirOption != null ? dataDirOption
                : Path.of(env.getOrDefault("HOTCRM_DATA", "data"));
        String url = env.get("HOTCRM_DB_URL");
        if (url == null || url.isBlank()) {
            url = Database.embeddedUrl(data);
        }
        if (System.getProperty("hotcrm.logs") == null) {
            // before anything logs: logback.xml writes the log file under the data directory
            System.setProperty("hotcrm.logs", data.toAbsolutePath().normalize().resolve("logs").toString());
        }
        String node = env.get("HOTCRM_NODE");
        return new Config(data.toAbsolutePath().normalize(), url, env.get("HOTCRM_DB_USER"),
                env.get("HOTCRM_DB_PASSWORD"), env.getOrDefault("HOTCRM_ADMIN_EMAIL", DEFAULT_ADMIN),
                node == null || node.isBlank() ? Jobs.defaultNodeName() : node.trim(),
                intSetting(env, "HOTCRM_JOB_WORKERS", 2, 0, 64), intSetting(env, "HOTCRM_RECYCLE_BIN_DAYS", 30, 0, 3650),
                intSetting(env, "HOTCRM_UPLOAD_MAX_MB", 50, 1, 100_000), smtp(env), env.get(io.hotcrm.common.Secrets.ENV),
                exportDirs(env.get("HOTCRM_EXPORT_DIRS"), data.toAbsolutePath().normalize()), fileBucket(env),
                hosts(env.get("HOTCRM_MIGRATION_HOSTS")), env.get("HOTCRM_BACKUP_KEY"),
                env.get("HOTCRM_BACKUP_DIR") == null || env.get("HOTCRM_BACKUP_DIR").isBlank()
                        ? data.toAbsolutePath().normalize().resolve("backups") : Path.of(env.get("HOTCRM_BACKUP_DIR")).toAbsolutePath());
    }

    /** The settings for a command, which runs for seconds: its embedded database opened as {@link Database#forCommand} says. */
    public Config forCommand() {
        String url = Database.forCommand(dbUrl);
        return url.equals(dbUrl) ? this : new Config(dataDir, url, dbUser, dbPassword, adminEmail, node, jobWorkers, recycleBinDays,
                uploadMaxMb, smtp, secretKey, exportDirs, fileBucket, migrationHosts, backupKey, backupDir);
    }

    /**
     * The S3-compatible bucket that holds the files every node shares (HOTCRM_FILES_BUCKET and the settings
     * beside it), as the S3 destination's settings; null when files stay in the data directory.
     */
    static Map<String, String> fileBucket(Map<String, String> env) {
        String bucket = env.get("HOTCRM_FILES_BUCKET");
        if (bucket == null || bucket.isBlank()) {
            return null;
        }
        Map<String, String> s = new java.util.LinkedHashMap<>();
        s.put("bucket", bucket.trim());
        String[][] names = {{"prefix", "HOTCRM_FILES_PREFIX"}, {"region", "HOTCRM_FILES_REGION"},
            {"endpoint", "HOTCRM_FILES_ENDPOINT"}, {"pathStyle", "HOTCRM_FILES_PATH_STYLE"},
            {"accessKeyId", "HOTCRM_FILES_ACCESS_KEY_ID"}, {"secretAccessKey", "HOTCRM_FILES_SECRET_ACCESS_KEY"}};
        for (String[] n : names) {
            String v = env.get(n[1]);
            if (v != null && !v.isBlank()) {
                s.put(n[0], v.trim());
            }
        }
        if (!s.containsKey("accessKeyId") || !s.containsKey("secretAccessKey")) {
            throw new HotCrmException(ErrorCode.CONFIGURATION, "HOTCRM_FILES_BUCKET is set, so files are kept in that bucket:"
                    + " also set HOTCRM_FILES_ACCESS_KEY_ID and HOTCRM_FILES_SECRET_ACCESS_KEY (and HOTCRM_FILES_ENDPOINT for"
                    + " an S3-compatible store other than AWS).");
        }
        return Map.copyOf(s);
    }

    /**
     * The directories local export destinations may write under: HOTCRM_EXPORT_DIRS (absolute paths separated
     * by the platform's path separator, ':' on Linux), by default only DATA/exports.
     */
    /**
     * Hosts besides Salesforce's own that migrations may connect to (a proxy, a test server): names or {@code *.domain},
     * comma-separated. Unset: only Salesforce's hosts.
     */
    static List<String> hosts(String setting) {
        List<String> out = new ArrayList<>();
        if (setting != null) {
            for (String h : setting.split(",")) {
                if (!h.isBlank()) {
                    out.add(h.strip().toLowerCase(java.util.Locale.ROOT));
                }
            }
        }
        return out;
    }

    static List<Path> exportDirs(String setting, Path data) {
        if (setting == null || setting.isBlank()) {
            return List.of(data.resolve("exports"));
        }
        List<Path> out = new ArrayList<>();
        for (String part : setting.split(java.util.regex.Pattern.quote(java.io.File.pathSeparator))) {
            if (part.isBlank()) {
                continue;
            }
            Path p = Path.of(part.trim());
            if (!p.isAbsolute()) {
                throw new HotCrmException(ErrorCode.CONFIGURATION, "HOTCRM_EXPORT_DIRS lists absolute directories separated by '"
                        + java.io.File.pathSeparator + "'; \"" + part.trim() + "\" is not absolute.");
            }
            out.add(p.normalize());
        }
        return out.isEmpty() ? List.of(data.resolve("exports")) : List.copyOf(out);
    }

    /** SMTP from HOTCRM_SMTP_*; null without a host (notices are then kept for the console only). */
    private static Notifier.Smtp smtp(Map<String, String> env) {
        String host = env.get("HOTCRM_SMTP_HOST");
        if (host == null || host.isBlank()) {
            return null;
        }
        return new Notifier.Smtp(host.trim(), intSetting(env, "HOTCRM_SMTP_PORT", 587, 1, 65535), env.get("HOTCRM_SMTP_USER"),
                env.get("HOTCRM_SMTP_PASSWORD"), env.getOrDefault("HOTCRM_SMTP_FROM", "hotcrm@localhost"),
                !"false".equalsIgnoreCase(env.getOrDefault("HOTCRM_SMTP_STARTTLS", "true")));
    }

    private static int intSetting(Map<String, String> env, String name, int def, int min, int max) {
        String v = env.get(name);
        if (v == null || v.isBlank()) {
            return def;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through to the message
        }
        throw new HotCrmException(ErrorCode.CONFIGURATION, name + " must be a whole number from " + min + " to " + max
                + ", not '" + v + "'.");
    }

    public boolean embedded() {
        return dbUrl.startsWith("jdbc:h2:");
    }

    /**
     * Whether the database is already there: the embedded default's file in the data directory; any other database is
     * taken to be (it is the operator's, named by HOTCRM_DB_URL).
     */
    public boolean databaseExists() {
        return !dbUrl.equals(Database.embeddedUrl(dataDir)) || Database.embeddedExists(dataDir);
    }

    @Override
    public String toString() {
        return "Config[data=" + dataDir + ", db=" + (embedded() ? "embedded H2" : Database.redact(dbUrl))
                + ", files=" + (fileBucket == null ? dataDir : "s3://" + fileBucket.get("bucket")) + "]";
    }
}
