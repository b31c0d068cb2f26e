package io.hotcrm.jobs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A job as users see it: its state, progress and outcome. {@code rate} is rows (or units) per second of the
 * current attempt; {@link #eta()} follows from it. {@code inlineJob} marks a job run in a command-line
 * process rather than by the job server.
 */
public record Job(UUID id, String type, JobState state, String payload, String createdBy, OffsetDateTime createdAt,
                  OffsetDateTime updatedAt, OffsetDateTime startedAt, OffsetDateTime finishedAt, long done, Long total,
                  Double rate, String message, String error, String result, int attempts, int maxAttempts,
                  boolean cancelRequested, String node, boolean inlineJob, List<Transition> history) {

    /** One entry of the state history. */
    public record Transition(int seq, JobState state, OffsetDateTime at, String message) {
    }

    /** Time left at the current rate; null when unknown (no total, no rate yet, or finished). */
    public Duration eta() {
        if (state.terminal() || total == null || rate == null || rate <= 0) {
            return null;
        }
        long left = Math.max(0, total - done);
        return Duration.ofMillis((long) Math.ceil(left * 1000.0 / rate));
    }

    /** Percent complete, 0–100; null without a total. */
    public Integer percent() {
        if (state == JobState.SUCCEEDED) {
            return 100;
        }
        if (total == null || total <= 0) {
            return null;
        }
        return (int) Math.min(100, done * 100 / total);
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The job as the API and {@code --json} show it: progress with percent and ETA, the result as JSON
     * (when it is JSON), the history when loaded. The payload is left out: it is the job's input, not its
     * state.
     */
    public Map<String, Object> view() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("type", type);
        m.put("state", state.id());
        m.put("createdBy", createdBy);
        m.put("createdAt", createdAt);
        m.put("startedAt", startedAt);
        m.put("finishedAt", finishedAt);
        m.put("updatedAt", updatedAt);
        m.put("done", done);
        m.put("total", total);
        m.put("percent", percent());
        m.put("rate", rate == null ? null : Math.round(rate * 10) / 10.0);
        Duration eta = eta();
        m.put("etaSeconds", eta == null ? null : eta.toSeconds());
        m.put("message", message);
        m.put("error", error);
        m.put("result", parsedResult());
        m.put("attempts", attempts);
        m.put("maxAttempts", maxAttempts);
        m.put("cancelRequested", cancelRequested);
        m.put("node", node);
        m.put("inline", inlineJob);
        if (!history.isEmpty()) {
            m.put("history", history.stream().map(t -> {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("state", t.state().id());
                e.put("at", t.at());
                e.put("message", t.message());
                return e;
            }).toList());
        }
        return m;
    }

    private Object parsedResult() {
        if (result == null) {
            return null;
        }
        try {
            return JSON.readTree(result);
        } catch (JsonProcessingException e) {
            return result;
        }
    }
}
