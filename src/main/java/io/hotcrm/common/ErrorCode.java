package io.hotcrm.common;

/**
 * Machine-readable failure kinds. The web edge maps each to an HTTP status, the CLI to an exit code;
 * both tables live here so that a new code cannot be added without deciding how users see it.
 */
public enum ErrorCode {
    /** The request is malformed or a value is invalid; details name the fields. */
    VALIDATION_FAILED(400, 2),
    /** A query could not be understood. */
    INVALID_QUERY(400, 2),
    /** No credentials, or credentials that are not valid. */
    NOT_AUTHENTICATED(401, 3),
    /** Valid credentials without the permission the action needs. */
    PERMISSION_DENIED(403, 3),
    /** The object, field, record or user does not exist. */
    NOT_FOUND(404, 4),
    /** The action conflicts with existing data (duplicate key, concurrent change, existing name). */
    CONFLICT(409, 5),
    /** An upload or request is larger than allowed. */
    TOO_LARGE(413, 2),
    /** Too many failed attempts. */
    LOCKED(423, 3),
    /** Configuration is missing or wrong (database URL, data directory, settings). */
    CONFIGURATION(500, 6),
    /** A remote system or the database failed. */
    UNAVAILABLE(503, 7),
    /** A defect in HotCRM itself. */
    INTERNAL(500, 10);

    private final int httpStatus;
    private final int exitCode;

    ErrorCode(int httpStatus, int exitCode) {
        this.httpStatus = httpStatus;
        this.exitCode = exitCode;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public int exitCode() {
        return exitCode;
    }

    /** The code as it appears in problem JSON, e.g. {@code permission_denied}. */
    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
