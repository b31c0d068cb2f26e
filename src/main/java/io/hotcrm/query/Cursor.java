package io.hotcrm.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A keyset position: the sort-key values and id of the last record of a page, plus a fingerprint of the
 * query so a cursor cannot be replayed against a different query. Opaque to clients (base64url JSON).
 */
record Cursor(List<String> values, String id, int fingerprint) {
    private static final ObjectMapper JSON = new ObjectMapper();

    Cursor {
        values = java.util.Collections.unmodifiableList(new ArrayList<>(values));
    }

    String encode() {
        ObjectNode n = JSON.createObjectNode();
        ArrayNode v = n.putArray("v");
        values.forEach(v::add);
        n.put("id", id);
        n.put("f", fingerprint);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(n.toString().getBytes(StandardCharsets.UTF_8));
    }

    static Cursor decode(String text, int expectedFingerprint, int sortCount) {
        try {
            JsonNode n = JSON.readTree(Base64.getUrlDecoder().decode(text));
            List<String> values = new ArrayList<>();
            n.path("v").forEach(x -> values.add(x.isNull() ? null : x.asText()));
            Cursor c = new Cursor(values, n.path("id").asText(), n.path("f").asInt());
            if (c.fingerprint != expectedFingerprint || values.size() != sortCount) {
                throw ObjectQl.invalid("This cursor belongs to a different query. Repeat the same object, where and"
                        + " orderBy as the request that returned it, or start again without a cursor.");
            }
            return c;
        } catch (IOException | IllegalArgumentException e) {
            throw ObjectQl.invalid("The cursor is not valid. Use the nextCursor value of the previous page unchanged.");
        }
    }
}
