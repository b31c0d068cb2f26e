package io.hotcrm.query;

import java.util.List;
import java.util.Objects;

/** The canonical filter AST that both ObjectQL dialects ({@code where} and legacy {@code filters}) parse into. */
public sealed interface Filter {

    record And(List<Filter> parts) implements Filter {
        public And {
            parts = List.copyOf(parts);
        }
    }

    record Or(List<Filter> parts) implements Filter {
        public Or {
            parts = List.copyOf(parts);
        }
    }

    record Not(Filter inner) implements Filter {
        public Not {
            Objects.requireNonNull(inner, "inner");
        }
    }

    /** {@code path op value}; for $in/$nin/$between the value is a list, for $null a Boolean. */
    record Compare(String path, Op op, Object value) implements Filter {
        public Compare {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(op, "op");
        }
    }

    /** Comparison operators with their canonical ObjectQL names. */
    enum Op {
        EQ("$eq"), NE("$ne"), GT("$gt"), GTE("$gte"), LT("$lt"), LTE("$lte"), IN("$in"), NIN("$nin"),
        BETWEEN("$between"), CONTAINS("$contains"), STARTS_WITH("$startsWith"), ENDS_WITH("$endsWith"), NULL("$null");

        private final String canonical;

        Op(String canonical) {
            this.canonical = canonical;
        }

        public String canonical() {
            return canonical;
        }
    }
}
