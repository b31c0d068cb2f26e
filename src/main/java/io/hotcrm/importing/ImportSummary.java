package io.hotcrm.importing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hotcrm.mapping.RowProblem;
import java.io.IOException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * An import as it stands: what was asked, how far it got, the counts, where the result files are, what it
 * found — problems grouped by kind, the first problems row by row, notices of corrected values, and (for
 * dry-runs) the first field changes — and what its undo did. Counts always add up to {@code rowsDone}.
 */
public record ImportSummary(UUID id, String object, ImportMode mode, String matchField, boolean dryRun, ImportState state,
                            String fileName, String source, String createdBy, OffsetDateTime createdAt,
                            OffsetDateTime finishedAt, UUID jobId, long rows, long rowsDone, long created, long updated,
                            long unchanged, long skipped, long failed, List<String> ignoredColumns, String resultFile,
                            String errorFile, String message, List<ProblemGroup> problemGroups, List<RowProblem> problems,
                            List<Change> changes, UndoResult undo, UUID undoJobId, String partOf) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One field a (dry-run) update changes: the row, the record, old and new values as text. */
    public record Change(long row, UUID recordId, String field, String before, String after) {
    }

    /**
     * Problems (or notices, {@code kind} "notice") of one kind: the column and field, the first such message, how
     * many rows had it, and the first of those rows.
     */
    public record ProblemGroup(String kind, String column, String field, String message, long count, List<Long> rows) {
        public boolean notice() {
            return "notice".equals(kind);
        }
    }

    /** What an undo did: records removed and restored, and records changed since the import that were left alone. */
    public record UndoResult(long deleted, long restored, List<String> leftAlone) {
        public UndoResult {
            leftAlone = leftAlone == null ? List.of() : List.copyOf(leftAlone);
        }

        String toJson() {
            var n = JSON.createObjectNode().put("deleted", deleted).put("restored", restored);
            var a = n.putArray("leftAlone");
            leftAlone.forEach(a::add);
            return n.toString();
        }

        static UndoResult parse(String json) {
            if (json == null) {
                return null;
            }
            try {
                JsonNode n = JSON.readTree(json);
                List<String> left = new ArrayList<>();
                n.path("leftAlone").forEach(x -> left.add(x.asText()));
                return new UndoResult(n.path("deleted").asLong(), n.path("restored").asLong(), left);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    public ImportSummary {
        ignoredColumns = ignoredColumns == null ? List.of() : List.copyOf(ignoredColumns);
        problemGroups = problemGroups == null ? List.of() : List.copyOf(problemGroups);
        problems = problems == null ? List.of() : List.copyOf(problems);
        changes = changes == null ? List.of() : List.copyOf(changes);
    }

    /** True when every row was created, updated, unchanged or skipped (none failed). */
    public boolean clean() {
        return failed == 0;
    }

    /** The state for people: "completed with 8 failed rows", "succeeded", "undone", … */
    public String stateText() {
        return state.describe(failed);
    }

    /** The JSON shape of {@code hotcrm import --json} and the REST API. */
    public Map<String, Object> view() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("object", object);
        m.put("mode", mode.id());
        m.put("match", matchField);
        m.put("dryRun", dryRun);
        m.put("state", state.id());
        m.put("stateText", stateText());
        m.put("file", fileName);
        m.put("source", source);
        m.put("partOf", partOf);
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
        m.put("problemGroups", problemGroups.stream().map(g -> {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("kind", g.kind());
            e.put("column", g.column());
            e.put("field", g.field());
            e.put("message", g.message());
            e.put("count", g.count());
            e.put("rows", g.rows());
            return e;
        }).toList());
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
        if (undo != null || undoJobId != null) {
            Map<String, Object> u = new LinkedHashMap<>();
            u.put("jobId", undoJobId);
            if (undo != null) {
                u.put("deleted", undo.deleted());
                u.put("restored", undo.restored());
                u.put("leftAlone", undo.leftAlone());
            }
            m.put("undo", u);
        }
        return m;
    }
}
