package io.hotcrm.destinations;

import java.util.List;
import java.util.Map;

/** A kind of destination (local, s3, gcs, azure, sftp): its settings, and how to open one from them. */
public interface DestinationKind {
    /** {@code local}, {@code s3}, {@code gcs}, {@code azure}, {@code sftp}. */
    String type();

    List<Setting> settings();

    /** Opens a destination; settings are checked first (missing, unknown). Secrets arrive decrypted. */
    Destination open(Map<String, String> settings);

    /** One setting: its name, whether it is required, whether it is a secret (encrypted, never shown), and help. */
    record Setting(String name, boolean required, boolean secret, String help) {
        public static Setting required(String name, String help) {
            return new Setting(name, true, false, help);
        }

        public static Setting optional(String name, String help) {
            return new Setting(name, false, false, help);
        }

        public static Setting secret(String name, boolean required, String help) {
            return new Setting(name, required, true, help);
        }
    }
}
