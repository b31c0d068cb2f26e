package io.hotcrm.exporting.format;

import io.hotcrm.common.ValueText;
import io.hotcrm.exporting.ExportColumn;
import io.hotcrm.exporting.ExportFormat;
import io.hotcrm.exporting.ExportOptions;
import io.hotcrm.exporting.RowFormat;
import io.hotcrm.exporting.RowWriter;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.dhatim.fastexcel.Workbook;
import org.dhatim.fastexcel.Worksheet;

/**
 * Excel (.xlsx), streamed: rows are flushed to the file as they come, so memory stays flat. Cells are typed —
 * numbers, booleans, dates ({@code yyyy-mm-dd}) and date-times in UTC ({@code yyyy-mm-dd hh:mm:ss}) — and text
 * is written as text cells, which Excel never runs as formulas. A sheet holds 1,048,575 records under its
 * header; more continue on the next sheet ("Contacts (2)", …). Excel's cell limit of 32,767 characters
 * is respected by cutting longer text.
 */
public final class XlsxRows implements RowFormat {
    static final int MAX_TEXT = 32_767;
    private static final int FLUSH_EVERY = 1000;

    @Override
    public ExportFormat format() {
        return ExportFormat.XLSX;
    }

    @Override
    public RowWriter open(OutputStream out, String title, List<ExportColumn> columns, ExportOptions options) throws IOException {
        Workbook wb = new Workbook(new FilterOutputStream(out) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                flush();
            }
        }, "HotCRM", "1.0");
        String base = sheetName(title);
        return new RowWriter() {
            Worksheet ws = sheet(wb, base, 1, columns);
            int sheets = 1;
            int row = 1;

            @Override
            public void row(Object[] values) throws IOException {
                if (row >= Worksheet.MAX_ROWS) {
                    ws.finish();
                    ws = sheet(wb, base, ++sheets, columns);
                    row = 1;
                }
                for (int c = 0; c < values.length; c++) {
                    cell(ws, row, c, values[c]);
                }
                row++;
                if (row % FLUSH_EVERY == 0) {
                    ws.flush();
                }
            }

            @Override
            public void finish() throws IOException {
                ws.finish();
                wb.finish();
            }
        };
    }

    private static Worksheet sheet(Workbook wb, String base, int n, List<ExportColumn> columns) {
        Worksheet ws = wb.newWorksheet(n == 1 ? base : base.substring(0, Math.min(base.length(), 25)) + " (" + n + ")");
        for (int c = 0; c < columns.size(); c++) {
            ws.inlineString(0, c, columns.get(c).name());
        }
        ws.range(0, 0, 0, Math.max(0, columns.size() - 1)).style().bold().set();
        ws.freezePane(0, 1);
        return ws;
    }

    private static void cell(Worksheet ws, int r, int c, Object v) {
        if (v == null) {
            return;
        }
        if (v instanceof BigDecimal b) {
            ws.value(r, c, b);
        } else if (v instanceof Number n) {
            ws.value(r, c, n);
        } else if (v instanceof Boolean b) {
            ws.value(r, c, b);
        } else if (v instanceof LocalDate d) {
            ws.value(r, c, d);
            ws.style(r, c).format("yyyy-mm-dd").set();
        } else if (v instanceof OffsetDateTime t) {
            ws.value(r, c, t.withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime());
            ws.style(r, c).format("yyyy-mm-dd hh:mm:ss").set();
        } else {
            String s = ValueText.of(v);
            ws.inlineString(r, c, s.length() > MAX_TEXT ? s.substring(0, MAX_TEXT) : s);
        }
    }

    /** Excel sheet names: at most 31 characters, none of {@code : \ / ? * [ ]}. */
    static String sheetName(String title) {
        String s = title == null || title.isBlank() ? "Export" : title.replaceAll("[:\\\\/?*\\[\\]]", " ").trim();
        return s.length() > 31 ? s.substring(0, 31) : s;
    }
}
