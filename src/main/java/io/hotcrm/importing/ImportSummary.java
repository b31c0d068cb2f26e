package io.hotcrm.importing;

import io.hotcrm.mapping.RowProblem;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * An import as it stands: what was asked, how far it got, the counts, where the result files are, and the
 * first problems and (for dry-runs) the first field changes. Counts always add up to {@code rowsDone}.
 */
public record ImportSummary(UUID id, String object, ImportMode mode, String matchField, boolean dryRun, String state,
                            String fileName, String source, String createdBy, OffsetDateTime createdAt,
                            OffsetDateTime finishedAt, UUID jobId, long rows, long rowsDone, long created, long updated,
                            long unchanged, long skipped, long failed, List<String> ignoredColumns, String resultFile,
                            String errorFile, String message, List<RowProblem> problems, List<Change> changes) {

    /** One field a (dry-run) update changes: the row, the record, old and new values as text. */
    public record Change(long row, UUID recordId, String field, String before, String after) {
    }

    public ImportSummary {
        ignoredColumns = ignoredColumns == null ? List.of() : List.copyOf(ignoredColumns);
        problems = problems == null ? List.of() : List.copyOf(problems);
        changes = changes == null ? List.of() : List.copyOf(changes);
    }

    /** True when every row was created, updated, unchanged or skipped (none failed). */
    public boolean clean() {
        return failed == 0;
    }

    /** The JSON shape of {@code hotcrm import --json} and the REST API. */
    public Map<String, Object> view() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("object", object);
        m.put("mode", mode.id());
        m.put("match", matchField);
        m.put("dryRun", dryRun);
        m.put("state", state);
        m.put("file", fileName);
        m.put("source", source);
        m.put("createdBy", createdBy);
        m.put("createdAt", createdAt);
        m.put("finishedAt", finishedAt);
        m.put("jobId", jobId);
        m.put("rows", rows);
        m.put("rowsDone", rowsDone);
        m.put("created", created);
        m.put("updated", updated);
        m.put("unchanged", unchanged);
        m.put("skipped", skipped);
        m.put("failed", failed);
        m.put("ignoredColumns", ignoredColumns);
        m.put("resultFile", resultFile);
        m.put("errorFile", errorFile);
        m.put("message", message);
        m.put("problems", problems.stream().map(p -> {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("row", p.row());
            e.put("column", p.column());
            e.put("field", p.field());
            e.put("value", p.value());
            e.put("message", p.message());
            return e;
        }).toList());
        if (dryRun) {
            m.put("changes", changes.stream().map(c -> {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("row", c.row());
                e.put("id", c.recordId());
                e.put("field", c.field());
                e.put("before", c.before());
                e.put("after", c.after());
                return e;
            }).toList());
        }
        return m;
    }
}
