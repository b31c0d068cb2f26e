package io.hotcrm.web;

import io.hotcrm.notify.Notifier;
import io.hotcrm.security.Sessions;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.List;
import java.util.Optional;

/**
 * The console's notices: what the API already holds for a user (an import finished, an export failed, …), listed
 * newest first and marked read once shown. Every setup page shows the number of unread ones beside "Notices".
 */
final class NoticePages {
    private final Auth auth;
    private final Notifier notifier;

    NoticePages(Auth auth, Notifier notifier) {
        this.auth = auth;
        this.notifier = notifier;
    }

    void register(RoutesConfig r) {
        r.get("/setup/notices", this::page);
    }

    private void page(Context ctx) {
        Optional<Sessions.Session> s = auth.page(ctx);
        if (s.isEmpty()) {
            return;
        }
        var p = s.get().principal();
        List<Notifier.Notice> notices = notifier.notices(p.email(), false, 100);
        ConsoleRoutes.render(ctx, "notices.jte", ConsoleRoutes.model("name", p.name(), "csrf", s.get().csrfToken(),
                "notices", notices));
        if (!notices.isEmpty()) {
            notifier.markAllRead(p.email(), notices.get(0).createdAt());
        }
    }
}
