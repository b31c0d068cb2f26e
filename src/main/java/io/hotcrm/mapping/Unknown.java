package io.hotcrm.mapping;

import io.hotcrm.common.HotCrmException;
import java.util.Locale;

/**
 * What to do with a picklist or boolean value that is not allowed: fail the row (the default), leave the
 * field blank, or store a default value instead.
 */
public record Unknown(Policy policy, String defaultValue) {
    public static final Unknown FAIL = new Unknown(Policy.FAIL, null);

    public enum Policy {
        FAIL, BLANK, DEFAULT;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public Unknown {
        if (policy == null) {
            policy = Policy.FAIL;
        }
        if (policy == Policy.DEFAULT && (defaultValue == null || defaultValue.isBlank())) {
            throw HotCrmException.invalid("The unknown-value policy \"default\" needs a default value.");
        }
    }

    public static Unknown of(String policy, String defaultValue) {
        if (policy == null || policy.isBlank()) {
            return FAIL;
        }
        try {
            return new Unknown(Policy.valueOf(policy.trim().toUpperCase(Locale.ROOT)), defaultValue);
        } catch (IllegalArgumentException e) {
            throw HotCrmException.invalid("Unknown value policy '" + policy + "'; use fail, blank or default.");
        }
    }
}
