package io.hotcrm.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.hotcrm.privacy.Identifiers;
import io.hotcrm.privacy.PrivacyRequest;
import io.hotcrm.privacy.PrivacyRequests;
import io.hotcrm.security.Principal;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Data-subject requests over REST (docs/privacy.md): create, list, read with history, verify, approve, deny, extend,
 * assign, and what is found about the person. Every call needs the privacy right; the edge only translates JSON to
 * the {@link PrivacyRequests} front door.
 */
final class PrivacyRoutes {
    private final PrivacyRequests privacy;
    private final Auth auth;

    PrivacyRoutes(PrivacyRequests privacy, Auth auth) {
        this.privacy = privacy;
        this.auth = auth;
    }

    void register(RoutesConfig r) {
        // the person confirms their request by following the emailed link: no account, the link is the proof
        r.get("/privacy/verify/{token}", ctx -> {
            String message;
            try {
                privacy.confirm(ctx.pathParam("token"));
                message = "Thank you: your request is confirmed. We will answer it by its due date.";
            } catch (io.hotcrm.common.HotCrmException e) {
                ctx.status(e.code().httpStatus());
                message = e.getMessage();
            }
            ctx.contentType("text/html; charset=utf-8").result("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                    + "<title>Your request</title></head><body><main><h1>Your request</h1><p>"
                    + message.replace("&", "&amp;").replace("<", "&lt;") + "</p></main></body></html>");
        });
        r.post("/api/v1/privacy/requests/{id}/send-verification", ctx -> ctx.json(Map.of("expiresAt",
                privacy.sendVerification(auth.require(ctx), id(ctx), text(ctx, "baseUrl")).toString())));
        // published: anyone checks a certificate with it, without an account
        r.get("/api/v1/privacy/public-key", ctx -> ctx.json(privacy.publicKey()));
        r.get("/api/v1/privacy/requests/{id}/certificate", ctx -> {
            boolean pdf = "pdf".equalsIgnoreCase(ctx.queryParam("format"))
                    || (ctx.queryParam("format") == null && String.valueOf(ctx.header("Accept")).startsWith("application/pdf"));
            ctx.header("Content-Disposition", "attachment; filename=\"privacy-certificate-" + id(ctx) + (pdf ? ".pdf" : ".json") + "\"");
            if (pdf) {
                ctx.contentType("application/pdf").result(privacy.certificatePdf(auth.require(ctx), id(ctx)));
            } else {
                ctx.contentType("application/json").result(privacy.certificate(auth.require(ctx), id(ctx)));
            }
        });
        r.get("/api/v1/privacy/requests", ctx -> ctx.json(Map.of("requests", privacy.list(auth.require(ctx)))));
        r.get("/api/v1/privacy/holds", ctx -> ctx.json(Map.of("holds", privacy.holds(auth.require(ctx)))));
        r.post("/api/v1/privacy/holds", ctx -> {
            JsonNode b = Json.object(ctx);
            ctx.status(201).json(privacy.hold(auth.require(ctx), b.path("object").asText(null), uuid(b.path("record").asText(null)),
                    b.path("reason").asText(null)));
        });
        r.delete("/api/v1/privacy/holds/{object}/{id}", ctx -> {
            privacy.release(auth.require(ctx), ctx.pathParam("object"), id(ctx));
            ctx.status(204);
        });
        r.get("/api/v1/privacy/requests/{id}/export", ctx -> sendZip(ctx, privacy, auth.require(ctx), id(ctx)));
        r.post("/api/v1/privacy/requests", this::create);
        r.get("/api/v1/privacy/requests/{id}", ctx -> {
            Principal p = auth.require(ctx);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("request", privacy.get(p, id(ctx)));
            out.put("history", privacy.history(p, id(ctx)));
            ctx.json(out);
        });
        r.get("/api/v1/privacy/requests/{id}/findings", ctx -> ctx.json(privacy.find(auth.require(ctx), id(ctx))));
        r.get("/api/v1/privacy/requests/{id}/preview", ctx -> ctx.json(Map.of("changes", privacy.preview(auth.require(ctx), id(ctx),
                ctx.queryParamAsClass("action", String.class).getOrDefault("anonymise")))));
        r.post("/api/v1/privacy/requests/{id}/run", ctx -> {
            Map<String, int[]> counts = privacy.run(auth.require(ctx), id(ctx), text(ctx, "action"));
            Map<String, Map<String, Integer>> objects = new LinkedHashMap<>();
            counts.forEach((o, k) -> objects.put(o, Map.of("deleted", k[0], "anonymised", k[1], "kept", k[2])));
            ctx.json(Map.of("request", privacy.get(auth.require(ctx), id(ctx)), "objects", objects));
        });
        r.post("/api/v1/privacy/requests/{id}/verify", ctx -> ctx.json(privacy.verify(auth.require(ctx), id(ctx), text(ctx, "note"))));
        r.post("/api/v1/privacy/requests/{id}/approve", ctx -> ctx.json(privacy.approve(auth.require(ctx), id(ctx), text(ctx, "note"))));
        r.post("/api/v1/privacy/requests/{id}/deny", ctx -> ctx.json(privacy.deny(auth.require(ctx), id(ctx), text(ctx, "reason"))));
        r.post("/api/v1/privacy/requests/{id}/extend", ctx -> {
            JsonNode b = Json.object(ctx);
            ctx.json(privacy.extend(auth.require(ctx), id(ctx), b.path("days").asInt(0), b.path("reason").asText(null)));
        });
        r.post("/api/v1/privacy/requests/{id}/assign", ctx -> ctx.json(privacy.assign(auth.require(ctx), id(ctx),
                text(ctx, "assignee"))));
    }

    /**
     * Answers with the request's hand-over ZIP. It is written to a scratch file first (memory does not grow with the
     * files), so a refusal is an error answer, not half a ZIP; the file goes when the answer is sent.
     */
    static void sendZip(Context ctx, PrivacyRequests privacy, Principal p, UUID id) throws java.io.IOException {
        java.nio.file.Path zip = java.nio.file.Files.createTempFile("hotcrm-privacy-", ".zip");
        try {
            try (java.io.OutputStream out = java.nio.file.Files.newOutputStream(zip)) {
                privacy.export(p, id, out);
            }
            java.io.InputStream in = new java.io.FilterInputStream(java.nio.file.Files.newInputStream(zip)) {
                @Override
                public void close() throws java.io.IOException {
                    super.close();
                    java.nio.file.Files.deleteIfExists(zip);
                }
            };
            ctx.contentType("application/zip").header("Content-Disposition", "attachment; filename=\"privacy-" + id + ".zip\"")
                    .result(in);
        } catch (RuntimeException e) {
            java.nio.file.Files.deleteIfExists(zip);
            throw e;
        }
    }

    /** {@code {"kind": "erasure", "email", "phone", "contactId" | "leadId"}} → 201 with the request. */
    private void create(Context ctx) {
        Principal p = auth.require(ctx);
        JsonNode b = Json.object(ctx);
        UUID contact = uuid(b.path("contactId").asText(null));
        UUID lead = uuid(b.path("leadId").asText(null));
        PrivacyRequest r = privacy.create(p, b.path("kind").asText("erasure"), new Identifiers(b.path("email").asText(null),
                b.path("phone").asText(null), contact != null ? "contact" : lead != null ? "lead" : null, contact != null ? contact : lead));
        ctx.status(201).json(r);
    }

    private static String text(Context ctx, String name) {
        return ctx.body().isBlank() ? null : Json.object(ctx).path(name).asText(null);
    }

    private static UUID id(Context ctx) {
        return uuid(ctx.pathParam("id"));
    }

    private static UUID uuid(String s) {
        if (s == null || s.isBlank()) {
            return null;
        }
        try {
            return UUID.fromString(s.strip());
        } catch (IllegalArgumentException e) {
            throw io.hotcrm.common.HotCrmException.invalid("\"" + s + "\" is not an id (a UUID).");
        }
    }
}
