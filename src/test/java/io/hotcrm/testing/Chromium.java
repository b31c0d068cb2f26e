package io.hotcrm.testing;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Playwright;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Debian's chromium driven by Playwright (no browser download: PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 in surefire).
 * The binary is {@code /usr/bin/chromium} or {@code HOTCRM_CHROMIUM}; .ci/run installs it.
 */
public final class Chromium implements AutoCloseable {
    public final Playwright playwright;
    public final Browser browser;

    public Chromium() {
        Path exe = Path.of(System.getenv().getOrDefault("HOTCRM_CHROMIUM", "/usr/bin/chromium"));
        if (!Files.isExecutable(exe)) {
            throw new IllegalStateException("The browser tests need Debian's chromium at " + exe
                    + " (apt-get install -y chromium), or HOTCRM_CHROMIUM pointing at a Chromium binary.");
        }
        playwright = Playwright.create();
        browser = playwright.chromium().launch(new BrowserType.LaunchOptions().setExecutablePath(exe).setHeadless(true)
                .setArgs(List.of("--no-sandbox", "--disable-dev-shm-usage")));
    }

    /** Where the console screenshots linked from docs/console.md are written. */
    public static Path screenshot(String name) {
        return Path.of("docs", "screenshots", name + ".png");
    }

    @Override
    public void close() {
        browser.close();
        playwright.close();
    }
}
