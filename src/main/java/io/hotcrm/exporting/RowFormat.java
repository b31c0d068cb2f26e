package io.hotcrm.exporting;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

/** A file format an export can write: opens a {@link RowWriter} for the columns on a stream. */
public interface RowFormat {
    ExportFormat format();

    RowWriter open(OutputStream out, String title, List<ExportColumn> columns, ExportOptions options) throws IOException;
}
