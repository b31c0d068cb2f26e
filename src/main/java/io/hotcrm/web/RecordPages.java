package io.hotcrm.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.hotcrm.common.HotCrmException;
import io.hotcrm.common.Ids;
import io.hotcrm.common.ValueText;
import io.hotcrm.exporting.Exporter;
import io.hotcrm.metadata.FieldDef;
import io.hotcrm.metadata.ObjectDef;
import io.hotcrm.query.QueryEngine;
import io.hotcrm.query.QueryRequest;
import io.hotcrm.query.QueryResult;
import io.hotcrm.query.ReportResult;
import io.hotcrm.query.Sort;
import io.hotcrm.query.Views;
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
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Records in the console: an object's list (all records, or a saved list view or report), sorted by a column
 * and paged with cursors, with Export → CSV or Excel of exactly what the list shows (as the signed-in user);
 * and a record's page. Fields the user may not read are neither shown nor exported, and say so.
 */
public final class RecordPages {
    static final int PAGE = 50;
    private static final int DEFAULT_COLUMNS = 6;
    private final Auth auth;
    private final Schema schema;
    private final QueryEngine query;
    private final RecordStore records;
    private final Exporter exporter;

    RecordPages(Auth auth, Schema schema, QueryEngine query, RecordStore records, Exporter exporter) {
        this.auth = auth;
        this.schema = schema;
        this.query = query;
        this.records = records;
        this.exporter = exporter;
    }

    /**
     * A table cell: its text and, for the record's name or a lookup, a link to that record; for a plain field, the field
     * and its value, which the page formats for the reader's locale.
     */
    public record Cell(String text, String link, FieldDef field, Object raw) {
        Cell(String text, String link) {
            this(text, link, null, null);
        }
    }

    /**
     * A column of the list as people read it: its label, the field it sorts by (null: not sortable), the query paths
     * whose values make its text (a person's first and last name; a lookup's name), and for links the object and the
     * path of the id it opens (the record itself for the name column).
     */
    public record Column(String label, String sortBy, List<String> paths, String linkObject, String linkId) {
    }

    /** The fields a list shows first, per object, after the name (lookups by their relation name: account, owner). */
    private static final Map<String, List<String>> DEFAULTS = Map.of(
            "contact", List.of("email", "account_id", "phone", "owner_id"),
            "lead", List.of("company", "email", "status", "owner_id"),
            "account", List.of("type", "industry", "phone", "billing_city", "owner_id"),
            "opportunity", List.of("account_id", "stage", "amount", "close_date", "owner_id"),
            "case", List.of("status", "priority", "account_id", "contact_id", "owner_id"),
            "task", List.of("status", "priority", "due_date", "owner_id"),
            "campaign", List.of("type", "status", "start_date", "end_date", "owner_id"));

    /** The fields a list of the object shows after the name, when no one chose others. */
    static List<String> usualFields(ObjectDef o) {
        List<String> wanted = new ArrayList<>(DEFAULTS.getOrDefault(o.name(), List.of()));
        if (wanted.isEmpty()) {
            List<String> names = nameFields(o);
            for (FieldDef f : o.fields()) {
                if (wanted.size() < DEFAULT_COLUMNS - 1 && !names.contains(f.name()) && !f.type().isReference()
                        && f.type() != io.hotcrm.metadata.FieldType.TEXTAREA) {
                    wanted.add(f.name());
                }
            }
            o.ownerField().ifPresent(f -> wanted.add(f.name()));
        }
        return wanted;
    }

    /** The fields that name a record: a person's first and last name, else the object's name field. */
    static List<String> nameFields(ObjectDef o) {
        if (o.field("first_name").isPresent() && o.field("last_name").isPresent()) {
            return List.of("first_name", "last_name");
        }
        return o.nameField().map(f -> List.of(f.name())).orElse(List.of());
    }

    /**
     * The list's columns: the name (linked to the record), then the object's usual fields — a lookup shown by the name of
     * the record it points at, linked to it — among those the user may read; the rest go to {@code hidden}.
     */
    List<Column> defaultColumns(Principal p, ObjectDef o, List<String> hidden) {
        return columns(p, o, null, hidden);
    }

    /** The list's columns: the name, then {@code chosen} fields (null: the object's usual ones). */
    List<Column> columns(Principal p, ObjectDef o, List<String> chosen, List<String> hidden) {
        List<Column> out = new ArrayList<>();
        List<String> names = nameFields(o).stream().filter(n -> AccessGuard.canRead(p, o, o.requireField(n))).toList();
        if (!names.isEmpty()) {
            out.add(new Column(names.size() > 1 ? "Name" : o.requireField(names.get(0)).label(), names.get(names.size() - 1), names,
                    o.name(), "id"));
        }
        List<String> wanted = chosen != null ? chosen : usualFields(o);
        for (FieldDef f : o.fields()) {
            if (!AccessGuard.canRead(p, o, f)) {
                hidden.add(f.label());
            }
        }
        for (String n : wanted) {
            FieldDef f = o.field(n).orElse(null);
            if (f == null || !AccessGuard.canRead(p, o, f) || names.contains(n)) {
                continue;
            }
            if (f.type().isReference()) {
                ObjectDef target = schema.object(f.target());
                if (!AccessGuard.can(p, target, Action.READ)) {
                    continue;
                }
                List<String> shown = nameFields(target).stream().filter(t -> AccessGuard.canRead(p, target, target.requireField(t)))
                        .map(t -> f.relationName() + "." + t).toList();
                if (shown.isEmpty()) {
                    continue;
                }
                out.add(new Column(label(f), null, shown, target.name(), f.name()));
            } else {
                out.add(new Column(f.label(), f.name(), List.of(f.name()), null, null));
            }
        }
        return out;
    }

    /** A lookup's label without its " ID": "Account", "Owner". */
    static String label(FieldDef f) {
        return f.label().replaceFirst("(?i)\\s*ID$", "");
    }

    void register(RoutesConfig r) {
        r.get("/records", ctx -> ctx.redirect("/records/" + ConsoleRoutes.enc(blank(ctx.queryParam("object")) ? "contact"
                : schema.object(ctx.queryParam("object")).name())));
        r.get("/records/{object}", this::list);
        r.post("/records/{object}/views", this::saveView);
        r.post("/records/{object}/views/delete", this::deleteView);
    }

    private void list(Context ctx) {
        Optional<Sessions.Session> session = auth.page(ctx);
        if (session.isEmpty()) {
            return;
        }
        Principal p = session.get().principal();
        ObjectDef o = schema.object(ctx.pathParam("object"));
        AccessGuard.require(p, o, Action.READ);
        Views views = exporter.views();
        List<String> viewNames = views.list(p, o.name()).stream().map(Views.View::name).toList();
        String viewName = blank(ctx.queryParam("view")) ? null : ctx.queryParam("view");
        String sort = blank(ctx.queryParam("sort")) ? null : ctx.queryParam("sort");
        String search = blank(ctx.queryParam("q")) ? null : ctx.queryParam("q").trim();
        List<String> chosen = chosen(ctx.queryParams("cols"));
        String editing = blank(ctx.queryParam("edit")) ? null : ctx.queryParam("edit");
        String where = null;
        List<Column> columns = new ArrayList<>();
        List<List<Cell>> rows = new ArrayList<>();
        List<String> hidden = new ArrayList<>();
        String next = null;
        boolean report = false;
        String error = null;
        long total = -1;
        StringBuilder exportQuery = new StringBuilder("object=" + ConsoleRoutes.enc(o.name()));
        try {
            if (viewName != null) {
                Views.View v = views.get(p, o.name(), viewName);
                exportQuery.append("&view=").append(ConsoleRoutes.enc(v.name()));
                if (v.isReport()) {
                    report = true;
                    ReportResult result = query.report(p, v.request());
                    result.columns().forEach(c -> columns.add(new Column(c, null, List.of(c), null, null)));
                    for (Map<String, Object> row : result.rows()) {
                        rows.add(row.values().stream().map(x -> new Cell(text(x), null)).toList());
                    }
                } else {
                    QueryResult page = views.page(p, v, PAGE, ctx.queryParam("cursor"));
                    boolean first = true;
                    for (String f : page.fields()) {
                        if (!f.equals("id")) {
                            columns.add(new Column(pathLabel(o, f), null, List.of(f), first ? o.name() : null, first ? "id" : null));
                            first = false;
                        }
                    }
                    rows.addAll(cells(o, columns, page));
                    page.hiddenFields().forEach(h -> hidden.add(pathLabel(o, h)));
                    next = page.nextCursor();
                }
            } else {
                columns.addAll(columns(p, o, chosen, hidden));
                List<String> fields = paths(columns);
                exportQuery.append("&fields=").append(ConsoleRoutes.enc(String.join(",", fields.stream()
                        .filter(f -> columns.stream().anyMatch(c -> c.paths().contains(f))).toList())));
                where = search(o, search);
                if (where != null) {
                    exportQuery.append("&where=").append(ConsoleRoutes.enc(where));
                }
                List<Sort> order = sort == null ? List.of() : List.of(new Sort(sort.replaceFirst("^-", ""), sort.startsWith("-")));
                if (sort != null) {
                    exportQuery.append("&orderBy=").append(ConsoleRoutes.enc(order.get(0).field() + (order.get(0).descending() ? " desc" : "")));
                }
                io.hotcrm.query.Filter filter = where == null ? null : io.hotcrm.query.ObjectQl.parseWhere(where);
                QueryResult page = query.run(p, new QueryRequest(o.name(), fields, filter, order, PAGE, ctx.queryParam("cursor")));
                rows.addAll(cells(o, columns, page));
                next = page.nextCursor();
                total = query.count(p, o.name(), filter);
            }
        } catch (HotCrmException e) {
            error = e.getMessage();
        }
        String colsQuery = chosen == null ? "" : chosen.stream().map(c -> "&cols=" + ConsoleRoutes.enc(c)).reduce("", String::concat);
        String base = "/records/" + o.name() + "?view=" + ConsoleRoutes.enc(viewName == null ? "" : viewName)
                + (sort == null ? "" : "&sort=" + ConsoleRoutes.enc(sort)) + (search == null ? "" : "&q=" + ConsoleRoutes.enc(search))
                + colsQuery;
        // the pages seen so far travel in the link, so Previous goes back without the server keeping anything
        String trail = blank(ctx.queryParam("trail")) ? "" : ctx.queryParam("trail");
        String cursor = blank(ctx.queryParam("cursor")) ? "" : ctx.queryParam("cursor");
        int pageNo = trail.isEmpty() && cursor.isEmpty() ? 1 : trail.split("~", -1).length + 1;
        String nextLink = next == null ? null : base + "&cursor=" + ConsoleRoutes.enc(next) + "&trail="
                + ConsoleRoutes.enc(pageNo == 1 ? "" : trail.isEmpty() ? cursor : trail + "~" + cursor);
        String prevLink = null;
        if (pageNo == 2) {
            prevLink = base;
        } else if (pageNo > 2) {
            int cut = trail.lastIndexOf('~');
            String before = cut < 0 ? trail : trail.substring(cut + 1);
            String rest = cut < 0 ? "" : trail.substring(0, cut);
            prevLink = base + "&cursor=" + ConsoleRoutes.enc(before) + "&trail=" + ConsoleRoutes.enc(rest);
        }
        long from = (long) (pageNo - 1) * PAGE + 1;
        String range = rows.isEmpty() ? null : from + "–" + (from + rows.size() - 1) + (total >= 0 ? " of " + total : "");
        ConsoleRoutes.render(ctx, "records.jte", ConsoleRoutes.model("name", p.name(), "csrf", session.get().csrfToken(),
                "object", o.name(), "label", o.pluralLabel(), "views", viewNames, "view", viewName, "report", report,
                "columns", columns, "rows", rows, "hidden", hidden, "next", nextLink, "previous", prevLink, "range", range,
                "exportQuery", exportQuery.toString(), "objects", objects(p),
                "mayExport", AccessGuard.can(p, o, Action.EXPORT), "sort", sort, "error", error, "q", search,
                "searchable", !nameFields(o).isEmpty(), "notice", ctx.queryParam("notice"), "colsQuery", colsQuery,
                "choices", columnChoices(p, o, columns), "chosen", chosen, "editing", editing,
                "viewOwned", viewName != null && !report && views.find(p, o.name(), viewName).map(v -> p.role().manageSetup()
                        || p.email().equalsIgnoreCase(v.owner())).orElse(false),
                "viewCols", viewName == null ? "" : viewColumns(p, o, viewName)));
    }

    /** The query paths the columns read: each column's values and, for a lookup, the id its link opens; once each. */
    static List<String> paths(List<Column> columns) {
        java.util.LinkedHashSet<String> out = new java.util.LinkedHashSet<>();
        for (Column c : columns) {
            out.addAll(c.paths());
            if (c.linkId() != null && !c.linkId().equals("id")) {
                out.add(c.linkId());
            }
        }
        return new ArrayList<>(out);
    }

    /** An object the user may read, for the switcher: its name, label and how many of its records the user sees. */
    public record ObjectLink(String name, String label, long count) {
    }

    private List<ObjectLink> objects(Principal p) {
        return schema.catalogue().objects().stream().filter(x -> AccessGuard.can(p, x, Action.READ))
                .map(x -> new ObjectLink(x.name(), x.pluralLabel(), query.count(p, x.name(), null)))
                .sorted(java.util.Comparator.comparing(ObjectLink::label)).toList();
    }

    /** A field the column chooser offers: its name, label and whether it is shown. */
    public record ColumnChoice(String name, String label, boolean shown) {
    }

    private static List<ColumnChoice> columnChoices(Principal p, ObjectDef o, List<Column> columns) {
        List<String> names = nameFields(o);
        List<ColumnChoice> out = new ArrayList<>();
        for (FieldDef f : AccessGuard.readableFields(p, o)) {
            if (names.contains(f.name())) {
                continue;
            }
            boolean shown = columns.stream().anyMatch(c -> f.name().equals(c.sortBy()) || f.name().equals(c.linkId()));
            out.add(new ColumnChoice(f.name(), f.type().isReference() ? label(f) : f.label(), shown));
        }
        return out;
    }

    /** The {@code cols} parameters: field names (or null when none were chosen: the usual columns). */
    private static List<String> chosen(List<String> cols) {
        List<String> out = cols.stream().flatMap(c -> java.util.Arrays.stream(c.split(","))).map(String::trim)
                .filter(c -> c.matches("[a-z][a-z0-9_]*")).distinct().toList();
        return out.isEmpty() ? null : out;
    }

    /** A saved list view's columns as {@code cols} parameters (its fields that are the object's own), to change it. */
    private String viewColumns(Principal p, ObjectDef o, String viewName) {
        try {
            JsonNode def = Json.MAPPER.readTree(exporter.views().get(p, o.name(), viewName).definition());
            StringBuilder q = new StringBuilder();
            for (JsonNode f : def.path("fields")) {
                String path = f.asText();
                String field = path.contains(".") ? o.fields().stream().filter(x -> x.type().isReference()
                        && x.relationName().equals(path.substring(0, path.indexOf('.')))).map(FieldDef::name).findFirst().orElse(null) : path;
                if (field != null && !nameFields(o).contains(field) && q.indexOf("cols=" + field + "&") < 0) {
                    q.append("cols=").append(ConsoleRoutes.enc(field)).append('&');
                }
            }
            JsonNode order = def.path("orderBy").path(0);
            if (order.has("field")) {
                q.append("sort=").append("desc".equals(order.path("order").asText()) ? "-" : "").append(ConsoleRoutes.enc(order.get("field").asText()))
                        .append('&');
            }
            return q.append("edit=").append(ConsoleRoutes.enc(viewName)).toString();
        } catch (java.io.IOException | HotCrmException e) {
            return "edit=" + ConsoleRoutes.enc(viewName);
        }
    }

    /** A path's label: a field's, or for {@code account.name} the lookup's ("Account Name"). */
    private String pathLabel(ObjectDef o, String path) {
        String[] parts = path.split("\\.");
        if (parts.length == 1) {
            return o.field(path).map(FieldDef::label).orElse(path);
        }
        FieldDef ref = o.fields().stream().filter(f -> f.type().isReference() && f.relationName().equals(parts[0])).findFirst().orElse(null);
        if (ref == null) {
            return path;
        }
        String leaf = schema.object(ref.target()).field(parts[parts.length - 1]).map(FieldDef::label).orElse(parts[parts.length - 1]);
        return label(ref) + " " + leaf;
    }

    /** The rows as cells: each column's values joined, a link to the record (name) or to the looked-up one. */
    List<List<Cell>> cells(ObjectDef o, List<Column> columns, QueryResult page) {
        List<List<Cell>> out = new ArrayList<>();
        for (Map<String, Object> r : page.records()) {
            List<Cell> cells = new ArrayList<>();
            boolean first = true;
            for (Column c : columns) {
                List<String> parts = new ArrayList<>();
                for (String path : c.paths()) {
                    String t = text(r.get(path));
                    if (!t.isEmpty()) {
                        parts.add(t);
                    }
                }
                String t = String.join(" ", parts);
                Object id = c.linkId() == null ? null : r.get(c.linkId());
                String link = c.linkObject() == null || id == null || t.isEmpty() && !first ? null : "/records/" + c.linkObject() + "/" + id;
                if (link == null && c.paths().size() == 1) {
                    cells.add(new Cell(t, null, fieldOf(o, c.paths().get(0)), r.get(c.paths().get(0))));
                } else {
                    cells.add(new Cell(first && t.isEmpty() ? "(open)" : t, link));
                }
                first = false;
            }
            out.add(cells);
        }
        return out;
    }

    /** The field a query path names: the object's own, or for {@code account.name} the looked-up object's; null if none. */
    private FieldDef fieldOf(ObjectDef o, String path) {
        int dot = path.indexOf('.');
        if (dot < 0) {
            return o.field(path).orElse(null);
        }
        return o.fields().stream().filter(f -> f.type().isReference() && f.relationName().equals(path.substring(0, dot))).findFirst()
                .flatMap(ref -> schema.object(ref.target()).field(path.substring(dot + 1))).orElse(null);
    }

    /** The quick search: records whose name contains the text (ObjectQL JSON), or null. */
    private static String search(ObjectDef o, String text) {
        List<String> names = nameFields(o);
        if (text == null || names.isEmpty()) {
            return null;
        }
        if (names.size() == 1) {
            return Json.MAPPER.createObjectNode().set(names.get(0), Json.MAPPER.createObjectNode().put("$contains", text)).toString();
        }
        var or = Json.MAPPER.createArrayNode();
        names.forEach(n -> or.addObject().set(n, Json.MAPPER.createObjectNode().put("$contains", text)));
        return Json.MAPPER.createObjectNode().set("$or", or).toString();
    }

    /** Saves the list as shown (columns, search, order) as a list view, private or shared. */
    private void saveView(Context ctx) {
        Principal p = auth.require(ctx);
        ObjectDef o = schema.object(ctx.pathParam("object"));
        String name = ctx.formParam("viewName") == null ? "" : ctx.formParam("viewName").trim();
        try {
            var def = Json.MAPPER.createObjectNode().put("object", o.name());
            var fields = def.putArray("fields");
            for (Column c : columns(p, o, chosen(ctx.formParams("cols")), new ArrayList<>())) {
                c.paths().forEach(fields::add);
            }
            String where = search(o, blank(ctx.formParam("q")) ? null : ctx.formParam("q").trim());
            if (where != null) {
                def.set("where", Json.MAPPER.readTree(where));
            } else if (!blank(ctx.formParam("editing")) && ctx.formParam("editing").trim().equals(name)) {
                // changing a saved view's columns keeps the records it selects
                JsonNode old = Json.MAPPER.readTree(exporter.views().get(p, o.name(), name).definition());
                if (old.has("where")) {
                    def.set("where", old.get("where"));
                }
            }
            String sort = ctx.formParam("sort");
            if (!blank(sort)) {
                def.putArray("orderBy").addObject().put("field", sort.replaceFirst("^-", "")).put("order", sort.startsWith("-") ? "desc" : "asc");
            }
            Views.View v = exporter.views().save(p, name, def.toString(), "true".equals(ctx.formParam("shared")));
            ctx.redirect("/records/" + o.name() + "?view=" + ConsoleRoutes.enc(v.name()) + "&notice=" + ConsoleRoutes.enc("Saved the list view \"" + v.name() + "\"."));
        } catch (HotCrmException | java.io.IOException e) {
            ctx.redirect("/records/" + o.name() + "?notice=" + ConsoleRoutes.enc("Not saved: " + e.getMessage()));
        }
    }

    private void deleteView(Context ctx) {
        Principal p = auth.require(ctx);
        ObjectDef o = schema.object(ctx.pathParam("object"));
        String name = ctx.formParam("viewName") == null ? "" : ctx.formParam("viewName");
        try {
            exporter.views().delete(p, o.name(), name);
            ctx.redirect("/records/" + o.name() + "?notice=" + ConsoleRoutes.enc("Deleted the list view \"" + name + "\"."));
        } catch (HotCrmException e) {
            ctx.redirect("/records/" + o.name() + "?notice=" + ConsoleRoutes.enc("Not deleted: " + e.getMessage()));
        }
    }

    private static String text(Object v) {
        String t = ValueText.of(v);
        return t == null ? "" : t;
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
