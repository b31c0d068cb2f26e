package io.hotcrm.query;

import java.util.Objects;

/** One {@code orderBy} entry. */
public record Sort(String field, boolean descending) {
    public Sort {
        Objects.requireNonNull(field, "field");
    }

    /**
     * An order written as text, "last_name, created_at desc" (the CLI's {@code --order-by}, a download link's
     * {@code orderBy}); {@code what} names where it came from in the message for anything else.
     */
    public static java.util.List<Sort> parseList(String text, String what) {
        java.util.List<Sort> out = new java.util.ArrayList<>();
        if (text == null) {
            return out;
        }
        for (String part : text.split(",")) {
            String[] w = part.trim().split("\\s+");
            if (w[0].isEmpty()) {
                continue;
            }
            boolean desc = w.length > 1 && w[1].equalsIgnoreCase("desc");
            if (w.length > 2 || (w.length == 2 && !desc && !w[1].equalsIgnoreCase("asc"))) {
                throw ObjectQl.invalid(what + " takes \"field [asc|desc], …\", found \"" + part.trim() + "\".");
            }
            out.add(new Sort(w[0], desc));
        }
        return out;
    }
}
