package io.hotcrm.importing.excel;

import io.hotcrm.common.HotCrmException;
import io.hotcrm.importing.Headers;
import io.hotcrm.importing.Source;
import io.hotcrm.importing.SourceFormat;
import io.hotcrm.importing.SourceOptions;
import io.hotcrm.importing.SourceRow;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.poi.hssf.usermodel.HSSFWorkbook;
import org.apache.poi.ss.usermodel.Cell;
import org.apache.poi.ss.usermodel.CellType;
import org.apache.poi.ss.usermodel.DateUtil;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;

/**
 * Legacy Excel workbooks (.xls, BIFF8) through Apache POI's HSSF. The format holds at most 65,536 rows per
 * sheet, so the workbook is read whole; values are rendered as for .xlsx.
 */
public final class XlsFormat implements SourceFormat {
    @Override
    public String name() {
        return "Excel 97-2003 (.xls)";
    }

    @Override
    public boolean accepts(String fileName, byte[] head) {
        return head.length >= 4 && (head[0] & 0xff) == 0xD0 && (head[1] & 0xff) == 0xCF && (head[2] & 0xff) == 0x11
                && (head[3] & 0xff) == 0xE0;
    }

    @Override
    public Source open(Path file, String fileName, SourceOptions options) throws IOException {
        HSSFWorkbook wb;
        try (InputStream in = Files.newInputStream(file)) {
            wb = new HSSFWorkbook(in);
        } catch (IOException | RuntimeException e) {
            throw HotCrmException.invalid("The file " + fileName + " is not a readable .xls workbook (" + e.getMessage()
                    + "). Open it in Excel and save it as .xlsx or CSV.");
        }
        List<String> names = new ArrayList<>();
        for (int i = 0; i < wb.getNumberOfSheets(); i++) {
            names.add(wb.getSheetName(i));
        }
        try {
            int index = Cells.sheetIndex(fileName, options.sheet(), names);
            return new XlsSource(wb, wb.getSheetAt(index), names, fileName);
        } catch (RuntimeException e) {
            wb.close();
            throw e;
        }
    }

    static final class XlsSource implements Source {
        private final HSSFWorkbook wb;
        private final Sheet sheet;
        private final List<String> sheets;
        private final List<String> headers;
        private final int headerRow;
        private final int lastRow;
        private int next;
        private final String description;

        XlsSource(HSSFWorkbook wb, Sheet sheet, List<String> sheets, String fileName) {
            this.wb = wb;
            this.sheet = sheet;
            this.sheets = sheets;
            this.headerRow = sheet.getFirstRowNum();
            this.lastRow = sheet.getLastRowNum();
            Row first = sheet.getRow(headerRow);
            if (first == null || sheet.getPhysicalNumberOfRows() == 0) {
                throw HotCrmException.invalid("The sheet \"" + sheet.getSheetName() + "\" of " + fileName + " is empty: its"
                        + " first row should hold the column headers.");
            }
            List<String> raw = new ArrayList<>();
            for (int i = 0; i < Math.max(0, first.getLastCellNum()); i++) {
                raw.add(text(first.getCell(i), wb));
            }
            this.headers = Headers.of("The sheet \"" + sheet.getSheetName() + "\" of " + fileName, raw);
            if (lastRow <= headerRow) {
                throw HotCrmException.invalid("The sheet \"" + sheet.getSheetName() + "\" of " + fileName
                        + " has a header row but no rows to import.");
            }
            this.next = headerRow + 1;
            this.description = "Excel 97-2003 workbook, sheet \"" + sheet.getSheetName() + "\", " + headers.size()
                    + " columns, " + rows() + " rows";
        }

        static String text(Cell c, HSSFWorkbook wb) {
            if (c == null) {
                return "";
            }
            CellType type = c.getCellType() == CellType.FORMULA ? c.getCachedFormulaResultType() : c.getCellType();
            return switch (type) {
                case STRING -> c.getRichStringCellValue().getString();
                case BOOLEAN -> String.valueOf(c.getBooleanCellValue());
                case NUMERIC -> DateUtil.isCellDateFormatted(c)
                        ? Cells.date(c.getLocalDateTimeCellValue())
                        : Cells.number(c.getNumericCellValue());
                case ERROR -> "#ERROR";
                default -> "";
            };
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
            return lastRow - headerRow;
        }

        @Override
        public List<String> sheets() {
            return sheets;
        }

        @Override
        public SourceRow next() {
            while (next <= lastRow) {
                Row r = sheet.getRow(next++);
                if (r == null) {
                    continue;
                }
                String[] values = new String[Math.max(headers.size(), r.getLastCellNum())];
                for (int i = 0; i < values.length; i++) {
                    values[i] = text(r.getCell(i), wb);
                }
                return new SourceRow(r.getRowNum() + 1L, values);
            }
            return null;
        }

        @Override
        public void close() throws IOException {
            wb.close();
        }
    }
}
