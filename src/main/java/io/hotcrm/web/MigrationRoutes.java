package io.hotcrm.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.hotcrm.common.Ids;
import io.hotcrm.common.Work;
import io.hotcrm.jobs.Job;
import io.hotcrm.jobs.Jobs;
import io.hotcrm.migration.MigrationPlan;
import io.hotcrm.migration.Migrations;
import io.hotcrm.migration.RunSummary;
import io.hotcrm.migration.Slice;
import io.hotcrm.security.Principal;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Migrations over REST (docs/api.md): connections (secrets accepted, never returned), plans (made, read, replaced),
 * runs (dry-run, run, delta — background jobs, 202 with the job), resume, undo, reconcile. Every call needs the
 * migration right; the edge only translates JSON to the {@link Migrations} front door.
 */
final class MigrationRoutes {
    private final Migrations migrations;
    private final Jobs jobs;
    private final Auth auth;

    MigrationRoutes(Migrations migrations, Jobs jobs, Auth auth) {
        this.migrations = migrations;
        this.jobs = jobs;
        this.auth = auth;
    }

    void register(RoutesConfig r) {
        r.get("/api/v1/migrations", ctx -> ctx.json(Map.of("migrations", migrations.list(auth.require(ctx)))));
        r.post("/api/v1/migrations", this::connect);
        r.get("/api/v1/migrations/runs/{id}", ctx -> ctx.json(migrations.get(auth.require(ctx), runId(ctx))));
        r.post("/api/v1/migrations/runs/{id}/resume", ctx -> accepted(ctx, migrations.resume(auth.require(ctx), runId(ctx),
                Work.Run.inBackground(null))));
        r.post("/api/v1/migrations/runs/{id}/undo", this::undo);
        r.get("/api/v1/migrations/{name}", ctx -> ctx.json(migrations.show(auth.require(ctx), ctx.pathParam("name"))));
        r.get("/api/v1/migrations/{name}/org", ctx -> ctx.json(migrations.org(auth.require(ctx), ctx.pathParam("name"))));
        r.post("/api/v1/migrations/{name}/plan", this::makePlan);
        r.get("/api/v1/migrations/{name}/plan", ctx -> plan(ctx, migrations.currentPlan(auth.require(ctx), ctx.pathParam("name"))));
        r.put("/api/v1/migrations/{name}/plan", ctx -> plan(ctx, migrations.savePlan(auth.require(ctx), ctx.pathParam("name"),
                MigrationPlan.parse(ctx.body(), "in the request"))));
        r.post("/api/v1/migrations/{name}/runs", this::start);
        r.post("/api/v1/migrations/{name}/reconcile", ctx -> ctx.json(migrations.reconcile(auth.require(ctx), ctx.pathParam("name"))));
    }

    /**
     * {@code {"name", "kind", "settings": {…}, "check": true}} → 201 with the migration and the org it reaches. A setting
     * given as an array (a Data Export's {@code "files": [fileId, …]}, uploaded with {@code POST /api/v1/imports/files})
     * is its values joined by commas.
     */
    private void connect(Context ctx) {
        Principal p = auth.require(ctx);
        JsonNode b = Json.object(ctx);
        String name = b.path("name").asText(null);
        Map<String, String> settings = new LinkedHashMap<>();
        b.path("settings").properties().forEach(e -> {
            JsonNode v = e.getValue();
            java.util.List<String> values = new java.util.ArrayList<>();
            v.forEach(x -> values.add(x.asText()));
            settings.put(e.getKey(), v.isNull() ? null : v.isArray() ? String.join(",", values) : v.asText());
        });
        var org = migrations.connect(p, name, b.path("kind").asText("salesforce"), settings, b.path("check").asBoolean(true));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("migration", migrations.show(p, name));
        out.put("org", org.orElse(null));
        ctx.status(201).json(out);
    }

    /** {@code {"objects": ["Account"], "since": "2024-01-01", "until": …, "sliceOn": "created"}} → the new plan. */
    private void makePlan(Context ctx) {
        Principal p = auth.require(ctx);
        JsonNode b = ctx.body().isBlank() ? Json.MAPPER.createObjectNode() : Json.object(ctx);
        Set<String> objects = new LinkedHashSet<>();
        b.path("objects").forEach(o -> objects.add(o.asText()));
        Instant since = Slice.time(b.path("since").asText(null), "\"since\"");
        Instant until = Slice.time(b.path("until").asText(null), "\"until\"");
        Slice slice = since == null && until == null ? Slice.ALL : new Slice(b.path("sliceOn").asText(Slice.CREATED), since, until, null);
        plan(ctx, migrations.plan(p, ctx.pathParam("name"), objects, slice));
    }

    private static void plan(Context ctx, MigrationPlan plan) {
        ctx.contentType("application/json").result(plan.toJson());
    }

    /** {@code {"mode": "dry-run" | "run" | "delta", "plan": {…}?}} → 202 with the run and its job. */
    private void start(Context ctx) {
        Principal p = auth.require(ctx);
        JsonNode b = ctx.body().isBlank() ? Json.MAPPER.createObjectNode() : Json.object(ctx);
        MigrationPlan plan = b.hasNonNull("plan") ? MigrationPlan.parse(b.get("plan").toString(), "in the request") : null;
        String key = ctx.header("Idempotency-Key");
        accepted(ctx, migrations.start(p, ctx.pathParam("name"), b.path("mode").asText(Migrations.RUN), plan, Work.Run.inBackground(key)));
    }

    /** 202 with the run and the undo job (its progress: the job's events). */
    private void undo(Context ctx) {
        Principal p = auth.require(ctx);
        java.util.UUID job = migrations.undo(p, runId(ctx), Work.Run.inBackground(null));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("run", migrations.get(p, runId(ctx)));
        out.put("job", jobs.find(job).map(Job::view).orElse(null));
        ctx.status(202).json(out);
    }

    private void accepted(Context ctx, RunSummary s) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("run", s);
        out.put("job", s.jobId() == null ? null : jobs.find(s.jobId()).map(Job::view).orElse(null));
        ctx.status(202).json(out);
    }

    private static java.util.UUID runId(Context ctx) {
        return Ids.parse(ctx.pathParam("id"), "Migration run id");
    }
}
