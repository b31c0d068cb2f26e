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
