package io.hotcrm.web;

import io.hotcrm.common.ErrorCode;
import io.hotcrm.common.HotCrmException;
import io.hotcrm.security.Principal;
import io.hotcrm.security.Security;
import io.hotcrm.security.Sessions;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.util.Optional;

/**
 * Who is calling: a bearer API token, or the console's session cookie. Cookie-authenticated requests that
 * change data must carry the session's CSRF token (form field {@code csrf} or header {@code X-CSRF-Token}).
 */
final class Auth {
    static final String COOKIE = "hotcrm_session";
    private static final String PRINCIPAL = "hotcrm.principal";
    static final String VIEWER = "hotcrm.viewer";
    private final Security security;

    Auth(Security security) {
        this.security = security;
    }

    /** Resolves the caller or throws 401; stores the principal on the context for the handler. */
    Principal require(Context ctx) {
        Principal cached = ctx.attribute(PRINCIPAL);
        if (cached != null) {
            return cached;
        }
        String header = ctx.header("Authorization");
        Principal p;
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            p = security.tokens().authenticate(header.substring(7).trim());
        } else {
            Sessions.Session s = session(ctx).orElseThrow(() -> new HotCrmException(ErrorCode.NOT_AUTHENTICATED,
                    "Sign in first: send \"Authorization: Bearer <API token>\" (create one with \"hotcrm tokens create EMAIL\")."));
            if (changesData(ctx) && !s.csrfToken().equals(csrfFrom(ctx))) {
                throw HotCrmException.denied("The request has no valid CSRF token. Reload the page and try again.");
            }
            p = s.principal();
        }
        ctx.attribute(PRINCIPAL, p);
        return p;
    }

    /** The signed-in session for a console page, or a redirect to the sign-in page (then empty). */
    Optional<Sessions.Session> page(Context ctx) {
        Optional<Sessions.Session> s = session(ctx);
        if (s.isEmpty()) {
            ctx.redirect("/login");
        }
        return s;
    }

    Optional<Sessions.Session> session(Context ctx) {
        Optional<Sessions.Session> s = security.sessions().resolve(ctx.cookie(COOKIE));
        // who is looking, for what the page's menu shows (never for a permission: require() checks those, with CSRF)
        s.ifPresent(x -> ctx.attribute(VIEWER, x.principal()));
        return s;
    }

    private static boolean changesData(Context ctx) {
        HandlerType m = ctx.method();
        return m != HandlerType.GET && m != HandlerType.HEAD && m != HandlerType.OPTIONS;
    }

    private static String csrfFrom(Context ctx) {
        String h = ctx.header("X-CSRF-Token");
        return h != null ? h : ctx.formParam("csrf");
    }
}
