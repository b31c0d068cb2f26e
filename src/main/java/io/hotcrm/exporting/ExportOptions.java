package io.hotcrm.exporting;

/**
 * How a file is written: its format; for CSV a byte-order mark (so Excel reads UTF-8) and formula
 * neutralisation (on by default: a text value starting with {@code = + - @}, tab or carriage return gets a
 * leading apostrophe, so a spreadsheet shows it instead of running it); gzip compression of the whole file.
 */
public record ExportOptions(ExportFormat format, boolean bom, boolean neutraliseFormulas, boolean gzip) {
    public static ExportOptions of(ExportFormat format) {
        return new ExportOptions(format, false, true, false);
    }

    public String fileExtension() {
        return format.extension() + (gzip ? ".gz" : "");
    }
}
