package io.hotcrm.importing;

import java.util.Locale;

/** What happened to one row (in a dry-run: what would happen). */
public enum RowStatus {
    CREATED("would create"), UPDATED("would update"), UNCHANGED("unchanged"), SKIPPED("skipped"), FAILED("would fail");

    private final String dryRun;

    RowStatus(String dryRun) {
        this.dryRun = dryRun;
    }

    public String id(boolean dryRunMode) {
        return dryRunMode ? dryRun : name().toLowerCase(Locale.ROOT);
    }
}
