package io.hotcrm.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hotcrm.security.Principal;
import io.hotcrm.store.Dialect;
import io.hotcrm.testing.DialectContract;
import io.hotcrm.testing.PlantedPerson;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A person planted in every kind of record that links to them — their contact and lead (different case, formatted
 * phone numbers), a second contact known only by phone, cases, tasks, events, activities, notes on them and on their
 * case, a file on such a note, a logged email, a campaign membership, an opportunity — plus a free-text mention of
 * their email and a namesake with records of her own. Discovery must find every planted record and none of the
 * namesake's; requests move through their states with a history, on each database.
 */
class PrivacyDiscoveryTest {

    @Nested
    class OnH2 extends Contract {
        OnH2() {
            super(Dialect.H2);
        }
    }

    @Nested
    class OnPostgres extends Contract {
        OnPostgres() {
            super(Dialect.POSTGRES);
        }
    }

    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    abstract static class Contract extends DialectContract {
        static final String EMAIL = PlantedPerson.EMAIL;
        Map<String, UUID> planted;
        Set<UUID> namesake;
        UUID mention;
        UUID customMention;
        PlantedPerson person;

        Contract(Dialect dialect) {
            super(dialect);
        }

        @BeforeAll
        void plant() {
            person = new PlantedPerson(t);
            planted = person.planted;
            namesake = person.namesake;
            mention = person.mention;
            person.plantCopies();
            // a custom long-text field holds free text by default: a mention there is found like any other
            t.schema.addCustomField(t.admin, "opportunity", io.hotcrm.metadata.FieldDef.custom("visit_notes",
                    io.hotcrm.metadata.FieldType.TEXTAREA, "Visit notes", null, null, false, false, 0, 0));
            customMention = person.make("opportunity", Map.of("name", "Visit", "visit_notes", "Lunch with " + EMAIL.toUpperCase()));
        }

        @Test
        void discoveryFindsEveryPlantedRecordAndNoneOfTheNamesakes() {
            PrivacyRequest r = t.privacy.create(t.admin, "erasure", new Identifiers(EMAIL, "+45 2012 3456", null, null));
            assertThat(r.state()).isEqualTo(PrivacyRequest.RECEIVED);
            assertThat(r.email()).isEqualTo(EMAIL.toLowerCase());
            assertThat(r.dueAt()).isEqualTo(r.receivedAt().plus(30, ChronoUnit.DAYS));
            Findings f = t.privacy.find(t.admin, r.id());
            Set<UUID> found = new java.util.HashSet<>();
            f.subjects().forEach(h -> found.add(h.id()));
            f.linked().forEach(h -> found.add(h.id()));
            assertThat(found).as(f.toString()).containsAll(planted.values());
            assertThat(f.subjects()).extracting(Findings.Hit::id).containsExactlyInAnyOrder(planted.get("contact"),
                    planted.get("lead"), planted.get("contact by phone"));
            assertThat(found).doesNotContainAnyElementsOf(namesake);
            assertThat(f.mentions()).extracting(Findings.Hit::id).containsExactlyInAnyOrder(mention, customMention);
            assertThat(f.mentions()).filteredOn(h -> h.id().equals(mention)).singleElement()
                    .satisfies(h -> assertThat(h.fields()).containsExactly("description"));
            // copies outside the records: her import (result, error and source files, journal), the upload never
            // imported, and the export files (every format) at their local destination
            assertThat(f.copies()).filteredOn(c -> c.kind().equals("import")).singleElement().satisfies(c -> {
                assertThat(c.id()).isEqualTo(person.importId);
                assertThat(c.parts()).containsExactly("results.csv", "errors.csv", "source file", "undo journal", "findings");
                assertThat(c.rows()).isEqualTo(2);
            });
            assertThat(f.copies()).filteredOn(c -> c.kind().equals("upload")).singleElement()
                    .satisfies(c -> assertThat(c.label()).isEqualTo("to-import-later.csv"));
            assertThat(f.copies()).filteredOn(c -> c.kind().equals("export file")).hasSize(3)
                    .allSatisfy(c -> assertThat(c.rows()).isEqualTo(2));
            Map<UUID, String> why = f.linked().stream().collect(Collectors.toMap(Findings.Hit::id, Findings.Hit::why));
            assertThat(why.get(planted.get("file on note"))).contains("parent_id");
            assertThat(why.get(planted.get("email copied"))).contains("to_address");
            // the audit log's entries about the person's records are found too
            assertThat(f.audit()).extracting(Findings.AuditHit::recordId).contains(planted.get("contact").toString());
        }

        @Test
        void aRequestMovesThroughItsStatesWithAHistoryAndOneExtension() {
            PrivacyRequest r = t.privacy.create(t.admin, "access", new Identifiers(null, null, "contact", planted.get("contact")));
            assertThatThrownBy(() -> t.privacy.approve(t.admin, r.id(), null)).hasMessageContaining("only when verified");
            t.privacy.verify(t.admin, r.id(), "Called back on the number on file.");
            PrivacyRequest extended = t.privacy.extend(t.admin, r.id(), 45, "Several systems to search.");
            assertThat(extended.dueAt()).isEqualTo(r.dueAt().plus(45, ChronoUnit.DAYS));
            assertThatThrownBy(() -> t.privacy.extend(t.admin, r.id(), 10, "again")).hasMessageContaining("extended once");
            assertThat(t.privacy.approve(t.admin, r.id(), null).state()).isEqualTo(PrivacyRequest.APPROVED);
            List<PrivacyRequest.Event> history = t.privacy.history(t.admin, r.id());
            assertThat(history).extracting(PrivacyRequest.Event::to).containsExactly("received", "verified", "verified", "approved");
            assertThat(history.get(1).note()).contains("Called back");
            assertThat(t.privacy.find(t.admin, r.id()).subjects()).extracting(Findings.Hit::id).containsExactly(planted.get("contact"));
            // the audit log says the request moved, never who it is about
            String details = t.db.jdbi().withHandle(h -> h.createQuery("select string_agg(details, ' ') from hc_audit where action like"
                    + " 'privacy.%'").mapTo(String.class).one());
            assertThat(details).doesNotContainIgnoringCase("jorgensen").doesNotContainIgnoringCase("maja");
            assertThatThrownBy(() -> t.privacy.extend(t.admin, r.id(), 61, "x")).hasMessageContaining("extended once");
            PrivacyRequest other = t.privacy.create(t.admin, "erasure", new Identifiers("nobody@example.org", null, null, null));
            assertThatThrownBy(() -> t.privacy.extend(t.admin, other.id(), 61, "x")).hasMessageContaining("1 to 60 days");
            assertThatThrownBy(() -> t.privacy.deny(t.admin, other.id(), " ")).hasMessageContaining("reason");
            assertThat(t.privacy.deny(t.admin, other.id(), "Identity not confirmed after two reminders.").state()).isEqualTo("denied");
        }

        @Test
        void onlyRolesAllowedToHandlePrivacySeeRequests() {
            t.security.users().add(t.admin, "sam@example.com", "Sam Sales", "standard", "a long sales password");
            Principal sam = t.security.users().principal("sam@example.com");
            assertThatThrownBy(() -> t.privacy.list(sam)).hasMessageContaining("privacy");
            assertThatThrownBy(() -> t.privacy.create(sam, "erasure", new Identifiers(EMAIL, null, null, null)))
                    .hasMessageContaining("hotcrm roles privacy");
            assertThatThrownBy(() -> new Identifiers("not-an-email", null, null, null)).hasMessageContaining("not an email");
            assertThatThrownBy(() -> new Identifiers(null, "12 34", null, null)).hasMessageContaining("fewer than 7 digits");
            assertThatThrownBy(() -> new Identifiers(null, null, null, null)).hasMessageContaining("--email");
            assertThat(Instant.now()).isNotNull();
        }
    }
}
