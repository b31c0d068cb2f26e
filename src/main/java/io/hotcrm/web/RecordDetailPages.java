package io.hotcrm.web;

import io.hotcrm.common.HotCrmException;
import io.hotcrm.common.Ids;
import io.hotcrm.common.Problem;
import io.hotcrm.metadata.FieldDef;
import io.hotcrm.metadata.FieldType;
import io.hotcrm.metadata.ObjectDef;
import io.hotcrm.metadata.PicklistValue;
import io.hotcrm.query.Filter;
import io.hotcrm.query.QueryEngine;
import io.hotcrm.query.QueryRequest;
import io.hotcrm.query.QueryResult;
import io.hotcrm.security.AccessGuard;
import io.hotcrm.security.Action;
import io.hotcrm.security.Principal;
import io.hotcrm.security.Sessions;
import io.hotcrm.store.RecordStore;
import io.hotcrm.store.Schema;
import io.hotcrm.store.StoredRecord;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * A record's page: its fields by label (lookups by the name of the record they point at, linked; values in the reader's
 * locale), related lists (an account's contacts, opportunities, cases, …), and — for a user whose role may — edit and
 * delete, through {@link RecordStore} like the API (field-level security, validation, the audit log).
 */
public final class RecordDetailPages {
    private static final int RELATED = 10;
    /** How the record's own created and modified times are shown: as any date-time field. */
    private static final FieldDef MOMENT = FieldDef.custom("moment", FieldType.DATETIME, "Moment", List.of(), null, false, false, 0, 0);
    private final Auth auth;
    private final Schema schema;
    private final QueryEngine query;
    private final RecordStore records;
    private final RecordPages lists;

    RecordDetailPages(Auth auth, Schema schema, QueryEngine query, RecordStore records, RecordPages lists) {
        this.auth = auth;
        this.schema = schema;
        this.query = query;
        this.records = records;
        this.lists = lists;
    }

    void register(RoutesConfig r) {
        r.get("/records/{object}/{id}", this::show);
        r.get("/records/{object}/{id}/edit", ctx -> edit(ctx, null, null));
        r.post("/records/{object}/{id}", this::save);
        r.post("/records/{object}/{id}/delete", this::delete);
    }

    /** A field on the record's page: its label, the field (for formatting), its value, and a link for a lookup. */
    public record Shown(String label, FieldDef field, Object value, String text, String link) {
    }

    /** A related list: the child object, the lookup that points here, its columns, its first rows and how many there are. */
    public record Related(String object, String label, String via, List<RecordPages.Column> columns, List<List<RecordPages.Cell>> rows,
                          long count) {
    }

    private void show(Context ctx) {
        Optional<Sessions.Session> session = auth.page(ctx);
        if (session.isEmpty()) {
            return;
        }
        Principal p = session.get().principal();
        ObjectDef o = schema.object(ctx.pathParam("object"));
        StoredRecord r = records.get(p, o.name(), Ids.parse(ctx.pathParam("id"), "Record id"));
        List<Shown> fields = new ArrayList<>();
        fields.add(new Shown("External ID", null, r.externalId(), r.externalId() == null ? "" : r.externalId(), null));
        for (FieldDef f : o.fields()) {
            if (!r.fields().containsKey(f.name())) {
                continue;
            }
            Object v = r.get(f.name());
            if (f.type().isReference() && v != null) {
                String[] target = lookup(p, f, v);
                fields.add(new Shown(RecordPages.label(f), null, v, target[0], target[1]));
            } else {
                fields.add(new Shown(f.label(), f, v, "", null));
            }
        }
        fields.add(new Shown("Created", MOMENT, r.createdAt(), "", null));
        fields.add(new Shown("Last modified", MOMENT, r.updatedAt(), "", null));
        ConsoleRoutes.render(ctx, "record.jte", ConsoleRoutes.model("name", p.name(), "csrf", session.get().csrfToken(),
                "object", o.name(), "objectLabel", o.label(), "plural", o.pluralLabel(), "id", r.id().toString(), "title", title(o, r),
                "fields", fields, "related", r.deleted() ? List.of() : related(p, o, r.id()), "deleted", r.deleted(),
                "mayEdit", !r.deleted() && AccessGuard.can(p, o, Action.EDIT), "mayDelete", !r.deleted() && AccessGuard.can(p, o, Action.DELETE),
                "notice", ctx.queryParam("notice")));
    }

    /** The record's name: a person's first and last name, else its name field, else its object and id. */
    static String title(ObjectDef o, StoredRecord r) {
        String t = String.join(" ", RecordPages.nameFields(o).stream().map(n -> r.get(n) == null ? "" : String.valueOf(r.get(n)))
                .filter(x -> !x.isBlank()).toList());
        return t.isBlank() ? o.label() + " " + r.id() : t;
    }

    /** The name of the record a lookup points at and its link; the id alone when the user may not see it. */
    private String[] lookup(Principal p, FieldDef f, Object id) {
        ObjectDef target = schema.object(f.target());
        if (!AccessGuard.can(p, target, Action.READ)) {
            return new String[] {String.valueOf(id), null};
        }
        try {
            StoredRecord t = records.get(p, target.name(), (UUID) id);
            return new String[] {title(target, t), "/records/" + target.name() + "/" + id};
        } catch (HotCrmException e) {
            return new String[] {String.valueOf(id), null};
        }
    }

    /** Every object with a lookup to this one that the user may read: its first records pointing here and their count. */
    private List<Related> related(Principal p, ObjectDef o, UUID id) {
        List<Related> out = new ArrayList<>();
        for (ObjectDef child : schema.catalogue().objects()) {
            if (!AccessGuard.can(p, child, Action.READ)) {
                continue;
            }
            for (FieldDef via : child.fields()) {
                if (via.type() != FieldType.LOOKUP || !o.name().equals(via.target()) || !AccessGuard.canRead(p, child, via)) {
                    continue;
                }
                List<String> usual = new ArrayList<>(RecordPages.usualFields(child));
                usual.remove(via.name());
                List<RecordPages.Column> columns = lists.columns(p, child, usual, new ArrayList<>());
                List<String> paths = RecordPages.paths(columns);
                Filter here = new Filter.Compare(via.name(), Filter.Op.EQ, id.toString());
                QueryResult page = query.run(p, new QueryRequest(child.name(), paths, here, List.of(), RELATED, null));
                long count = page.records().size() < RELATED ? page.records().size() : query.count(p, child.name(), here);
                if (count > 0) {
                    String label = child.pluralLabel() + (child.fields().stream().filter(x -> o.name().equals(x.target())
                            && x.type() == FieldType.LOOKUP).count() > 1 ? " (" + RecordPages.label(via) + ")" : "");
                    out.add(new Related(child.name(), label, via.name(), columns, lists.cells(child, columns, page), count));
                }
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ edit

    /** An input of the edit form. */
    public record Input(String name, String label, String kind, String value, List<PicklistValue> values, List<String> chosen, boolean required,
                        String error, String hint) {
    }

    private void edit(Context ctx, Map<String, List<String>> typed, HotCrmException problem) {
        Optional<Sessions.Session> session = auth.page(ctx);
        if (session.isEmpty()) {
            return;
        }
        Principal p = session.get().principal();
        ObjectDef o = schema.object(ctx.pathParam("object"));
        AccessGuard.require(p, o, Action.EDIT);
        StoredRecord r = records.get(p, o.name(), Ids.parse(ctx.pathParam("id"), "Record id"));
        Map<String, String> errors = new LinkedHashMap<>();
        if (problem != null) {
            problem.details().forEach(d -> errors.merge(d.field(), d.message(), (a, b) -> a + " " + b));
        }
        List<Input> inputs = new ArrayList<>();
        for (FieldDef f : editable(p, o)) {
            List<String> now = typed != null ? typed.getOrDefault(f.name(), List.of()) : current(r.get(f.name()));
            String hint = null;
            if (f.type() == FieldType.LOOKUP && r.get(f.name()) != null) {
                hint = "Now: " + lookup(p, f, r.get(f.name()))[0];
            }
            inputs.add(new Input(f.name(), f.type() == FieldType.LOOKUP ? RecordPages.label(f) + " (record id)" : f.label(), kind(f),
                    now.isEmpty() ? "" : now.get(0), f.values(), now, f.required(),
                    errors.get(f.name()), hint));
        }
        String message = problem == null ? null : problem.getMessage() + (errors.keySet().stream().anyMatch(k -> inputs.stream()
                .noneMatch(i -> i.name().equals(k))) ? " " + String.join(" ", problem.details().stream().map(Problem::message).toList()) : "");
        ConsoleRoutes.render(ctx, "record-edit.jte", ConsoleRoutes.model("name", p.name(), "csrf", session.get().csrfToken(),
                "object", o.name(), "id", r.id().toString(), "title", title(o, r), "inputs", inputs, "error", message));
    }

    /** The fields the user may change here: readable and editable by their role, not computed, not the owner. */
    private static List<FieldDef> editable(Principal p, ObjectDef o) {
        return o.fields().stream().filter(f -> !f.computed() && f.type() != FieldType.OWNER && AccessGuard.canRead(p, o, f)
                && p.role().fieldAccess(o.name(), f.name()).edit()).toList();
    }

    private static String kind(FieldDef f) {
        return switch (f.type()) {
            case TEXTAREA -> "textarea";
            case EMAIL -> "email";
            case PHONE -> "tel";
            case URL -> "url";
            case NUMBER, CURRENCY, PERCENT -> "number";
            case DATE -> "date";
            case BOOLEAN -> "boolean";
            case PICKLIST -> "picklist";
            case MULTI_PICKLIST -> "multi";
            default -> "text";
        };
    }

    /** A stored value as the form's text (lists as their items). */
    private static List<String> current(Object v) {
        if (v == null) {
            return List.of();
        }
        if (v instanceof Collection<?> c) {
            return c.stream().map(String::valueOf).toList();
        }
        if (v instanceof java.math.BigDecimal b) {
            return List.of(b.toPlainString());
        }
        return List.of(String.valueOf(v));
    }

    private void save(Context ctx) {
        Principal p = auth.require(ctx);
        ObjectDef o = schema.object(ctx.pathParam("object"));
        UUID id = Ids.parse(ctx.pathParam("id"), "Record id");
        StoredRecord before = records.get(p, o.name(), id);
        Map<String, List<String>> typed = new LinkedHashMap<>();
        Map<String, Object> changes = new LinkedHashMap<>();
        for (FieldDef f : editable(p, o)) {
            List<String> given = ctx.formParams(f.name()).stream().map(String::strip).filter(v -> !v.isEmpty()).toList();
            typed.put(f.name(), given);
            if (given.equals(current(before.get(f.name())))) {
                continue;
            }
            if (f.type() == FieldType.MULTI_PICKLIST) {
                changes.put(f.name(), given.isEmpty() ? null : given);
            } else {
                changes.put(f.name(), given.isEmpty() ? null : given.get(0));
            }
        }
        try {
            if (!changes.isEmpty()) {
                records.update(p, o.name(), id, changes);
            }
            ctx.redirect("/records/" + o.name() + "/" + id + "?notice=" + ConsoleRoutes.enc(changes.isEmpty() ? "Nothing changed."
                    : "Saved " + changes.size() + (changes.size() == 1 ? " change." : " changes.")));
        } catch (HotCrmException e) {
            ctx.status(e.code().httpStatus());
            edit(ctx, typed, e);
        }
    }

    private void delete(Context ctx) {
        Principal p = auth.require(ctx);
        ObjectDef o = schema.object(ctx.pathParam("object"));
        UUID id = Ids.parse(ctx.pathParam("id"), "Record id");
        String title = title(o, records.get(p, o.name(), id));
        records.delete(p, o.name(), id);
        ctx.redirect("/records/" + o.name() + "?notice=" + ConsoleRoutes.enc("Moved \"" + title + "\" to the recycle bin; restore it"
                + " from Setup → Recycle bin."));
    }
}
