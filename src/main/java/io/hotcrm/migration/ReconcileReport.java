package io.hotcrm.migration;

import java.time.Instant;
import java.util.List;

/**
 * Source against HotCRM after a run: per object the source's count (same slice) and the records HotCRM holds from
 * it, the gap (flagged over 0.1 %, the playbook's rule; every missing record listed by id with its reason), and a
 * spot-check of random records re-read from the source and compared field by field through the plan.
 */
public record ReconcileReport(Instant at, List<ObjectCheck> objects) {

    public record ObjectCheck(String source, String target, long sourceCount, long inHotCrm, long gap, boolean flagged,
                              List<Missing> missing, int spotChecked, List<Difference> differences) {
    }

    /** A source record HotCRM does not hold, and why (the import's error, or what is known). */
    public record Missing(String id, String reason) {
    }

    /** A field of a spot-checked record whose value differs. */
    public record Difference(String id, String field, String source, String hotcrm) {
    }

    public long gap() {
        return objects.stream().mapToLong(ObjectCheck::gap).sum();
    }

    public long differences() {
        return objects.stream().mapToLong(o -> o.differences().size()).sum();
    }

    public boolean clean() {
        return gap() == 0 && differences() == 0;
    }
}
