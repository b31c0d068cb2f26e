package io.hotcrm.exporting.format;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.hotcrm.common.ValueText;
import io.hotcrm.exporting.ExportColumn;
import io.hotcrm.exporting.ExportFormat;
import io.hotcrm.exporting.ExportOptions;
import io.hotcrm.exporting.RowFormat;
import io.hotcrm.exporting.RowWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.util.List;

/**
 * JSON Lines: one JSON object per record and line, keys in column order, with JSON types — numbers as
 * numbers, booleans, multi-picklists as arrays, dates and date-times as ISO strings (UTC), empty as null.
 */
public final class JsonlRows implements RowFormat {
    private static final JsonFactory FACTORY = new JsonFactory();

    @Override
    public ExportFormat format() {
        return ExportFormat.JSONL;
    }

    @Override
    public RowWriter open(OutputStream out, String title, List<ExportColumn> columns, ExportOptions options) throws IOException {
        JsonGenerator g = FACTORY.createGenerator(out, JsonEncoding.UTF8);
        g.configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
        g.setRootValueSeparator(null);
        String[] names = columns.stream().map(ExportColumn::name).toArray(String[]::new);
        return new RowWriter() {
            @Override
            public void row(Object[] values) throws IOException {
                g.writeStartObject();
                for (int i = 0; i < names.length; i++) {
                    g.writeFieldName(names[i]);
                    write(g, values[i]);
                }
                g.writeEndObject();
                g.writeRaw('\n');
            }

            @Override
            public void finish() throws IOException {
                g.flush();
            }
        };
    }

    private static void write(JsonGenerator g, Object v) throws IOException {
        if (v == null) {
            g.writeNull();
        } else if (v instanceof BigDecimal b) {
            g.writeNumber(b);
        } else if (v instanceof Number n) {
            g.writeNumber(n.longValue());
        } else if (v instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (v instanceof List<?> l) {
            g.writeStartArray();
            for (Object x : l) {
                g.writeString(String.valueOf(x));
            }
            g.writeEndArray();
        } else {
            g.writeString(ValueText.of(v));
        }
    }
}
