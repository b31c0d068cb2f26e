package io.hotcrm.importing;

import java.io.IOException;
import java.nio.file.Path;

/** A kind of input file (CSV, .xlsx, .xls): recognises its files and opens them as a {@link Source}. */
public interface SourceFormat {
    /** "CSV", "Excel (.xlsx)", … */
    String name();

    /** Whether this format reads the file, judged by its first bytes (and its name when the bytes do not tell). */
    boolean accepts(String fileName, byte[] head);

    Source open(Path file, String fileName, SourceOptions options) throws IOException;
}
