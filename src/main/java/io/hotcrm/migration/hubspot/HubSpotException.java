package io.hotcrm.migration.hubspot;

import io.hotcrm.common.ErrorCode;
import io.hotcrm.common.HotCrmException;

/** HubSpot said no: its HTTP status and error category travel with the message. */
final class HubSpotException extends HotCrmException {
    private final int status;
    private final String category;

    HubSpotException(int status, String category, String message) {
        super(status == 401 || status == 403 ? ErrorCode.CONFIGURATION : status == 429 || status >= 500 ? ErrorCode.UNAVAILABLE
                : ErrorCode.VALIDATION_FAILED, message);
        this.status = status;
        this.category = category == null ? "" : category;
    }

    int status() {
        return status;
    }

    String category() {
        return category;
    }
}
