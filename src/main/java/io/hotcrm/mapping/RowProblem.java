package io.hotcrm.mapping;

/**
 * One thing wrong with one row: the row number as the user sees it (the file's line or sheet row), the
 * column header, the field, the value found, and a message that says what was expected.
 */
public record RowProblem(long row, String column, String field, String value, String message) {
    /** The value is kept to its first characters: problems travel in job results, notices and terminals. */
    public RowProblem {
        value = io.hotcrm.common.Texts.clip(value, io.hotcrm.common.Texts.SHOWN);
    }

    /** "Row 12, column "Birthdate": …" */
    public String describe() {
        return "Row " + row + (column == null ? "" : ", column \"" + column + "\"") + ": " + message;
    }
}
