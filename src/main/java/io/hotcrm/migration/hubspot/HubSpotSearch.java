package io.hotcrm.migration.hubspot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * What changed in a time window, through HubSpot's search API — which stops at 10,000 results per query (a page past
 * it is a 400). A window that holds 10,000 or more is split in halves until each holds fewer; a window too short to
 * split (more than 10,000 records changed in the same millisecond, as a bulk update does) is read in runs of ids
 * ({@code hs_object_id} above the last one read). Each record is handed on once, however the windows overlap.
 */
final class HubSpotSearch {
    /** HubSpot's cap on the results of one search query. */
    static final int CAP = 10_000;
    private static final int PAGE = 200;

    private final HubSpotClient client;

    HubSpotSearch(HubSpotClient client) {
        this.client = client;
    }

    /**
     * Every record of {@code type} whose {@code modified} property lies in [{@code from}, {@code until}), with the
     * properties asked; returns how many were handed on.
     */
    long changed(String type, String modified, Instant from, Instant until, List<String> properties, Consumer<JsonNode> each) {
        Set<String> seen = new HashSet<>();
        return window(type, modified, from.toEpochMilli(), until.toEpochMilli(), properties, r -> {
            if (seen.add(r.path("id").asText())) {
                each.accept(r);
            }
        });
    }

    private long window(String type, String modified, long from, long until, List<String> properties, Consumer<JsonNode> each) {
        long total = total(type, modified, from, until, null);
        if (total == 0) {
            return 0;
        }
        if (total < CAP) {
            return pages(type, modified, from, until, null, properties, each);
        }
        if (until - from > 1) {
            long middle = from + (until - from) / 2;
            return window(type, modified, from, middle, properties, each) + window(type, modified, middle, until, properties, each);
        }
        // one millisecond holds the cap or more: read it in runs of ids, each under the cap
        long n = 0;
        String after = "0";
        while (true) {
            long[] read = {0};
            String[] last = {null};
            pages(type, modified, from, until, after, properties, r -> {
                read[0]++;
                last[0] = r.path("id").asText();
                each.accept(r);
            }, CAP - PAGE);
            n += read[0];
            if (read[0] < CAP - PAGE || last[0] == null) {
                return n;
            }
            after = last[0];
        }
    }

    private long total(String type, String modified, long from, long until, String afterId) {
        ObjectNode body = query(modified, from, until, afterId, List.of());
        body.put("limit", 1);
        return client.post("/crm/v3/objects/" + type + "/search", body.toString()).path("total").asLong();
    }

    private long pages(String type, String modified, long from, long until, String afterId, List<String> properties,
                       Consumer<JsonNode> each) {
        return pages(type, modified, from, until, afterId, properties, each, CAP);
    }

    /** The window's records page by page (sorted by id when reading runs of ids), at most {@code max}. */
    private long pages(String type, String modified, long from, long until, String afterId, List<String> properties,
                       Consumer<JsonNode> each, int max) {
        long n = 0;
        String after = null;
        do {
            ObjectNode body = query(modified, from, until, afterId, properties);
            body.put("limit", (int) Math.min(PAGE, max - n));
            if (after != null) {
                body.put("after", after);
            }
            JsonNode page = client.post("/crm/v3/objects/" + type + "/search", body.toString());
            for (JsonNode r : page.path("results")) {
                each.accept(r);
                n++;
            }
            JsonNode next = page.path("paging").path("next").path("after");
            after = next.isMissingNode() || next.isNull() ? null : next.asText();
        } while (after != null && n < max);
        return n;
    }

    private static ObjectNode query(String modified, long from, long until, String afterId, List<String> properties) {
        ObjectNode body = HubSpotClient.JSON.createObjectNode();
        ArrayNode filters = body.putArray("filterGroups").addObject().putArray("filters");
        filters.addObject().put("propertyName", modified).put("operator", "GTE").put("value", Long.toString(from));
        filters.addObject().put("propertyName", modified).put("operator", "LT").put("value", Long.toString(until));
        if (afterId != null) {
            filters.addObject().put("propertyName", "hs_object_id").put("operator", "GT").put("value", afterId);
        }
        body.putArray("sorts").addObject().put("propertyName", afterId != null ? "hs_object_id" : modified).put("direction", "ASCENDING");
        ArrayNode props = body.putArray("properties");
        properties.forEach(props::add);
        return body;
    }
}
