package io.hotcrm.importing.excel;

import io.hotcrm.common.HotCrmException;
import io.hotcrm.importing.Headers;
import io.hotcrm.importing.Source;
import io.hotcrm.importing.SourceFormat;
import io.hotcrm.importing.SourceOptions;
import io.hotcrm.importing.SourceRow;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.poi.ss.usermodel.DateUtil;
import org.dhatim.fastexcel.reader.Cell;
import org.dhatim.fastexcel.reader.ReadableWorkbook;
import org.dhatim.fastexcel.reader.ReadingOptions;
import org.dhatim.fastexcel.reader.Row;
import org.dhatim.fastexcel.reader.Sheet;

/**
 * Excel workbooks (.xlsx), streamed row by row: the first row of the chosen sheet holds the headers; date
 * cells become ISO dates (date-times when they have a time of day), numbers plain digits, formulas their
 * cached values. The package is checked first ({@link ZipCheck}).
 */
public final class XlsxFormat implements SourceFormat {
    @Override
    public String name() {
        return "Excel (.xlsx)";
    }

    @Override
    public boolean accepts(String fileName, byte[] head) {
        return head.length >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4;
    }

    @Override
    public Source open(Path file, String fileName, SourceOptions options) throws IOException {
        ZipCheck check = ZipCheck.scan(file, fileName);
        ReadableWorkbook wb;
        try {
            // without a styles part there are no cell formats (so no date cells) to read
            wb = new ReadableWorkbook(file.toFile(), new ReadingOptions(check.hasStyles(), false));
        } catch (IOException | RuntimeException e) {
            throw unreadable(fileName, null, e);
        }
        try {
            List<Sheet> sheets = wb.getSheets().toList();
            List<String> names = sheets.stream().map(Sheet::getName).toList();
            int index = Cells.sheetIndex(fileName, options.sheet(), names);
            List<Long> counts = check.rowsPerSheet();
            long rowCount = index < counts.size() ? counts.get(index) : -1;
            return new XlsxSource(wb, sheets.get(index), names, fileName, rowCount);
        } catch (HotCrmException e) {
            wb.close();
            throw e;
        } catch (RuntimeException | IOException e) {
            wb.close();
            throw unreadable(fileName, null, e);
        }
    }

    /**
     * A workbook the reader failed on (a damaged or hand-made part): what and where, without the parser's
     * class names; the cause is kept for the log.
     */
    static HotCrmException unreadable(String fileName, Long row, Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String detail = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        detail = detail.replaceAll("[\\w.]+(Exception|Error):\\s*", "").strip();
        if (detail.length() > 200) {
            detail = detail.substring(0, 200) + "…";
        }
        return new HotCrmException(io.hotcrm.common.ErrorCode.VALIDATION_FAILED, "The file " + fileName
                + " is not a readable .xlsx workbook" + (row == null ? "" : " (the problem is after row " + row + ")")
                + (detail.isBlank() ? "" : ": " + detail) + ". Open it in Excel and save it again, or save the sheet as CSV.", e);
    }

    static final class XlsxSource implements Source {
        private final ReadableWorkbook wb;
        private final Stream<Row> stream;
        private final Iterator<Row> it;
        private final List<String> sheets;
        private final List<String> headers;
        private final long rows;
        private final String description;

        private final String fileName;
        private long lastRow;

        XlsxSource(ReadableWorkbook wb, Sheet sheet, List<String> sheets, String fileName, long rowCount) throws IOException {
            this.wb = wb;
            this.fileName = fileName;
            this.sheets = sheets;
            this.stream = sheet.openStream();
            this.it = stream.iterator();
            Row first = nextRow();
            if (first == null) {
                throw HotCrmException.invalid("The sheet \"" + sheet.getName() + "\" of " + fileName + " is empty: its first"
                        + " row should hold the column headers.");
            }
            List<String> raw = new ArrayList<>();
            for (int i = 0; i < first.getCellCount(); i++) {
                raw.add(text(first, i));
            }
            this.headers = Headers.of("The sheet \"" + sheet.getName() + "\" of " + fileName, raw);
            this.rows = rowCount < 0 ? -1 : Math.max(0, rowCount - 1);
            if (rows == 0) {
                throw HotCrmException.invalid("The sheet \"" + sheet.getName() + "\" of " + fileName
                        + " has a header row but no rows to import.");
            }
            this.description = "Excel workbook, sheet \"" + sheet.getName() + "\" (" + (sheet.getIndex() + 1) + " of "
                    + sheets.size() + "), " + headers.size() + " columns" + (rows > 0 ? ", " + rows + " rows" : "");
        }

        private Row nextRow() {
            try {
                Row r = it.hasNext() ? it.next() : null;
                if (r != null) {
                    lastRow = r.getRowNum();
                }
                return r;
            } catch (UncheckedIOException | HotCrmException e) {
                throw e instanceof HotCrmException h ? h : unreadable(fileName, lastRow, e);
            } catch (RuntimeException e) {
                throw unreadable(fileName, lastRow, e);
            }
        }

        static String text(Row row, int i) {
            if (!row.hasCell(i)) {
                return "";
            }
            Cell c = row.getCell(i);
            if (c == null) {
                return "";
            }
            return switch (c.getType()) {
                case EMPTY -> "";
                case STRING -> c.asString();
                case BOOLEAN -> String.valueOf(c.asBoolean());
                case NUMBER -> isDate(c) ? Cells.date(c.asDate()) : Cells.number(c.asNumber());
                case FORMULA -> cached(c);
                case ERROR -> c.getRawValue() == null ? "" : c.getRawValue();
            };
        }

        private static boolean isDate(Cell c) {
            Integer id = c.getDataFormatId();
            return id != null && DateUtil.isADateFormat(id, c.getDataFormatString());
        }

        /** A formula cell's cached value: a number (or date), else its text. */
        private static String cached(Cell c) {
            String raw = c.getRawValue();
            if (raw == null) {
                return "";
            }
            try {
                java.math.BigDecimal n = new java.math.BigDecimal(raw.trim());
                if (isDate(c)) {
                    return Cells.date(DateUtil.getLocalDateTime(n.doubleValue()));
                }
                return Cells.number(n);
            } catch (NumberFormatException e) {
                return raw;
            }
        }

        @Override
        public String description() {
            return description;
        }

        @Override
        public List<String> headers() {
            return headers;
        }

        @Override
        public long rows() {
            return rows;
        }

        @Override
        public List<String> sheets() {
            return sheets;
        }

        @Override
        public SourceRow next() throws IOException {
            Row r = nextRow();
            if (r == null) {
                return null;
            }
            String[] values = new String[Math.max(headers.size(), r.getCellCount())];
            for (int i = 0; i < values.length; i++) {
                values[i] = text(r, i);
            }
            return new SourceRow(r.getRowNum(), values);
        }

        @Override
        public void close() throws IOException {
            stream.close();
            wb.close();
        }
    }
}
