package io.hotcrm.web;

import io.hotcrm.common.ErrorCode;
import io.hotcrm.common.HotCrmException;
import io.hotcrm.common.Problem;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Translates failures into problem JSON (RFC 9457 shape plus {@code code}, {@code message} and per-field
 * {@code details}). Unexpected exceptions are logged with their stack trace and answered with a message
 * that carries no internals.
 */
final class Problems {
    private static final Logger LOG = LoggerFactory.getLogger(Problems.class);

    private Problems() {
    }

    static void handle(HotCrmException e, Context ctx) {
        if (e.code() == ErrorCode.INTERNAL || e.code() == ErrorCode.UNAVAILABLE) {
            LOG.error("{} {} failed: {}", ctx.method(), ctx.path(), e.getMessage(), e);
        }
        if (forPeople(ctx)) {
            ctx.status(e.code().httpStatus());
            ConsoleRoutes.render(ctx, "problem.jte", ConsoleRoutes.model("title", switch (e.code()) {
                case NOT_FOUND -> "Not found";
                case PERMISSION_DENIED, NOT_AUTHENTICATED -> "Not allowed";
                case CONFLICT -> "Not now";
                default -> "That did not work";
            }, "message", e.getMessage(), "status", e.code().httpStatus()));
            return;
        }
        write(ctx, e.code(), e.getMessage(), e.details());
    }

    /** A console page opened in a browser (not the API): a problem is a page with the message, not JSON. */
    private static boolean forPeople(Context ctx) {
        String accept = ctx.header("Accept");
        return !ctx.path().startsWith("/api/") && "GET".equals(ctx.method().name()) && accept != null && accept.contains("text/html");
    }

    static void unexpected(Exception e, Context ctx) {
        LOG.error("{} {} failed unexpectedly", ctx.method(), ctx.path(), e);
        write(ctx, ErrorCode.INTERNAL, "HotCRM hit an unexpected error. It has been logged on the server;"
                + " try again, and report it if it persists.", List.of());
    }

    static void write(Context ctx, ErrorCode code, String message, List<Problem> details) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "https://hotcrm.io/problems/" + code.wireName());
        body.put("title", code.wireName().replace('_', ' '));
        body.put("status", code.httpStatus());
        body.put("code", code.wireName());
        body.put("message", message);
        body.put("details", details.stream().map(p -> Map.of("field", p.field(), "code", p.code(), "message", p.message())).toList());
        ctx.status(code.httpStatus()).contentType("application/problem+json").result(Json.write(body));
    }
}
