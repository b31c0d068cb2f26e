package io.hotcrm.metadata;

import java.util.Collection;
import java.util.Comparator;
import java.util.Locale;

/** "Did you mean …?" hints for names people mistype. */
public final class Suggestions {
    private Suggestions() {
    }

    /** A sentence naming the closest candidate, or an empty string when nothing is close. */
    public static String didYouMean(String wrong, Collection<String> candidates) {
        String w = wrong.toLowerCase(Locale.ROOT);
        return candidates.stream()
                .min(Comparator.comparingInt(c -> distance(w, c.toLowerCase(Locale.ROOT))))
                .filter(c -> distance(w, c.toLowerCase(Locale.ROOT)) <= Math.max(2, w.length() / 3))
                .map(c -> " Did you mean \"" + c + "\"?")
                .orElse("");
    }

    /** Levenshtein distance. */
    public static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
