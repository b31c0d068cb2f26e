package io.hotcrm.web;

import io.hotcrm.common.HotCrmException;
import io.hotcrm.common.Ids;
import io.hotcrm.jobs.Job;
import io.hotcrm.jobs.JobState;
import io.hotcrm.jobs.Jobs;
import io.hotcrm.security.AccessGuard;
import io.hotcrm.security.Principal;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.sse.SseClient;
import io.javalin.http.sse.SseHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Background jobs over REST: list, show (with history), cancel, and a server-sent event stream of a job's
 * progress. Users see their own jobs; roles that manage setup see everyone's.
 */
final class JobRoutes {
    static final long POLL_MILLIS = 500;
    private final Jobs jobs;
    private final Auth auth;

    JobRoutes(Jobs jobs, Auth auth) {
        this.jobs = jobs;
        this.auth = auth;
    }

    void register(RoutesConfig r) {
        r.get("/api/v1/jobs", this::list);
        r.get("/api/v1/jobs/{id}", this::show);
        r.post("/api/v1/jobs/{id}/cancel", this::cancel);
        r.post("/api/v1/jobs/{id}/retry", ctx -> ctx.status(201).json(jobs.retry(visibleJob(ctx).id(), auth.require(ctx).email()).view()));
        r.get("/api/v1/jobs/{id}/events", new SseHandler(this::events));
    }

    private void list(Context ctx) {
        Principal p = auth.require(ctx);
        List<JobState> states = new ArrayList<>();
        String stateParam = ctx.queryParam("state");
        if (stateParam != null && !stateParam.isBlank()) {
            for (String s : stateParam.split(",")) {
                try {
                    states.add(JobState.of(s.trim()));
                } catch (IllegalArgumentException e) {
                    throw HotCrmException.invalid("Unknown job state '" + s.trim() + "'. Use one of: queued, running,"
                            + " retrying, interrupted, succeeded, failed, cancelled.");
                }
            }
        }
        String before = ctx.queryParam("before");
        int limit = parseLimit(ctx.queryParam("limit"));
        boolean all = p.role().manageSetup() && !"mine".equals(ctx.queryParam("scope"));
        List<Job> page = jobs.list(all ? null : p.email(), states, ctx.queryParam("type"),
                before == null ? null : Ids.parse(before, "before"), limit);
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        out.put("jobs", page.stream().map(Job::view).toList());
        out.put("nextBefore", page.size() == limit ? page.get(page.size() - 1).id() : null);
        ctx.json(out);
    }

    /** A {@code limit} query parameter: 1 to 1000, 50 when absent; anything else is a clear 400. */
    static int parseLimit(String s) {
        return parseLimit(s, 50, 1000);
    }

    /** A {@code limit} query parameter from 1 to {@code max}, {@code fallback} when absent. */
    static int parseLimit(String s, int fallback, int max) {
        if (s == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(s.trim());
            if (n >= 1 && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through to the message
        }
        throw HotCrmException.invalid("limit must be a number from 1 to " + max + ", not '" + s + "'.");
    }

    private void show(Context ctx) {
        ctx.json(visibleJob(ctx).view());
    }

    private void cancel(Context ctx) {
        Principal p = auth.require(ctx);
        Job j = visibleJob(ctx);
        ctx.json(jobs.cancel(j.id(), p.email()).view());
    }

    /** Sends a {@code progress} event whenever the job changes, then {@code done} when it ends. */
    private void events(SseClient client) {
        Context ctx = client.ctx();
        Job j;
        try {
            j = visibleJob(ctx);
        } catch (HotCrmException e) {
            client.sendEvent("error", Map.of("code", e.code().name(), "message", e.getMessage()));
            client.close();
            return;
        }
        java.time.OffsetDateTime lastSeen = null;
        while (!client.terminated()) {
            if (!j.updatedAt().equals(lastSeen)) {
                lastSeen = j.updatedAt();
                client.sendEvent(j.state().terminal() ? "done" : "progress", Json.write(j.view()));
            }
            if (j.state().terminal()) {
                break;
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            j = jobs.get(j.id());
        }
        client.close();
    }

    static Job visibleJob(Jobs jobs, Principal p, UUID id) {
        Job j = jobs.get(id);
        if (!AccessGuard.canSeeWorkOf(p, j.createdBy())) {
            throw HotCrmException.notFound("There is no job with id " + id + " that you can see.");
        }
        return j;
    }

    private Job visibleJob(Context ctx) {
        Principal p = auth.require(ctx);
        return visibleJob(jobs, p, Ids.parse(ctx.pathParam("id"), "Job id"));
    }
}
