package io.hotcrm.testing;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** What the fake servers of the tests share: query strings and forms read, answers sent, recorded fixtures loaded. */
final class FakeHttp {
    private FakeHttp() {
    }

    /** A query string or form body as name → value (a name without a value gets ""). */
    static Map<String, String> query(String raw) {
        Map<String, String> out = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String p : raw.split("&")) {
            int eq = p.indexOf('=');
            out.put(URLDecoder.decode(eq < 0 ? p : p.substring(0, eq), StandardCharsets.UTF_8),
                    eq < 0 ? "" : URLDecoder.decode(p.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }

    /** An answer in UTF-8 of the media type; an empty body is sent as none. */
    static void send(HttpExchange x, int status, byte[] b, String type) throws IOException {
        x.getResponseHeaders().add("Content-Type", type + "; charset=UTF-8");
        x.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
        if (b.length > 0) {
            try (OutputStream out = x.getResponseBody()) {
                out.write(b);
            }
        }
    }

    /** A recorded answer under {@code src/test/resources/fixtures/}. */
    static String fixture(String path) {
        try (InputStream in = FakeHttp.class.getResourceAsStream("/fixtures/" + path)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
