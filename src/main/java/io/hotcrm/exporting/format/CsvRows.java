package io.hotcrm.exporting.format;

import io.hotcrm.common.CsvBytes;
import io.hotcrm.common.ValueText;
import io.hotcrm.exporting.ExportColumn;
import io.hotcrm.exporting.ExportFormat;
import io.hotcrm.exporting.ExportOptions;
import io.hotcrm.exporting.RowFormat;
import io.hotcrm.exporting.RowWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

/**
 * RFC 4180 CSV in UTF-8 (CRLF line ends, quotes only where needed, optional byte-order mark), one header
 * row of field names. Text values a spreadsheet would run as a formula are neutralised unless turned off.
 */
public final class CsvRows implements RowFormat {
    @Override
    public ExportFormat format() {
        return ExportFormat.CSV;
    }

    @Override
    public RowWriter open(OutputStream out, String title, List<ExportColumn> columns, ExportOptions options) throws IOException {
        if (options.bom()) {
            out.write(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
        }
        CsvBytes csv = new CsvBytes(out);
        csv.record(columns.stream().map(ExportColumn::name).toList());
        boolean[] text = new boolean[columns.size()];
        for (int i = 0; i < text.length; i++) {
            text[i] = options.neutraliseFormulas() && Formulas.textual(columns.get(i).type());
        }
        return new RowWriter() {
            @Override
            public void row(Object[] values) throws IOException {
                for (int i = 0; i < text.length; i++) {
                    csv.value(text[i] ? Formulas.neutralise(ValueText.of(values[i])) : values[i]);
                }
                csv.endRecord();
            }

            @Override
            public void finish() throws IOException {
                csv.flush();
            }
        };
    }
}
