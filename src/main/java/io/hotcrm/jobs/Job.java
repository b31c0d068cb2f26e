package io.hotcrm.jobs;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
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
}
