package io.hotcrm.migration.hubspot;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A portal's owners (`GET /crm/v3/owners`), active and archived: records keep the owner {@code id} in
 * {@code hubspot_owner_id} — not the user id — and users deactivated in HubSpot are only listed as archived, so both
 * lists are read to find every historical owner's email. A queue-type owner has no person behind it.
 */
final class HubSpotOwners {
    /** An owner: its id on records, its email (null for a queue), its name, whether it is still active. */
    record Owner(String id, String email, String firstName, String lastName, boolean active, boolean queue) {
    }

    private HubSpotOwners() {
    }

    static List<Owner> read(HubSpotClient client) {
        List<Owner> out = new ArrayList<>();
        for (boolean archived : new boolean[] {false, true}) {
            client.list("/crm/v3/owners?limit=100&archived=" + archived, o -> out.add(owner(o, !archived)));
        }
        return out;
    }

    private static Owner owner(JsonNode o, boolean active) {
        String email = o.path("email").asText(null);
        return new Owner(o.path("id").asText(), email == null || email.isBlank() ? null : email, o.path("firstName").asText(null),
                o.path("lastName").asText(null), active && !o.path("archived").asBoolean(false),
                o.path("type").asText("PERSON").equals("QUEUE"));
    }
}
