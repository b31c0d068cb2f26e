package io.hotcrm.common;

import java.util.Objects;

/**
 * One thing wrong with one value: the field (or column) it concerns, a short machine code, and a message
 * for people that says what was expected and what was found.
 */
public record Problem(String field, String code, String message) {
    public Problem {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
    }
}
