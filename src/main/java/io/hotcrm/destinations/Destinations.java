package io.hotcrm.destinations;

import io.hotcrm.common.HotCrmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** The destination kinds this HotCRM knows, and the checking of a destination's settings. */
public final class Destinations {
    private final Map<String, DestinationKind> kinds = new LinkedHashMap<>();

    public Destinations(List<DestinationKind> kinds) {
        kinds.forEach(k -> this.kinds.put(k.type(), k));
    }

    public List<DestinationKind> kinds() {
        return List.copyOf(kinds.values());
    }

    public DestinationKind kind(String type) {
        DestinationKind k = kinds.get(type == null ? "" : type.trim().toLowerCase(java.util.Locale.ROOT));
        if (k == null) {
            throw HotCrmException.invalid("Unknown destination type \"" + type + "\". Use " + String.join(", ", kinds.keySet()) + ".");
        }
        return k;
    }

    /** Opens a destination after checking its settings: required ones present, none unknown. */
    public Destination open(String type, Map<String, String> settings) {
        DestinationKind k = kind(type);
        check(k, settings);
        return k.open(settings);
    }

    /** The names of the type's secret settings (stored encrypted, never returned). */
    public Set<String> secrets(String type) {
        Set<String> out = new TreeSet<>();
        kind(type).settings().stream().filter(DestinationKind.Setting::secret).forEach(s -> out.add(s.name()));
        return out;
    }

    /** How secret settings are shown once saved: never their value. */
    public static final String MASK = "********";

    /**
     * A destination's settings as saved: its secret settings encrypted with {@code secrets} (a configuration error when
     * there is no key), the others as given; a JSON object.
     */
    public String store(String type, Map<String, String> settings, io.hotcrm.common.Secrets secrets) {
        Set<String> secretNames = secrets(type);
        com.fasterxml.jackson.databind.node.ObjectNode n = JSON.createObjectNode();
        for (Map.Entry<String, String> e : settings.entrySet()) {
            if (secretNames.contains(e.getKey())) {
                if (secrets == null) {
                    throw new HotCrmException(io.hotcrm.common.ErrorCode.CONFIGURATION, "Destination credentials are stored"
                            + " encrypted, and there is no key: set " + io.hotcrm.common.Secrets.ENV + " (make one with: openssl rand"
                            + " -base64 32) and restart HotCRM.");
                }
                n.put(e.getKey(), secrets.encrypt(e.getValue()));
            } else {
                n.put(e.getKey(), e.getValue());
            }
        }
        return n.toString();
    }

    /** Saved settings read back: {@code plain} to open the destination with, {@code shown} with secrets as {@link #MASK}. */
    public record Saved(Map<String, String> plain, Map<String, String> shown) {
    }

    /** Reads settings {@link #store saved}: secrets decrypted with {@code secrets} (null when there is no key). */
    public static Saved read(String stored, io.hotcrm.common.Secrets secrets) {
        Map<String, String> raw;
        try {
            raw = JSON.readValue(stored, new com.fasterxml.jackson.core.type.TypeReference<LinkedHashMap<String, String>>() { });
        } catch (java.io.IOException e) {
            throw new IllegalStateException("Saved destination settings are not readable", e);
        }
        Map<String, String> shown = new LinkedHashMap<>();
        Map<String, String> plain = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : raw.entrySet()) {
            boolean secret = io.hotcrm.common.Secrets.isEncrypted(e.getValue());
            shown.put(e.getKey(), secret ? MASK : e.getValue());
            plain.put(e.getKey(), secret ? (secrets == null ? null : secrets.decrypt(e.getValue())) : e.getValue());
        }
        return new Saved(plain, shown);
    }

    /**
     * New settings for a destination saved before: secret settings left out, left empty or given as {@link #MASK} keep
     * their saved values (a form never shows them); blank settings are dropped.
     */
    public Map<String, String> merge(String type, Map<String, String> given, Map<String, String> saved) {
        Map<String, String> out = new LinkedHashMap<>(given);
        if (saved != null) {
            for (String secret : secrets(type)) {
                String v = out.get(secret);
                if ((v == null || v.isBlank() || v.equals(MASK)) && saved.containsKey(secret)) {
                    out.put(secret, saved.get(secret));
                }
            }
        }
        out.values().removeIf(v -> v == null || v.isBlank());
        return out;
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    static void check(DestinationKind k, Map<String, String> settings) {
        List<String> problems = new ArrayList<>();
        Set<String> known = new TreeSet<>();
        for (DestinationKind.Setting s : k.settings()) {
            known.add(s.name());
            String v = settings.get(s.name());
            if (s.required() && (v == null || v.isBlank())) {
                problems.add("\"" + s.name() + "\" is required (" + s.help() + ")");
            }
        }
        for (String name : settings.keySet()) {
            if (!known.contains(name)) {
                problems.add("\"" + name + "\" is not a setting of " + k.type() + " destinations (they have " + String.join(", ", known) + ")");
            }
        }
        if (!problems.isEmpty()) {
            throw HotCrmException.invalid("The " + k.type() + " destination's settings are not right: " + String.join("; ", problems) + ".");
        }
    }

    /** Joins a folder prefix and a file name with exactly one '/'. */
    public static String join(String prefix, String name) {
        String p = prefix == null ? "" : prefix.trim();
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        if (p.isEmpty()) {
            return name;
        }
        return p.endsWith("/") ? p + name : p + "/" + name;
    }

    /** A file name that is safe everywhere: no "..", no leading '/', no control characters. */
    public static String checkName(String name) {
        if (name == null || name.isBlank() || name.startsWith("/") || name.contains("..") || name.chars().anyMatch(c -> c < 32)
                || name.contains("\\")) {
            throw HotCrmException.invalid("\"" + name + "\" is not a usable file name: use letters, digits, '-', '_', '.'"
                    + " and '/' for folders, without \"..\".");
        }
        return name;
    }
}
