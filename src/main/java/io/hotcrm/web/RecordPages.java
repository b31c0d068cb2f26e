package io.hotcrm.web;

import io.hotcrm.common.HotCrmException;
import io.hotcrm.common.Ids;
import io.hotcrm.exporting.ExportColumn;
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

    /** A table cell: its text and, for the record's name, a link to the record. */
    public record Cell(String text, String link) {
    }

    /** A field on a record's page. */
    public record Field(String label, String value) {
    }

    void register(RoutesConfig r) {
        r.get("/records/{object}", this::list);
        r.get("/records/{object}/{id}", this::show);
        r.post("/records/{object}/views", this::saveView);
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
        String where = null;
        List<String> columns = new ArrayList<>();
        List<List<Cell>> rows = new ArrayList<>();
        List<String> hidden = new ArrayList<>();
        String next = null;
        boolean report = false;
        String error = null;
        StringBuilder exportQuery = new StringBuilder("object=" + ConsoleRoutes.enc(o.name()));
        try {
            if (viewName != null) {
                Views.View v = views.get(p, o.name(), viewName);
                exportQuery.append("&view=").append(ConsoleRoutes.enc(v.name()));
                if (v.isReport()) {
                    report = true;
                    ReportResult result = query.report(p, v.request());
                    columns.addAll(result.columns());
                    for (Map<String, Object> row : result.rows()) {
                        rows.add(row.values().stream().map(x -> new Cell(text(x), null)).toList());
                    }
                } else {
                    QueryResult page = views.page(p, v, PAGE, ctx.queryParam("cursor"));
                    fill(o, page, columns, rows);
                    hidden.addAll(page.hiddenFields());
                    next = page.nextCursor();
                }
            } else {
                List<String> fields = defaultFields(p, o, hidden);
                exportQuery.append("&fields=").append(ConsoleRoutes.enc(String.join(",", fields)));
                where = search(o, search);
                if (where != null) {
                    exportQuery.append("&where=").append(ConsoleRoutes.enc(where));
                }
                List<Sort> order = sort == null ? List.of() : List.of(new Sort(sort.replaceFirst("^-", ""), sort.startsWith("-")));
                if (sort != null) {
                    exportQuery.append("&orderBy=").append(ConsoleRoutes.enc(order.get(0).field() + (order.get(0).descending() ? " desc" : "")));
                }
                QueryResult page = query.run(p, new QueryRequest(o.name(), fields,
                        where == null ? null : io.hotcrm.query.ObjectQl.parseWhere(where), order, PAGE, ctx.queryParam("cursor")));
                fill(o, page, columns, rows);
                next = page.nextCursor();
            }
        } catch (HotCrmException e) {
            error = e.getMessage();
        }
        String nextLink = next == null ? null : "/records/" + o.name() + "?view=" + ConsoleRoutes.enc(viewName == null ? "" : viewName)
                + (sort == null ? "" : "&sort=" + ConsoleRoutes.enc(sort)) + (search == null ? "" : "&q=" + ConsoleRoutes.enc(search)) + "&cursor=" + ConsoleRoutes.enc(next);
        ConsoleRoutes.render(ctx, "records.jte", ConsoleRoutes.model("name", p.name(), "csrf", session.get().csrfToken(),
                "object", o.name(), "label", o.pluralLabel(), "views", viewNames, "view", viewName, "report", report,
                "columns", columns, "rows", rows, "hidden", hidden, "next", nextLink, "exportQuery", exportQuery.toString(),
                "mayExport", AccessGuard.can(p, o, Action.EXPORT), "sort", sort, "error", error, "q", search,
                "searchable", o.nameField().isPresent(), "notice", ctx.queryParam("notice")));
    }

    /** The quick search: records whose name contains the text (ObjectQL JSON), or null. */
    private static String search(ObjectDef o, String text) {
        if (text == null || o.nameField().isEmpty()) {
            return null;
        }
        return Json.MAPPER.createObjectNode().set(o.nameField().get().name(),
                Json.MAPPER.createObjectNode().put("$contains", text)).toString();
    }

    /** Saves the list as shown (columns, search, order) as a list view, private or shared. */
    private void saveView(Context ctx) {
        Principal p = auth.require(ctx);
        ObjectDef o = schema.object(ctx.pathParam("object"));
        String name = ctx.formParam("viewName") == null ? "" : ctx.formParam("viewName").trim();
        try {
            var def = Json.MAPPER.createObjectNode().put("object", o.name());
            var fields = def.putArray("fields");
            defaultFields(p, o, new ArrayList<>()).forEach(fields::add);
            String where = search(o, blank(ctx.formParam("q")) ? null : ctx.formParam("q").trim());
            if (where != null) {
                def.set("where", Json.MAPPER.readTree(where));
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

    /** The name field and the next readable fields, up to six columns; the rest can be seen on the record. */
    private List<String> defaultFields(Principal p, ObjectDef o, List<String> hidden) {
        List<String> out = new ArrayList<>();
        o.nameField().filter(f -> AccessGuard.canRead(p, o, f)).ifPresent(f -> out.add(f.name()));
        for (FieldDef f : o.fields()) {
            if (!AccessGuard.canRead(p, o, f)) {
                hidden.add(f.name());
            } else if (out.size() < DEFAULT_COLUMNS && !out.contains(f.name()) && !f.type().isReference()) {
                out.add(f.name());
            }
        }
        return out;
    }

    private static void fill(ObjectDef o, QueryResult page, List<String> columns, List<List<Cell>> rows) {
        page.fields().stream().filter(f -> !f.equals("id")).forEach(columns::add);
        for (Map<String, Object> r : page.records()) {
            List<Cell> cells = new ArrayList<>();
            boolean first = true;
            for (String c : columns) {
                String link = first ? "/records/" + o.name() + "/" + r.get("id") : null;
                String t = text(r.get(c));
                cells.add(new Cell(first && t.isEmpty() ? "(open)" : t, link));
                first = false;
            }
            rows.add(cells);
        }
    }

    private void show(Context ctx) {
        Optional<Sessions.Session> session = auth.page(ctx);
        if (session.isEmpty()) {
            return;
        }
        Principal p = session.get().principal();
        ObjectDef o = schema.object(ctx.pathParam("object"));
        StoredRecord r = records.get(p, o.name(), Ids.parse(ctx.pathParam("id"), "Record id"));
        List<Field> fields = new ArrayList<>();
        fields.add(new Field("External ID", r.externalId() == null ? "" : r.externalId()));
        for (Map.Entry<String, Object> e : r.fields().entrySet()) {
            String label = o.field(e.getKey()).map(FieldDef::label).orElse(e.getKey());
            fields.add(new Field(label, text(e.getValue())));
        }
        fields.add(new Field("Updated", text(r.updatedAt())));
        String person = (text(r.get("first_name")) + " " + text(r.get("last_name"))).trim();
        String title = o.nameField().map(f -> text(r.get(f.name()))).filter(t -> !t.isEmpty())
                .orElse(person.isEmpty() ? o.label() + " " + r.id() : person);
        ConsoleRoutes.render(ctx, "record.jte", ConsoleRoutes.model("name", p.name(), "csrf", session.get().csrfToken(),
                "object", o.name(), "title", title, "fields", fields));
    }

    private static String text(Object v) {
        String t = ExportColumn.text(v);
        return t == null ? "" : t;
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

}
