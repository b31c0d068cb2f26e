package io.hotcrm.importing;

import io.hotcrm.mapping.Ref;
import io.hotcrm.mapping.RowProblem;
import io.hotcrm.store.RecordBatch.Existing;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * One row of the file on its way through the pipeline: its text, its converted values (one per mapping target),
 * and what each stage found — problems, notices, the record it matches or creates, its outcome.
 */
final class ImportRow {
    final long number;
    final String[] raw;
    final Object[] values;
    final List<RowProblem> problems = new ArrayList<>(1);
    /** Values HotCRM corrected rather than refused (a picklist value in another case); the row still goes in. */
    List<RowProblem> notices;
    boolean blank;
    RowStatus status;
    String note;
    UUID recordId;
    Object key;
    Existing match;
    Object[] finalValues;
    boolean[] changedMask;
    List<ImportSummary.Change> changes;
    List<Integer> deferredTargets;

    ImportRow(long number, String[] raw, int targets) {
        this.number = number;
        this.raw = raw;
        this.values = new Object[targets];
    }

    /** Records a problem and fails the row. */
    void fail(String column, String field, String value, String message) {
        problems.add(new RowProblem(number, column, field, value, message));
        status = RowStatus.FAILED;
    }

    void notice(String column, String field, String value, String message) {
        if (notices == null) {
            notices = new ArrayList<>(1);
        }
        notices.add(new RowProblem(number, column, field, value, message));
    }

    /** A reference to a row of this file that is not written yet: stored blank, linked once every chunk is written. */
    record Pending(Ref ref) {
    }
}
