package io.hotcrm.query;

import java.util.Objects;

/** One {@code orderBy} entry. */
public record Sort(String field, boolean descending) {
    public Sort {
        Objects.requireNonNull(field, "field");
    }
}
