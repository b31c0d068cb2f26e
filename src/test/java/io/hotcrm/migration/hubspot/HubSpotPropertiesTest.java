package io.hotcrm.migration.hubspot;

import static org.assertj.core.api.Assertions.assertThat;

import io.hotcrm.migration.SourceField;
import io.hotcrm.migration.SourceField.SourceType;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** A recorded properties answer of a real portal read as source fields. */
class HubSpotPropertiesTest {
    @Test
    void eachPropertyIsReadAsWhatItHolds() throws Exception {
        List<SourceField> fields;
        try (InputStream in = getClass().getResourceAsStream("/fixtures/hubspot/amp-labs/test/metadata-contacts-properties-sampled.json")) {
            fields = HubSpotProperties.fields(HubSpotClient.JSON.readTree(in));
        }
        Map<String, SourceField> by = fields.stream().collect(Collectors.toMap(SourceField::name, Function.identity()));
        assertThat(by.get("address").type()).isEqualTo(SourceType.TEXT);
        assertThat(by.get("mobilephone").type()).isEqualTo(SourceType.PHONE);
        assertThat(by.get("hs_contact_enrichment_opt_out").type()).isEqualTo(SourceType.BOOLEAN);
        assertThat(by.get("autogen").type()).as("an enumeration shown as one checkbox").isEqualTo(SourceType.BOOLEAN);
        assertThat(by.get("hs_all_assigned_business_unit_ids").type()).isEqualTo(SourceType.MULTI_PICKLIST);
        assertThat(by.get("hs_predictivecontactscorebucket").type()).isEqualTo(SourceType.PICKLIST);
        assertThat(by.get("hs_predictivecontactscorebucket").values()).hasSize(4);
        assertThat(by.get("hs_date_entered_customer").type()).isEqualTo(SourceType.DATETIME);
        assertThat(by.get("hs_date_entered_customer").readOnly()).as("calculated").isTrue();
        assertThat(by.get("hubspotscore").readOnly()).isTrue();
        assertThat(by.get("associatedcompanyid").readOnly()).isFalse();
        assertThat(by.get("hobby__c").custom()).isTrue();
        assertThat(by.get("address").custom()).isFalse();
        assertThat(by.get("hs_notes_last_activity").type()).isEqualTo(SourceType.OTHER);
    }
}
