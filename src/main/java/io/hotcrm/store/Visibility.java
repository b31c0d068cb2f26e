package io.hotcrm.store;

import static io.hotcrm.store.Dialect.q;

import io.hotcrm.metadata.FieldDef;
import io.hotcrm.metadata.ObjectDef;
import io.hotcrm.metadata.SystemField;
import io.hotcrm.security.AccessGuard;
import io.hotcrm.security.Principal;
import java.util.List;

/**
 * Record visibility as SQL: for a role that sees only its own records, the condition "owned by me" (or
 * "created by me" on objects without an owner). Both the store and the query engine add it to every read.
 */
public final class Visibility {
    private Visibility() {
    }

    /** A SQL condition with its parameters; {@code sql} is empty when every record is visible. */
    public record Condition(String sql, List<Object> params) {
        public Condition {
            params = List.copyOf(params);
        }

        public boolean isEmpty() {
            return sql.isEmpty();
        }
    }

    public static Condition of(Principal p, ObjectDef object, String alias) {
        if (AccessGuard.visibility(p, object) == io.hotcrm.security.Visibility.ALL) {
            return new Condition("", List.of());
        }
        String column = object.ownerField().map(FieldDef::name).orElse(SystemField.CREATED_BY);
        if (p.userId() == null) {
            return new Condition("1 = 0", List.of());
        }
        return new Condition(alias + "." + q(column) + " = ?", List.of(p.userId()));
    }
}
