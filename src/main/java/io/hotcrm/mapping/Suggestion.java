package io.hotcrm.mapping;

import java.util.List;

/**
 * The suggested field for one column of a file. {@code field} is null when nothing fits well enough or the
 * choice is ambiguous: then {@code reason} says why and {@code alternatives} lists the candidates, so the
 * user decides (nothing is guessed silently). {@code confidence} is 0–1: 1 for the field's API name,
 * 0.95 for its label, 0.9 for a Salesforce or HubSpot name, 0.85 for a common synonym, lower for fuzzy
 * matches. {@code samples} are the column's first non-empty values.
 */
public record Suggestion(int column, String header, String field, LookupBy by, double confidence, String reason,
                         List<String> alternatives, List<String> samples) {
    public Suggestion {
        alternatives = List.copyOf(alternatives);
        samples = List.copyOf(samples);
    }

    public boolean mapped() {
        return field != null;
    }
}
