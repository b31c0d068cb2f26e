package io.hotcrm.importing;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;

/**
 * Rows of an input file, streamed: the header, the number of data rows (known once opened, for progress),
 * then one {@link SourceRow} at a time in bounded memory.
 */
public interface Source extends Closeable {
    /** What the file turned out to be, for the import summary: "CSV, UTF-8 with BOM, ';'-separated". */
    String description();

    List<String> headers();

    /** The number of data rows (not counting the header). */
    long rows();

    /** The next data row, or null at the end. */
    SourceRow next() throws IOException;

    /** The sheets of a workbook (the one read is chosen with the sheet option); empty for other files. */
    default List<String> sheets() {
        return List.of();
    }
}
