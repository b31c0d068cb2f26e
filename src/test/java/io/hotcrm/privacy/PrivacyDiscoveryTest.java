package io.hotcrm.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hotcrm.metadata.FieldDef;
import io.hotcrm.metadata.ObjectDef;
import io.hotcrm.security.Principal;
import io.hotcrm.store.Dialect;
import io.hotcrm.testing.DialectContract;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.LinkedHashMap;
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
        static final String EMAIL = "Maja.Jorgensen@Example.org";
        final Map<String, UUID> planted = new LinkedHashMap<>();
        final Set<UUID> namesake = new java.util.HashSet<>();
        UUID mention;
        int n;

        Contract(Dialect dialect) {
            super(dialect);
        }

        /** A record with the values given and every other required field filled (lookups with records made for them). */
        UUID make(String object, Map<String, Object> given) {
            ObjectDef o = t.schema.object(object);
            Map<String, Object> in = new HashMap<>(given);
            for (FieldDef f : o.fields()) {
                if (!f.required() || in.containsKey(f.name()) || f.computed()) {
                    continue;
                }
                switch (f.type()) {
                    case PICKLIST, MULTI_PICKLIST -> in.put(f.name(), f.values().get(0).value());
                    case LOOKUP -> in.put(f.name(), make(f.target(), Map.of()).toString());
                    case NUMBER, CURRENCY, PERCENT -> in.put(f.name(), "1");
                    case DATE -> in.put(f.name(), LocalDate.of(2026, 1, 15).toString());
                    case DATETIME -> in.put(f.name(), "2026-01-15T10:00:00Z");
                    case BOOLEAN -> in.put(f.name(), "false");
                    case EMAIL -> in.put(f.name(), "filler" + (n++) + "@filler.example");
                    case OWNER -> {
                    }
                    default -> in.put(f.name(), object + " filler " + (n++));
                }
            }
            return t.records.create(t.admin, object, in).id();
        }

        @BeforeAll
        void plant() {
            UUID contact = make("contact", Map.of("first_name", "Maja", "last_name", "Jørgensen", "email", EMAIL,
                    "mobile_phone", "+45 20 12 34 56"));
            planted.put("contact", contact);
            planted.put("lead", make("lead", Map.of("first_name", "Maja", "last_name", "Jørgensen", "email", EMAIL.toLowerCase(),
                    "company", "Nordlys ApS")));
            planted.put("contact by phone", make("contact", Map.of("last_name", "J.", "phone", "20123456")));
            UUID theCase = make("case", Map.of("contact_id", contact.toString(), "subject", "Invoice question"));
            planted.put("case", theCase);
            planted.put("task", make("task", Map.of("who_id", contact.toString(), "subject", "Call back")));
            planted.put("task on lead", make("task", Map.of("lead_id", planted.get("lead").toString(), "subject", "Qualify")));
            planted.put("event", make("event", Map.of("who_id", contact.toString(), "subject", "Demo")));
            planted.put("activity", make("activity", Map.of("who_id", contact.toString(), "subject", "Call")));
            planted.put("opportunity", make("opportunity", Map.of("contact_id", contact.toString(), "name", "Nordlys renewal")));
            planted.put("campaign member", make("campaign_member", Map.of("contact_id", contact.toString())));
            planted.put("note on contact", make("note", Map.of("parent_id", contact.toString(), "parent_type", "Contact",
                    "title", "Met at fair", "body", "Likes cycling")));
            UUID caseNote = make("note", Map.of("parent_id", theCase.toString(), "parent_type", "Case", "title", "Case note",
                    "body", "Escalated"));
            planted.put("note on case", caseNote);
            planted.put("file on note", make("file", Map.of("name", "scan.pdf", "parent_object", "note", "parent_id",
                    caseNote.toString(), "storage_key", "uploads/x/scan.pdf")));
            planted.put("logged email", make("email_message", Map.of("subject", "Re: invoice", "from_address", EMAIL,
                    "to_address", "billing@acme.example")));
            planted.put("email copied", make("email_message", Map.of("subject", "Fwd", "from_address", "a@acme.example",
                    "to_address", "x@acme.example, " + EMAIL.toUpperCase() + "; y@acme.example")));
            mention = make("account", Map.of("name", "Fjord Logistics", "description", "Spoke with " + EMAIL.toLowerCase()
                    + " about the renewal."));
            // her namesake: same name, another email and phone, records of her own
            UUID other = make("contact", Map.of("first_name", "Maja", "last_name", "Jørgensen", "email", "maja.j@other.example",
                    "phone", "+45 99 88 77 66"));
            namesake.add(other);
            namesake.add(make("case", Map.of("contact_id", other.toString(), "subject", "Other Maja's case")));
            namesake.add(make("note", Map.of("parent_id", other.toString(), "parent_type", "Contact", "title", "Other", "body",
                    "Not our Maja")));
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
            assertThat(f.mentions()).extracting(Findings.Hit::id).containsExactly(mention);
            assertThat(f.mentions().get(0).fields()).containsExactly("description");
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
