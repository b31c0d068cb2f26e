package io.hotcrm.exporting.format;

import de.siegmar.fastcsv.writer.CsvWriter;
import de.siegmar.fastcsv.writer.LineDelimiter;
import io.hotcrm.exporting.ExportColumn;
import io.hotcrm.exporting.ExportFormat;
import io.hotcrm.exporting.ExportOptions;
import io.hotcrm.exporting.RowFormat;
import io.hotcrm.exporting.RowWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
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
        Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
        CsvWriter csv = CsvWriter.builder().lineDelimiter(LineDelimiter.CRLF).bufferSize(1 << 16).build(w);
        csv.writeRecord(columns.stream().map(ExportColumn::name).toList());
        boolean[] text = new boolean[columns.size()];
        for (int i = 0; i < text.length; i++) {
            text[i] = options.neutraliseFormulas() && Formulas.textual(columns.get(i).type());
        }
        String[] cells = new String[columns.size()];
        return new RowWriter() {
            @Override
            public void row(Object[] values) {
                for (int i = 0; i < cells.length; i++) {
                    String s = ExportColumn.text(values[i]);
                    cells[i] = text[i] ? Formulas.neutralise(s) : s;
                }
                csv.writeRecord(cells);
            }

            @Override
            public void finish() throws IOException {
                csv.flush();
                w.flush();
            }
        };
    }
}
