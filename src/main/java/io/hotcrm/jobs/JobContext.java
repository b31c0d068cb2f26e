package io.hotcrm.jobs;

import java.util.UUID;
import java.util.function.Consumer;

/**
 * What a running job sees: its payload and who asked for it, and where it reports progress. Progress is
 * kept in memory and written to the job's row at most every {@value #FLUSH_MILLIS} ms (and on
 * {@link #total}, {@link #message} and the end), so a job reporting every row costs no round trips; each
 * write also reads whether cancellation was requested.
 */
public final class JobContext implements io.hotcrm.common.Work.Context {
    static final long FLUSH_MILLIS = 500;

    private final Jobs jobs;
    private final UUID id;
    private final String type;
    private final String payload;
    private final String createdBy;
    private final int attempt;
    private final int maxAttempts;
    private final Consumer<Job> listener;
    private final long startNanos = System.nanoTime();
    private long startDone = -1;
    private long done;
    private Long total;
    private String message;
    private long lastFlushNanos;
    private volatile boolean cancelRequested;

    JobContext(Jobs jobs, Job job, Consumer<Job> listener) {
        this.jobs = jobs;
        this.id = job.id();
        this.type = job.type();
        this.payload = job.payload();
        this.createdBy = job.createdBy();
        this.attempt = job.attempts();
        this.maxAttempts = job.maxAttempts();
        this.done = job.done();
        this.total = job.total();
        this.listener = listener;
        this.lastFlushNanos = startNanos;
    }

    @Override
    public UUID jobId() {
        return id;
    }

    public String type() {
        return type;
    }

    public String payload() {
        return payload;
    }

    /** The email of the user (or {@code system}) the job runs for. */
    public String createdBy() {
        return createdBy;
    }

    /** 1 for the first attempt, 2 for the first retry, … */
    @Override
    public int attempt() {
        return attempt;
    }

    /** Whether a failure of this attempt ends the job (no retry follows). */
    @Override
    public boolean lastAttempt() {
        return attempt >= maxAttempts;
    }

    /** Units done so far, as last reported (a retried job starts from what its previous attempt stored). */
    public long done() {
        return done;
    }

    /** Sets the number of units the job will process, when known. */
    @Override
    public void total(long total) {
        this.total = total;
        flush(true);
    }

    /** Sets the units done so far. */
    @Override
    public void progress(long done) {
        if (startDone < 0) {
            startDone = this.done;
        }
        this.done = done;
        flush(false);
    }

    /**
     * Sets the units done and what the job does now, written with the next due progress write (at most every
     * {@value #FLUSH_MILLIS} ms): what a job reporting after every unit of work calls.
     */
    public void progress(long done, String message) {
        this.message = message;
        progress(done);
    }

    /** Adds to the units done. */
    public void advance(long units) {
        progress(done + units);
    }

    /** A short line describing what the job is doing now. */
    @Override
    public void message(String message) {
        this.message = message;
        flush(true);
    }

    /** Whether a user asked to cancel the job (as of the last progress write). */
    @Override
    public boolean cancelRequested() {
        return cancelRequested;
    }

    /** Throws {@link JobCancelledException} if cancellation was requested or the worker is stopping. */
    public void checkCancelled() {
        if (Thread.currentThread().isInterrupted()) {
            throw new JobInterruptedException();
        }
        if (cancelRequested) {
            throw new JobCancelledException("The job " + id + " was cancelled.");
        }
    }

    /** Writes progress now if forced or due; refreshes the cancellation flag. */
    void flush(boolean force) {
        long now = System.nanoTime();
        if (!force && now - lastFlushNanos < FLUSH_MILLIS * 1_000_000) {
            return;
        }
        lastFlushNanos = now;
        cancelRequested = jobs.saveProgress(id, done, total, rate(now), message);
        if (listener != null) {
            listener.accept(jobs.get(id));
        }
    }

    Double rate(long nowNanos) {
        double seconds = (nowNanos - startNanos) / 1e9;
        long units = done - Math.max(0, startDone);
        return seconds <= 0.05 || units <= 0 ? null : units / seconds;
    }

    long doneNow() {
        return done;
    }

    String lastMessage() {
        return message;
    }

    /** Raised when the worker thread is interrupted (the node is shutting down); the attempt is retried. */
    static final class JobInterruptedException extends RuntimeException {
        JobInterruptedException() {
            super("The node running the job is shutting down; the job will be retried.");
        }
    }
}
