package io.hotcrm.importing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.hotcrm.mapping.RowProblem;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An import's problems and notices grouped by kind — the same column and the same message but for the values
 * and row numbers in it — with a count and the first row numbers of each, so 8 bad rows read as 2 kinds of
 * problem and a million bad rows stay a few lines. Kept with the import (JSON), so a resumed run continues it.
 */
final class ProblemGroups {
    /** Kinds kept; further kinds are counted in one last group. */
    static final int MAX_GROUPS = 50;
    static final int FIRST_ROWS = 10;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern QUOTED = Pattern.compile("\"[^\"]*\"|“[^”]*”");
    private static final Pattern NUMBER = Pattern.compile("\\d+");
    private static final String OTHER = "\u0000other";

    private final Map<String, Group> groups = new LinkedHashMap<>();

    private static final class Group {
        final boolean notice;
        final String column;
        final String field;
        final String message;
        long count;
        final List<Long> rows = new ArrayList<>(FIRST_ROWS);

        Group(boolean notice, String column, String field, String message) {
            this.notice = notice;
            this.column = column;
            this.field = field;
            this.message = message;
        }
    }

    void add(RowProblem p, boolean notice) {
        String key = (notice ? "n|" : "e|") + p.column() + "|" + kind(p.message());
        Group g = groups.get(key);
        if (g == null) {
            if (groups.size() >= MAX_GROUPS) {
                key = (notice ? "n|" : "e|") + OTHER;
                g = groups.computeIfAbsent(key, k -> new Group(notice, null, null, notice ? "Other notices." : "Other problems."));
            } else {
                g = new Group(notice, p.column(), p.field(), p.message());
                groups.put(key, g);
            }
        }
        g.count++;
        if (g.rows.size() < FIRST_ROWS) {
            g.rows.add(p.row());
        }
    }

    /** A message with its values and numbers blanked: what makes two problems the same kind. */
    static String kind(String message) {
        return NUMBER.matcher(QUOTED.matcher(Objects.toString(message, "")).replaceAll("…")).replaceAll("#");
    }

    List<ImportSummary.ProblemGroup> list() {
        List<ImportSummary.ProblemGroup> out = new ArrayList<>();
        for (Group g : groups.values()) {
            out.add(new ImportSummary.ProblemGroup(g.notice ? "notice" : "error", g.column, g.field, g.message, g.count,
                    List.copyOf(g.rows)));
        }
        out.sort((a, b) -> a.kind().equals(b.kind()) ? Long.compare(b.count(), a.count()) : a.kind().compareTo(b.kind()));
        return out;
    }

    /** The groups as stored with the import (see {@link #parse}). */
    ArrayNode toNode() {
        ArrayNode a = JSON.createArrayNode();
        for (Map.Entry<String, Group> e : groups.entrySet()) {
            Group g = e.getValue();
            var n = a.addObject().put("key", e.getKey()).put("notice", g.notice).put("column", g.column).put("field", g.field)
                    .put("message", g.message).put("count", g.count);
            ArrayNode rows = n.putArray("rows");
            g.rows.forEach(rows::add);
        }
        return a;
    }

    /** The groups {@link #toNode} stored; none when {@code stored} is missing. */
    static ProblemGroups parse(JsonNode stored) {
        ProblemGroups pg = new ProblemGroups();
        if (stored == null) {
            return pg;
        }
        for (JsonNode n : stored) {
            Group g = new Group(n.path("notice").asBoolean(), text(n, "column"), text(n, "field"), text(n, "message"));
            g.count = n.path("count").asLong();
            n.path("rows").forEach(r -> g.rows.add(r.asLong()));
            pg.groups.put(n.path("key").asText(), g);
        }
        return pg;
    }

    private static String text(JsonNode n, String f) {
        return n.hasNonNull(f) ? n.get(f).asText() : null;
    }
}
