package io.hotcrm.migration.salesforce;

import io.hotcrm.migration.SourceDefaults;
import io.hotcrm.migration.SourceDefaults.FieldPair;
import io.hotcrm.migration.SourceDefaults.ObjectPair;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What HotCRM knows of Salesforce's standard objects: the seed's object pairs in the order that keeps references
 * intact (users, products, accounts, contacts, leads, opportunities and their line items, price books, quotes and
 * their line items, campaigns and members, contracts, cases, tasks and events), each standard field's HotCRM
 * counterpart, the polymorphic WhoId/WhatId by target type, and the bookkeeping fields no plan needs.
 */
final class SalesforceDefaults {
    private static final Map<String, List<FieldPair>> FIELDS = new LinkedHashMap<>();

    static {
        pairs("User", "Email", "email", "Name", "name", "IsActive", "active", "Title", "title", "Department", "department",
                "Phone", "phone", "TimeZoneSidKey", "time_zone");
        pairs("Product2", "Name", "name", "ProductCode", "product_code", "Description", "description", "Family", "family",
                "IsActive", "is_active", "QuantityUnitOfMeasure", "quantity_unit");
        pairs("Account", "Name", "name", "AccountNumber", "account_number", "Type", "type", "Industry", "industry",
                "AnnualRevenue", "annual_revenue", "NumberOfEmployees", "number_of_employees", "Rating", "rating",
                "Phone", "phone", "Fax", "fax", "Website", "website", "PersonEmail", "email",
                "BillingStreet", "billing_street", "BillingCity", "billing_city", "BillingState", "billing_state",
                "BillingPostalCode", "billing_postal_code", "BillingCountry", "billing_country",
                "ShippingStreet", "shipping_street", "ShippingCity", "shipping_city", "ShippingState", "shipping_state",
                "ShippingPostalCode", "shipping_postal_code", "ShippingCountry", "shipping_country",
                "Description", "description", "ParentId", "parent_id");
        pairs("Contact", "FirstName", "first_name", "LastName", "last_name", "Salutation", "salutation",
                "AccountId", "account_id", "ReportsToId", "reports_to_id", "Title", "title", "Department", "department",
                "Email", "email", "Phone", "phone", "MobilePhone", "mobile_phone", "Fax", "fax", "Description", "notes",
                "LastActivityDate", "last_contact_date");
        pairs("Lead", "FirstName", "first_name", "LastName", "last_name", "Company", "company", "Title", "title",
                "Email", "email", "Phone", "phone", "MobilePhone", "mobile_phone", "Website", "website", "Status", "status",
                "Rating", "rating", "Industry", "industry", "NumberOfEmployees", "number_of_employees",
                "AnnualRevenue", "annual_revenue", "LeadSource", "lead_source", "Street", "street", "City", "city",
                "State", "state", "PostalCode", "postal_code", "Country", "country", "Description", "description");
        pairs("Opportunity", "Name", "name", "AccountId", "account_id", "ContactId", "contact_id", "Amount", "amount",
                "CloseDate", "close_date", "StageName", "stage", "Probability", "probability", "NextStep", "next_step",
                "LeadSource", "lead_source", "ForecastCategoryName", "forecast_category", "Type", "type",
                "ExpectedRevenue", "expected_revenue");
        // a line item's product is its price book entry's product
        pairs("OpportunityLineItem", "OpportunityId", "opportunity_id", "PricebookEntry.Product2Id", "product_id",
                "Quantity", "quantity", "ListPrice", "list_price", "UnitPrice", "unit_price", "Discount", "discount",
                "TotalPrice", "total_price", "ServiceDate", "service_date", "Description", "description");
        // price books in a multi-currency org carry their currency; a single-currency org's is filled in from the org's
        pairs("Pricebook2", "Name", "name", "IsActive", "is_active", "IsStandard", "is_standard", "Description", "description",
                "CurrencyIsoCode", "currency");
        // a quote is dated the day it was made (Salesforce has no quote date); it is the primary quote when it syncs
        // with its opportunity
        pairs("Quote", "Name", "name", "QuoteNumber", "quote_number", "OpportunityId", "opportunity_id", "AccountId", "account_id",
                "ContactId", "contact_id", "Pricebook2Id", "pricebook_id", "Status", "status", "CreatedDate", "quote_date",
                "ExpirationDate", "expiration_date", "ShippingHandling", "shipping_handling", "IsSyncing", "is_primary_quote",
                "CurrencyIsoCode", "currency_code", "Description", "description",
                "BillingStreet", "billing_street", "BillingCity", "billing_city", "BillingState", "billing_state",
                "BillingPostalCode", "billing_postal_code", "BillingCountry", "billing_country",
                "ShippingStreet", "shipping_street", "ShippingCity", "shipping_city", "ShippingState", "shipping_state",
                "ShippingPostalCode", "shipping_postal_code", "ShippingCountry", "shipping_country");
        pairs("QuoteLineItem", "QuoteId", "quote_id", "PricebookEntry.Product2Id", "product_id", "LineNumber", "line_number",
                "Quantity", "quantity", "ListPrice", "list_price", "UnitPrice", "unit_price", "Discount", "discount_percent",
                "ServiceDate", "service_start_date", "Description", "description");
        pairs("Campaign", "Name", "name", "Type", "type", "Status", "status", "StartDate", "start_date", "EndDate", "end_date",
                "BudgetedCost", "budgeted_cost", "ActualCost", "actual_cost", "ExpectedRevenue", "expected_revenue",
                "Description", "description", "IsActive", "is_active", "ParentId", "parent_campaign_id");
        pairs("CampaignMember", "CampaignId", "campaign_id", "LeadId", "lead_id", "ContactId", "contact_id",
                "Status", "status", "HasResponded", "has_responded");
        pairs("Contract", "AccountId", "account_id", "ContractNumber", "contract_number", "Status", "status",
                "StartDate", "start_date", "EndDate", "end_date", "ContractTerm", "contract_term");
        pairs("Case", "CaseNumber", "case_number", "Subject", "subject", "Description", "description", "Status", "status",
                "Priority", "priority", "Origin", "origin", "Type", "type", "AccountId", "account_id", "ContactId", "contact_id",
                "ParentId", "parent_case_id", "IsEscalated", "is_escalated", "ClosedDate", "closed_date");
        Map<String, String> who = Map.of("Contact", "who_id", "Lead", "lead_id");
        Map<String, String> what = Map.of("Account", "what_id", "Opportunity", "opportunity_id", "Case", "case_id");
        pairs("Task", "Subject", "subject", "Priority", "priority", "Status", "status", "ActivityDate", "due_date",
                "Description", "description", "CompletedDateTime", "completed_date", "ReminderDateTime", "reminder_date_time",
                "IsReminderSet", "is_reminder_set");
        FIELDS.get("Task").add(new FieldPair("WhoId", null, who));
        FIELDS.get("Task").add(new FieldPair("WhatId", null, what));
        pairs("Event", "Subject", "subject", "StartDateTime", "start_at", "EndDateTime", "end_at", "IsAllDayEvent", "all_day",
                "Location", "location", "Description", "description");
        FIELDS.get("Event").add(new FieldPair("WhoId", null, who));
        FIELDS.get("Event").add(new FieldPair("WhatId", null, what));
        // the playbook's last step: notes and files, each linked to the record it belonged to
        Map<String, String> parents = new LinkedHashMap<>();
        for (String[] p : new String[][] {{"Account", "account"}, {"Contact", "contact"}, {"Lead", "lead"}, {"Opportunity", "opportunity"},
            {"Case", "case"}, {"Contract", "contract"}, {"Campaign", "campaign"}, {"Product2", "product"}, {"Task", "task"}}) {
            parents.put(p[0], p[1]);
        }
        pairs("Note", "Title", "title", "Body", "body", "IsPrivate", "is_private");
        FIELDS.get("Note").add(FieldPair.parent("ParentId", "parent_id", "parent_type", parents));
        // Lightning notes: their body is an HTML blob, read as text; they belong to the records they are shared with
        pairs("ContentNote", "Title", "title");
        FIELDS.get("ContentNote").add(FieldPair.parent(SalesforceSource.LINKED, "parent_id", "parent_type", parents));
        FIELDS.get("ContentNote").add(FieldPair.text("Content", "body"));
        pairs("Attachment", "Name", "name", "ContentType", "content_type", "Description", "description");
        FIELDS.get("Attachment").add(FieldPair.parent("ParentId", "parent_id", "parent_object", parents));
        FIELDS.get("Attachment").add(FieldPair.content("Body", "storage_key"));
        pairs("ContentVersion", "PathOnClient", "name", "Description", "description");
        FIELDS.get("ContentVersion").add(FieldPair.parent(SalesforceSource.LINKED, "parent_id", "parent_object", parents));
        FIELDS.get("ContentVersion").add(FieldPair.content("VersionData", "storage_key"));
    }

    private static void pairs(String object, String... sourceThenTarget) {
        List<FieldPair> list = new ArrayList<>();
        for (int i = 0; i < sourceThenTarget.length; i += 2) {
            list.add(FieldPair.of(sourceThenTarget[i], sourceThenTarget[i + 1]));
        }
        FIELDS.put(object, list);
    }

    static final SourceDefaults DEFAULTS = new SourceDefaults("Id", "OwnerId", "CreatedDate", "CreatedById", "SystemModstamp",
            "LastModifiedDate",
            "User", "Email", "IsActive", Set.of("00G"),
            List.of(new ObjectPair("User", "user", null),
                    new ObjectPair("Product2", "product", null),
                    new ObjectPair("Account", "account", null),
                    new ObjectPair("Contact", "contact", null),
                    new ObjectPair("Lead", "lead", null),
                    new ObjectPair("Campaign", "campaign", null),
                    new ObjectPair("Opportunity", "opportunity", null),
                    new ObjectPair("OpportunityLineItem", "opportunity_line_item", null),
                    new ObjectPair("Pricebook2", "pricebook", null),
                    new ObjectPair("Quote", "quote", null),
                    new ObjectPair("QuoteLineItem", "quote_line_item", null),
                    new ObjectPair("CampaignMember", "campaign_member", null),
                    new ObjectPair("Contract", "contract", null),
                    new ObjectPair("Case", "case", null),
                    new ObjectPair("Task", "task", null),
                    new ObjectPair("Event", "event", null),
                    new ObjectPair("Note", "note", null),
                    new ObjectPair("ContentNote", "note", null),
                    new ObjectPair("Attachment", "file", null),
                    new ObjectPair("ContentVersion", "file", null),
                    new ObjectPair("PricebookEntry", null, "Read through the line items it prices (their product); prices stay"
                            + " on the line items."),
                    new ObjectPair("OpportunityContactRole", null, "HotCRM has no contact roles; an opportunity keeps its"
                            + " primary contact (ContactId)."),
                    new ObjectPair("Group", null, "Queues own no records in HotCRM: what they own goes to the fallback owner."),
                    new ObjectPair("RecordType", null, "HotCRM has no record types.")),
            FIELDS,
            Set.of("Id", "IsDeleted", "MasterRecordId", "SystemModstamp", "LastModifiedDate", "LastModifiedById",
                    "LastViewedDate", "LastReferencedDate", "LastActivityDate", "RecordTypeId", "PhotoUrl", "Jigsaw",
                    "JigsawContactId", "JigsawCompanyId", "CleanStatus", "PersonContactId", "IsPersonAccount", "Name@Contact",
                    "Name@Lead", "IsClosed", "IsWon", "ForecastCategory", "FiscalYear", "FiscalQuarter", "Fiscal",
                    "HasOpportunityLineItem", "HasOpenActivity", "HasOverdueTask", "LastStageChangeDate",
                    "LastAmountChangedHistoryId", "LastCloseDateChangedHistoryId", "IsArchived", "IsChild", "IsGroupEvent",
                    "RecurrenceActivityId", "DandbCompanyId", "IndividualId", "OwnerId", "CreatedDate", "CreatedById", "ParentId@ContentVersion",
                    "ContentDocumentId", "IsLatest", "VersionNumber", "ContentSize", "FileType", "FileExtension", "Checksum",
                    "BodyLength", "Title@ContentVersion", "TextPreview", "LatestPublishedVersionId", "IsReadOnly", "SharingPrivacy"));

    private SalesforceDefaults() {
    }
}
