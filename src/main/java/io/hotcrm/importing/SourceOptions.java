package io.hotcrm.importing;

import io.hotcrm.common.HotCrmException;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.UnsupportedCharsetException;

/** What the user says about a file: its delimiter and encoding (null = detect) and, for workbooks, the sheet. */
public record SourceOptions(Character delimiter, Charset encoding, String sheet) {
    public static final SourceOptions DETECT = new SourceOptions(null, null, null);

    /** Parses a delimiter option: a single character, or "tab", "\t", "comma", "semicolon", "pipe". */
    public static Character delimiter(String s) {
        if (s == null || s.isEmpty()) {
            return null;
        }
        return switch (s.toLowerCase(java.util.Locale.ROOT)) {
            case "tab", "\\t", "\t" -> '\t';
            case "comma" -> ',';
            case "semicolon" -> ';';
            case "pipe" -> '|';
            default -> {
                if (s.length() != 1 || s.charAt(0) == '"' || s.charAt(0) == '\n' || s.charAt(0) == '\r') {
                    throw HotCrmException.invalid("The delimiter must be one character such as , ; | or tab, not \"" + s + "\".");
                }
                yield s.charAt(0);
            }
        };
    }

    /** Parses an encoding option ("UTF-8", "windows-1252", "ISO-8859-1", "UTF-16"). */
    public static Charset encoding(String s) {
        if (s == null || s.isBlank()) {
            return null;
        }
        try {
            return Charset.forName(s.trim());
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            throw HotCrmException.invalid("Unknown encoding '" + s + "'; use UTF-8, UTF-16, windows-1252 or ISO-8859-1.");
        }
    }
}
