package io.hotcrm.migration.hubspot;

import io.hotcrm.migration.SourceDefaults;
import io.hotcrm.migration.SourceDefaults.FieldPair;
import io.hotcrm.migration.SourceDefaults.ObjectPair;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What HotCRM knows of HubSpot's CRM objects: the seed's pairs in the order that keeps references intact (owners,
 * the product library and its products, companies, contacts, deals and their line items, quotes, tickets, then notes,
 * tasks, calls, emails and meetings, and the files attached to them), each standard property's HotCRM counterpart,
 * the associations read as lookups, and the values of HubSpot's standard enumerations that mean a HotCRM value.
 */
final class HubSpotDefaults {
    static final String OWNERS = "owners";
    /** HubSpot's product library: one price per product, HotCRM's price book. */
    static final String LIBRARY = "product_library";
    static final String ATTACHMENTS = "attachments";
    /** The engagements a file can be attached to ({@code hs_attachment_ids}). */
    static final List<String> ENGAGEMENTS = List.of("notes", "tasks", "calls", "emails", "meetings");

    // fields every record has, and those HubSpotSource makes of associations
    static final String ID = "id";
    static final String CREATED = "createdAt";
    static final String UPDATED = "updatedAt";
    static final String OWNER = "hubspot_owner_id";
    static final String PARENT = "parent";
    static final String CONTENT = "content";
    static final String COMPANY = "associated_company";
    static final String CONTACT = "associated_contact";
    static final String DEAL = "associated_deal";
    static final String TICKET = "associated_ticket";
    /** Association fields and the object type each reads. */
    static final Map<String, String> ASSOCIATED = Map.of(COMPANY, "companies", CONTACT, "contacts", DEAL, "deals", TICKET, "tickets");

    /** Which association fields each object has. */
    static final Map<String, List<String>> ASSOCIATIONS = new LinkedHashMap<>();
    /** A note's record, most specific first: the deal or ticket it is about before the person or company. */
    static final List<String> NOTE_PARENTS = List.of("deals", "tickets", "contacts", "companies");
    /** Date-time properties that hold a day (a deal's close date, a task's due date): read as the day in the portal's time zone. */
    static final Map<String, Set<String>> DAYS = Map.of("deals", Set.of("closedate"), "tasks", Set.of("hs_timestamp"),
            "contacts", Set.of("notes_last_contacted"),
            "quotes", Set.of("hs_createdate"));
    /** HubSpot-defined properties HotCRM has no field for but a migration keeps, as custom fields the plan proposes. */
    static final Set<String> KEEP = Set.of("pipeline", "hs_pipeline", "lifecyclestage", "hs_lead_status");
    /** Rich-text properties, read as text. */
    static final Set<String> HTML = Set.of("hs_note_body", "hs_task_body", "hs_call_body", "hs_meeting_body", "hs_email_html");

    private static final Map<String, List<FieldPair>> FIELDS = new LinkedHashMap<>();
    /** "object.property" → HubSpot value → the HotCRM value it means. */
    static final Map<String, Map<String, String>> HINTS = new LinkedHashMap<>();

    static {
        ASSOCIATIONS.put("contacts", List.of(COMPANY));
        ASSOCIATIONS.put("deals", List.of(COMPANY, CONTACT));
        ASSOCIATIONS.put("line_items", List.of(DEAL));
        ASSOCIATIONS.put("quotes", List.of(DEAL, COMPANY, CONTACT));
        ASSOCIATIONS.put("tickets", List.of(COMPANY, CONTACT));
        for (String e : List.of("tasks", "calls", "emails", "meetings")) {
            ASSOCIATIONS.put(e, List.of(CONTACT, COMPANY, DEAL, TICKET));
        }

        pairs(OWNERS, "email", "email", "name", "name", "active", "active");
        pairs(LIBRARY, "name", "name", "is_active", "is_active", "is_standard", "is_standard", "currency", "currency");
        pairs("products", "name", "name", "hs_sku", "product_code", "description", "description", "price", "list_price",
                "hs_cost_of_goods_sold", "cost_price");
        pairs("companies", "name", "name", "industry", "industry", "type", "type", "annualrevenue", "annual_revenue",
                "numberofemployees", "number_of_employees", "phone", "phone", "website", "website", "address", "billing_street",
                "city", "billing_city", "state", "billing_state", "zip", "billing_postal_code", "country", "billing_country",
                "description", "description", "hs_parent_company_id", "parent_id");
        pairs("contacts", "firstname", "first_name", "lastname", "last_name", "email", "email", "phone", "phone",
                "mobilephone", "mobile_phone", "fax", "fax", "jobtitle", "title", COMPANY, "account_id",
                "notes_last_contacted", "last_contact_date");
        pairs("deals", "dealname", "name", "amount", "amount", "closedate", "close_date", "dealstage", "stage", "dealtype", "type",
                COMPANY, "account_id", CONTACT, "contact_id");
        pairs("line_items", DEAL, "opportunity_id", "hs_product_id", "product_id", "quantity", "quantity", "price", "unit_price",
                "hs_discount_percentage", "discount", "amount", "total_price", "description", "description");
        pairs("quotes", "hs_title", "name", "hs_status", "status", DEAL, "opportunity_id", COMPANY, "account_id",
                CONTACT, "contact_id", LIBRARY, "pricebook_id", "hs_createdate", "quote_date", "hs_expiration_date",
                "expiration_date", "hs_currency", "currency_code", "hs_comments", "description");
        pairs("tickets", "subject", "subject", "content", "description", "hs_pipeline_stage", "status", "hs_ticket_priority",
                "priority", "hs_ticket_category", "type", "source_type", "origin", "closed_date", "closed_date",
                COMPANY, "account_id", CONTACT, "contact_id");
        pairs("notes", "title", "title", "hs_note_body", "body");
        FIELDS.get("notes").add(FieldPair.parent(PARENT, "parent_id", "parent_type", Map.of("contacts", "contact",
                "companies", "account", "deals", "opportunity", "tickets", "case")));
        pairs("tasks", "hs_task_subject", "subject", "hs_task_body", "description", "hs_task_status", "status",
                "hs_task_priority", "priority", "hs_timestamp", "due_date", CONTACT, "who_id", COMPANY, "what_id",
                DEAL, "opportunity_id", TICKET, "case_id");
        pairs("calls", "hs_call_title", "subject", "hs_call_body", "description", "hs_call_status", "status",
                "hs_timestamp", "activity_date", "hs_call_direction", "call_type", CONTACT, "who_id", COMPANY, "what_id");
        pairs("emails", "hs_email_subject", "subject", "hs_email_text", "body", "hs_email_direction", "direction",
                "hs_email_status", "status", "hs_timestamp", "sent_at", "hs_email_from_email", "from_address",
                "hs_email_to_email", "to_address", "hs_email_cc_email", "cc_address", CONTACT, "contact_id",
                COMPANY, "account_id", DEAL, "opportunity_id", TICKET, "case_id");
        pairs("meetings", "hs_meeting_title", "subject", "hs_meeting_body", "description", "hs_meeting_start_time", "start_at",
                "hs_meeting_end_time", "end_at", "hs_meeting_location", "location", "hs_meeting_external_url", "meeting_link",
                CONTACT, "who_id", COMPANY, "what_id", DEAL, "opportunity_id", TICKET, "case_id");
        pairs(ATTACHMENTS, "name", "name", "content_type", "content_type");
        FIELDS.get(ATTACHMENTS).add(FieldPair.parent(PARENT, "parent_id", "parent_object", Map.of("notes", "note",
                "tasks", "task", "calls", "activity", "emails", "email_message", "meetings", "event")));
        FIELDS.get(ATTACHMENTS).add(FieldPair.content(CONTENT, "storage_key"));

        hints("companies.type", "PROSPECT", "Prospect", "PARTNER", "Partner", "RESELLER", "Partner", "VENDOR", "Other",
                "OTHER", "Other", "CUSTOMER", "Customer");
        hints("deals.dealtype", "newbusiness", "New Business", "existingbusiness", "Existing Business - Upgrade");
        hints("tickets.hs_ticket_priority", "LOW", "Low", "MEDIUM", "Medium", "HIGH", "High", "URGENT", "Critical");
        hints("tickets.hs_ticket_category", "PRODUCT_ISSUE", "Problem", "BILLING_ISSUE", "Question", "FEATURE_REQUEST",
                "Feature Request", "GENERAL_INQUIRY", "Question");
        hints("tickets.source_type", "CHAT", "Web", "EMAIL", "Email", "FORM", "Web", "PHONE", "Phone");
        hints("quotes.hs_status", "DRAFT", "Draft", "APPROVAL_NOT_NEEDED", "Approved", "PENDING_APPROVAL", "In Review",
                "APPROVED", "Approved", "REJECTED", "Rejected");
        hints("tasks.hs_task_status", "NOT_STARTED", "Not Started", "IN_PROGRESS", "In Progress", "WAITING", "Waiting",
                "COMPLETED", "Completed", "DEFERRED", "Deferred");
        hints("tasks.hs_task_priority", "NONE", "Normal", "LOW", "Low", "MEDIUM", "Normal", "HIGH", "High");
        hints("calls.hs_call_status", "COMPLETED", "Completed", "BUSY", "Completed", "NO_ANSWER", "Completed", "FAILED",
                "Cancelled", "CANCELED", "Cancelled", "CONNECTING", "In Progress", "RINGING", "In Progress", "IN_PROGRESS",
                "In Progress", "QUEUED", "Planned", "CALLING_CRM_USER", "In Progress", "MISSED", "Completed");
        hints("calls.hs_call_direction", "INBOUND", "Inbound", "OUTBOUND", "Outbound");
        hints("emails.hs_email_direction", "EMAIL", "Outbound", "INCOMING_EMAIL", "Inbound", "FORWARDED_EMAIL", "Outbound");
        hints("emails.hs_email_status", "SENT", "Sent", "BOUNCED", "Bounced", "FAILED", "Bounced", "SCHEDULED", "Draft",
                "SENDING", "Draft");
    }

    private static void pairs(String object, String... sourceThenTarget) {
        List<FieldPair> list = new ArrayList<>();
        for (int i = 0; i < sourceThenTarget.length; i += 2) {
            list.add(FieldPair.of(sourceThenTarget[i], sourceThenTarget[i + 1]));
        }
        FIELDS.put(object, list);
    }

    private static void hints(String property, String... valueThenHint) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < valueThenHint.length; i += 2) {
            m.put(valueThenHint[i], valueThenHint[i + 1]);
        }
        HINTS.put(property, m);
    }

    static final SourceDefaults DEFAULTS = new SourceDefaults(ID, OWNER, CREATED, null, UPDATED, UPDATED,
            OWNERS, "email", "active", Set.of(),
            List.of(new ObjectPair(OWNERS, "user", null),
                    new ObjectPair(LIBRARY, "pricebook", null),
                    new ObjectPair("products", "product", null),
                    new ObjectPair("companies", "account", null),
                    new ObjectPair("contacts", "contact", null),
                    new ObjectPair("deals", "opportunity", null),
                    new ObjectPair("line_items", "opportunity_line_item", null),
                    new ObjectPair("quotes", "quote", null),
                    new ObjectPair("tickets", "case", null),
                    new ObjectPair("notes", "note", null),
                    new ObjectPair("tasks", "task", null),
                    new ObjectPair("calls", "activity", null),
                    new ObjectPair("emails", "email_message", null),
                    new ObjectPair("meetings", "event", null),
                    new ObjectPair(ATTACHMENTS, "file", null),
                    new ObjectPair("communications", null, "HotCRM has no object for SMS, WhatsApp and LinkedIn messages logged"
                            + " in HubSpot."),
                    new ObjectPair("postal_mail", null, "HotCRM has no object for postal mail logged in HubSpot.")),
            FIELDS,
            Set.of(ID, OWNER, "hs_object_id", "createdate", "hs_createdate@contacts", "hs_createdate@companies",
                    "hs_createdate@deals", "hs_createdate@tickets", "hs_createdate@products", "hs_createdate@line_items",
                    "lastmodifieddate", "hs_lastmodifieddate", "hs_merged_object_ids", "hs_all_owner_ids",
                    "hs_all_team_ids", "hs_all_accessible_team_ids", "hs_user_ids_of_all_owners", "hubspot_team_id",
                    "hs_created_by_user_id", "hs_updated_by_user_id", "hs_object_source", "hs_object_source_id",
                    "hs_object_source_label", "hs_object_source_detail_1", "hs_object_source_detail_2",
                    "hs_object_source_detail_3", "hs_object_source_user_id", "hs_was_imported",
                    "hs_attachment_ids", "associatedcompanyid", "hs_unique_creation_key", "hubspot_owner_assigneddate"));

    private HubSpotDefaults() {
    }
}
