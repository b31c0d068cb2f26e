package io.hotcrm.migration.hubspot;

import com.fasterxml.jackson.databind.JsonNode;
import io.hotcrm.migration.SourceField;
import java.util.ArrayList;
import java.util.List;

/**
 * A portal's pipelines (`GET /crm/v3/pipelines/{deals|tickets|contacts}`) as the values of the properties whose
 * options come from them ({@code externalOptions}): a deal's {@code dealstage}, a ticket's {@code hs_pipeline_stage},
 * a contact's {@code lifecyclestage}, and the {@code pipeline} itself. A stage's value is its id; its label names its
 * pipeline when the portal has several (two pipelines may both have a "Won"). Archived stages stay, as not active: old
 * records still hold them.
 */
final class HubSpotPipelines {
    private HubSpotPipelines() {
    }

    /** Every stage of every pipeline. */
    static List<SourceField.Value> stages(JsonNode answer) {
        List<SourceField.Value> out = new ArrayList<>();
        boolean several = answer.path("results").size() > 1;
        for (JsonNode p : answer.path("results")) {
            for (JsonNode s : p.path("stages")) {
                String label = s.path("label").asText(s.path("id").asText());
                out.add(new SourceField.Value(s.path("id").asText(), several ? p.path("label").asText() + ": " + label : label,
                        !s.path("archived").asBoolean(false) && !p.path("archived").asBoolean(false)));
            }
        }
        return out;
    }

    /** The pipelines themselves. */
    static List<SourceField.Value> pipelines(JsonNode answer) {
        List<SourceField.Value> out = new ArrayList<>();
        for (JsonNode p : answer.path("results")) {
            out.add(new SourceField.Value(p.path("id").asText(), p.path("label").asText(p.path("id").asText()),
                    !p.path("archived").asBoolean(false)));
        }
        return out;
    }
}
