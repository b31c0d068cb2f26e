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
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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
        return prepare(p, r).write(out);
    }

    /**
     * Checks the request and works out the columns (and the fields left out) without reading any record, so
     * an edge can refuse a bad request, or announce the columns, before the first byte of the file.
     */
    public Prepared prepare(Principal p, ExportRequest r) {
        ObjectDef o = schema.object(r.object());
        AccessGuard.require(p, o, Action.READ);
        AccessGuard.require(p, o, Action.EXPORT);
        RowFormat format = formats.get(r.options().format());
        if (format == null) {
            throw HotCrmException.invalid("This HotCRM cannot write " + r.options().format().wireName() + " files.");
        }
        ReportRequest saved = r.view() == null ? null : views.get(p, o.name(), r.view()).request();
        Filter where = and(saved == null ? null : saved.query().where(), r.where());
        List<String> omitted = new ArrayList<>();
        if (saved != null && saved.isReport()) {
            ReportRequest report = new ReportRequest(saved.query().withWhere(where), saved.groupBy(), saved.aggregates());
            query.validate(p, report);
            return new Prepared(p, r, o, format, reportColumns(p, o, report), List.of(), omitted, report, null);
        }
        List<String> fields = !r.fields().isEmpty() ? r.fields() : saved == null ? List.of() : saved.query().fields();
        List<Sort> order = !r.orderBy().isEmpty() ? r.orderBy() : saved == null ? List.of() : saved.query().orderBy();
        List<QueryEngine.FieldColumn> cols = withLookupNames(p, o, query.columns(p, o.name(), fields, omitted),
                !fields.isEmpty(), omitted);
        if (cols.isEmpty()) {
            throw HotCrmException.denied((p.isSystem() ? "The system" : p.email()) + " may read none of the fields to export ("
                    + String.join(", ", omitted) + ") of " + o.name() + " (field-level security of role \"" + p.role().name()
                    + "\"), so the file would hold empty rows. Choose fields the role may read, or ask an administrator for access.");
        }
        List<ExportColumn> columns = cols.stream().map(c -> new ExportColumn(header(c.path()), c.def())).toList();
        List<String> paths = cols.stream().map(QueryEngine.FieldColumn::path).toList();
        QueryRequest q = new QueryRequest(o.name(), paths, where, order, QueryRequest.MAX_LIMIT, null);
        query.validate(p, new ReportRequest(q, List.of(), List.of()));
        return new Prepared(p, r, o, format, columns, paths, omitted, null, q);
    }

    /**
     * Like {@link #prepare}, for the changes with change_seq in ({@code after}, {@code upTo}]: changed records
     * and deletions (records moved to the recycle bin or deleted for good), with two more columns,
     * {@code _change_seq} and {@code _deleted}.
     */
    public Prepared prepareChanges(Principal p, ExportRequest r, long after, long upTo) {
        Prepared base = prepare(p, r);
        if (base.report != null) {
            throw HotCrmException.invalid("A report cannot be exported incrementally: export its list view, or the report in full.");
        }
        List<ExportColumn> columns = new ArrayList<>(base.columns);
        columns.add(new ExportColumn("_change_seq", number("change_seq", 0)));
        columns.add(new ExportColumn("_deleted", new FieldDef("deleted", "Deleted", FieldType.BOOLEAN, false, false, 0, 0,
                null, null, null, List.of(), null, true, false, "")));
        List<String> paths = new ArrayList<>(base.paths);
        paths.add("_change_seq");
        paths.add("_deleted");
        Prepared out = new Prepared(p, r, base.object, base.format, columns, paths, base.omitted, null, base.query);
        out.changes = new long[] {after, upTo};
        return out;
    }

    /** An export checked and ready to write: its columns and the fields left out. */
    public final class Prepared {
        private final Principal principal;
        private final ExportRequest request;
        private final ObjectDef object;
        private final RowFormat format;
        private final List<ExportColumn> columns;
        private final List<String> paths;
        private final List<String> omitted;
        private final ReportRequest report;
        private final QueryRequest query;
        private long[] changes;

        private Prepared(Principal principal, ExportRequest request, ObjectDef object, RowFormat format, List<ExportColumn> columns,
                         List<String> paths, List<String> omitted, ReportRequest report, QueryRequest query) {
            this.principal = principal;
            this.request = request;
            this.object = object;
            this.format = format;
            this.columns = List.copyOf(columns);
            this.paths = List.copyOf(paths);
            this.omitted = List.copyOf(omitted);
            this.report = report;
            this.query = query;
        }

        public List<String> columns() {
            return columns.stream().map(ExportColumn::name).toList();
        }

        public List<String> omittedFields() {
            return omitted;
        }

        /** A file name for the export: {@code contacts-20261125-101530.csv}. */
        public String fileName() {
            String base = (request.view() != null ? request.view() : object.pluralLabel()).toLowerCase(java.util.Locale.ROOT)
                    .replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
            return (base.isEmpty() ? object.name() : base) + "-" + java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
                    .format(java.time.LocalDateTime.now(java.time.ZoneOffset.UTC)) + "." + request.options().fileExtension();
        }

        /** Streams the rows to {@code out} (which stays open) and says what was written. */
        public ExportSummary write(OutputStream out) throws IOException {
            long t0 = System.nanoTime();
            CountingStream counted = new CountingStream(out);
            OutputStream target = request.options().gzip() ? new GZIPOutputStream(counted, 1 << 16) : counted;
            RowWriter w = format.open(target, object.pluralLabel(), columns, request.options());
            long rows = report != null ? writeReport(w) : writeRecords(w);
            w.finish();
            if (target instanceof GZIPOutputStream gz) {
                gz.finish();
            }
            target.flush();
            return new ExportSummary(object.name(), request.view(), request.options().format().wireName(), rows, counted.count,
                    columns(), omitted, (System.nanoTime() - t0) / 1e9);
        }

        private long writeReport(RowWriter w) throws IOException {
            ReportResult result = Exporter.this.query.report(principal, report);
            for (Map<String, Object> row : result.rows()) {
                w.row(row.values().toArray());
            }
            return result.rows().size();
        }

        /**
         * Reading and writing overlap: a reader thread streams the records from the database in chunks while
         * this thread formats and writes the previous ones (the database, the driver and the formatting
         * share the cores instead of taking turns).
         */
        private long writeRecords(RowWriter w) throws IOException {
            BlockingQueue<Object> queue = new ArrayBlockingQueue<>(4);
            AtomicBoolean stop = new AtomicBoolean();
            Thread reader = new Thread(() -> read(queue, stop), "hotcrm-export-reader");
            reader.setDaemon(true);
            reader.start();
            long n = 0;
            Object[] values = new Object[paths.size()];
            try {
                while (true) {
                    Object next = queue.take();
                    if (next == END) {
                        return n;
                    }
                    if (next instanceof RuntimeException e) {
                        throw e;
                    }
                    if (next instanceof Error e) {
                        throw e;
                    }
                    Chunk chunk = (Chunk) next;
                    for (int r = 0; r < chunk.size; r++) {
                        Object[] row = chunk.rows[r];
                        for (int i = 0; i < values.length; i++) {
                            values[i] = row[chunk.index[i]];
                        }
                        w.row(values);
                        n++;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("The export was interrupted.");
            } finally {
                stop.set(true);
                reader.interrupt();
            }
        }

        /** The reader thread: streams the query's rows into chunks (or hands over its failure). */
        private void read(BlockingQueue<Object> queue, AtomicBoolean stop) {
            Chunk[] current = {null};
            try {
                QueryEngine.RowSink sink = (names, row) -> {
                    if (current[0] == null) {
                        current[0] = new Chunk(paths.stream().mapToInt(names::indexOf).toArray());
                    }
                    Chunk c = current[0];
                    c.rows[c.size++] = row.clone();
                    if (c.size == CHUNK) {
                        put(queue, c, stop);
                        current[0] = new Chunk(c.index);
                    }
                };
                if (changes != null) {
                    Exporter.this.query.streamChanges(principal, query, changes[0], changes[1], sink);
                } else {
                    Exporter.this.query.streamRows(principal, query, sink);
                }
                if (current[0] != null && current[0].size > 0) {
                    put(queue, current[0], stop);
                }
                put(queue, END, stop);
            } catch (RuntimeException | Error e) {
                if (!stop.get()) {
                    try {
                        queue.put(e);
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        }
    }

    private static final Object END = new Object();
    private static final int CHUNK = 1000;

    /** Rows read ahead, and where each exported column is among the query's columns. */
    private static final class Chunk {
        final int[] index;
        final Object[][] rows = new Object[CHUNK][];
        int size;

        Chunk(int[] index) {
            this.index = index;
        }
    }

    private static void put(BlockingQueue<Object> queue, Object item, AtomicBoolean stop) {
        try {
            while (!queue.offer(item, 100, TimeUnit.MILLISECONDS)) {
                if (stop.get()) {
                    throw new CancellationException("the export stopped");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("the export stopped");
        }
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
