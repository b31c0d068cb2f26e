package io.hotcrm.common;

import java.util.List;
import java.util.Objects;

/**
 * The one exception HotCRM throws on purpose. It carries an {@link ErrorCode}, a message written for the
 * user (what failed, where, what to do next) and, for validation failures, one {@link Problem} per field.
 * Only the web and CLI edges translate it.
 */
public class HotCrmException extends RuntimeException {
    private final ErrorCode code;
    private final List<Problem> details;

    public HotCrmException(ErrorCode code, String message) {
        this(code, message, List.of(), null);
    }

    public HotCrmException(ErrorCode code, String message, Throwable cause) {
        this(code, message, List.of(), cause);
    }

    public HotCrmException(ErrorCode code, String message, List<Problem> details) {
        this(code, message, details, null);
    }

    public HotCrmException(ErrorCode code, String message, List<Problem> details, Throwable cause) {
        super(Objects.requireNonNull(message, "message"), cause);
        this.code = Objects.requireNonNull(code, "code");
        this.details = List.copyOf(details);
    }

    public ErrorCode code() {
        return code;
    }

    public List<Problem> details() {
        return details;
    }

    public static HotCrmException notFound(String message) {
        return new HotCrmException(ErrorCode.NOT_FOUND, message);
    }

    public static HotCrmException invalid(String message) {
        return new HotCrmException(ErrorCode.VALIDATION_FAILED, message);
    }

    public static HotCrmException denied(String message) {
        return new HotCrmException(ErrorCode.PERMISSION_DENIED, message);
    }
}
