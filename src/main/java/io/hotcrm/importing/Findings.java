package io.hotcrm.importing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hotcrm.mapping.RowProblem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * What an import found so far: its problems and notices grouped by kind, its first problems row by row, and
 * (dry-runs) its first field changes. Stored with the import after every chunk, in the chunk's transaction,
 * so any node shows them and a resumed run continues them.
 */
final class Findings {
    /** Problems and changes kept row by row (all are in the result file). */
    static final int KEEP = 100;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ProblemGroups groups;
    private final List<RowProblem> first;
    private final List<ImportSummary.Change> changes;

    private Findings(ProblemGroups groups, List<RowProblem> first, List<ImportSummary.Change> changes) {
        this.groups = groups;
        this.first = first;
        this.changes = changes;
    }

    static Findings none() {
        return new Findings(new ProblemGroups(), new ArrayList<>(), new ArrayList<>());
    }

    /** The findings an import has stored (its {@code problems} and {@code changes} columns). */
    static Findings parse(String problemsJson, String changesJson) {
        try {
            JsonNode p = problemsJson == null ? null : JSON.readTree(problemsJson);
            List<RowProblem> first = new ArrayList<>();
            if (p != null) {
                p.path("first").forEach(n -> first.add(new RowProblem(n.path("row").asLong(), text(n, "column"), text(n, "field"),
                        text(n, "value"), text(n, "message"))));
            }
            List<ImportSummary.Change> changes = new ArrayList<>();
            if (changesJson != null) {
                JSON.readTree(changesJson).forEach(n -> changes.add(new ImportSummary.Change(n.path("row").asLong(),
                        UUID.fromString(n.path("id").asText()), text(n, "field"), text(n, "before"), text(n, "after"))));
            }
            return new Findings(ProblemGroups.parse(p == null ? null : p.get("groups")), first, changes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Adds what the rows of a written chunk found. */
    synchronized void add(List<ImportRow> chunk, boolean dryRun) {
        for (ImportRow row : chunk) {
            for (RowProblem p : row.problems) {
                add(p);
            }
            if (row.notices != null && row.status != RowStatus.FAILED) {
                row.notices.forEach(n -> groups.add(n, true));
            }
            if (dryRun && row.changes != null) {
                for (ImportSummary.Change ch : row.changes) {
                    if (changes.size() < KEEP) {
                        changes.add(ch);
                    }
                }
            }
        }
    }

    synchronized void add(RowProblem p) {
        groups.add(p, false);
        if (first.size() < KEEP) {
            first.add(p);
        }
    }

    synchronized List<ImportSummary.ProblemGroup> groups() {
        return groups.list();
    }

    synchronized List<RowProblem> first() {
        return List.copyOf(first);
    }

    synchronized List<ImportSummary.Change> changes() {
        return List.copyOf(changes);
    }

    synchronized String problemsJson() {
        ObjectNode root = JSON.createObjectNode();
        root.set("groups", groups.toNode());
        ArrayNode a = root.putArray("first");
        for (RowProblem p : first) {
            a.addObject().put("row", p.row()).put("column", p.column()).put("field", p.field()).put("value", p.value())
                    .put("message", p.message());
        }
        return root.toString();
    }

    synchronized String changesJson() {
        if (changes.isEmpty()) {
            return null;
        }
        ArrayNode a = JSON.createArrayNode();
        for (ImportSummary.Change c : changes) {
            a.addObject().put("row", c.row()).put("id", c.recordId().toString()).put("field", c.field()).put("before", c.before())
                    .put("after", c.after());
        }
        return a.toString();
    }

    private static String text(JsonNode n, String f) {
        return n.hasNonNull(f) ? n.get(f).asText() : null;
    }
}
