package io.hotcrm.testing;

import io.hotcrm.testing.FakeHubSpot.Rec;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Generates a HubSpot portal in a {@link FakeHubSpot}, deterministically from a seed: HubSpot's standard properties of
 * every object (with their wire types: dates, date-times, numbers, enumerations, booleans, HTML) and a few custom ones,
 * two deal pipelines (the default one with HubSpot's stage ids, and one with numeric ids) and the default ticket
 * pipeline, owners (one deactivated, one a queue), and records linked by associations: contacts to a primary company
 * (some to two), deals to companies and contacts (some to several contacts), line items to deals and products, quotes
 * to deals, tickets to contacts and companies, notes and engagements to their records, and files attached to notes
 * and meetings. Records were created over the two years before {@code now} and last changed before it.
 */
public final class HubSpotPortal {
    public final List<String> owners = new ArrayList<>();
    public final List<Rec> companies = new ArrayList<>();
    public final List<Rec> contacts = new ArrayList<>();
    public final List<Rec> deals = new ArrayList<>();
    public final List<Rec> products = new ArrayList<>();
    public final List<Rec> tickets = new ArrayList<>();
    public final List<Rec> notes = new ArrayList<>();
    public final List<Rec> tasks = new ArrayList<>();
    public final List<Rec> meetings = new ArrayList<>();
    public int files;

    private final FakeHubSpot hs;
    private final Random rnd;
    private final Instant now;

    private HubSpotPortal(FakeHubSpot hs, long seed, Instant now) {
        this.hs = hs;
        this.rnd = new Random(seed);
        this.now = now;
    }

    /** A portal with {@code contacts} contacts and about a quarter as many companies, deals and the rest around them. */
    public static HubSpotPortal generate(FakeHubSpot hs, int contacts, long seed, Instant now) {
        HubSpotPortal p = new HubSpotPortal(hs, seed, now);
        p.schema();
        p.data(contacts);
        return p;
    }

    private void schema() {
        hs.property("products", "name", "Name", "string", "text", true);
        hs.property("products", "hs_sku", "SKU", "string", "text", true);
        hs.property("products", "description", "Description", "string", "textarea", true);
        hs.property("products", "price", "Unit price", "number", "number", true);
        hs.property("products", "hs_cost_of_goods_sold", "Unit cost", "number", "number", true);

        hs.property("companies", "name", "Company name", "string", "text", true);
        hs.property("companies", "domain", "Company Domain Name", "string", "text", true);
        hs.property("companies", "website", "Website URL", "string", "text", true);
        hs.property("companies", "industry", "Industry", "enumeration", "select", true, "COMPUTER_SOFTWARE", "Computer Software",
                "FINANCIAL_SERVICES", "Financial Services", "RETAIL", "Retail");
        hs.property("companies", "type", "Type", "enumeration", "select", true, "PROSPECT", "Prospect", "PARTNER", "Partner",
                "RESELLER", "Reseller", "VENDOR", "Vendor", "OTHER", "Other");
        hs.property("companies", "phone", "Phone Number", "string", "phonenumber", true);
        hs.property("companies", "city", "City", "string", "text", true);
        hs.property("companies", "country", "Country/Region", "string", "text", true);
        hs.property("companies", "numberofemployees", "Number of Employees", "number", "number", true);
        hs.property("companies", "annualrevenue", "Annual Revenue", "number", "number", true);
        hs.property("companies", "hs_parent_company_id", "Parent Company", "number", "number", true);
        hs.property("companies", "hubspot_owner_id", "Company owner", "enumeration", "select", true);
        hs.property("companies", "renewal_date", "Renewal date", "date", "date", false);

        hs.property("contacts", "firstname", "First Name", "string", "text", true);
        hs.property("contacts", "lastname", "Last Name", "string", "text", true);
        hs.property("contacts", "email", "Email", "string", "text", true);
        hs.property("contacts", "phone", "Phone Number", "string", "phonenumber", true);
        hs.property("contacts", "jobtitle", "Job Title", "string", "text", true);
        hs.property("contacts", "lifecyclestage", "Lifecycle Stage", "enumeration", "radio", true, "subscriber", "Subscriber",
                "lead", "Lead", "marketingqualifiedlead", "Marketing Qualified Lead", "salesqualifiedlead", "Sales Qualified Lead",
                "opportunity", "Opportunity", "customer", "Customer", "evangelist", "Evangelist", "other", "Other");
        hs.property("contacts", "hubspot_owner_id", "Contact owner", "enumeration", "select", true);
        hs.property("contacts", "hs_merged_object_ids", "Merged Contact IDs", "enumeration", "checkbox", true);
        hs.property("contacts", "customer_tier", "Customer tier", "enumeration", "select", false, "gold", "Gold", "silver", "Silver",
                "bronze", "Bronze");
        hs.property("contacts", "newsletter_opt_in", "Newsletter opt-in", "bool", "booleancheckbox", false, "true", "Yes",
                "false", "No");
        hs.property("contacts", "date_of_birth", "Date of birth", "date", "date", false);

        hs.property("deals", "dealname", "Deal Name", "string", "text", true);
        hs.property("deals", "amount", "Amount", "number", "number", true);
        hs.property("deals", "closedate", "Close Date", "datetime", "date", true);
        hs.property("deals", "dealstage", "Deal Stage", "enumeration", "radio", true);
        hs.property("deals", "pipeline", "Pipeline", "enumeration", "select", true);
        hs.property("deals", "dealtype", "Deal Type", "enumeration", "radio", true, "newbusiness", "New Business",
                "existingbusiness", "Existing Business");
        hs.property("deals", "hubspot_owner_id", "Deal owner", "enumeration", "select", true);
        hs.property("deals", "hs_merged_object_ids", "Merged Deal IDs", "enumeration", "checkbox", true);
        hs.property("deals", "deal_score", "Deal score", "number", "number", false);
        hs.pipeline("deals", "default", "Sales Pipeline",
                new String[] {"appointmentscheduled", "Appointment Scheduled", "isClosed", "false", "probability", "0.2"},
                new String[] {"qualifiedtobuy", "Qualified To Buy", "isClosed", "false", "probability", "0.4"},
                new String[] {"presentationscheduled", "Presentation Scheduled", "isClosed", "false", "probability", "0.6"},
                new String[] {"decisionmakerboughtin", "Decision Maker Bought-In", "isClosed", "false", "probability", "0.8"},
                new String[] {"contractsent", "Contract Sent", "isClosed", "false", "probability", "0.9"},
                new String[] {"closedwon", "Closed Won", "isClosed", "true", "probability", "1.0"},
                new String[] {"closedlost", "Closed Lost", "isClosed", "true", "probability", "0.0"});
        hs.pipeline("deals", "75123456", "Renewals",
                new String[] {"75123457", "Renewal due", "isClosed", "false", "probability", "0.5"},
                new String[] {"75123458", "Renewed", "isClosed", "true", "probability", "1.0"},
                new String[] {"75123459", "Churned", "isClosed", "true", "probability", "0.0"});

        hs.property("line_items", "name", "Name", "string", "text", true);
        hs.property("line_items", "quantity", "Quantity", "number", "number", true);
        hs.property("line_items", "price", "Unit price", "number", "number", true);
        hs.property("line_items", "amount", "Net price", "number", "number", true);
        hs.property("line_items", "hs_product_id", "Product ID", "number", "number", true);

        hs.property("quotes", "hs_title", "Quote name", "string", "text", true);
        hs.property("quotes", "hs_status", "Quote approval status", "enumeration", "select", true, "DRAFT", "Draft",
                "APPROVAL_NOT_NEEDED", "Approval not needed", "PENDING_APPROVAL", "Pending approval", "APPROVED", "Approved",
                "REJECTED", "Rejected");
        hs.property("quotes", "hs_expiration_date", "Quote expiration date", "date", "date", true);
        hs.property("quotes", "hs_createdate", "Create date", "datetime", "date", true);
        hs.property("quotes", "hs_currency", "Currency", "enumeration", "select", true, "USD", "US Dollar", "EUR", "Euro");
        hs.property("quotes", "hubspot_owner_id", "Quote owner", "enumeration", "select", true);

        hs.property("tickets", "subject", "Ticket name", "string", "text", true);
        hs.property("tickets", "content", "Ticket description", "string", "textarea", true);
        hs.property("tickets", "hs_pipeline", "Pipeline", "enumeration", "select", true);
        hs.property("tickets", "hs_pipeline_stage", "Ticket status", "enumeration", "select", true);
        hs.property("tickets", "hs_ticket_priority", "Priority", "enumeration", "select", true, "LOW", "Low", "MEDIUM", "Medium",
                "HIGH", "High", "URGENT", "Urgent");
        hs.property("tickets", "source_type", "Source", "enumeration", "select", true, "CHAT", "Chat", "EMAIL", "Email",
                "FORM", "Form", "PHONE", "Phone");
        hs.property("tickets", "hubspot_owner_id", "Ticket owner", "enumeration", "select", true);
        hs.property("tickets", "hs_merged_object_ids", "Merged Ticket IDs", "enumeration", "checkbox", true);
        hs.pipeline("tickets", "0", "Support Pipeline",
                new String[] {"1", "New", "ticketState", "OPEN"},
                new String[] {"2", "Waiting on contact", "ticketState", "OPEN"},
                new String[] {"3", "Waiting on us", "ticketState", "OPEN"},
                new String[] {"4", "Closed", "ticketState", "CLOSED"});

        for (String e : List.of("notes", "tasks", "calls", "emails", "meetings")) {
            hs.property(e, "hs_timestamp", "Activity date", "datetime", "date", true);
            hs.property(e, "hubspot_owner_id", "Activity assigned to", "enumeration", "select", true);
            hs.property(e, "hs_attachment_ids", "Attached file IDs", "enumeration", "checkbox", true);
        }
        hs.property("notes", "hs_note_body", "Note body", "string", "html", true);
        hs.property("tasks", "hs_task_subject", "Task Title", "string", "text", true);
        hs.property("tasks", "hs_task_body", "Task notes", "string", "html", true);
        hs.property("tasks", "hs_task_status", "Task Status", "enumeration", "select", true, "NOT_STARTED", "Not started",
                "IN_PROGRESS", "In progress", "WAITING", "Waiting", "COMPLETED", "Completed", "DEFERRED", "Deferred");
        hs.property("tasks", "hs_task_priority", "Priority", "enumeration", "select", true, "NONE", "None", "LOW", "Low",
                "MEDIUM", "Medium", "HIGH", "High");
        hs.property("calls", "hs_call_title", "Call Title", "string", "text", true);
        hs.property("calls", "hs_call_body", "Call notes", "string", "html", true);
        hs.property("calls", "hs_call_status", "Call status", "enumeration", "select", true, "COMPLETED", "Completed",
                "NO_ANSWER", "No answer", "BUSY", "Busy", "FAILED", "Failed");
        hs.property("calls", "hs_call_direction", "Call direction", "enumeration", "select", true, "INBOUND", "Inbound",
                "OUTBOUND", "Outbound");
        hs.property("emails", "hs_email_subject", "Email subject", "string", "text", true);
        hs.property("emails", "hs_email_text", "Email body", "string", "textarea", true);
        hs.property("emails", "hs_email_direction", "Email direction", "enumeration", "select", true, "EMAIL", "Sent by owner",
                "INCOMING_EMAIL", "Reply from contact", "FORWARDED_EMAIL", "Forwarded");
        hs.property("emails", "hs_email_status", "Email send status", "enumeration", "select", true, "SENT", "Sent",
                "BOUNCED", "Bounced", "FAILED", "Failed", "SCHEDULED", "Scheduled", "SENDING", "Sending");
        hs.property("emails", "hs_email_from_email", "From", "string", "text", true);
        hs.property("emails", "hs_email_to_email", "To", "string", "text", true);
        hs.property("meetings", "hs_meeting_title", "Meeting name", "string", "text", true);
        hs.property("meetings", "hs_meeting_body", "Meeting description", "string", "html", true);
        hs.property("meetings", "hs_meeting_start_time", "Start time", "datetime", "date", true);
        hs.property("meetings", "hs_meeting_end_time", "End time", "datetime", "date", true);
        hs.property("meetings", "hs_meeting_location", "Location", "string", "text", true);
    }

    private Instant created() {
        return now.minusSeconds(3600L * 24 * 730).plusSeconds((long) (rnd.nextDouble() * 3600 * 24 * 700)).plusMillis(rnd.nextInt(1000))
                .truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    }

    private String owner() {
        return owners.get(rnd.nextInt(owners.size()));
    }

    private <T> T pick(List<T> list) {
        return list.get(rnd.nextInt(list.size()));
    }

    private static String pick(Random rnd, String... values) {
        return values[rnd.nextInt(values.length)];
    }

    private void data(int nContacts) {
        owners.add(hs.owner("ana.ortega@acme.example", "Ana", "Ortega", "PERSON", false));
        owners.add(hs.owner("ben.okafor@acme.example", "Ben", "Okafor", "PERSON", false));
        owners.add(hs.owner("chloe.martin@acme.example", "Chloé", "Martin", "PERSON", false));
        owners.add(hs.owner("dan.former@acme.example", "Dan", "Former", "PERSON", true));
        owners.add(hs.owner(null, null, null, "QUEUE", false));
        for (int i = 0; i < 20; i++) {
            products.add(hs.add("products", created(), "name", "Product " + i, "hs_sku", "SKU-" + (100 + i), "price",
                    Integer.toString(50 + i * 25), "hs_cost_of_goods_sold", (20 + i * 10) + ".5", "description", "A product, line " + i));
        }
        int nCompanies = Math.max(10, nContacts / 4);
        for (int i = 0; i < nCompanies; i++) {
            Rec c = hs.add("companies", created(), "name", "Company " + i + (i % 7 == 0 ? " Gmbh & Söhne" : " Inc."),
                    "domain", "company" + i + ".example", "website", "https://company" + i + ".example",
                    "industry", pick(rnd, "COMPUTER_SOFTWARE", "FINANCIAL_SERVICES", "RETAIL"),
                    "type", pick(rnd, "PROSPECT", "PARTNER", "RESELLER", "VENDOR", "OTHER"),
                    "phone", "+1 555 01" + String.format("%02d", i % 100), "city", pick(rnd, "Boston", "Dublin", "Zürich"),
                    "country", pick(rnd, "United States", "Ireland", "Switzerland"),
                    "numberofemployees", Integer.toString(5 + rnd.nextInt(5000)),
                    "annualrevenue", rnd.nextInt(10) == 0 ? "3.5E8" : Integer.toString(100_000 + rnd.nextInt(9_000_000)),
                    "hubspot_owner_id", owner(), "renewal_date", LocalDate.of(2026, 1 + rnd.nextInt(12), 1 + rnd.nextInt(28)).toString());
            if (i > 0 && i % 9 == 0) {
                c.props.put("hs_parent_company_id", companies.get(i - 1).id());
            }
            companies.add(c);
        }
        for (int i = 0; i < nContacts; i++) {
            Rec c = hs.add("contacts", created(), "firstname", pick(rnd, "Ana", "Jörg", "Siobhán", "Li", "Sam"),
                    "lastname", "Person " + i, "email", "person" + i + "@contacts.example", "phone", "+1 555 2" + String.format("%06d", i),
                    "jobtitle", pick(rnd, "CTO", "Buyer", "Engineer"),
                    "lifecyclestage", pick(rnd, "subscriber", "lead", "marketingqualifiedlead", "salesqualifiedlead", "opportunity", "customer"),
                    "hubspot_owner_id", i % 50 == 0 ? owners.get(4) : owner(), "customer_tier", pick(rnd, "gold", "silver", "bronze", null),
                    "newsletter_opt_in", rnd.nextBoolean() ? "true" : "false",
                    "date_of_birth", i % 3 == 0 ? LocalDate.of(1960 + rnd.nextInt(40), 1 + rnd.nextInt(12), 1 + rnd.nextInt(28)).toString() : null);
            Rec company = pick(companies);
            hs.associate("contacts", c, "companies", company);
            if (i % 20 == 0) {
                hs.associate("contacts", c, "companies", pick(companies));
            }
            contacts.add(c);
        }
        int nDeals = Math.max(10, nContacts / 4);
        String[] stages = {"appointmentscheduled", "qualifiedtobuy", "presentationscheduled", "decisionmakerboughtin", "contractsent",
            "closedwon", "closedlost"};
        for (int i = 0; i < nDeals; i++) {
            boolean renewal = i % 5 == 0;
            Rec d = hs.add("deals", created(), "dealname", "Deal " + i, "amount", i % 11 == 0 ? "1500.50" : Integer.toString(1000 + rnd.nextInt(90_000)),
                    // a close date is a date-time at midnight in the portal's time zone (US/Eastern)
                    "closedate", LocalDate.of(2025, 1 + rnd.nextInt(12), 1 + rnd.nextInt(28)).atStartOfDay(java.time.ZoneId.of("US/Eastern"))
                            .toInstant().toString(),
                    "pipeline", renewal ? "75123456" : "default", "dealstage", renewal ? pick(rnd, "75123457", "75123458", "75123459")
                            : stages[rnd.nextInt(stages.length)], "dealtype", pick(rnd, "newbusiness", "existingbusiness"),
                    "hubspot_owner_id", owner(), "deal_score", Integer.toString(rnd.nextInt(100)));
            hs.associate("deals", d, "companies", pick(companies));
            hs.associate("deals", d, "contacts", pick(contacts));
            if (i % 4 == 0) {
                hs.associate("deals", d, "contacts", pick(contacts));
            }
            deals.add(d);
            if (i % 2 == 0) {
                Rec product = pick(products);
                int qty = 1 + rnd.nextInt(5);
                Rec li = hs.add("line_items", created(), "name", product.get("name"), "quantity", Integer.toString(qty),
                        "price", product.get("price"), "amount", Integer.toString(qty * Integer.parseInt(product.get("price"))),
                        "hs_product_id", product.id());
                hs.associate("line_items", li, "deals", d);
            }
            if (i % 10 == 0) {
                Rec q = hs.add("quotes", created(), "hs_title", "Quote for deal " + i, "hs_status", pick(rnd, "DRAFT", "APPROVED",
                        "PENDING_APPROVAL", "REJECTED", "APPROVAL_NOT_NEEDED"), "hs_expiration_date", LocalDate.of(2026, 6, 30).toString(),
                        "hs_currency", "USD", "hubspot_owner_id", owner());
                q.props.put("hs_createdate", q.created.toString());
                hs.associate("quotes", q, "deals", d);
                hs.associate("quotes", q, "companies", pick(companies));
            }
        }
        int nTickets = Math.max(10, nContacts / 20);
        for (int i = 0; i < nTickets; i++) {
            Rec t = hs.add("tickets", created(), "subject", "Ticket " + i, "content", "Line one\nLine \"two\", with a comma",
                    "hs_pipeline", "0", "hs_pipeline_stage", pick(rnd, "1", "2", "3", "4"),
                    "hs_ticket_priority", pick(rnd, "LOW", "MEDIUM", "HIGH", "URGENT"), "source_type", pick(rnd, "CHAT", "EMAIL", "FORM", "PHONE"),
                    "hubspot_owner_id", owner());
            hs.associate("tickets", t, "companies", pick(companies));
            hs.associate("tickets", t, "contacts", pick(contacts));
            tickets.add(t);
        }
        int nActivities = Math.max(10, nContacts / 20);
        for (int i = 0; i < nActivities; i++) {
            Instant at = created();
            Rec n = hs.add("notes", at, "hs_note_body", "<p>Call with <b>contact " + i + "</b> &amp; team</p><ul><li>budget</li></ul>",
                    "hs_timestamp", at.toString(), "hubspot_owner_id", owner());
            if (i % 5 == 0) {
                n.props.put("hs_attachment_ids", hs.file("minutes-" + i, "txt", ("Minutes of meeting " + i).getBytes(StandardCharsets.UTF_8)));
                files++;
            }
            switch (i % 4) {
                case 0 -> hs.associate("notes", n, "deals", pick(deals));
                case 1 -> hs.associate("notes", n, "tickets", pick(tickets));
                case 2 -> hs.associate("notes", n, "contacts", pick(contacts));
                default -> hs.associate("notes", n, "companies", pick(companies));
            }
            if (i % 3 == 0) {
                hs.associate("notes", n, "contacts", pick(contacts));
            }
            notes.add(n);
            Rec task = hs.add("tasks", at, "hs_task_subject", "Follow up " + i, "hs_task_body", "<p>Send the <i>proposal</i></p>",
                    "hs_task_status", pick(rnd, "NOT_STARTED", "IN_PROGRESS", "WAITING", "COMPLETED", "DEFERRED"),
                    "hs_task_priority", pick(rnd, "NONE", "LOW", "MEDIUM", "HIGH"),
                    // due at 23:30 in New York: the next day in UTC, the due date stays the day in the portal's zone
                    "hs_timestamp", LocalDate.of(2025, 3, 1 + i % 28).atTime(23, 30).atZone(java.time.ZoneId.of("US/Eastern")).toInstant().toString(),
                    "hubspot_owner_id", owner());
            tasks.add(task);
            hs.associate("tasks", task, "contacts", pick(contacts));
            hs.associate("tasks", task, "deals", pick(deals));
            Rec call = hs.add("calls", at, "hs_call_title", "Call " + i, "hs_call_body", "<p>Discussed renewal</p>",
                    "hs_call_status", pick(rnd, "COMPLETED", "NO_ANSWER", "BUSY", "FAILED"), "hs_call_direction", pick(rnd, "INBOUND", "OUTBOUND"),
                    "hs_timestamp", at.toString(), "hubspot_owner_id", owner());
            hs.associate("calls", call, "contacts", pick(contacts));
            hs.associate("calls", call, "companies", pick(companies));
            Rec email = hs.add("emails", at, "hs_email_subject", "Re: proposal " + i, "hs_email_text", "Thanks, see attached.",
                    "hs_email_direction", pick(rnd, "EMAIL", "INCOMING_EMAIL"), "hs_email_status", pick(rnd, "SENT", "BOUNCED"),
                    "hs_email_from_email", "ana.ortega@acme.example", "hs_email_to_email", "person" + i + "@contacts.example",
                    "hs_timestamp", at.toString(), "hubspot_owner_id", owner());
            hs.associate("emails", email, "contacts", pick(contacts));
            hs.associate("emails", email, "deals", pick(deals));
            Rec meeting = hs.add("meetings", at, "hs_meeting_title", "Meeting " + i, "hs_meeting_body", "<p>Agenda</p>",
                    "hs_meeting_start_time", at.toString(), "hs_meeting_end_time", at.plusSeconds(3600).toString(),
                    "hs_meeting_location", "Room " + (i % 5), "hs_timestamp", at.toString(), "hubspot_owner_id", owner());
            if (i % 7 == 0) {
                meeting.props.put("hs_attachment_ids", hs.file("slides-" + i, "pdf", ("%PDF-1.4 slides " + i).getBytes(StandardCharsets.UTF_8))
                        + ";" + hs.file("agenda-" + i, "txt", ("agenda " + i).getBytes(StandardCharsets.UTF_8)));
                files += 2;
            }
            hs.associate("meetings", meeting, "contacts", pick(contacts));
            hs.associate("meetings", meeting, "tickets", pick(tickets));
            meetings.add(meeting);
        }
    }
}
