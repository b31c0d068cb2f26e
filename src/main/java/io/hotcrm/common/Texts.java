package io.hotcrm.common;

/**
 * Values quoted in messages are cut to their first {@value #SHOWN} characters: a message names the value
 * a person can recognise, never echoes a whole 10 MB cell into a terminal, a log or a stored job result.
 */
public final class Texts {
    /** Characters of a value shown in a message. */
    public static final int SHOWN = 200;

    private Texts() {
    }

    /** The value in double quotes, cut to {@value #SHOWN} characters with the full length said when longer. */
    public static String quote(String value) {
        if (value == null) {
            return "(blank)";
        }
        return value.length() <= SHOWN ? "\"" + value + "\""
                : "\"" + value.substring(0, SHOWN) + "…\" (" + value.length() + " characters)";
    }

    /** The text cut to {@code max} characters, with an ellipsis when longer; null stays null. */
    public static String clip(String text, int max) {
        return text == null || text.length() <= max ? text : text.substring(0, max) + "…";
    }
}
