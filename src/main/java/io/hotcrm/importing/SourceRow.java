package io.hotcrm.importing;

/**
 * One data row: the number a user finds it under (the line where the row starts in a CSV file, the row
 * number in a spreadsheet) and its values in header order (missing trailing cells are empty).
 */
public record SourceRow(long number, String[] values) {
}
