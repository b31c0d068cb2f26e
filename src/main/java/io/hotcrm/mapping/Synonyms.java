package io.hotcrm.mapping;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The headers people and other CRMs use for HotCRM fields ({@code synonyms.txt} beside this class): common
 * wording, Salesforce API names and HubSpot property names, per object or for every object with the field.
 */
final class Synonyms {
    /** One known header: what it means on which object, and where the wording comes from. */
    record Entry(String object, String field, LookupBy by, String source) {
        boolean appliesTo(String objectName) {
            return object.equals("*") || object.equals(objectName);
        }
    }

    private static final Synonyms STANDARD = load();
    private final Map<String, List<Entry>> byHeader;

    private Synonyms(Map<String, List<Entry>> byHeader) {
        this.byHeader = byHeader;
    }

    static Synonyms standard() {
        return STANDARD;
    }

    /** Entries for a normalised header, object-specific ones first. */
    List<Entry> lookup(String normalisedHeader, String objectName) {
        List<Entry> all = byHeader.getOrDefault(normalisedHeader, List.of());
        List<Entry> out = new ArrayList<>();
        all.stream().filter(e -> e.object().equals(objectName)).forEach(out::add);
        all.stream().filter(e -> e.object().equals("*")).forEach(out::add);
        return out;
    }

    /** Whether a (normalised) header names the field: its API name, or a synonym of it for any object. */
    boolean means(String normalisedHeader, String field) {
        return normalise(field).equals(normalisedHeader)
                || byHeader.getOrDefault(normalisedHeader, List.of()).stream().anyMatch(e -> e.field().equals(field));
    }

    /** Lower case, accents removed, only letters and digits: "E-Mail Address" → "emailaddress". */
    static String normalise(String s) {
        String d = Normalizer.normalize(s, Normalizer.Form.NFD);
        StringBuilder b = new StringBuilder(d.length());
        for (int i = 0; i < d.length(); i++) {
            char c = Character.toLowerCase(d.charAt(i));
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (Character.isLetterOrDigit(c) && c > 127
                    && Character.getType(c) != Character.NON_SPACING_MARK)) {
                b.append(c);
            }
        }
        return b.toString().toLowerCase(Locale.ROOT);
    }

    private static Synonyms load() {
        Map<String, List<Entry>> map = new TreeMap<>();
        try (InputStream in = Synonyms.class.getResourceAsStream("synonyms.txt")) {
            if (in == null) {
                throw new IllegalStateException("synonyms.txt is missing from the jar");
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            int n = 0;
            while ((line = r.readLine()) != null) {
                n++;
                line = line.strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                int colon = line.indexOf(':');
                if (colon < 0) {
                    throw new IllegalStateException("synonyms.txt line " + n + ": no ':'");
                }
                String[] head = line.substring(0, colon).trim().split("\\s+");
                if (head.length < 2 || head.length > 3) {
                    throw new IllegalStateException("synonyms.txt line " + n + ": expected OBJECT FIELD[/BY] [SOURCE]");
                }
                String[] fieldBy = head[1].split("/");
                LookupBy by = fieldBy.length > 1 ? LookupBy.of(fieldBy[1]) : null;
                Entry e = new Entry(head[0], fieldBy[0], by, head.length == 3 ? head[2] : "synonym");
                for (String h : line.substring(colon + 1).split(",")) {
                    String key = normalise(h);
                    if (!key.isEmpty()) {
                        map.computeIfAbsent(key, k -> new ArrayList<>()).add(e);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Synonyms(map);
    }
}
