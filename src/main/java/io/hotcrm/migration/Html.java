package io.hotcrm.migration;

import java.util.Locale;
import java.util.Map;

/** Rich text as sources keep it (Salesforce's Lightning notes, HubSpot's notes, emails and meetings) read as plain text. */
public final class Html {
    private Html() {
    }

    private static final java.util.regex.Pattern BREAK = java.util.regex.Pattern.compile(
            "(?i)<br\\s*/?>|</(p|div|li|h[1-6]|tr)>");
    private static final java.util.regex.Pattern TAG = java.util.regex.Pattern.compile("<[^>]*>");
    private static final java.util.regex.Pattern ENTITY = java.util.regex.Pattern.compile("&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);");
    private static final Map<String, String> ENTITIES = Map.of("amp", "&", "lt", "<", "gt", ">", "quot", "\"", "apos", "'",
            "nbsp", " ");

    /** HTML (a note's body, an email's) as text: line and paragraph breaks kept, list items marked, tags dropped, entities decoded. */
    public static String text(String html) {
        String text = BREAK.matcher(html).replaceAll("\n");
        text = text.replaceAll("(?i)<li[^>]*>", "- ");
        text = TAG.matcher(text).replaceAll("");
        text = ENTITY.matcher(text).replaceAll(m -> {
            String e = m.group(1);
            String decoded = e.startsWith("#x") ? new String(Character.toChars(Integer.parseInt(e.substring(2), 16)))
                    : e.startsWith("#") ? new String(Character.toChars(Integer.parseInt(e.substring(1))))
                    : ENTITIES.getOrDefault(e.toLowerCase(Locale.ROOT), m.group());
            return java.util.regex.Matcher.quoteReplacement(decoded);
        });
        return text.strip();
    }
}
