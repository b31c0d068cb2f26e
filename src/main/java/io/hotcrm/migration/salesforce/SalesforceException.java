package io.hotcrm.migration.salesforce;

import io.hotcrm.common.ErrorCode;
import io.hotcrm.common.HotCrmException;

/** Salesforce said no: its HTTP status and first error code travel with the message. */
final class SalesforceException extends HotCrmException {
    private final int status;
    private final String errorCode;

    SalesforceException(int status, String errorCode, String message) {
        super(status == 401 || status == 403 ? ErrorCode.CONFIGURATION : ErrorCode.VALIDATION_FAILED, message);
        this.status = status;
        this.errorCode = errorCode == null ? "" : errorCode;
    }

    int status() {
        return status;
    }

    String errorCode() {
        return errorCode;
    }
}
