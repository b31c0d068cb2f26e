package io.hotcrm.migration.hubspot;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hotcrm.migration.SourceField;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Recorded pipelines answers of a real portal read as stage values. */
class HubSpotPipelinesTest {
    static JsonNode fixture(String name) throws Exception {
        try (InputStream in = HubSpotPipelinesTest.class.getResourceAsStream("/fixtures/hubspot/amp-labs/test/" + name)) {
            return HubSpotClient.JSON.readTree(in);
        }
    }

    @Test
    void dealStagesAreTheValuesOfDealstageAndThePipelineIsKept() throws Exception {
        JsonNode deals = fixture("metadata-deals-external-pipelines.json");
        List<SourceField.Value> stages = HubSpotPipelines.stages(deals);
        assertThat(stages).extracting(SourceField.Value::value).containsExactly("appointmentscheduled", "qualifiedtobuy",
                "presentationscheduled", "decisionmakerboughtin", "contractsent", "closedwon", "closedlost");
        assertThat(stages.get(5).label()).isEqualTo("Closed Won");
        assertThat(HubSpotPipelines.pipelines(deals)).extracting(SourceField.Value::label).containsExactly("Sales Pipeline");
        assertThat(HubSpotPipelines.stages(fixture("metadata-contacts-external-pipelines.json")))
                .extracting(SourceField.Value::value).contains("subscriber", "lead", "marketingqualifiedlead");
    }

    @Test
    void withSeveralPipelinesAStageSaysWhichAndArchivedOnesAreNotActive() throws Exception {
        ObjectNode two = (ObjectNode) fixture("metadata-deals-external-pipelines.json");
        ObjectNode renewals = two.withArray("results").addObject().put("id", "12345678").put("label", "Renewals");
        renewals.putArray("stages").addObject().put("id", "98765").put("label", "Closed Won").put("archived", true);
        List<SourceField.Value> stages = HubSpotPipelines.stages(two);
        assertThat(stages).extracting(SourceField.Value::label).contains("Sales Pipeline: Closed Won", "Renewals: Closed Won");
        assertThat(stages.get(stages.size() - 1).active()).isFalse();
    }
}
