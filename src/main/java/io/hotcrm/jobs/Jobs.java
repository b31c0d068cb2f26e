package io.hotcrm.jobs;

import io.hotcrm.common.ErrorCode;
import io.hotcrm.common.HotCrmException;
import io.hotcrm.common.Ids;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;
import org.jobrunr.jobs.lambdas.IocJobLambda;
import org.jobrunr.jobs.mappers.JobMapper;
import org.jobrunr.scheduling.JobBuilder;
import org.jobrunr.scheduling.JobScheduler;
import org.jobrunr.server.BackgroundJobServer;
import org.jobrunr.server.BackgroundJobServerConfiguration;
import org.jobrunr.storage.StorageProvider;
import org.jobrunr.storage.sql.h2.H2StorageProvider;
import org.jobrunr.storage.sql.postgres.PostgresStorageProvider;
import org.jobrunr.utils.mapper.JsonMapper;
import org.jobrunr.utils.mapper.jackson.JacksonJsonMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The front door of background work. {@link #submit} records a job and hands it to JobRunr, which runs it
 * on whichever {@code hotcrm serve} node (started with {@link #startServer}) picks it first;
 * {@link #runHere} runs a job in the calling thread (the command line does this, so it works without a
 * server) while recording it the same way. Either way the job's row carries its state history and progress.
 */
public final class Jobs implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Jobs.class);
    /** A job run inline whose process has not beaten its heart for this long is marked interrupted. */
    static final long STALE_SECONDS = 60;
    static final Duration STALE_AFTER = Duration.ofSeconds(STALE_SECONDS);
    static final Duration HEARTBEAT = Duration.ofSeconds(10);

    /** This machine's name and this process's id, recorded with the jobs it runs. */
    static final String HOST = hostName();
    static final long PID = ProcessHandle.current().pid();

    private final DataSource dataSource;
    private final Jdbi jdbi;
    private final String node;
    private final boolean postgres;
    private final Map<String, JobHandler> handlers = new ConcurrentHashMap<>();
    private final Set<UUID> runningHere = ConcurrentHashMap.newKeySet();
    private StorageProvider storage;
    private JobScheduler scheduler;
    private BackgroundJobServer server;
    private ScheduledExecutorService heartbeat;

    /**
     * @param node how this process is named in job records and JobRunr's server list (host and pid by default)
     */
    public Jobs(DataSource dataSource, String node) {
        this.dataSource = dataSource;
        this.jdbi = Jdbi.create(dataSource);
        this.node = node;
        this.postgres = isPostgres(dataSource);
    }

    /** A node name for this process: host name and process id. */
    public static String defaultNodeName() {
        return HOST + ":" + PID;
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "localhost";
        }
    }

    public String node() {
        return node;
    }

    /** Makes a job type runnable in this process. Every node must register the same handlers. */
    public void register(JobHandler handler) {
        if (handlers.putIfAbsent(handler.type(), handler) != null) {
            throw new IllegalStateException("Job type registered twice: " + handler.type());
        }
    }

    public Set<String> types() {
        return Set.copyOf(handlers.keySet());
    }

    // ---------------------------------------------------------------- submitting and running

    /**
     * Records a queued job and hands it to the job server. With an idempotency key, submitting the same key
     * again returns the job already recorded instead of starting a second one.
     */
    public Job submit(String type, String payload, String createdBy, String idempotencyKey) {
        JobHandler handler = handler(type);
        if (idempotencyKey != null) {
            Optional<UUID> existing = jdbi.withHandle(h -> h.createQuery("select id from hc_job where idempotency_key = :k")
                    .bind("k", idempotencyKey).mapTo(UUID.class).findOne());
            if (existing.isPresent()) {
                return get(existing.get());
            }
        }
        UUID id = Ids.newId();
        insert(id, handler, payload, createdBy, idempotencyKey, JobState.QUEUED, false, "Waiting for a worker");
        enqueue(id, handler, null);
        return get(id);
    }

    /**
     * Runs a job in the calling thread, recorded like any other (marked as run inline; if this process dies
     * the job is marked interrupted; it is not retried). The listener, if any, sees the job after every
     * progress write. Returns the finished (or cancelled) job; a failure is recorded, then rethrown as is.
     */
    public Job runHere(String type, String payload, String createdBy, Consumer<Job> listener) {
        JobHandler handler = handler(type);
        UUID id = Ids.newId();
        insert(id, handler, payload, createdBy, null, JobState.QUEUED, true, "Starting on " + node);
        startHeartbeat();
        execute(id, listener);
        return get(id);
    }

    /**
     * Runs one attempt of a job (JobRunr calls this through {@link JobWorker}). A failure is recorded and
     * rethrown (so JobRunr schedules the retry); a cancelled job ends normally.
     */
    void execute(UUID id, Consumer<Job> listener) {
        Job job = find(id).orElse(null);
        if (job == null || job.state().terminal()) {
            return;
        }
        if (job.cancelRequested()) {
            transition(id, Set.of(JobState.QUEUED, JobState.RETRYING, JobState.RUNNING, JobState.INTERRUPTED),
                    JobState.CANCELLED, "Cancelled before it started");
            return;
        }
        JobHandler handler = handlers.get(job.type());
        if (handler == null) {
            throw new IllegalStateException("No handler for job type '" + job.type() + "' on node " + node);
        }
        if (!claim(id, job.state())) {
            return;
        }
        runningHere.add(id);
        Job claimed = get(id);
        JobContext ctx = new JobContext(this, claimed, listener);
        try {
            String result = handler.run(ctx);
            ctx.flush(true);
            finish(id, JobState.SUCCEEDED, ctx.lastMessage() != null ? ctx.lastMessage() : "Finished", null, result,
                    ctx.doneNow());
        } catch (JobCancelledException e) {
            finish(id, JobState.CANCELLED, "Cancelled after " + ctx.doneNow() + " done", null, null, ctx.doneNow());
        } catch (Throwable e) {
            String error = userMessage(e);
            boolean last = claimed.attempts() >= claimed.maxAttempts();
            if (e instanceof HotCrmException || e instanceof JobContext.JobInterruptedException) {
                LOG.debug("Job {} ({}) attempt {} failed: {}", id, job.type(), claimed.attempts(), error);
            } else {
                LOG.warn("Job {} ({}) attempt {} failed", id, job.type(), claimed.attempts(), e);
            }
            if (last) {
                finish(id, JobState.FAILED, "Failed after " + claimed.attempts() + " attempt(s)", error, null, ctx.doneNow());
            } else {
                finish(id, JobState.RETRYING, "Attempt " + claimed.attempts() + " of " + claimed.maxAttempts()
                        + " failed; retrying with backoff", error, null, ctx.doneNow());
            }
            if (e instanceof RuntimeException re) {
                throw re;
            }
            if (e instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(error, e);
        } finally {
            runningHere.remove(id);
        }
    }

    /** A message fit for a user: ours as written, anything else named without a stack trace. */
    static String userMessage(Throwable e) {
        if (e instanceof HotCrmException || e instanceof JobContext.JobInterruptedException) {
            return e.getMessage();
        }
        String m = e.getMessage();
        return "Unexpected error (" + e.getClass().getSimpleName() + ")" + (m == null ? "" : ": " + m)
                + ". The server log has the details.";
    }

    /** Creates a job for a recurring schedule and queues it (called by JobRunr when the schedule fires). */
    void submitScheduled(String type, String payload) {
        submit(type, payload, "system", null);
    }

    // ---------------------------------------------------------------- reading

    public Optional<Job> find(UUID id) {
        return jdbi.withHandle(h -> h.createQuery("select * from hc_job where id = :id").bind("id", id)
                .map((rs, c) -> map(rs, List.of())).findOne());
    }

    /** The job with its state history. */
    public Job get(UUID id) {
        return jdbi.withHandle(h -> {
            List<Job.Transition> history = h.createQuery("select seq, state, at, message from hc_job_history"
                            + " where job_id = :id order by seq").bind("id", id)
                    .map((rs, c) -> new Job.Transition(rs.getInt("seq"), JobState.of(rs.getString("state")),
                            utc(rs.getObject("at", OffsetDateTime.class)), rs.getString("message"))).list();
            return h.createQuery("select * from hc_job where id = :id").bind("id", id)
                    .map((rs, c) -> map(rs, history)).findOne()
                    .orElseThrow(() -> HotCrmException.notFound("There is no job with id " + id + "."));
        });
    }

    /**
     * Jobs newest first. {@code createdBy} null lists everyone's; {@code states} empty lists every state.
     * {@code before} is the id of the last job of the previous page (keyset paging).
     */
    public List<Job> list(String createdBy, Collection<JobState> states, String type, UUID before, int limit) {
        StringBuilder sql = new StringBuilder("select * from hc_job where 1 = 1");
        if (createdBy != null) {
            sql.append(" and created_by = :by");
        }
        if (!states.isEmpty()) {
            sql.append(" and state in (<states>)");
        }
        if (type != null) {
            sql.append(" and job_type = :type");
        }
        if (before != null) {
            sql.append(" and id < :before");
        }
        sql.append(" order by id desc limit :limit");
        return jdbi.withHandle(h -> {
            Query q = h.createQuery(sql.toString()).bind("limit", Math.max(1, Math.min(limit, 1000)));
            if (createdBy != null) {
                q.bind("by", createdBy);
            }
            if (!states.isEmpty()) {
                q.bindList("states", states.stream().map(JobState::id).toList());
            }
            if (type != null) {
                q.bind("type", type);
            }
            if (before != null) {
                q.bind("before", before);
            }
            return q.map((rs, c) -> map(rs, List.of())).list();
        });
    }

    /** Waits until the job ends (or the timeout passes) and returns it as it then is. */
    public Job await(UUID id, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Job j = get(id);
        while (!j.state().terminal() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            j = get(id);
        }
        return j;
    }

    // ---------------------------------------------------------------- cancelling

    /**
     * Cancels a job. A queued or retrying job is cancelled at once; a running one is asked to stop and
     * stops at its next progress report. Cancelling a finished job is a conflict.
     */
    public Job cancel(UUID id, String by) {
        sweepInterrupted();
        Job j = get(id);
        if (j.state().terminal()) {
            throw new HotCrmException(ErrorCode.CONFLICT, "The job " + id + " has already ended (" + j.state().id()
                    + "); there is nothing to cancel.");
        }
        jdbi.useHandle(h -> h.createUpdate("update hc_job set cancel_requested = true, updated_at = :now where id = :id")
                .bind("now", now()).bind("id", id).execute());
        if (j.state() != JobState.RUNNING) {
            if (transition(id, Set.of(JobState.QUEUED, JobState.RETRYING, JobState.INTERRUPTED), JobState.CANCELLED,
                    "Cancelled by " + by)) {
                if (!j.inlineJob()) {
                    deleteFromJobRunr(id);
                }
                stoppedHook(id);
            }
        } else {
            appendHistory(id, JobState.RUNNING, "Cancellation requested by " + by);
        }
        return get(id);
    }

    /**
     * Runs a job that failed or was interrupted again: a new job of the same type and input, created by the same user
     * (it does what they were allowed to do; {@code by} is named in its history). The work continues where the
     * feature keeps its own progress (an import after its last committed chunk). Asking twice gives the same retry.
     */
    public Job retry(UUID id, String by) {
        sweepInterrupted();
        Job j = get(id);
        if (!j.state().retryable()) {
            throw new HotCrmException(ErrorCode.CONFLICT, "The job " + id + " is " + j.state().id()
                    + "; only a job that failed or was interrupted can be retried.");
        }
        String key = "retry-of:" + id;
        Optional<UUID> existing = jdbi.withHandle(h -> h.createQuery("select id from hc_job where idempotency_key = :k")
                .bind("k", key).mapTo(UUID.class).findOne());
        if (existing.isPresent()) {
            return get(existing.get());
        }
        JobHandler handler = handler(j.type());
        UUID nid = Ids.newId();
        insert(nid, handler, j.payload(), j.createdBy(), key, JobState.QUEUED, false, "Retry of job " + id + ", asked by " + by);
        enqueue(nid, handler, null);
        return get(nid);
    }

    private void deleteFromJobRunr(UUID id) {
        try {
            scheduler().delete(id, "cancelled in HotCRM");
        } catch (RuntimeException e) {
            LOG.debug("Job {} was not in JobRunr any more: {}", id, e.getMessage());
        }
    }

    // ---------------------------------------------------------------- the server side

    /**
     * Starts processing queued jobs in this process with the given number of worker threads. Nodes on one
     * database share the queue; JobRunr re-runs the work of a node that stops answering.
     */
    public synchronized void startServer(int workers) {
        if (server != null) {
            return;
        }
        BackgroundJobServerConfiguration cfg = BackgroundJobServerConfiguration.usingStandardBackgroundJobServerConfiguration()
                .andName(node).andWorkerCount(workers).andPollInterval(Duration.ofSeconds(5))
                .andDeleteSucceededJobsAfter(Duration.ofHours(36))
                .andInterruptJobsAwaitDurationOnStopBackgroundJobServer(Duration.ofSeconds(5));
        server = new BackgroundJobServer(storage(), jsonMapper(), new JobWorker.Activator(new JobWorker(this)), cfg);
        server.setJobFilters(List.of(new JobRunrStates(this)));
        server.start();
        startHeartbeat();
        heartbeat.scheduleWithFixedDelay(this::sweepSafely, 5, 30, TimeUnit.SECONDS);
        LOG.info("Job server {} started with {} worker(s)", node, workers);
    }

    /**
     * Runs {@code type} with the payload on a cron schedule in the zone (JobRunr's recurring jobs: one node
     * fires it). Saving the same schedule id again replaces it.
     */
    public void scheduleRecurring(String scheduleId, String cron, ZoneId zone, String type, String payload) {
        handler(type);
        scheduler().scheduleRecurrently(scheduleId, cron, zone,
                (IocJobLambda<JobWorker>) w -> w.runScheduled(type, payload));
    }

    /**
     * The next time the cron expression fires after {@code after} in the zone, or a validation error that
     * shows the expected form (five fields: minute hour day-of-month month day-of-week; six with seconds).
     */
    public static java.time.Instant nextRun(String cron, ZoneId zone, java.time.Instant after) {
        try {
            org.jobrunr.scheduling.cron.CronExpression c = new org.jobrunr.scheduling.cron.CronExpression(cron.trim());
            c.validate();
            return c.next(after, after, zone);
        } catch (RuntimeException e) {
            throw io.hotcrm.common.HotCrmException.invalid("\"" + cron + "\" is not a cron schedule: " + e.getMessage()
                    + ". Use five fields, minute hour day-of-month month day-of-week, e.g. \"0 2 * * *\" for 02:00 every day.");
        }
    }

    public void deleteRecurring(String scheduleId) {
        scheduler().deleteRecurringJob(scheduleId);
    }

    /**
     * Marks command-line jobs whose process is gone as interrupted (or cancelled, when that was asked), so
     * their owner sees what happened and may resume or roll back the work: at once when the process ran on
     * this machine and no longer exists, otherwise once its heartbeat is {@value #STALE_SECONDS} s old. Every
     * command runs this when it opens the data directory; servers run it every 30 s. Returns how many.
     */
    public int sweepInterrupted() {
        OffsetDateTime cutoff = now().minus(STALE_AFTER);
        List<InlineRun> running = jdbi.withHandle(h -> h.createQuery("select id, host, pid, heartbeat_at, cancel_requested"
                        + " from hc_job where state = 'running' and inline")
                .map((rs, c) -> new InlineRun(rs.getObject(1, UUID.class), rs.getString(2), rs.getObject(3, Long.class),
                        rs.getObject(4, OffsetDateTime.class), rs.getBoolean(5))).list());
        int n = 0;
        for (InlineRun r : running) {
            if (runningHere.contains(r.id())) {
                continue;
            }
            boolean goneHere = r.goneHere();
            if (!goneHere && r.heartbeat() != null && !r.heartbeat().isBefore(cutoff)) {
                continue;
            }
            String why = goneHere ? "The process running it (" + r.host() + ", pid " + r.pid() + ") is gone"
                    : "The process running it stopped (no heartbeat for " + STALE_AFTER.toSeconds() + " s)";
            if (transition(r.id(), Set.of(JobState.RUNNING), r.cancelRequested() ? JobState.CANCELLED : JobState.INTERRUPTED,
                    r.cancelRequested() ? why + "; cancelled as asked" : why)) {
                stoppedHook(r.id());
                n++;
            }
        }
        return n;
    }

    /** A command-line job as recorded while it runs: where, when it last beat its heart, whether cancelling was asked. */
    private record InlineRun(UUID id, String host, Long pid, OffsetDateTime heartbeat, boolean cancelRequested) {
        /** Its process ran on this machine and no longer exists. */
        boolean goneHere() {
            return HOST.equals(host) && pid != null && pid != PID
                    && ProcessHandle.of(pid).map(ProcessHandle::isAlive).map(alive -> !alive).orElse(true);
        }
    }

    /**
     * JobRunr found the job orphaned: the node running it stopped answering. Another attempt follows while
     * attempts are left (JobRunr schedules it), else the job failed for good; a job whose cancellation was
     * asked is cancelled. Nothing happens when our own code already recorded how the attempt ended.
     */
    void orphaned(UUID id) {
        Job j = find(id).orElse(null);
        if (j == null || j.state() != JobState.RUNNING) {
            return;
        }
        String who = "The node running it (" + (j.node() == null ? "unknown" : j.node()) + ") stopped";
        boolean changed;
        if (j.cancelRequested()) {
            changed = transition(id, Set.of(JobState.RUNNING), JobState.CANCELLED, who + "; cancelled as asked");
        } else if (j.attempts() < j.maxAttempts()) {
            changed = transition(id, Set.of(JobState.RUNNING), JobState.RETRYING, who + " during attempt " + j.attempts()
                    + " of " + j.maxAttempts() + "; retrying on another node");
        } else {
            String error = who + " during its last attempt (" + j.attempts() + " of " + j.maxAttempts() + ")";
            changed = transition(id, Set.of(JobState.RUNNING), JobState.FAILED, error);
            if (changed) {
                jdbi.useHandle(h -> h.createUpdate("update hc_job set error = :e where id = :id").bind("e", error)
                        .bind("id", id).execute());
            }
        }
        if (changed) {
            stoppedHook(id);
        }
    }

    /** The job was deleted in JobRunr's dashboard or storage: it is cancelled here too. */
    void deletedInJobRunr(UUID id) {
        if (transition(id, Set.of(JobState.QUEUED, JobState.RETRYING, JobState.RUNNING), JobState.CANCELLED,
                "Deleted in the job server")) {
            stoppedHook(id);
        }
    }

    /** Tells the job's handler that the job stopped without its code ending it; a failing hook is logged. */
    private void stoppedHook(UUID id) {
        try {
            Job j = get(id);
            JobHandler h = handlers.get(j.type());
            if (h != null) {
                h.stopped(j);
            }
        } catch (RuntimeException e) {
            LOG.warn("Job {}: could not bring the work in step after it stopped: {}", id, e.getMessage(), e);
        }
    }

    private void sweepSafely() {
        try {
            sweepInterrupted();
        } catch (RuntimeException e) {
            LOG.warn("Could not check for interrupted jobs: {}", e.getMessage());
        }
    }

    private synchronized void startHeartbeat() {
        if (heartbeat != null) {
            return;
        }
        heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "hotcrm-job-heartbeat");
            t.setDaemon(true);
            return t;
        });
        heartbeat.scheduleWithFixedDelay(this::beat, HEARTBEAT.toMillis(), HEARTBEAT.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void beat() {
        if (runningHere.isEmpty()) {
            return;
        }
        try {
            jdbi.useHandle(h -> h.createUpdate("update hc_job set heartbeat_at = :now where id in (<ids>)")
                    .bind("now", now()).bindList("ids", List.copyOf(runningHere)).execute());
        } catch (RuntimeException e) {
            LOG.warn("Job heartbeat failed: {}", e.getMessage());
        }
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            server.stop();
            server = null;
        }
        if (heartbeat != null) {
            heartbeat.shutdownNow();
            heartbeat = null;
        }
        if (scheduler != null) {
            scheduler.shutdown();
            scheduler = null;
        }
        if (storage != null) {
            storage.close();
            storage = null;
        }
    }

    // ---------------------------------------------------------------- storage

    private JobHandler handler(String type) {
        JobHandler h = handlers.get(type);
        if (h == null) {
            throw HotCrmException.invalid("Unknown job type '" + type + "'. Known types: "
                    + String.join(", ", new java.util.TreeSet<>(handlers.keySet())) + ".");
        }
        return h;
    }

    private void insert(UUID id, JobHandler handler, String payload, String createdBy, String key, JobState state,
                        boolean inline, String message) {
        OffsetDateTime now = now();
        jdbi.useTransaction(h -> {
            h.createUpdate("insert into hc_job (id, job_type, state, payload, created_by, created_at, updated_at,"
                            + " max_attempts, idempotency_key, inline, node, message, host, pid, heartbeat_at)"
                            + " values (:id, :type, :state, :payload, :by, :now, :now, :max, :key, :inline, :node, :msg,"
                            + " :host, :pid, :beat)")
                    .bind("id", id).bind("type", handler.type()).bind("state", state.id())
                    .bind("payload", payload == null ? "{}" : payload).bind("by", createdBy).bind("now", now)
                    .bind("max", inline ? 1 : Math.max(1, handler.maxAttempts())).bind("key", key)
                    .bind("inline", inline).bind("node", inline ? node : null).bind("msg", message)
                    .bind("host", inline ? HOST : null).bind("pid", inline ? (Long) PID : null).bind("beat", inline ? now : null)
                    .execute();
            history(h, id, state, message, now);
        });
    }

    private void enqueue(UUID id, JobHandler handler, OffsetDateTime at) {
        JobBuilder b = JobBuilder.aJob().withId(id).withName(handler.type() + " " + id)
                .withAmountOfRetries(Math.max(0, handler.maxAttempts() - 1))
                .withJobLambda((IocJobLambda<JobWorker>) w -> w.execute(id));
        if (at != null) {
            b.scheduleAt(at.toInstant());
        }
        scheduler().create(b);
    }

    /** Moves a queued/retrying/interrupted/running job to running for this node; false if it may not run. */
    private boolean claim(UUID id, JobState from) {
        OffsetDateTime now = now();
        return jdbi.inTransaction(h -> {
            int n = h.createUpdate("update hc_job set state = 'running', attempts = attempts + 1, node = :node,"
                            + " started_at = coalesce(started_at, :now), updated_at = :now, heartbeat_at = :now,"
                            + " finished_at = null, host = :host, pid = :pid where id = :id and state = :from")
                    .bind("node", node).bind("now", now).bind("id", id).bind("from", from.id()).bind("host", HOST)
                    .bind("pid", PID).execute();
            if (n == 1) {
                int attempt = h.createQuery("select attempts from hc_job where id = :id").bind("id", id)
                        .mapTo(Integer.class).one();
                history(h, id, JobState.RUNNING, "Attempt " + attempt + " on " + node, now);
            }
            return n == 1;
        });
    }

    /** A job result larger than this (characters) is not kept whole: results are summaries, not data. */
    static final int MAX_RESULT = 256 * 1024;

    private void finish(UUID id, JobState state, String message, String error, String fullResult, long done) {
        String result = fullResult == null || fullResult.length() <= MAX_RESULT ? fullResult
                : "{\"truncated\": true, \"characters\": " + fullResult.length() + "}";
        OffsetDateTime now = now();
        jdbi.useTransaction(h -> {
            int n = h.createUpdate("update hc_job set state = :state, updated_at = :now, message = :msg, error = :err,"
                            + " done = :done, result = coalesce(:result, result)"
                            + (state.terminal() ? ", finished_at = :now" : "") + " where id = :id and state = 'running'")
                    .bind("state", state.id()).bind("now", now).bind("msg", message).bind("err", truncate(error, 100_000))
                    .bind("done", done).bind("result", result).bind("id", id).execute();
            if (n == 1) {
                history(h, id, state, error == null ? message : message + ": " + error, now);
            }
        });
    }

    /** Moves a job from one of the given states to another, with a history entry; false if it was not in one. */
    boolean transition(UUID id, Set<JobState> from, JobState to, String message) {
        OffsetDateTime now = now();
        return jdbi.inTransaction(h -> {
            int n = h.createUpdate("update hc_job set state = :to, updated_at = :now"
                            + (to.terminal() ? ", finished_at = :now" : "")
                            + ", message = :msg"
                            + " where id = :id and state in (<from>)")
                    .bind("to", to.id()).bind("now", now).bind("msg", truncate(message, 4000)).bind("id", id)
                    .bindList("from", from.stream().map(JobState::id).toList()).execute();
            if (n == 1) {
                history(h, id, to, message, now);
            }
            return n == 1;
        });
    }

    private void appendHistory(UUID id, JobState state, String message) {
        jdbi.useTransaction(h -> history(h, id, state, message, now()));
    }

    private static void history(Handle h, UUID id, JobState state, String message, OffsetDateTime at) {
        h.createUpdate("insert into hc_job_history (job_id, seq, state, at, message) select :id,"
                        + " coalesce(max(seq), 0) + 1, :state, :at, :msg from hc_job_history where job_id = :id")
                .bind("id", id).bind("state", state.id()).bind("at", at).bind("msg", truncate(message, 4000)).execute();
    }

    /** Writes progress; returns whether cancellation was requested. */
    boolean saveProgress(UUID id, long done, Long total, Double rate, String message) {
        OffsetDateTime now = now();
        return jdbi.withHandle(h -> {
            h.createUpdate("update hc_job set done = :done, total = :total, rate = :rate, updated_at = :now,"
                            + " heartbeat_at = :now" + (message != null ? ", message = :msg" : "") + " where id = :id")
                    .bind("done", done).bind("total", total).bind("rate", rate).bind("now", now)
                    .bind("msg", truncate(message, 4000)).bind("id", id).execute();
            return h.createQuery("select cancel_requested from hc_job where id = :id").bind("id", id)
                    .mapTo(Boolean.class).one();
        });
    }

    private Job map(ResultSet rs, List<Job.Transition> history) throws SQLException {
        long total = rs.getLong("total");
        Long totalOrNull = rs.wasNull() ? null : total;
        double rate = rs.getDouble("rate");
        Double rateOrNull = rs.wasNull() ? null : rate;
        return new Job(rs.getObject("id", UUID.class), rs.getString("job_type"), JobState.of(rs.getString("state")),
                rs.getString("payload"), rs.getString("created_by"), utc(rs.getObject("created_at", OffsetDateTime.class)),
                utc(rs.getObject("updated_at", OffsetDateTime.class)), utc(rs.getObject("started_at", OffsetDateTime.class)),
                utc(rs.getObject("finished_at", OffsetDateTime.class)), rs.getLong("done"), totalOrNull, rateOrNull,
                rs.getString("message"), rs.getString("error"), rs.getString("result"), rs.getInt("attempts"),
                rs.getInt("max_attempts"), rs.getBoolean("cancel_requested"), rs.getString("node"),
                rs.getBoolean("inline"), history);
    }

    private synchronized StorageProvider storage() {
        if (storage == null) {
            StorageProvider sp = postgres ? new PostgresStorageProvider(dataSource) : new H2StorageProvider(dataSource);
            sp.setJobMapper(new JobMapper(jsonMapper()));
            storage = sp;
        }
        return storage;
    }

    private synchronized JobScheduler scheduler() {
        if (scheduler == null) {
            scheduler = new JobScheduler(storage());
        }
        return scheduler;
    }

    private static JsonMapper jsonMapper() {
        return new JacksonJsonMapper();
    }

    private static boolean isPostgres(DataSource ds) {
        try (Connection c = ds.getConnection()) {
            return c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT).contains("postgres");
        } catch (SQLException e) {
            throw new HotCrmException(ErrorCode.UNAVAILABLE, "Cannot reach the database for jobs: " + e.getMessage(), e);
        }
    }

    private static String truncate(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }

    static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
    }

    private static OffsetDateTime utc(OffsetDateTime t) {
        return t == null ? null : t.withOffsetSameInstant(ZoneOffset.UTC);
    }
}
