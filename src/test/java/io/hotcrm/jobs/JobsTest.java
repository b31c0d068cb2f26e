package io.hotcrm.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hotcrm.common.ErrorCode;
import io.hotcrm.common.HotCrmException;
import io.hotcrm.store.Dialect;
import io.hotcrm.testing.DialectContract;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Background jobs on each database: records, progress, retries, cancellation, restarts and several nodes. */
class JobsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration WAIT = Duration.ofSeconds(60);

    @Nested
    class OnH2 extends Contract {
        OnH2() {
            super(Dialect.H2);
        }
    }

    @Nested
    class OnPostgres extends Contract {
        OnPostgres() {
            super(Dialect.POSTGRES);
        }

        @Test
        void twoNodesOnOneDatabaseShareTheQueue() {
            try (Jobs a = node("node-a"); Jobs b = node("node-b")) {
                a.startServer(1);
                b.startServer(1);
                List<UUID> ids = IntStream.range(0, 6)
                        .mapToObj(i -> a.submit("count", "{\"total\": 4, \"sleepMillis\": 500}", "ops@example.com", null).id())
                        .toList();
                Set<String> nodes = new HashSet<>();
                for (UUID id : ids) {
                    Job j = a.await(id, WAIT);
                    assertThat(j.state()).as("job %s", id).isEqualTo(JobState.SUCCEEDED);
                    nodes.add(j.node());
                }
                assertThat(nodes).containsExactlyInAnyOrder("node-a", "node-b");
            }
        }
    }

    abstract static class Contract extends DialectContract {
        final List<Jobs> opened = new CopyOnWriteArrayList<>();

        Contract(Dialect dialect) {
            super(dialect);
        }

        /** A process's view of the jobs: its own node name, the test handlers registered. */
        Jobs node(String name) {
            Jobs j = new Jobs(t.db.dataSource(), name);
            j.register(new Count());
            j.register(new FailsOnce());
            j.register(new UntilCancelled());
            opened.add(j);
            return j;
        }

        @AfterEach
        void closeNodes() {
            opened.forEach(Jobs::close);
            opened.clear();
        }

        @Test
        void anInlineJobRecordsItsProgressResultAndHistory() {
            Jobs jobs = node("cli-1");
            List<Long> seen = new ArrayList<>();
            Job j = jobs.runHere("count", "{\"total\": 5, \"sleepMillis\": 150}", "ann@example.com", x -> seen.add(x.done()));
            assertThat(j.state()).isEqualTo(JobState.SUCCEEDED);
            assertThat(j.done()).isEqualTo(5);
            assertThat(j.total()).isEqualTo(5);
            assertThat(j.percent()).isEqualTo(100);
            assertThat(j.rate()).isPositive();
            assertThat(j.result()).isEqualTo("{\"counted\":5}");
            assertThat(j.inlineJob()).isTrue();
            assertThat(j.node()).isEqualTo("cli-1");
            assertThat(j.startedAt()).isNotNull();
            assertThat(j.finishedAt()).isAfterOrEqualTo(j.startedAt());
            assertThat(j.history()).extracting(Job.Transition::state)
                    .containsExactly(JobState.QUEUED, JobState.RUNNING, JobState.SUCCEEDED);
            assertThat(seen).isNotEmpty().isSorted().last().isEqualTo(5L);
            assertThat(jobs.list("ann@example.com", Set.of(), null, null, 10)).extracting(Job::id).contains(j.id());
            assertThat(jobs.list("nobody@example.com", Set.of(), null, null, 10)).isEmpty();
        }

        @Test
        void anInlineJobThatFailsIsRecordedAsFailedWithAMessageForTheUser() {
            Jobs jobs = node("cli-2");
            assertThatThrownBy(() -> jobs.runHere("fails-once", "{}", "ann@example.com", null))
                    .isInstanceOf(HotCrmException.class).hasMessageContaining("first attempt always fails");
            Job j = jobs.list("ann@example.com", Set.of(JobState.FAILED), "fails-once", null, 1).get(0);
            assertThat(j.error()).contains("first attempt always fails");
            assertThat(j.attempts()).isEqualTo(1);
        }

        @Test
        void aQueuedJobWaitsForAServerAndRunsWhenOneStarts() {
            Jobs cli = node("cli-3");
            Job queued = cli.submit("count", "{\"total\": 3}", "ann@example.com", null);
            Job cancelled = cli.submit("count", "{\"total\": 3}", "ann@example.com", null);
            assertThat(cli.cancel(cancelled.id(), "ann@example.com").state()).isEqualTo(JobState.CANCELLED);
            assertThat(cli.get(queued.id()).state()).isEqualTo(JobState.QUEUED);
            cli.close();

            Jobs server = node("server-3");
            server.startServer(2);
            Job done = server.await(queued.id(), WAIT);
            assertThat(done.state()).isEqualTo(JobState.SUCCEEDED);
            assertThat(done.node()).isEqualTo("server-3");
            assertThat(done.inlineJob()).isFalse();
            assertThat(server.get(cancelled.id()).state()).isEqualTo(JobState.CANCELLED);
            assertThat(server.get(cancelled.id()).attempts()).isZero();
            assertThatThrownBy(() -> server.cancel(done.id(), "ann@example.com"))
                    .isInstanceOf(HotCrmException.class).hasMessageContaining("already ended (succeeded)");
        }

        @Test
        void aFailedAttemptIsRetriedWithBackoff() {
            Jobs server = node("server-4");
            server.startServer(1);
            Job j = server.await(server.submit("fails-once", "{}", "ann@example.com", null).id(), WAIT);
            assertThat(j.state()).isEqualTo(JobState.SUCCEEDED);
            assertThat(j.attempts()).isEqualTo(2);
            assertThat(j.history()).extracting(Job.Transition::state).containsExactly(JobState.QUEUED, JobState.RUNNING,
                    JobState.RETRYING, JobState.RUNNING, JobState.SUCCEEDED);
            Job.Transition retry = j.history().get(2);
            Job.Transition second = j.history().get(3);
            assertThat(retry.message()).contains("first attempt always fails");
            assertThat(Duration.between(retry.at(), second.at())).isGreaterThanOrEqualTo(Duration.ofSeconds(3));
        }

        @Test
        void aRunningJobStopsWhenCancelled() {
            Jobs server = node("server-5");
            server.startServer(1);
            Job j = server.submit("until-cancelled", "{}", "ann@example.com", null);
            long deadline = System.currentTimeMillis() + WAIT.toMillis();
            while (server.get(j.id()).done() < 2 && System.currentTimeMillis() < deadline) {
                pause(100);
            }
            assertThat(server.cancel(j.id(), "ann@example.com").cancelRequested()).isTrue();
            Job ended = server.await(j.id(), WAIT);
            assertThat(ended.state()).isEqualTo(JobState.CANCELLED);
            assertThat(ended.history()).extracting(Job.Transition::message).anyMatch(m -> m.contains("requested by ann@example.com"));
        }

        @Test
        void submittingTwiceWithOneIdempotencyKeyGivesOneJob() {
            Jobs jobs = node("cli-6");
            Job a = jobs.submit("count", "{\"total\": 1}", "ann@example.com", "import-42");
            Job b = jobs.submit("count", "{\"total\": 1}", "ann@example.com", "import-42");
            assertThat(b.id()).isEqualTo(a.id());
            jobs.cancel(a.id(), "ann@example.com");
        }

        @Test
        void unknownTypesAreRejectedWithTheKnownOnes() {
            Jobs jobs = node("cli-7");
            assertThatThrownBy(() -> jobs.submit("nope", "{}", "ann@example.com", null))
                    .isInstanceOfSatisfying(HotCrmException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.VALIDATION_FAILED))
                    .hasMessageContaining("Unknown job type 'nope'").hasMessageContaining("count, fails-once, until-cancelled");
        }

        @Test
        void anInlineJobWhoseProcessDiedIsMarkedInterrupted() {
            Jobs jobs = node("cli-8");
            UUID id = UUID.randomUUID();
            t.db.jdbi().useHandle(h -> h.createUpdate("insert into hc_job (id, job_type, state, payload, created_by,"
                            + " created_at, updated_at, started_at, heartbeat_at, inline, node, attempts, done, total)"
                            + " values (:id, 'count', 'running', '{}', 'ann@example.com', :old, :old, :old, :old, true,"
                            + " 'gone:1', 1, 40, 100)")
                    .bind("id", id).bind("old", Jobs.now().minusMinutes(5)).execute());
            assertThat(jobs.sweepInterrupted()).isGreaterThanOrEqualTo(1);
            Job j = jobs.get(id);
            assertThat(j.state()).isEqualTo(JobState.INTERRUPTED);
            assertThat(j.message()).contains("stopped");
            assertThat(j.done()).isEqualTo(40);
        }

        @Test
        void aJobRunningOnANodeThatStopsIsFinishedAfterTheRestart() {
            Jobs first = node("server-9a");
            first.startServer(1);
            Job j = first.submit("count", "{\"total\": 30, \"sleepMillis\": 200}", "ann@example.com", null);
            long deadline = System.currentTimeMillis() + WAIT.toMillis();
            while (first.get(j.id()).done() < 3 && System.currentTimeMillis() < deadline) {
                pause(100);
            }
            first.close();
            assertThat(first.get(j.id()).state()).isIn(JobState.RUNNING, JobState.RETRYING);

            Jobs second = node("server-9b");
            second.startServer(1);
            Job done = second.await(j.id(), Duration.ofSeconds(120));
            assertThat(done.state()).isEqualTo(JobState.SUCCEEDED);
            assertThat(done.node()).isEqualTo("server-9b");
            assertThat(done.done()).isEqualTo(30);
        }
    }

    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static JsonNode payload(JobContext ctx) {
        try {
            return JSON.readTree(ctx.payload());
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** Counts to {@code total}, sleeping between steps, and reports every step. */
    static final class Count implements JobHandler {
        @Override
        public String type() {
            return "count";
        }

        @Override
        public String run(JobContext ctx) {
            JsonNode p = payload(ctx);
            long total = p.path("total").asLong(10);
            long sleep = p.path("sleepMillis").asLong(0);
            ctx.total(total);
            for (long i = ctx.done(); i < total; i++) {
                ctx.checkCancelled();
                if (sleep > 0) {
                    try {
                        Thread.sleep(sleep);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        ctx.checkCancelled();
                    }
                }
                ctx.progress(i + 1);
            }
            return "{\"counted\":" + total + "}";
        }
    }

    /** Fails its first attempt. */
    static final class FailsOnce implements JobHandler {
        @Override
        public String type() {
            return "fails-once";
        }

        @Override
        public int maxAttempts() {
            return 2;
        }

        @Override
        public String run(JobContext ctx) {
            if (ctx.attempt() == 1) {
                throw HotCrmException.invalid("The first attempt always fails.");
            }
            return null;
        }
    }

    /** Works until cancelled. */
    static final class UntilCancelled implements JobHandler {
        @Override
        public String type() {
            return "until-cancelled";
        }

        @Override
        public String run(JobContext ctx) {
            while (true) {
                ctx.advance(1);
                ctx.checkCancelled();
                pause(100);
            }
        }
    }
}
