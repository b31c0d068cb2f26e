package io.hotcrm.testing;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The generated org the fake Salesforce serves: about 2,000 × {@code scale} records over every mapped object, with
 * what real orgs have — Person Accounts, queue-owned leads and cases, inactive users, contacts reporting to contacts,
 * parent accounts and cases, tasks and events pointing at contacts or leads and at accounts, opportunities, cases
 * (and some at campaigns, which tasks cannot keep), custom fields, non-ASCII text, records in the recycle bin.
 * Picklist values are those of the describes served. Deterministic: the same scale gives the same org.
 */
final class OrgGenerator {
    private static final String[] FIRST = {"Ann", "José", "Zoë", "Łukasz", "Ирина", "李", "Søren", "Amélie", "Mohammed", "Grace"};
    private static final String[] LAST = {"Lee", "O'Brien", "Ødegård", "van der Berg", "Müller", "García", "Kowalski", "Nakamura"};
    private static final String[] CITIES = {"Berlin", "São Paulo", "Zürich", "Kraków", "Austin", "東京"};

    private final FakeSalesforce sf;
    private final int scale;
    private final SplittableRandom r = new SplittableRandom(20261201);
    private final List<String> users = new ArrayList<>();
    private String queue;

    OrgGenerator(FakeSalesforce sf, int scale) {
        this.sf = sf;
        this.scale = scale;
    }

    void generate() {
        sf.insert("Organization", map("Id", "00DRz0000000001AAA", "Name", "Acme Fake Org", "IsSandbox", true, "TimeZoneSidKey",
                "Europe/Berlin", "DefaultCurrencyIsoCode", "EUR"));
        for (int i = 1; i <= 12; i++) {
            users.add(sf.insert("User", map("Username", "user" + i + "@acme.example.sf", "FirstName", FIRST[i % FIRST.length],
                    "LastName", LAST[i % LAST.length], "Name", FIRST[i % FIRST.length] + " " + LAST[i % LAST.length],
                    "Email", "user" + i + "@acme.example", "Alias", "u" + i, "IsActive", i <= 10, "Title", "Account Executive",
                    "TimeZoneSidKey", "Europe/Berlin", "UserType", "Standard")));
        }
        queue = sf.insert("Group", map("Name", "Support Queue", "Type", "Queue"));
        List<String> products = new ArrayList<>();
        List<String> entries = new ArrayList<>();
        String book = sf.insert("Pricebook2", map("Name", "Standard Price Book", "IsActive", true, "IsStandard", true));
        for (int i = 0; i < 5 * scale; i++) {
            String p = sf.insert("Product2", stamp(map("Name", "Widget " + i + (i % 7 == 0 ? " – Größe XL" : ""),
                    "ProductCode", "W-" + i, "IsActive", i % 9 != 0, "Family", pick("Product2", "Family"))));
            products.add(p);
            entries.add(sf.insert("PricebookEntry", map("Pricebook2Id", book, "Product2Id", p,
                    "UnitPrice", new BigDecimal(10 + r.nextInt(990) + ".50"), "IsActive", true)));
        }
        List<String> accounts = new ArrayList<>();
        List<String> contacts = new ArrayList<>();
        for (int i = 0; i < 200 * scale; i++) {
            boolean person = i % 10 == 9;
            Map<String, Object> a = stamp(map("OwnerId", user(), "Industry", pick("Account", "Industry"), "Type",
                    pick("Account", "Type"), "Rating", pick("Account", "Rating"), "BillingCity", CITIES[r.nextInt(CITIES.length)],
                    "BillingStreet", (1 + r.nextInt(200)) + " Hauptstraße" + (i % 13 == 0 ? "\nHinterhaus" : ""),
                    "AnnualRevenue", i % 5 == 0 ? new BigDecimal("350000000") : new BigDecimal(1000 + r.nextInt(900000)),
                    "NumberOfEmployees", 1 + r.nextInt(5000), "Phone", "+49 30 " + (1000000 + i),
                    "CustomerPriority__c", pick("Account", "CustomerPriority__c"), "SLA__c", pick("Account", "SLA__c"),
                    "NumberofLocations__c", new BigDecimal(1 + r.nextInt(40)), "SLAExpirationDate__c", FakeSalesforce.day(r)));
            if (person) {
                String first = FIRST[r.nextInt(FIRST.length)];
                String last = LAST[r.nextInt(LAST.length)];
                a.put("IsPersonAccount", true);
                a.put("FirstName", first);
                a.put("LastName", last);
                a.put("Name", first + " " + last);
                a.put("PersonEmail", "person" + i + "@home.example");
                String id = sf.insert("Account", a);
                String contact = sf.insert("Contact", stamp(map("AccountId", id, "FirstName", first, "LastName", last,
                        "Email", "person" + i + "@home.example", "OwnerId", a.get("OwnerId"), "Loyalty_Tier__c", pick("Contact", "Loyalty_Tier__c"))));
                sf.update("Account", id, "PersonContactId", contact);
                contacts.add(contact);
                accounts.add(id);
            } else {
                a.put("IsPersonAccount", false);
                a.put("Name", "Müller & Söhne " + i + (i % 4 == 0 ? ", Inc." : ""));
                a.put("AccountNumber", "ACC-" + i);
                if (!accounts.isEmpty() && i % 17 == 0) {
                    a.put("ParentId", accounts.get(r.nextInt(accounts.size())));
                }
                accounts.add(sf.insert("Account", a));
            }
        }
        for (int i = 0; i < 400 * scale; i++) {
            String first = FIRST[r.nextInt(FIRST.length)];
            Map<String, Object> c = stamp(map("AccountId", accounts.get(r.nextInt(accounts.size())), "FirstName", first,
                    "LastName", LAST[r.nextInt(LAST.length)], "Salutation", pick("Contact", "Salutation"), "Email", "contact" + i + "@example.com",
                    "Title", i % 3 == 0 ? "CFO" : "Einkäuferin", "Phone", "+1 555 " + (100000 + i), "OwnerId", user(),
                    "Description", i % 11 == 0 ? "Met at the fair, \"keen\" on a demo;\nprefers email" : null,
                    "Loyalty_Tier__c", i % 4 == 0 ? null : pick("Contact", "Loyalty_Tier__c")));
            if (!contacts.isEmpty() && i % 9 == 0) {
                c.put("ReportsToId", contacts.get(r.nextInt(contacts.size())));
            }
            contacts.add(sf.insert("Contact", c));
        }
        List<String> leads = new ArrayList<>();
        for (int i = 0; i < 300 * scale; i++) {
            leads.add(sf.insert("Lead", stamp(map("FirstName", FIRST[r.nextInt(FIRST.length)], "LastName", LAST[r.nextInt(LAST.length)],
                    "Company", "Prospect " + i + " GmbH", "Email", "lead" + i + "@prospect.example", "Status", pick("Lead", "Status"),
                    "LeadSource", pick("Lead", "LeadSource"), "Industry", pick("Lead", "Industry"), "City", CITIES[r.nextInt(CITIES.length)],
                    "OwnerId", i % 8 == 0 ? queue : user()))));
        }
        List<String> campaigns = new ArrayList<>();
        for (int i = 0; i < 2 * scale; i++) {
            campaigns.add(sf.insert("Campaign", stamp(map("Name", "Campaign " + i, "Type", pick("Campaign", "Type"),
                    "Status", pick("Campaign", "Status"), "StartDate", FakeSalesforce.day(r), "IsActive", true,
                    "BudgetedCost", new BigDecimal(1000 * (1 + i)), "OwnerId", user()))));
        }
        List<String> opps = new ArrayList<>();
        List<String> oppAccounts = new ArrayList<>();
        for (int i = 0; i < 250 * scale; i++) {
            oppAccounts.add(accounts.get(r.nextInt(accounts.size())));
            opps.add(sf.insert("Opportunity", stamp(map("Name", "Deal " + i, "AccountId", oppAccounts.get(i),
                    "StageName", pick("Opportunity", "StageName"), "CloseDate", FakeSalesforce.day(r),
                    "Amount", new BigDecimal(r.nextInt(500000) + ".00"), "Probability", new BigDecimal(r.nextInt(101)),
                    "Type", pick("Opportunity", "Type"), "LeadSource", pick("Opportunity", "LeadSource"), "OwnerId", user(),
                    "Renewal_Date__c", i % 2 == 0 ? FakeSalesforce.day(r) : null))));
        }
        for (int i = 0; i < 300 * scale; i++) {
            int p = r.nextInt(entries.size());
            sf.insert("OpportunityLineItem", stamp(map("OpportunityId", opps.get(r.nextInt(opps.size())), "PricebookEntryId",
                    entries.get(p), "Product2Id", products.get(p), "Quantity", new BigDecimal(1 + r.nextInt(20)),
                    "UnitPrice", new BigDecimal("99.90"), "ListPrice", new BigDecimal("120.00"), "ServiceDate", FakeSalesforce.day(r))));
        }
        // quotes of some deals, each with a few lines priced from the price book
        for (int i = 0; i < 20 * scale; i++) {
            int o = r.nextInt(opps.size());
            String quote = sf.insert("Quote", stamp(map("Name", "Angebot " + i + (i % 5 == 0 ? " – Größe XL" : ""),
                    "QuoteNumber", String.format("%08d", i + 1), "OpportunityId", opps.get(o), "AccountId", oppAccounts.get(o),
                    "ContactId", i % 3 == 0 ? null : contacts.get(r.nextInt(contacts.size())), "Pricebook2Id", book,
                    "Status", pick("Quote", "Status"), "ExpirationDate", FakeSalesforce.day(r),
                    "ShippingHandling", new BigDecimal("25.00"), "IsSyncing", i % 4 == 0, "BillingCity", CITIES[r.nextInt(CITIES.length)],
                    "OwnerId", i % 6 == 0 ? queue : user())));
            for (int line = 1; line <= 1 + r.nextInt(3); line++) {
                int p = r.nextInt(entries.size());
                sf.insert("QuoteLineItem", stamp(map("QuoteId", quote, "PricebookEntryId", entries.get(p), "Product2Id", products.get(p),
                        "LineNumber", String.format("%08d", line), "Quantity", new BigDecimal(1 + r.nextInt(10)),
                        "UnitPrice", new BigDecimal("89.50"), "ListPrice", new BigDecimal("99.00"), "Discount", new BigDecimal("10"))));
            }
        }
        for (int i = 0; i < 150 * scale; i++) {
            boolean lead = i % 2 == 0;
            sf.insert("CampaignMember", stamp(map("CampaignId", campaigns.get(r.nextInt(campaigns.size())),
                    lead ? "LeadId" : "ContactId", lead ? leads.get(i % leads.size()) : contacts.get(i % contacts.size()),
                    "Status", pick("CampaignMember", "Status"), "HasResponded", i % 3 == 0)));
        }
        for (int i = 0; i < 30 * scale; i++) {
            sf.insert("Contract", stamp(map("AccountId", accounts.get(r.nextInt(accounts.size())), "ContractNumber", "000" + (100 + i),
                    "Status", pick("Contract", "Status"), "StartDate", FakeSalesforce.day(r), "ContractTerm", 12, "OwnerId", user())));
        }
        List<String> cases = new ArrayList<>();
        for (int i = 0; i < 200 * scale; i++) {
            Map<String, Object> c = stamp(map("Subject", "Printer " + i + " is on fire", "Description", "Kunde meldet: «Rauch» – bitte prüfen",
                    "Status", pick("Case", "Status"), "Priority", pick("Case", "Priority"), "Origin", pick("Case", "Origin"),
                    "AccountId", accounts.get(r.nextInt(accounts.size())), "ContactId", contacts.get(r.nextInt(contacts.size())),
                    "OwnerId", i % 6 == 0 ? queue : user()));
            if (!cases.isEmpty() && i % 10 == 0) {
                c.put("ParentId", cases.get(r.nextInt(cases.size())));
            }
            cases.add(sf.insert("Case", c));
        }
        for (int i = 0; i < 300 * scale; i++) {
            Object what = switch (i % 4) {
                case 0 -> accounts.get(r.nextInt(accounts.size()));
                case 1 -> opps.get(r.nextInt(opps.size()));
                case 2 -> cases.get(r.nextInt(cases.size()));
                default -> i % 20 == 3 ? campaigns.get(r.nextInt(campaigns.size())) : null;
            };
            sf.insert("Task", stamp(map("Subject", "Call back " + i, "Status", pick("Task", "Status"), "Priority", pick("Task", "Priority"),
                    "ActivityDate", FakeSalesforce.day(r), "WhoId", i % 3 == 0 ? leads.get(r.nextInt(leads.size())) : contacts.get(r.nextInt(contacts.size())),
                    "WhatId", what, "OwnerId", user())));
        }
        for (int i = 0; i < 150 * scale; i++) {
            Instant start = FakeSalesforce.daysAgo(r, 300);
            sf.insert("Event", stamp(map("Subject", "Meeting " + i, "StartDateTime", start, "EndDateTime", start.plusSeconds(3600),
                    "Location", CITIES[r.nextInt(CITIES.length)], "WhoId", contacts.get(r.nextInt(contacts.size())),
                    "WhatId", i % 2 == 0 ? opps.get(r.nextInt(opps.size())) : accounts.get(r.nextInt(accounts.size())),
                    "IsAllDayEvent", false, "OwnerId", user())));
        }
        // notes and files on the records they belong to; a file shared with a user and an account belongs to the account
        for (int i = 0; i < 20 * scale; i++) {
            String parent = i % 2 == 0 ? accounts.get(r.nextInt(accounts.size())) : opps.get(r.nextInt(opps.size()));
            sf.insert("Note", stamp(map("ParentId", parent, "Title", "Notiz " + i, "Body", "Besprochen: Preise für " + i
                    + " Lizenzen.\nNächster Schritt: Angebot.", "IsPrivate", false, "OwnerId", user())));
            sf.insert("Attachment", stamp(map("ParentId", cases.get(r.nextInt(cases.size())), "Name", "screenshot-" + i + ".png",
                    "ContentType", "image/png", "Body", ("PNG bytes of screenshot " + i).getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    "OwnerId", user())));
            String doc = sf.newId("ContentDocument");
            sf.insert("ContentVersion", stamp(map("ContentDocumentId", doc, "Title", "Vertrag " + i, "PathOnClient", "vertrag-" + i + ".pdf",
                    "VersionData", ("%PDF-1.4 old version " + i).getBytes(java.nio.charset.StandardCharsets.UTF_8), "IsLatest", false,
                    "OwnerId", user())));
            sf.insert("ContentVersion", stamp(map("ContentDocumentId", doc, "Title", "Vertrag " + i, "PathOnClient", "vertrag-" + i + ".pdf",
                    "VersionData", ("%PDF-1.4 latest version " + i + " – unterschrieben").getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    "IsLatest", true, "OwnerId", user())));
            sf.insert("ContentDocumentLink", map("ContentDocumentId", doc, "LinkedEntityId", users.get(0), "ShareType", "I"));
            // a Lightning note: its own document, its body HTML
            String note = sf.insert("ContentNote", stamp(map("Title", "Gesprächsnotiz " + i, "FileType", "SNOTE", "OwnerId", user(),
                    "Content", ("<p>Anruf mit <b>Müller</b> &amp; Co.</p><ul><li>Preise für " + i + " Lizenzen</li><li>Angebot &lt;Q" + i
                            + "&gt;</li></ul><p>Nächster Schritt:<br>Vertrag</p>").getBytes(java.nio.charset.StandardCharsets.UTF_8))));
            sf.insert("ContentDocumentLink", map("ContentDocumentId", note, "LinkedEntityId", users.get(0), "ShareType", "I"));
            sf.insert("ContentDocumentLink", map("ContentDocumentId", note, "LinkedEntityId", i % 2 == 0
                    ? contacts.get(r.nextInt(contacts.size())) : opps.get(r.nextInt(opps.size())), "ShareType", "V"));
            sf.insert("ContentDocumentLink", map("ContentDocumentId", doc, "LinkedEntityId", accounts.get(r.nextInt(accounts.size())),
                    "ShareType", "V"));
        }
        // the recycle bin: records deleted before the migration starts are never migrated
        sf.delete("Contact", sf.insert("Contact", stamp(map("LastName", "Gelöscht", "Email", "deleted@example.com", "OwnerId", user()))));
        sf.delete("Lead", sf.insert("Lead", stamp(map("LastName", "Gelöscht", "Company", "Weg AG", "OwnerId", user()))));
    }

    private Map<String, Object> stamp(Map<String, Object> m) {
        Instant created = FakeSalesforce.daysAgo(r, 2000);
        m.putIfAbsent("CreatedDate", created);
        m.put("CreatedById", users.get(r.nextInt(users.size())));
        m.put("LastModifiedDate", created.plusSeconds(r.nextInt(86400)));
        m.put("SystemModstamp", m.get("LastModifiedDate"));
        return m;
    }

    private String user() {
        return users.get(r.nextInt(users.size()));
    }

    private String pick(String object, String field) {
        List<String> v = sf.values(object, field);
        return v.isEmpty() ? null : v.get(r.nextInt(v.size()));
    }

    private static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }
}
