package io.hotcrm.exporting.format;

import io.hotcrm.common.ValueText;
import io.hotcrm.exporting.ExportColumn;
import io.hotcrm.exporting.ExportFormat;
import io.hotcrm.exporting.ExportOptions;
import io.hotcrm.exporting.RowFormat;
import io.hotcrm.exporting.RowWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;

/**
 * Parquet with real column types, Snappy-compressed: text, picklists and record ids as UTF-8 strings;
 * numbers as DECIMAL(18, scale); dates as DATE; date-times as TIMESTAMP (microseconds, UTC); booleans as
 * BOOLEAN; multi-picklists as LIST of strings. Every column is optional (empty = null). Rows are buffered
 * only up to one 32 MB row group, then written out, so memory does not grow with the export.
 */
public final class ParquetRows implements RowFormat {
    static final long ROW_GROUP_BYTES = 32L * 1024 * 1024;
    private static final int PRECISION = 18;

    @Override
    public ExportFormat format() {
        return ExportFormat.PARQUET;
    }

    @Override
    public RowWriter open(OutputStream out, String title, List<ExportColumn> columns, ExportOptions options) throws IOException {
        MessageType schema = schema(columns);
        ParquetWriter<Object[]> writer = new Builder(new StreamFile(out), new RowSupport(schema, columns))
                .withConf(new PlainParquetConfiguration())
                .withCompressionCodec(CompressionCodecName.SNAPPY)
                .withRowGroupSize(ROW_GROUP_BYTES)
                .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                .build();
        return new RowWriter() {
            @Override
            public void row(Object[] values) throws IOException {
                writer.write(values);
            }

            @Override
            public void finish() throws IOException {
                writer.close();
            }
        };
    }

    static MessageType schema(List<ExportColumn> columns) {
        Types.MessageTypeBuilder b = Types.buildMessage();
        for (ExportColumn c : columns) {
            switch (c.type()) {
                case NUMBER, CURRENCY, PERCENT -> b.optional(PrimitiveTypeName.INT64)
                        .as(LogicalTypeAnnotation.decimalType(c.def().scale(), PRECISION)).named(c.name());
                case DATE -> b.optional(PrimitiveTypeName.INT32).as(LogicalTypeAnnotation.dateType()).named(c.name());
                case DATETIME -> b.optional(PrimitiveTypeName.INT64)
                        .as(LogicalTypeAnnotation.timestampType(true, LogicalTypeAnnotation.TimeUnit.MICROS)).named(c.name());
                case BOOLEAN -> b.optional(PrimitiveTypeName.BOOLEAN).named(c.name());
                case MULTI_PICKLIST -> b.optionalList().optionalElement(PrimitiveTypeName.BINARY)
                        .as(LogicalTypeAnnotation.stringType()).named(c.name());
                default -> b.optional(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named(c.name());
            }
        }
        return b.named("hotcrm_export");
    }

    /**
     * Writes a row's values straight to Parquet's record consumer (the example Group writer built a tree of objects
     * per row first, which cost more than the encoding itself).
     */
    private static final class RowSupport extends WriteSupport<Object[]> {
        private static final String LIST = "list";
        private static final String ELEMENT = "element";
        private final MessageType schema;
        private final ExportColumn[] cols;
        private RecordConsumer out;

        RowSupport(MessageType schema, List<ExportColumn> columns) {
            this.schema = schema;
            this.cols = columns.toArray(ExportColumn[]::new);
        }

        @Override
        @SuppressWarnings("deprecation") // abstract in parquet-java: the Hadoop-free init below is the one used
        public WriteContext init(Configuration conf) {
            return new WriteContext(schema, Map.of());
        }

        @Override
        public WriteContext init(ParquetConfiguration conf) {
            return new WriteContext(schema, Map.of());
        }

        @Override
        public void prepareForWrite(RecordConsumer recordConsumer) {
            this.out = recordConsumer;
        }

        @Override
        public void write(Object[] values) {
            out.startMessage();
            for (int i = 0; i < cols.length; i++) {
                if (values[i] != null) {
                    String name = cols[i].name();
                    out.startField(name, i);
                    add(cols[i], values[i]);
                    out.endField(name, i);
                }
            }
            out.endMessage();
        }

        private void add(ExportColumn c, Object v) {
            switch (c.type()) {
                case NUMBER, CURRENCY, PERCENT -> {
                    BigDecimal d = v instanceof BigDecimal b ? b : new BigDecimal(v.toString());
                    out.addLong(d.setScale(c.def().scale(), RoundingMode.HALF_UP).unscaledValue().longValueExact());
                }
                case DATE -> out.addInteger(Math.toIntExact(((LocalDate) v).toEpochDay()));
                case DATETIME -> {
                    OffsetDateTime t = (OffsetDateTime) v;
                    out.addLong(Math.addExact(Math.multiplyExact(t.toEpochSecond(), 1_000_000L), t.getNano() / 1000));
                }
                case BOOLEAN -> out.addBoolean((Boolean) v);
                case MULTI_PICKLIST -> {
                    out.startGroup();
                    List<?> items = (List<?>) v;
                    if (!items.isEmpty()) {
                        out.startField(LIST, 0);
                        for (Object x : items) {
                            out.startGroup();
                            out.startField(ELEMENT, 0);
                            out.addBinary(Binary.fromString(String.valueOf(x)));
                            out.endField(ELEMENT, 0);
                            out.endGroup();
                        }
                        out.endField(LIST, 0);
                    }
                    out.endGroup();
                }
                default -> out.addBinary(Binary.fromString(ValueText.of(v)));
            }
        }
    }

    private static final class Builder extends ParquetWriter.Builder<Object[], Builder> {
        private final RowSupport support;

        Builder(OutputFile file, RowSupport support) {
            super(file);
            this.support = support;
        }

        @Override
        protected Builder self() {
            return this;
        }

        @Override
        @SuppressWarnings("deprecation") // abstract in parquet-java: the Hadoop-free variant below is the one used
        protected WriteSupport<Object[]> getWriteSupport(Configuration conf) {
            return support;
        }

        @Override
        protected WriteSupport<Object[]> getWriteSupport(ParquetConfiguration conf) {
            return support;
        }
    }

    /** A Parquet output "file" that is any stream: Parquet only needs to know how much it has written. */
    private static final class StreamFile implements OutputFile {
        private final OutputStream out;

        StreamFile(OutputStream out) {
            this.out = out;
        }

        @Override
        public PositionOutputStream create(long blockSizeHint) {
            return new PositionOutputStream() {
                long pos;

                @Override
                public long getPos() {
                    return pos;
                }

                @Override
                public void write(int b) throws IOException {
                    out.write(b);
                    pos++;
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                    pos += len;
                }

                @Override
                public void flush() throws IOException {
                    out.flush();
                }

                @Override
                public void close() throws IOException {
                    out.flush();
                }
            };
        }

        @Override
        public PositionOutputStream createOrOverwrite(long blockSizeHint) {
            return create(blockSizeHint);
        }

        @Override
        public boolean supportsBlockSize() {
            return false;
        }

        @Override
        public long defaultBlockSize() {
            return 0;
        }
    }
}
