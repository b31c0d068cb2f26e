package io.hotcrm.migration.hubspot;

import io.hotcrm.common.ErrorCode;
import io.hotcrm.common.HotCrmException;

/** HubSpot said no: its HTTP status and error category travel with the message. */
final class HubSpotException extends HotCrmException {
    private final int status;
    private final String category;
    private final java.util.List<String> scopes;

    HubSpotException(int status, String category, String message) {
        this(status, category, message, java.util.List.of());
    }

    /** @param scopes the scopes HubSpot said the token lacks (a 403 {@code MISSING_SCOPES}) */
    HubSpotException(int status, String category, String message, java.util.List<String> scopes) {
        super(status == 401 || status == 403 ? ErrorCode.CONFIGURATION : status == 429 || status >= 500 ? ErrorCode.UNAVAILABLE
                : ErrorCode.VALIDATION_FAILED, message);
        this.status = status;
        this.category = category == null ? "" : category;
        this.scopes = java.util.List.copyOf(scopes);
    }

    java.util.List<String> scopes() {
        return scopes;
    }

    int status() {
        return status;
    }

    String category() {
        return category;
    }
}
