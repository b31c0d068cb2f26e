package io.hotcrm.exporting;

import java.io.IOException;

/** Writes an export's rows, in column order, to the stream its format opened it on. */
public interface RowWriter {
    void row(Object[] values) throws IOException;

    /** Writes whatever ends the file (Excel's and Parquet's footers); does not close the stream. */
    void finish() throws IOException;
}
