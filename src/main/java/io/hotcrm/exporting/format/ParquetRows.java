package io.hotcrm.exporting.format;

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
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;
import org.apache.parquet.io.api.Binary;
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
        ParquetWriter<Group> writer = ExampleParquetWriter.builder(new StreamFile(out))
                .withConf(new PlainParquetConfiguration())
                .withType(schema)
                .withCompressionCodec(CompressionCodecName.SNAPPY)
                .withRowGroupSize(ROW_GROUP_BYTES)
                .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                .build();
        SimpleGroupFactory groups = new SimpleGroupFactory(schema);
        ExportColumn[] cols = columns.toArray(ExportColumn[]::new);
        return new RowWriter() {
            @Override
            public void row(Object[] values) throws IOException {
                Group g = groups.newGroup();
                for (int i = 0; i < cols.length; i++) {
                    if (values[i] != null) {
                        add(g, i, cols[i], values[i]);
                    }
                }
                writer.write(g);
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

    private static void add(Group g, int i, ExportColumn c, Object v) {
        switch (c.type()) {
            case NUMBER, CURRENCY, PERCENT -> {
                BigDecimal d = v instanceof BigDecimal b ? b : new BigDecimal(v.toString());
                g.add(i, d.setScale(c.def().scale(), RoundingMode.HALF_UP).unscaledValue().longValueExact());
            }
            case DATE -> g.add(i, Math.toIntExact(((LocalDate) v).toEpochDay()));
            case DATETIME -> {
                OffsetDateTime t = (OffsetDateTime) v;
                g.add(i, Math.addExact(Math.multiplyExact(t.toEpochSecond(), 1_000_000L), t.getNano() / 1000));
            }
            case BOOLEAN -> g.add(i, (Boolean) v);
            case MULTI_PICKLIST -> {
                Group list = g.addGroup(i);
                for (Object x : (List<?>) v) {
                    list.addGroup(0).add(0, Binary.fromString(String.valueOf(x)));
                }
            }
            default -> g.add(i, Binary.fromString(ExportColumn.text(v)));
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
