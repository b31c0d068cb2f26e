package io.hotcrm.exporting.format;

import io.hotcrm.exporting.ExportColumn;
import io.hotcrm.exporting.ExportFormat;
import io.hotcrm.exporting.ExportOptions;
import io.hotcrm.exporting.RowFormat;
import io.hotcrm.exporting.RowWriter;
import io.hotcrm.metadata.FieldDef;
import io.hotcrm.metadata.SystemField;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.parquet.format.ColumnChunk;
import org.apache.parquet.format.ConvertedType;
import org.apache.parquet.format.DateType;
import org.apache.parquet.format.DecimalType;
import org.apache.parquet.format.FieldRepetitionType;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.ListType;
import org.apache.parquet.format.LogicalType;
import org.apache.parquet.format.MicroSeconds;
import org.apache.parquet.format.RowGroup;
import org.apache.parquet.format.SchemaElement;
import org.apache.parquet.format.StringType;
import org.apache.parquet.format.TimeUnit;
import org.apache.parquet.format.TimestampType;
import org.apache.parquet.format.Util;

/**
 * Parquet with real column types, Snappy-compressed: text, picklists and record ids as UTF-8 strings;
 * numbers as DECIMAL(18, scale); dates as DATE; date-times as TIMESTAMP (microseconds, UTC); booleans as
 * BOOLEAN; multi-picklists as LIST of strings. Every column is optional (empty = null). Columns whose values repeat
 * (picklists, names, lookups) are dictionary-encoded while the dictionary makes them smaller; the rest are PLAIN.
 *
 * <p>HotCRM encodes the pages itself ({@link ParquetColumn}) and writes the file's layout with parquet-java's
 * parquet-format structures (the Thrift page headers and footer): parquet-java's record writer spent more than twice
 * the time of a CSV export on per-value bookkeeping, and its file writer loads Hadoop's configuration and Jackson
 * (a fixed 0.4 s), see docs/decisions.md. Rows are buffered only up to one row group of about 32 MB (compressed
 * pages), then written out, so memory does not grow with the export.
 */
public final class ParquetRows implements RowFormat {
    static final Limits LIMITS = new Limits(32L * 1024 * 1024, 1024 * 1024, 20_000, 1024 * 1024);
    private static final byte[] MAGIC = "PAR1".getBytes(StandardCharsets.US_ASCII);
    private static final int PRECISION = 18;

    /**
     * When a row group is written (bytes it holds), when a page ends (bytes or records), and the largest dictionary
     * of a column chunk (bytes) — parquet-java's defaults but for the row group.
     */
    record Limits(long rowGroupBytes, int pageBytes, int pageRows, int dictionaryBytes) {
    }

    private final String createdBy;
    private final Limits limits;

    /** {@code createdBy}: the writer named in the file ("HotCRM version 1.2.3"). */
    public ParquetRows(String createdBy) {
        this(createdBy, LIMITS);
    }

    ParquetRows(String createdBy, Limits limits) {
        this.createdBy = createdBy;
        this.limits = limits;
    }

    @Override
    public ExportFormat format() {
        return ExportFormat.PARQUET;
    }

    @Override
    public RowWriter open(OutputStream out, String title, List<ExportColumn> columns, ExportOptions options) throws IOException {
        ParquetColumn[] chunks = new ParquetColumn[columns.size()];
        ParquetColumn.Scratch scratch = new ParquetColumn.Scratch();
        for (int i = 0; i < chunks.length; i++) {
            ExportColumn c = columns.get(i);
            ParquetColumn.Kind kind = kind(c);
            boolean dictionary = (kind == ParquetColumn.Kind.STRING || kind == ParquetColumn.Kind.LIST) && !mostlyDistinct(c);
            chunks[i] = new ParquetColumn(c, kind, dictionary, limits, scratch);
        }
        out.write(MAGIC);
        return new RowWriter() {
            long position = MAGIC.length;
            long rows;
            long total;
            final List<RowGroup> groups = new ArrayList<>();

            @Override
            public void row(Object[] values) throws IOException {
                for (int i = 0; i < chunks.length; i++) {
                    ParquetColumn c = chunks[i];
                    c.add(values[i]);
                    if (c.pageFull()) {
                        c.closePage();
                    }
                }
                if (++rows % 128 == 0 && buffered() >= limits.rowGroupBytes()) {
                    writeRowGroup();
                }
            }

            private long buffered() {
                long n = 0;
                for (ParquetColumn c : chunks) {
                    n += c.bufferedBytes();
                }
                return n;
            }

            private void writeRowGroup() throws IOException {
                long start = position;
                long uncompressed = 0;
                List<ColumnChunk> written = new ArrayList<>();
                for (ParquetColumn c : chunks) {
                    ColumnChunk chunk = c.writeChunk(out, position);
                    position += chunk.getMeta_data().getTotal_compressed_size();
                    uncompressed += chunk.getMeta_data().getTotal_uncompressed_size();
                    written.add(chunk);
                }
                groups.add(new RowGroup(written, uncompressed, rows).setFile_offset(start).setTotal_compressed_size(position - start));
                total += rows;
                rows = 0;
            }

            @Override
            public void finish() throws IOException {
                if (rows > 0) {
                    writeRowGroup();
                }
                ByteArrayOutputStream footer = new ByteArrayOutputStream();
                Util.writeFileMetaData(new FileMetaData(1, schema(columns), total, groups).setCreated_by(createdBy), footer);
                footer.writeTo(out);
                out.write(new byte[] {(byte) footer.size(), (byte) (footer.size() >>> 8), (byte) (footer.size() >>> 16),
                        (byte) (footer.size() >>> 24)});
                out.write(MAGIC);
                out.flush();
            }
        };
    }

    private static ParquetColumn.Kind kind(ExportColumn c) {
        return switch (c.type()) {
            case NUMBER, CURRENCY, PERCENT -> ParquetColumn.Kind.DECIMAL;
            case DATE -> ParquetColumn.Kind.DATE;
            case DATETIME -> ParquetColumn.Kind.TIMESTAMP;
            case BOOLEAN -> ParquetColumn.Kind.BOOLEAN;
            case MULTI_PICKLIST -> ParquetColumn.Kind.LIST;
            default -> ParquetColumn.Kind.STRING;
        };
    }

    /**
     * Whether a column's values are mostly different from record to record, so that a dictionary would not make it
     * smaller: the record's own id and external id, its unique fields, email addresses, phone numbers, URLs and long
     * text. (Trying costs the first page of each: it is encoded with a dictionary, then again plainly.) A lookup's
     * column (an account's name on a contact) repeats across the records that point to the same target and is tried.
     */
    static boolean mostlyDistinct(ExportColumn c) {
        FieldDef f = c.def();
        if (!c.name().equals(f.name())) {
            return false;
        }
        return f.name().equals(SystemField.ID) || f.name().equals(SystemField.EXTERNAL_ID) || f.unique()
                || switch (f.type()) {
                    case EMAIL, PHONE, URL, TEXTAREA -> true;
                    default -> false;
                };
    }

    /**
     * The file's schema, flattened as the footer keeps it: the message, then each column (a multi-picklist as the
     * three-level LIST of parquet-format's LogicalTypes.md: an optional group of a repeated group of optional strings).
     */
    static List<SchemaElement> schema(List<ExportColumn> columns) {
        List<SchemaElement> schema = new ArrayList<>();
        schema.add(new SchemaElement("hotcrm_export").setNum_children(columns.size()));
        for (ExportColumn c : columns) {
            ParquetColumn.Kind kind = kind(c);
            SchemaElement e = new SchemaElement(c.name()).setRepetition_type(FieldRepetitionType.OPTIONAL);
            if (kind == ParquetColumn.Kind.LIST) {
                schema.add(e.setNum_children(1).setConverted_type(ConvertedType.LIST).setLogicalType(LogicalType.LIST(new ListType())));
                schema.add(new SchemaElement("list").setRepetition_type(FieldRepetitionType.REPEATED).setNum_children(1));
                e = new SchemaElement("element").setRepetition_type(FieldRepetitionType.OPTIONAL);
            }
            e.setType(kind.physical);
            switch (kind) {
                case STRING, LIST -> e.setConverted_type(ConvertedType.UTF8).setLogicalType(LogicalType.STRING(new StringType()));
                case DECIMAL -> e.setConverted_type(ConvertedType.DECIMAL).setScale(c.def().scale()).setPrecision(PRECISION)
                        .setLogicalType(LogicalType.DECIMAL(new DecimalType(c.def().scale(), PRECISION)));
                case DATE -> e.setConverted_type(ConvertedType.DATE).setLogicalType(LogicalType.DATE(new DateType()));
                case TIMESTAMP -> e.setConverted_type(ConvertedType.TIMESTAMP_MICROS)
                        .setLogicalType(LogicalType.TIMESTAMP(new TimestampType(true, TimeUnit.MICROS(new MicroSeconds()))));
                case BOOLEAN -> {
                }
            }
            schema.add(e);
        }
        return schema;
    }

}
