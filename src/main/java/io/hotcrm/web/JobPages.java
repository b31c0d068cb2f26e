package io.hotcrm.web;

import io.hotcrm.backup.Backups;
import io.hotcrm.common.HotCrmException;
import io.hotcrm.exporting.ExportSchedules;
import io.hotcrm.importing.Importer;
import io.hotcrm.common.Ids;
import io.hotcrm.jobs.Job;
import io.hotcrm.jobs.JobState;
import io.hotcrm.jobs.Jobs;
import io.hotcrm.migration.Migrations;
import io.hotcrm.security.Principal;
import io.hotcrm.security.Sessions;
import io.hotcrm.store.RecycleBin;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Setup → Jobs: every background job the user may see (their own; everyone's for roles that manage setup) — imports,
 * undos, scheduled exports and backups, purges, migrations — with state, progress, who, node and history, and cancel
 * and retry through {@link Jobs}, the same front door as {@code hotcrm jobs} and {@code /api/v1/jobs}.
 */
public final class JobPages {
    private static final int PAGE = 50;
    private static final Map<String, String> LABELS = Map.of(Importer.JOB_TYPE, "Import", Importer.UNDO_JOB_TYPE, "Undo of an import",
            ExportSchedules.JOB_TYPE, "Scheduled export", Backups.SCHEDULE_JOB, "Scheduled backup", RecycleBin.PURGE_JOB,
            "Recycle bin purge", Migrations.JOB_TYPE, "Migration", Migrations.UNDO_JOB_TYPE, "Undo of a migration");
    /** The state filter's choices: a label and the states it lists. */
    private static final Map<String, List<JobState>> FILTERS = Map.of(
            "active", List.of(JobState.QUEUED, JobState.RUNNING, JobState.RETRYING),
            "failed", List.of(JobState.FAILED, JobState.INTERRUPTED),
            "succeeded", List.of(JobState.SUCCEEDED), "cancelled", List.of(JobState.CANCELLED));
    private final Auth auth;
    private final Jobs jobs;

    JobPages(Auth auth, Jobs jobs) {
        this.auth = auth;
        this.jobs = jobs;
    }

    /** A job as a row or a page shows it. */
    public record Line(Job job, String label, String link, String progress, boolean cancellable, boolean retryable) {
        public String state() {
            return job.state().id();
        }
    }

    void register(RoutesConfig r) {
        r.get("/setup/jobs", this::list);
        r.get("/setup/jobs/{id}", this::show);
        r.post("/setup/jobs/{id}/cancel", ctx -> act(ctx, false));
        r.post("/setup/jobs/{id}/retry", ctx -> act(ctx, true));
    }

    private void list(Context ctx) {
        Optional<Sessions.Session> s = auth.page(ctx);
        if (s.isEmpty()) {
            return;
        }
        Principal p = s.get().principal();
        jobs.sweepInterrupted();
        String state = Optional.ofNullable(ctx.queryParam("state")).filter(FILTERS::containsKey).orElse("");
        String type = Optional.ofNullable(ctx.queryParam("type")).filter(jobs.types()::contains).orElse("");
        boolean everyone = p.role().manageSetup() && !"mine".equals(ctx.queryParam("scope"));
        UUID before = blank(ctx.queryParam("before")) ? null : Ids.parse(ctx.queryParam("before"), "before");
        List<Job> page = jobs.list(everyone ? null : p.email(), state.isEmpty() ? List.of() : FILTERS.get(state),
                type.isEmpty() ? null : type, before, PAGE);
        List<Line> lines = page.stream().map(JobPages::line).toList();
        String older = page.size() == PAGE ? "/setup/jobs?state=" + state + "&type=" + type + (everyone ? "" : "&scope=mine")
                + "&before=" + page.get(page.size() - 1).id() : null;
        List<String[]> types = new ArrayList<>();
        jobs.types().stream().map(t -> new String[] {t, LABELS.getOrDefault(t, t)}).sorted(java.util.Comparator.comparing(t -> t[1]))
                .forEach(types::add);
        ConsoleRoutes.render(ctx, "jobs.jte", ConsoleRoutes.model("name", p.name(), "csrf", s.get().csrfToken(), "lines", lines,
                "state", state, "type", type, "types", types, "admin", p.role().manageSetup(), "everyone", everyone,
                "older", older, "live", lines.stream().anyMatch(l -> !l.job().state().terminal()),
                "notice", ctx.queryParam("notice"), "error", ctx.queryParam("error")));
    }

    private void show(Context ctx) {
        Optional<Sessions.Session> s = auth.page(ctx);
        if (s.isEmpty()) {
            return;
        }
        Principal p = s.get().principal();
        jobs.sweepInterrupted();
        Job j = JobRoutes.visibleJob(jobs, p, Ids.parse(ctx.pathParam("id"), "Job id"));
        ConsoleRoutes.render(ctx, "job.jte", ConsoleRoutes.model("name", p.name(), "csrf", s.get().csrfToken(), "line", line(j),
                "notice", ctx.queryParam("notice"), "error", ctx.queryParam("error")));
    }

    private void act(Context ctx, boolean retry) {
        Principal p = auth.require(ctx);
        Job j = JobRoutes.visibleJob(jobs, p, Ids.parse(ctx.pathParam("id"), "Job id"));
        String back = "/setup/jobs/" + j.id();
        try {
            if (retry) {
                Job again = jobs.retry(j.id(), p.email());
                ctx.redirect("/setup/jobs/" + again.id() + "?notice=" + ConsoleRoutes.enc("Retrying job " + j.id() + " as this job."));
            } else {
                Job after = jobs.cancel(j.id(), p.email());
                ctx.redirect(back + "?notice=" + ConsoleRoutes.enc(after.state() == JobState.CANCELLED ? "Cancelled."
                        : "Asked to stop; it stops at its next progress report."));
            }
        } catch (HotCrmException e) {
            ctx.redirect(back + "?error=" + ConsoleRoutes.enc(e.getMessage()));
        }
    }

    static Line line(Job j) {
        String progress = j.total() != null ? j.done() + " of " + j.total() : j.done() > 0 ? String.valueOf(j.done()) : "";
        return new Line(j, LABELS.getOrDefault(j.type(), j.type()), link(j), progress, !j.state().terminal(),
                j.state().retryable());
    }

    /** The page of the work a job does: the import, the migration run; null for none. */
    private static String link(Job j) {
        try {
            if (j.type().equals(Importer.JOB_TYPE) || j.type().equals(Importer.UNDO_JOB_TYPE)) {
                return "/setup/data/imports/" + Importer.importOf(j.payload());
            }
            if (j.type().equals(Migrations.JOB_TYPE) || j.type().equals(Migrations.UNDO_JOB_TYPE)) {
                return "/setup/data/migrate/runs/" + UUID.fromString(j.payload().strip());
            }
            return null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
