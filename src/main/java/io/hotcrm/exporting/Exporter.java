package io.hotcrm.exporting;

import io.hotcrm.common.HotCrmException;
import io.hotcrm.metadata.FieldDef;
import io.hotcrm.metadata.FieldType;
import io.hotcrm.metadata.ObjectDef;
import io.hotcrm.metadata.SystemField;
import io.hotcrm.query.Filter;
import io.hotcrm.query.QueryEngine;
import io.hotcrm.query.QueryRequest;
import io.hotcrm.query.ReportRequest;
import io.hotcrm.query.ReportResult;
import io.hotcrm.query.Sort;
import io.hotcrm.query.Views;
import io.hotcrm.security.AccessGuard;
import io.hotcrm.security.Action;
import io.hotcrm.security.Principal;
import io.hotcrm.store.Schema;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * Ad-hoc exports: a list view, a report or a query of one object, run as the requesting user and streamed
 * to a file of any size. The user needs read and export permission on the object; fields they may not read
 * are left out and listed in the summary; records they may not see are not exported. Lookups are written as
 * the target's name and external id (owners: name and email), which the importer resolves in this or any
 * other HotCRM, so an export re-imports cleanly and reads well in a spreadsheet.
 */
public final class Exporter {
    private final Schema schema;
    private final QueryEngine query;
    private final Views views;
    private final Map<ExportFormat, RowFormat> formats = new EnumMap<>(ExportFormat.class);

    public Exporter(Schema schema, QueryEngine query, Views views, List<RowFormat> formats) {
        this.schema = schema;
        this.query = query;
        this.views = views;
        formats.forEach(f -> this.formats.put(f.format(), f));
    }

    public Views views() {
        return views;
    }

    /** Writes the export to {@code out} (which stays open) and says what was written. */
    public ExportSummary export(Principal p, ExportRequest r, OutputStream out) throws IOException {
        long t0 = System.nanoTime();
        ObjectDef o = schema.object(r.object());
        AccessGuard.require(p, o, Action.READ);
        AccessGuard.require(p, o, Action.EXPORT);
        RowFormat format = formats.get(r.options().format());
        if (format == null) {
            throw HotCrmException.invalid("This HotCRM cannot write " + r.options().format().wireName() + " files.");
        }
        ReportRequest saved = r.view() == null ? null : views.get(p, o.name(), r.view()).request();
        Filter where = and(saved == null ? null : saved.query().where(), r.where());
        CountingStream counted = new CountingStream(out);
        OutputStream target = r.options().gzip() ? new GZIPOutputStream(counted, 1 << 16) : counted;
        List<String> omitted = new ArrayList<>();
        long[] rows = {0};
        List<ExportColumn> columns;
        if (saved != null && saved.isReport()) {
            ReportRequest report = new ReportRequest(saved.query().withWhere(where), saved.groupBy(), saved.aggregates());
            columns = reportColumns(p, o, report);
            ReportResult result = query.report(p, report);
            RowWriter w = format.open(target, o.pluralLabel(), columns, r.options());
            for (Map<String, Object> row : result.rows()) {
                w.row(row.values().toArray());
                rows[0]++;
            }
            w.finish();
        } else {
            List<String> fields = !r.fields().isEmpty() ? r.fields() : saved == null ? List.of() : saved.query().fields();
            List<Sort> order = !r.orderBy().isEmpty() ? r.orderBy() : saved == null ? List.of() : saved.query().orderBy();
            List<QueryEngine.FieldColumn> cols = withLookupNames(p, o, query.columns(p, o.name(), fields, omitted),
                    !fields.isEmpty(), omitted);
            columns = cols.stream().map(c -> new ExportColumn(header(c.path()), c.def())).toList();
            List<String> paths = cols.stream().map(QueryEngine.FieldColumn::path).toList();
            RowWriter w = format.open(target, o.pluralLabel(), columns, r.options());
            QueryRequest q = new QueryRequest(o.name(), paths, where, order, QueryRequest.MAX_LIMIT, null);
            Object[] values = new Object[paths.size()];
            try {
                query.stream(p, q, record -> {
                    for (int i = 0; i < values.length; i++) {
                        values[i] = record.get(paths.get(i));
                    }
                    try {
                        w.row(values);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    rows[0]++;
                });
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
            w.finish();
        }
        if (target instanceof GZIPOutputStream gz) {
            gz.finish();
        }
        target.flush();
        return new ExportSummary(o.name(), r.view(), r.options().format().wireName(), rows[0], counted.count,
                columns.stream().map(ExportColumn::name).toList(), omitted, (System.nanoTime() - t0) / 1e9);
    }

    /**
     * Each lookup field of the object itself becomes its target's name and external id (owners and users:
     * name and email) — the keys that find the same records again in this or another HotCRM; the record id
     * itself stays only when the fields were named.
     */
    private List<QueryEngine.FieldColumn> withLookupNames(Principal p, ObjectDef o, List<QueryEngine.FieldColumn> cols,
                                                          boolean explicit, List<String> omitted) {
        List<QueryEngine.FieldColumn> out = new ArrayList<>();
        java.util.Set<String> named = new java.util.HashSet<>();
        cols.forEach(c -> named.add(c.path()));
        for (QueryEngine.FieldColumn c : cols) {
            FieldDef f = c.def();
            if (c.path().contains(".") || !f.type().isReference() || SystemField.isSystem(f.name()) || f.target() == null
                    || schema.catalogue().find(f.target()).isEmpty()) {
                out.add(c);
                continue;
            }
            if (explicit) {
                out.add(c);
            }
            ObjectDef target = schema.object(f.target());
            List<String> extra = new ArrayList<>();
            target.nameField().ifPresent(n -> extra.add(f.relationName() + "." + n.name()));
            boolean user = target.name().equals("user");
            extra.add(f.relationName() + "." + (user ? "email" : SystemField.EXTERNAL_ID));
            List<String> wanted = extra.stream().filter(x -> !named.contains(x)).toList();
            if (!AccessGuard.can(p, target, Action.READ)) {
                omitted.addAll(wanted);
                continue;
            }
            List<String> ignored = new ArrayList<>();
            out.addAll(query.columns(p, o.name(), wanted, ignored));
            omitted.addAll(ignored);
        }
        return out;
    }

    private List<ExportColumn> reportColumns(Principal p, ObjectDef o, ReportRequest report) {
        List<String> unreadable = new ArrayList<>();
        List<ExportColumn> out = new ArrayList<>();
        for (QueryEngine.FieldColumn c : query.columns(p, o.name(), report.groupBy(), unreadable)) {
            out.add(new ExportColumn(header(c.path()), c.def()));
        }
        List<ReportRequest.Aggregate> aggregates = report.aggregates().isEmpty()
                ? List.of(new ReportRequest.Aggregate(ReportRequest.Fn.COUNT, null)) : report.aggregates();
        for (ReportRequest.Aggregate a : aggregates) {
            FieldDef typed;
            if (a.fn() == ReportRequest.Fn.COUNT) {
                typed = number(a.column(), 0);
            } else {
                List<QueryEngine.FieldColumn> f = query.columns(p, o.name(), List.of(a.field()), unreadable);
                if (f.isEmpty()) {
                    break;
                }
                FieldDef d = f.get(0).def();
                typed = a.fn() == ReportRequest.Fn.SUM ? number(a.column(), d.scale())
                        : a.fn() == ReportRequest.Fn.AVG ? number(a.column(), Math.max(2, d.scale())) : d;
            }
            out.add(new ExportColumn(a.column(), typed));
        }
        if (!unreadable.isEmpty()) {
            throw HotCrmException.denied("This report uses fields you may not read (" + String.join(", ", unreadable)
                    + "), so it cannot be exported for you. Ask an administrator for read access to them.");
        }
        return out;
    }

    private static FieldDef number(String name, int scale) {
        return new FieldDef(name, name, FieldType.NUMBER, false, false, 0, scale, null, null, null, List.of(), null,
                true, false, "");
    }

    /** {@code account.name} → {@code account_name}: headers the importer's suggestions recognise. */
    static String header(String path) {
        return path.replace('.', '_');
    }

    private static Filter and(Filter a, Filter b) {
        if (a == null) {
            return b;
        }
        return b == null ? a : new Filter.And(List.of(a, b));
    }

    /** Counts the bytes that reach the destination (after compression). */
    private static final class CountingStream extends FilterOutputStream {
        long count;

        CountingStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }
    }
}
