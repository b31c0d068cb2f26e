package io.hotcrm.web;

import io.hotcrm.common.HotCrmException;
import io.hotcrm.privacy.Findings;
import io.hotcrm.privacy.Identifiers;
import io.hotcrm.privacy.PrivacyRequest;
import io.hotcrm.privacy.PrivacyRequests;
import io.hotcrm.security.Principal;
import io.hotcrm.security.Sessions;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Setup → Privacy → Data Subject Requests: the requests with their states and due dates, a new request, and a request's
 * page — who it is about, its history, what is found about the person (records, linked records, mentions, copies in
 * imports and exports), what an erasure would do, and the steps of its life (verify by a note or an emailed link,
 * approve, deny, extend once, assign, run, hand over, certificate). Everything goes through {@link PrivacyRequests},
 * like the CLI and the REST API; only roles allowed to handle privacy requests see any of it.
 */
final class PrivacyPages {
    private final Auth auth;
    private final PrivacyRequests privacy;

    PrivacyPages(Auth auth, PrivacyRequests privacy) {
        this.auth = auth;
        this.privacy = privacy;
    }

    void register(RoutesConfig r) {
        r.get("/setup/privacy", this::list);
        r.post("/setup/privacy", this::create);
        r.get("/setup/privacy/{id}", this::show);
        r.post("/setup/privacy/{id}/verify", ctx -> act(ctx, (p, id) -> {
            privacy.verify(p, id, ctx.formParam("note"));
            return "Marked verified.";
        }));
        r.post("/setup/privacy/{id}/send-link", ctx -> act(ctx, (p, id) -> "Sent the person a link to confirm the request; it works"
                + " once, until " + Nav.when(privacy.sendVerification(p, id, ctx.scheme() + "://" + ctx.host())) + "."));
        r.post("/setup/privacy/{id}/approve", ctx -> act(ctx, (p, id) -> {
            privacy.approve(p, id, ctx.formParam("note"));
            return "Approved.";
        }));
        r.post("/setup/privacy/{id}/deny", ctx -> act(ctx, (p, id) -> {
            privacy.deny(p, id, ctx.formParam("reason"));
            return "Denied.";
        }));
        r.post("/setup/privacy/{id}/extend", ctx -> act(ctx, (p, id) -> {
            PrivacyRequest x = privacy.extend(p, id, parseDays(ctx.formParam("days")), ctx.formParam("reason"));
            return "Extended: now due " + Nav.when(x.dueAt()) + ".";
        }));
        r.post("/setup/privacy/{id}/assign", ctx -> act(ctx, (p, id) -> {
            PrivacyRequest x = privacy.assign(p, id, ctx.formParam("assignee"));
            return "Assigned to " + x.assignee() + ".";
        }));
        r.post("/setup/privacy/{id}/run", ctx -> act(ctx, (p, id) -> {
            var counts = privacy.run(p, id, ctx.formParam("action"));
            int[] sum = new int[3];
            counts.values().forEach(k -> {
                sum[0] += k[0];
                sum[1] += k[1];
                sum[2] += k[2];
            });
            return "Erased: " + sum[0] + " deleted, " + sum[1] + " anonymised, " + sum[2] + " kept. The signed certificate is"
                    + " ready below.";
        }));
        r.post("/setup/privacy/{id}/export", ctx -> {
            Principal p = auth.require(ctx);
            UUID id = id(ctx);
            try {
                PrivacyRoutes.sendZip(ctx, privacy, p, id);
            } catch (HotCrmException e) {
                ctx.redirect(back(id, null, e.getMessage()));
            }
        });
    }

    private void list(Context ctx) {
        Optional<Sessions.Session> s = auth.page(ctx);
        if (s.isEmpty()) {
            return;
        }
        Principal p = s.get().principal();
        List<PrivacyRequest> requests;
        String error = ctx.queryParam("error");
        try {
            requests = privacy.list(p);
        } catch (HotCrmException e) {
            ctx.status(e.code().httpStatus());
            requests = null;
            error = e.getMessage();
        }
        ConsoleRoutes.render(ctx, "privacy.jte", ConsoleRoutes.model("name", p.name(), "csrf", s.get().csrfToken(), "requests",
                requests, "now", Instant.now(), "notice", ctx.queryParam("notice"), "error", error));
    }

    private void create(Context ctx) {
        Principal p = auth.require(ctx);
        try {
            String about = Optional.ofNullable(ctx.formParam("record")).orElse("").strip();
            UUID record = about.isEmpty() ? null : uuid(about);
            String object = record == null ? null : Optional.ofNullable(ctx.formParam("recordObject")).orElse("contact");
            PrivacyRequest r = privacy.create(p, ctx.formParam("kind"), new Identifiers(ctx.formParam("email"), ctx.formParam("phone"),
                    object, record));
            ctx.redirect(back(r.id(), "Request received: due " + Nav.when(r.dueAt()) + ". Verify who is asking next.", null));
        } catch (HotCrmException e) {
            ctx.redirect("/setup/privacy?error=" + enc(e.getMessage()));
        }
    }

    private void show(Context ctx) {
        Optional<Sessions.Session> s = auth.page(ctx);
        if (s.isEmpty()) {
            return;
        }
        Principal p = s.get().principal();
        UUID id = id(ctx);
        PrivacyRequest r;
        try {
            r = privacy.get(p, id);
        } catch (HotCrmException e) {
            ctx.redirect("/setup/privacy?error=" + enc(e.getMessage()));
            return;
        }
        boolean identified = r.email() != null || r.phone() != null || r.recordId() != null;
        Findings findings = identified ? privacy.find(p, id) : null;
        String action = "delete".equals(ctx.queryParam("action")) ? "delete" : "anonymise";
        List<PrivacyRequests.Change> preview = identified && r.kind().equals("erasure")
                && (r.state().equals(PrivacyRequest.VERIFIED) || r.state().equals(PrivacyRequest.APPROVED))
                ? privacy.preview(p, id, action) : null;
        boolean certified = r.kind().equals("erasure") && r.state().equals(PrivacyRequest.DONE);
        ConsoleRoutes.render(ctx, "privacy-request.jte", ConsoleRoutes.model("name", p.name(), "csrf", s.get().csrfToken(),
                "request", r, "history", privacy.history(p, id), "findings", findings, "preview", preview, "action", action,
                "certified", certified, "overdue", !r.state().equals(PrivacyRequest.DONE) && !r.state().equals(PrivacyRequest.DENIED)
                        && r.dueAt().isBefore(Instant.now()), "notice", ctx.queryParam("notice"), "error", ctx.queryParam("error")));
    }

    /** Runs a step of the request's life and goes back to its page saying what happened, or what stopped it. */
    private void act(Context ctx, Step step) {
        Principal p = auth.require(ctx);
        UUID id = id(ctx);
        try {
            ctx.redirect(back(id, step.apply(p, id), null));
        } catch (HotCrmException e) {
            ctx.redirect(back(id, null, e.getMessage()));
        }
    }

    private interface Step {
        String apply(Principal p, UUID id);
    }

    private static String back(UUID id, String notice, String error) {
        return "/setup/privacy/" + id + (notice != null ? "?notice=" + enc(notice) : error != null ? "?error=" + enc(error) : "");
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static int parseDays(String s) {
        try {
            return Integer.parseInt(s == null ? "" : s.strip());
        } catch (NumberFormatException e) {
            throw HotCrmException.invalid("Say by how many days to extend the request (1 to 60), not \"" + s + "\".");
        }
    }

    private static UUID id(Context ctx) {
        return io.hotcrm.common.Ids.parse(ctx.pathParam("id"), "Request id");
    }

    private static UUID uuid(String s) {
        return io.hotcrm.common.Ids.parse(s, "Record id");
    }
}
