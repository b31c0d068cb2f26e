package io.hotcrm.mapping;

import io.hotcrm.metadata.FieldDef;
import io.hotcrm.metadata.FieldType;
import io.hotcrm.metadata.ObjectDef;
import io.hotcrm.metadata.SystemField;
import io.hotcrm.metadata.ValueConverter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Suggests a field for each column of a file: the field's API name, then its label, then Salesforce and
 * HubSpot names and common synonyms, then lookup patterns ("Account External ID", "Owner Email"), then
 * fuzzy matching. Sample values decide how a lookup column finds its records (ids, emails or external ids)
 * and lower the confidence of a guess whose values do not fit the field's type. Ambiguous and weak matches
 * are left unmapped with the candidates listed.
 */
public final class MappingSuggester {
    /** Suggestions below this confidence are shown as alternatives, not applied. */
    public static final double APPLY_AT = 0.6;
    static final String ID = "id";
    private static final Pattern UUID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Map<String, LookupBy> LOOKUP_SUFFIXES = new LinkedHashMap<>();

    static {
        LOOKUP_SUFFIXES.put("externalid", LookupBy.EXTERNAL_ID);
        LOOKUP_SUFFIXES.put("extid", LookupBy.EXTERNAL_ID);
        LOOKUP_SUFFIXES.put("email", LookupBy.EMAIL);
        LOOKUP_SUFFIXES.put("name", LookupBy.NAME);
        LOOKUP_SUFFIXES.put("id", LookupBy.ID);
    }

    private final Synonyms synonyms = Synonyms.standard();

    /** A candidate for one column. */
    private record Candidate(String field, LookupBy by, double confidence, String reason) {
    }

    /**
     * Suggestions for every column, in column order. {@code samples} are a few of the file's first rows
     * (may be empty); they are used to pick lookup keys and to check that values fit.
     */
    public List<Suggestion> suggest(ObjectDef o, List<String> headers, List<String[]> samples) {
        List<Suggestion> out = new ArrayList<>();
        for (int c = 0; c < headers.size(); c++) {
            out.add(suggestColumn(o, c, headers.get(c), columnSamples(samples, c)));
        }
        return resolveDuplicates(out);
    }

    /**
     * The mapping the suggestions propose (every confidently matched column) and, for an object whose required
     * name field no column fills but which has first and last name columns (a user export of Salesforce or
     * HubSpot), the name composed from them.
     */
    public Mapping suggestMapping(ObjectDef o, List<String> headers, List<String[]> samples) {
        return suggestMapping(o, suggest(o, headers, samples));
    }

    /** The mapping that suggestions already made ({@link #suggest}) propose, as {@link #suggestMapping(ObjectDef, List, List)}. */
    public Mapping suggestMapping(ObjectDef o, List<Suggestion> suggestions) {
        String[] parts = nameParts(o, suggestions);
        if (parts == null) {
            return Mapping.fromSuggestions(o.name(), suggestions);
        }
        List<Suggestion> rest = suggestions.stream().filter(x -> !(x.mapped() && x.field().equals("name"))).toList();
        return Mapping.fromSuggestions(o.name(), rest).withCompose("name", List.of(parts));
    }

    /** A column mapped to a name this surely (the field's own name or label) keeps it from being composed. */
    private static final double SURE = 0.95;

    /**
     * The first and last name headers to compose the object's {@code name} from, or null: columns no field took
     * whose headers mean {@code first_name} and {@code last_name} (their names, labels or synonyms).
     */
    private String[] nameParts(ObjectDef o, List<Suggestion> suggestions) {
        FieldDef name = o.field("name").orElse(null);
        if (name == null || !name.required() || name.computed() || name.type() != io.hotcrm.metadata.FieldType.TEXT
                || suggestions.stream().anyMatch(x -> x.mapped() && x.field().equals("name") && x.confidence() >= SURE)) {
            return null;
        }
        String first = null;
        String last = null;
        for (Suggestion x : suggestions) {
            String n = Synonyms.normalise(x.header() == null ? "" : x.header());
            if (x.mapped()) {
                continue;
            }
            if (first == null && synonyms.means(n, "first_name")) {
                first = x.header();
            } else if (last == null && synonyms.means(n, "last_name")) {
                last = x.header();
            }
        }
        return first != null && last != null ? new String[] {first, last} : null;
    }

    private static List<String> columnSamples(List<String[]> rows, int c) {
        List<String> values = new ArrayList<>();
        for (String[] r : rows) {
            if (c < r.length && r[c] != null && !r[c].isBlank() && values.size() < 5) {
                values.add(r[c]);
            }
        }
        return values;
    }

    private Suggestion suggestColumn(ObjectDef o, int column, String header, List<String> samples) {
        String n = Synonyms.normalise(header == null ? "" : header);
        if (n.isEmpty()) {
            return new Suggestion(column, header, null, null, 0, "The column has no header.", List.of(), samples);
        }
        for (FieldDef f : o.fields()) {
            if (f.computed() && (n.equals(Synonyms.normalise(f.name())) || n.equals(Synonyms.normalise(f.label())))) {
                return new Suggestion(column, header, null, null, 0, f.label() + " (" + f.name() + ") is calculated by"
                        + " HotCRM and cannot be imported; the column is ignored.", List.of(), samples);
            }
        }
        List<Candidate> candidates = candidates(o, n, samples);
        if (candidates.isEmpty()) {
            return new Suggestion(column, header, null, null, 0, "No field of " + o.name() + " matches this header.",
                    List.of(), samples);
        }
        candidates.sort(Comparator.comparingDouble(Candidate::confidence).reversed());
        Candidate best = candidates.get(0);
        List<String> alternatives = candidates.stream().skip(1).map(Candidate::field).filter(f -> !f.equals(best.field()))
                .distinct().limit(3).toList();
        if (candidates.size() > 1) {
            Candidate second = candidates.stream().filter(x -> !x.field().equals(best.field())).findFirst().orElse(null);
            if (second != null && best.confidence() - second.confidence() < 0.05) {
                List<String> both = new ArrayList<>(List.of(best.field()));
                both.addAll(alternatives);
                return new Suggestion(column, header, null, null, best.confidence(), "Ambiguous: it could be "
                        + best.field() + " or " + second.field() + "; choose one.", both, samples);
            }
        }
        if (best.confidence() < APPLY_AT) {
            List<String> alt = new ArrayList<>(List.of(best.field()));
            alt.addAll(alternatives);
            return new Suggestion(column, header, null, null, best.confidence(), "Not sure: the closest field is "
                    + best.field() + " (" + best.reason() + "); map it yourself if that is right.", alt, samples);
        }
        return new Suggestion(column, header, best.field(), best.by(), round(best.confidence()), best.reason(),
                alternatives, samples);
    }

    private List<Candidate> candidates(ObjectDef o, String n, List<String> samples) {
        List<Candidate> out = new ArrayList<>();
        if (n.equals(ID)) {
            boolean uuids = !samples.isEmpty() && samples.stream().allMatch(s -> UUID.matcher(s.trim()).matches());
            out.add(uuids ? new Candidate(ID, null, 1.0, "HotCRM record id")
                    : new Candidate(SystemField.EXTERNAL_ID, null, 0.9, "an id from another system, kept as the external id"));
            return out;
        }
        if (n.equals(Synonyms.normalise(SystemField.EXTERNAL_ID))) {
            out.add(new Candidate(SystemField.EXTERNAL_ID, null, 1.0, "API name"));
            return out;
        }
        for (FieldDef f : o.fields()) {
            if (f.computed()) {
                continue;
            }
            if (n.equals(Synonyms.normalise(f.name()))) {
                out.add(new Candidate(f.name(), by(f, null, samples), 1.0, "API name"));
            } else if (n.equals(Synonyms.normalise(f.label()))) {
                out.add(new Candidate(f.name(), by(f, isReference(f) ? LookupBy.NAME : null, samples), 0.95, "label"));
            }
        }
        if (!out.isEmpty()) {
            return out;
        }
        for (Synonyms.Entry e : synonyms.lookup(n, o.name())) {
            if (e.field().equals(SystemField.EXTERNAL_ID)) {
                out.add(new Candidate(e.field(), null, sourceConfidence(e), describe(e)));
                continue;
            }
            o.field(e.field()).filter(f -> !f.computed()).ifPresent(f -> out.add(new Candidate(f.name(),
                    by(f, e.by(), samples), fit(f, e.by(), samples, sourceConfidence(e)), describe(e))));
        }
        if (!out.isEmpty()) {
            return dedupe(out);
        }
        lookupPatterns(o, n, samples, out);
        if (!out.isEmpty()) {
            return out;
        }
        fuzzy(o, n, samples, out);
        return dedupe(out);
    }

    /** "Account External ID", "Owner Email", "Parent Account Name": a reference field plus how to look up. */
    private static void lookupPatterns(ObjectDef o, String n, List<String> samples, List<Candidate> out) {
        for (FieldDef f : o.fields()) {
            if (!isReference(f)) {
                continue;
            }
            List<String> stems = new ArrayList<>();
            stems.add(Synonyms.normalise(f.label()));
            stems.add(Synonyms.normalise(f.relationName()));
            if (f.target() != null) {
                stems.add(Synonyms.normalise(f.target()));
            }
            for (String stem : stems) {
                for (Map.Entry<String, LookupBy> s : LOOKUP_SUFFIXES.entrySet()) {
                    if (!stem.isEmpty() && n.equals(stem + s.getKey())) {
                        LookupBy by = s.getValue() == LookupBy.ID ? by(f, null, samples) : s.getValue();
                        out.add(new Candidate(f.name(), by, fit(f, by, samples, 0.8), "a " + f.label() + " lookup by "
                                + by.id().replace('_', ' ')));
                        return;
                    }
                }
            }
        }
    }

    private static void fuzzy(ObjectDef o, String n, List<String> samples, List<Candidate> out) {
        for (FieldDef f : o.fields()) {
            if (f.computed()) {
                continue;
            }
            double sim = Math.max(similarity(n, Synonyms.normalise(f.name())), similarity(n, Synonyms.normalise(f.label())));
            if (sim >= 0.75) {
                LookupBy by = by(f, isReference(f) ? LookupBy.NAME : null, samples);
                out.add(new Candidate(f.name(), by, fit(f, by, samples, 0.8 * sim),
                        "similar to " + f.label() + " (" + Math.round(sim * 100) + "% alike)"));
            }
        }
    }

    static double similarity(String a, String b) {
        if (a.isEmpty() || b.isEmpty()) {
            return 0;
        }
        return 1.0 - (double) distance(a, b) / Math.max(a.length(), b.length());
    }

    /** Edit distance counting a swap of two neighbouring letters as one edit (the commonest typo). */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }

    private static boolean isReference(FieldDef f) {
        return f.type() == FieldType.LOOKUP || f.type() == FieldType.OWNER;
    }

    /**
     * How a reference column looks records up: UUID samples → id, email samples → email; owners otherwise by
     * email (no samples) or external id (never by name); lookups as given, else by external id. Null for
     * other fields.
     */
    static LookupBy by(FieldDef f, LookupBy given, List<String> samples) {
        if (!isReference(f)) {
            return null;
        }
        if (!samples.isEmpty() && samples.stream().allMatch(s -> UUID.matcher(s.trim()).matches())) {
            return LookupBy.ID;
        }
        if (!samples.isEmpty() && samples.stream().allMatch(s -> s.contains("@"))) {
            return LookupBy.EMAIL;
        }
        if (f.type() == FieldType.OWNER) {
            return given == LookupBy.EXTERNAL_ID || given == LookupBy.ID ? given
                    : samples.isEmpty() ? LookupBy.EMAIL : LookupBy.EXTERNAL_ID;
        }
        return given != null ? given : LookupBy.EXTERNAL_ID;
    }

    /** Lowers the confidence when most sample values would not convert to the field's type. */
    private static double fit(FieldDef f, LookupBy by, List<String> samples, double confidence) {
        if (samples.isEmpty() || isReference(f)) {
            if (by == LookupBy.EMAIL && !samples.isEmpty() && samples.stream().noneMatch(s -> s.contains("@"))) {
                return confidence * 0.5;
            }
            return confidence;
        }
        long bad = samples.stream().filter(s -> !ValueConverter.convert(f, s).ok()).count();
        if (f.type() == FieldType.DATE || f.type() == FieldType.DATETIME) {
            return confidence;
        }
        return bad * 2 > samples.size() ? confidence * 0.5 : confidence;
    }

    private static double sourceConfidence(Synonyms.Entry e) {
        return e.source().equals("synonym") ? 0.85 : 0.9;
    }

    private static String describe(Synonyms.Entry e) {
        return switch (e.source()) {
            case "salesforce" -> "Salesforce field name";
            case "hubspot" -> "HubSpot property name";
            default -> "common name";
        };
    }

    private static double round(double d) {
        return Math.round(d * 100) / 100.0;
    }

    private static List<Candidate> dedupe(List<Candidate> in) {
        Map<String, Candidate> best = new LinkedHashMap<>();
        for (Candidate c : in) {
            best.merge(c.field(), c, (a, b) -> a.confidence() >= b.confidence() ? a : b);
        }
        return new ArrayList<>(best.values());
    }

    /** Exact keys beat names: a column of external ids is a better way to find an account than its name. */
    private static int keyRank(LookupBy by) {
        return by == null ? 0 : switch (by) {
            case ID -> 1;
            case EXTERNAL_ID -> 2;
            case EMAIL -> 3;
            case NAME -> 4;
        };
    }

    /**
     * Two columns suggested for one field: the more confident keeps it (on a tie, the exact key), the other
     * is shown unmapped.
     */
    private static List<Suggestion> resolveDuplicates(List<Suggestion> in) {
        Map<String, Suggestion> winner = new HashMap<>();
        for (Suggestion s : in) {
            if (s.mapped()) {
                winner.merge(s.field(), s, (a, b) -> b.confidence() > a.confidence()
                        || b.confidence() == a.confidence() && keyRank(b.by()) < keyRank(a.by()) ? b : a);
            }
        }
        List<Suggestion> out = new ArrayList<>();
        for (Suggestion s : in) {
            Suggestion w = s.mapped() ? winner.get(s.field()) : null;
            if (w != null && w != s) {
                out.add(new Suggestion(s.column(), s.header(), null, null, s.confidence(), "Column \"" + w.header()
                        + "\" is a better match for " + s.field() + "; choose a field for this one.",
                        List.of(s.field()), s.samples()));
            } else {
                out.add(s);
            }
        }
        return out;
    }
}
