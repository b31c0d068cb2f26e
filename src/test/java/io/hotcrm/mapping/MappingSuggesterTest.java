package io.hotcrm.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import io.hotcrm.metadata.Catalogue;
import io.hotcrm.metadata.ObjectDef;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class MappingSuggesterTest {
    final Catalogue catalogue = Catalogue.standard();
    final MappingSuggester suggester = new MappingSuggester();

    Map<String, Suggestion> suggest(String object, List<String> headers, List<String[]> rows) {
        ObjectDef o = catalogue.object(object);
        return suggester.suggest(o, headers, rows).stream()
                .collect(Collectors.toMap(Suggestion::header, Function.identity()));
    }

    @Test
    void mapsEverydayHeadersWithConfidenceAndLookupKeys() {
        Map<String, Suggestion> s = suggest("contact",
                List.of("Email Address", "First Name", "Seniority Level", "LastName", "Company", "Owner", "Job Title", "Mobile", "Account External ID",
                        "Favourite colour", "external_id"),
                List.<String[]>of(new String[] {"zoe@example.com", "Zoë", "VP", "Müller", "Acme GmbH", "ann@example.com", "CTO",
                        "+49 1", "ACC-1", "blue", "C-1"}));
        assertThat(s.get("Email Address")).extracting(Suggestion::field, Suggestion::confidence).containsExactly("email", 0.85);
        assertThat(s.get("First Name")).extracting(Suggestion::field, Suggestion::confidence).containsExactly("first_name", 1.0);
        assertThat(s.get("Seniority Level")).extracting(Suggestion::field, Suggestion::confidence).containsExactly("level", 0.95);
        assertThat(s.get("LastName").field()).isEqualTo("last_name");
        assertThat(s.get("Company").mapped()).isFalse();
        assertThat(s.get("Company").reason()).contains("\"Account External ID\" is a better match for account_id");
        assertThat(s.get("Owner")).extracting(Suggestion::field, Suggestion::by).containsExactly("owner_id", LookupBy.EMAIL);
        assertThat(s.get("Job Title").field()).isEqualTo("title");
        assertThat(s.get("Mobile").field()).isEqualTo("mobile_phone");
        assertThat(s.get("Account External ID")).extracting(Suggestion::field, Suggestion::by)
                .containsExactly("account_id", LookupBy.EXTERNAL_ID);
        assertThat(s.get("external_id")).extracting(Suggestion::field, Suggestion::confidence).containsExactly("external_id", 1.0);
        Suggestion unknown = s.get("Favourite colour");
        assertThat(unknown.mapped()).isFalse();
        assertThat(unknown.reason()).contains("No field of contact matches");
        assertThat(unknown.samples()).containsExactly("blue");
    }

    @Test
    void aCompanyColumnFindsAccountsByName() {
        Suggestion s = suggest("contact", List.of("Company"), List.<String[]>of(new String[] {"Acme GmbH"})).get("Company");
        assertThat(s).extracting(Suggestion::field, Suggestion::by, Suggestion::confidence)
                .containsExactly("account_id", LookupBy.NAME, 0.85);
    }

    @Test
    void knowsSalesforceAndHubSpotNames() {
        Map<String, Suggestion> sf = suggest("account",
                List.of("Id", "Name", "BillingCity", "BillingPostalCode", "OwnerId", "ParentId", "AnnualRevenue"),
                List.<String[]>of(new String[] {"001000000000001AAA", "Acme", "Berlin", "10115", "005000000000001AAA",
                        "001000000000002AAA", "1000"}));
        assertThat(sf.get("Id").field()).isEqualTo("external_id");
        assertThat(sf.get("Name").field()).isEqualTo("name");
        assertThat(sf.get("BillingCity")).extracting(Suggestion::field, Suggestion::confidence).containsExactly("billing_city", 1.0);
        assertThat(sf.get("BillingPostalCode").field()).isEqualTo("billing_postal_code");
        assertThat(sf.get("OwnerId")).extracting(Suggestion::field, Suggestion::by).containsExactly("owner_id", LookupBy.EXTERNAL_ID);
        assertThat(sf.get("ParentId")).extracting(Suggestion::field, Suggestion::by).containsExactly("parent_id", LookupBy.EXTERNAL_ID);
        assertThat(sf.get("AnnualRevenue").field()).isEqualTo("annual_revenue");

        Map<String, Suggestion> hs = suggest("contact",
                List.of("firstname", "lastname", "email", "jobtitle", "associatedcompanyid"),
                List.<String[]>of(new String[] {"Ann", "Lee", "ann@example.com", "CEO", "5012345"}));
        assertThat(hs.get("firstname").field()).isEqualTo("first_name");
        assertThat(hs.get("jobtitle").field()).isEqualTo("title");
        assertThat(hs.get("associatedcompanyid")).extracting(Suggestion::field, Suggestion::by, Suggestion::reason)
                .containsExactly("account_id", LookupBy.EXTERNAL_ID, "HubSpot property name");

        Map<String, Suggestion> deals = suggest("opportunity", List.of("dealname", "dealstage", "closedate", "amount"), List.of());
        assertThat(deals.values()).extracting(Suggestion::field)
                .containsExactlyInAnyOrder("name", "stage", "close_date", "amount");
        assertThat(suggest("lead", List.of("hs_lead_status"), List.of()).get("hs_lead_status").field()).isEqualTo("status");
    }

    @Test
    void calculatedFieldsAreNamedAndNotMapped() {
        Suggestion s = suggest("contact", List.of("Last Contact Date"), List.of()).get("Last Contact Date");
        assertThat(s.mapped()).isFalse();
        assertThat(s.reason()).contains("is calculated by HotCRM and cannot be imported");
    }

    @Test
    void typosAreMatchedFuzzilyWithLowerConfidence() {
        Suggestion s = suggest("contact", List.of("Frist Name"), List.of()).get("Frist Name");
        assertThat(s.field()).isEqualTo("first_name");
        assertThat(s.confidence()).isBetween(0.6, 0.8);
        assertThat(s.reason()).contains("similar to First Name");
    }

    @Test
    void ambiguousAndDuplicateColumnsAreLeftForTheUserToChoose() {
        Map<String, Suggestion> s = suggest("account", List.of("City", "Phone", "Telephone"), List.of());
        assertThat(s.get("City").mapped()).isFalse();
        assertThat(s.get("City").reason()).startsWith("Ambiguous");
        assertThat(s.get("City").alternatives()).contains("billing_city", "shipping_city");
        assertThat(s.get("Phone").field()).isEqualTo("phone");
        assertThat(s.get("Telephone").mapped()).isFalse();
        assertThat(s.get("Telephone").reason()).contains("\"Phone\" is a better match for phone");
    }

    @Test
    void sampleValuesThatDoNotFitLowerAGuess() {
        Suggestion s = suggest("account", List.of("Employees"), List.<String[]>of(new String[] {"lots"},
                new String[] {"many"})).get("Employees");
        assertThat(s.mapped()).isFalse();
        assertThat(s.alternatives()).containsExactly("number_of_employees");
        assertThat(s.reason()).startsWith("Not sure");
    }

    @Test
    void ourOwnRecordIdsMatchRecordsAndOthersAreExternalIds() {
        assertThat(suggest("lead", List.of("id"), List.<String[]>of(new String[] {"01a20fd3-1b3a-7000-a208-932168a5330c"}))
                .get("id").field()).isEqualTo("id");
        assertThat(suggest("lead", List.of("ID"), List.<String[]>of(new String[] {"00Q5e00000AbCdE"})).get("ID").field())
                .isEqualTo("external_id");
    }
}
