package io.hotcrm.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hotcrm.common.HotCrmException;
import io.hotcrm.metadata.ObjectDef;
import io.hotcrm.security.AccessGuard;
import io.hotcrm.security.Action;
import io.hotcrm.security.Principal;
import io.hotcrm.store.Schema;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * Saved list views and reports per object: an ObjectQL definition (fields, filter, order; a report adds
 * {@code groupBy} and {@code aggregates}) under a name. A view is private to its owner unless shared; shared
 * views are seen by everyone who may read the object, and changed or deleted by their owner or a user who
 * manages setup. Whoever runs a view sees it through their own permissions: fields they may not read are
 * left out, records they may not see are not there.
 */
public final class Views {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Jdbi jdbi;
    private final Schema schema;
    private final QueryEngine query;

    public Views(Jdbi jdbi, Schema schema, QueryEngine query) {
        this.jdbi = jdbi;
        this.schema = schema;
        this.query = query;
    }

    /** A saved view: its definition as JSON and parsed. */
    public record View(String object, String name, String definition, String owner, boolean shared, OffsetDateTime updatedAt) {
        public ReportRequest request() {
            return ObjectQl.parseReport(definition);
        }

        public boolean isReport() {
            return request().isReport();
        }

        /** The view as the CLI and the REST API show it. */
        public java.util.Map<String, Object> view() {
            java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
            m.put("object", object);
            m.put("name", name);
            m.put("kind", isReport() ? "report" : "list");
            m.put("shared", shared);
            m.put("owner", owner);
            m.put("updatedAt", updatedAt.toString());
            try {
                m.put("definition", JSON.readTree(definition));
            } catch (java.io.IOException e) {
                m.put("definition", definition);
            }
            return m;
        }
    }

    /**
     * Saves (or replaces) a view. The definition is checked as the principal would run it, so a view naming
     * an unknown field or one the owner cannot read is refused when saved, not when run.
     */
    public View save(Principal p, String name, String definition, boolean shared) {
        if (name == null || name.isBlank() || name.length() > 120) {
            throw HotCrmException.invalid("A view needs a name of 1 to 120 characters.");
        }
        JsonNode tree;
        try {
            tree = JSON.readTree(definition);
        } catch (java.io.IOException e) {
            throw ObjectQl.invalid("The view definition is not valid JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
        ReportRequest r = ObjectQl.parseReport(tree);
        ObjectDef o = schema.object(r.query().object());
        query.validate(p, r);
        if (tree.has("limit") || tree.has("top") || tree.has("cursor")) {
            throw ObjectQl.invalid("A view has no limit or cursor: whoever runs or exports it pages through it.");
        }
        String trimmed = name.trim();
        Optional<View> existing = find(o.name(), trimmed);
        existing.ifPresent(v -> requireOwner(p, v, "change"));
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        String owner = existing.map(View::owner).orElse(p.email());
        String json = tree.toString();
        jdbi.useTransaction(h -> {
            int n = h.createUpdate("update hc_view set definition = :d, shared = :s, updated_at = :now"
                            + " where object_name = :o and name = :n")
                    .bind("d", json).bind("s", shared).bind("now", now).bind("o", o.name()).bind("n", trimmed).execute();
            if (n == 0) {
                h.createUpdate("insert into hc_view (object_name, name, definition, owner_email, shared, created_at, updated_at)"
                                + " values (:o, :n, :d, :owner, :s, :now, :now)")
                        .bind("o", o.name()).bind("n", trimmed).bind("d", json).bind("owner", owner).bind("s", shared)
                        .bind("now", now).execute();
            }
        });
        return new View(o.name(), trimmed, json, owner, shared, now);
    }

    /** The view, if the principal may see it (their own, or shared, on an object they may read). */
    public Optional<View> find(Principal p, String object, String name) {
        ObjectDef o = schema.object(object);
        AccessGuard.require(p, o, Action.READ);
        return find(o.name(), name.trim()).filter(v -> visible(p, v));
    }

    /** The view, or an error that lists the views the principal may use on the object. */
    public View get(Principal p, String object, String name) {
        return find(p, object, name).orElseThrow(() -> {
            List<String> names = list(p, object).stream().map(View::name).toList();
            return HotCrmException.notFound("There is no " + schema.object(object).name() + " view named \"" + name + "\"."
                    + (names.isEmpty() ? " None are saved yet." : " Views you can use: " + String.join(", ", names) + "."));
        });
    }

    /** The views the principal may use, on one object or (null) on every object they may read. */
    public List<View> list(Principal p, String object) {
        String only = object == null ? null : schema.object(object).name();
        if (only != null) {
            AccessGuard.require(p, schema.object(only), Action.READ);
        }
        return jdbi.withHandle(h -> h.createQuery("select object_name, name, definition, owner_email, shared, updated_at"
                        + " from hc_view" + (only == null ? "" : " where object_name = :o") + " order by object_name, name")
                .bind("o", only).map((rs, c) -> new View(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getBoolean(5), rs.getObject(6, OffsetDateTime.class).withOffsetSameInstant(ZoneOffset.UTC)))
                .list())
                .stream().filter(v -> schema.catalogue().find(v.object()).isPresent()
                        && AccessGuard.can(p, schema.object(v.object()), Action.READ) && visible(p, v)).toList();
    }

    /**
     * One page of a list view as the principal sees it: the view's fields they may not read are left out
     * (and listed as hidden); its filter and order must use fields they may read.
     */
    public QueryResult page(Principal p, View v, int limit, String cursor) {
        QueryRequest q = v.request().query();
        List<String> hidden = new java.util.ArrayList<>();
        if (!q.fields().isEmpty()) {
            List<String> readable = query.columns(p, q.object(), q.fields(), hidden).stream()
                    .map(QueryEngine.FieldColumn::path).toList();
            q = q.withFields(readable);
        }
        QueryResult r = query.run(p, q.withLimit(limit).withCursor(cursor));
        if (hidden.isEmpty()) {
            return r;
        }
        List<String> all = new java.util.ArrayList<>(r.hiddenFields());
        all.addAll(hidden);
        return new QueryResult(r.object(), r.fields(), r.records(), r.nextCursor(), all);
    }

    public void delete(Principal p, String object, String name) {
        View v = get(p, object, name);
        requireOwner(p, v, "delete");
        jdbi.useHandle(h -> h.createUpdate("delete from hc_view where object_name = :o and name = :n")
                .bind("o", v.object()).bind("n", v.name()).execute());
    }

    private static boolean visible(Principal p, View v) {
        return v.shared() || p.isSystem() || p.email().equalsIgnoreCase(v.owner()) || p.role().manageSetup();
    }

    private static void requireOwner(Principal p, View v, String what) {
        if (!p.isSystem() && !p.role().manageSetup() && !p.email().equalsIgnoreCase(v.owner())) {
            throw new HotCrmException(io.hotcrm.common.ErrorCode.PERMISSION_DENIED, "Only " + v.owner()
                    + " (who saved it) or an administrator may " + what + " the view \"" + v.name() + "\".");
        }
    }

    private Optional<View> find(String object, String name) {
        return jdbi.withHandle(h -> h.createQuery("select object_name, name, definition, owner_email, shared, updated_at"
                        + " from hc_view where object_name = :o and name = :n")
                .bind("o", object).bind("n", name)
                .map((rs, c) -> new View(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getBoolean(5),
                        rs.getObject(6, OffsetDateTime.class).withOffsetSameInstant(ZoneOffset.UTC))).findOne());
    }
}
