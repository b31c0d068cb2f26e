package io.hotcrm.console;

import com.microsoft.playwright.Page;
import io.hotcrm.app.Config;
import io.hotcrm.app.HotCrm;
import io.hotcrm.testing.Chromium;
import io.hotcrm.testing.TestPlatform;
import io.hotcrm.web.WebServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;

/** What a console test class starts: HotCRM on an embedded data directory, seeded, serving, and a Chromium to drive it. */
final class ConsoleInstance implements AutoCloseable {
    final HotCrm hc;
    final WebServer web;
    final Chromium chromium;
    final String base;

    ConsoleInstance(Path data, Consumer<HotCrm> seed) throws IOException {
        hc = HotCrm.open(Config.from(data, Map.of(io.hotcrm.common.Secrets.ENV, TestPlatform.SECRET_KEY)));
        seed.accept(hc);
        web = hc.start(0);
        base = "http://localhost:" + web.port();
        chromium = new Chromium();
        Files.createDirectories(Chromium.screenshot("x").getParent());
    }

    Page signIn(String email, String password) {
        return ConsoleTest.signIn(chromium, base, email, password, 900);
    }

    /** Signs in from a browser with its own locale and time zone (as a user abroad). */
    Page signIn(String email, String password, String locale, String timeZone) {
        return ConsoleTest.signIn(chromium.browser.newContext(new com.microsoft.playwright.Browser.NewContextOptions()
                .setViewportSize(1280, 900).setLocale(locale).setTimezoneId(timeZone)).newPage(), base, email, password);
    }

    @Override
    public void close() {
        chromium.close();
        web.stop();
        hc.close();
    }
}
