package io.hotcrm.testing;

import io.hotcrm.metadata.FieldDef;
import io.hotcrm.metadata.ObjectDef;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * A person planted in every kind of record that links to them — their contact and lead (different case, formatted
 * phone numbers), a second contact known only by phone, a case, tasks, an event, an activity, notes on them and on
 * their case, a file (with bytes in the file store) on such a note, logged emails naming them, a campaign membership,
 * an opportunity with an amount — a free-text mention of their email beside their name, and a namesake with records
 * of her own.
 */
public final class PlantedPerson {
    public static final String EMAIL = "Maja.Jorgensen@Example.org";
    public static final String FILE_KEY = "uploads/privacy-test/scan.pdf";
    public final Map<String, UUID> planted = new LinkedHashMap<>();
    public final Set<UUID> namesake = new java.util.HashSet<>();
    public UUID mention;
    private final TestPlatform t;
    private int n;

    public PlantedPerson(TestPlatform t) {
        this.t = t;
        plant();
    }

    /** A record with the values given and every other required field filled (lookups with records made for them). */
    public UUID make(String object, Map<String, Object> given) {
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

    /** Her import (an upload that updated her contact, with a failed row of hers and another person's row). */
    public java.util.UUID importId;
    /** The local directory her contacts were exported to (CSV, gzipped JSON Lines, Parquet). */
    public java.nio.file.Path exportDir;

    /**
     * Copies of her outside the records: an import of an uploaded file that updated her contact (so its undo journal,
     * result file and source file hold her) with a row of hers that failed (her phone, in the error file) beside another
     * person's row; an upload of her address never imported; and scheduled exports of contacts in every format a schedule
     * writes (CSV, gzipped JSON Lines, Parquet), run once each into a local directory.
     */
    public void plantCopies() {
        String csv = "first_name,last_name,email,mobile_phone,title\n"
                + "Maja,Jørgensen," + EMAIL + ",,Chief Logistics Officer\n"
                + "Ola,Nordmann,ola.nordmann@example.net,,Buyer\n"
                + "Maja,Jørgensen,maja at home,+45 20 12 34 56,\n";
        io.hotcrm.importing.Uploaded u = t.importer.upload(t.admin, "fair-contacts.csv",
                new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)), 1 << 20);
        io.hotcrm.importing.ImportSummary s = t.importer.run(t.admin, io.hotcrm.importing.ImportRequest.builder("contact",
                io.hotcrm.importing.ImportFile.upload(u)).match("email").build(), io.hotcrm.importing.ImportListener.NONE);
        if (s.updated() != 1 || s.failed() != 1) {
            throw new IllegalStateException("the planted import did not update her and fail her second row: " + s);
        }
        importId = s.id();
        t.importer.upload(t.admin, "to-import-later.csv", new ByteArrayInputStream(("email,last_name\n" + EMAIL.toUpperCase()
                + ",Jørgensen\n").getBytes(StandardCharsets.UTF_8)), 1 << 20);
        exportDir = t.workDir.resolve("exports").resolve("feed");
        for (var format : java.util.List.of(io.hotcrm.exporting.ExportFormat.CSV, io.hotcrm.exporting.ExportFormat.JSONL,
                io.hotcrm.exporting.ExportFormat.PARQUET)) {
            String name = "Contacts " + format.wireName();
            t.schedules.save(t.admin, new io.hotcrm.exporting.ExportSchedules.Spec(name, "contact", java.util.List.of("first_name",
                    "last_name", "email", "mobile_phone", "phone"), null, format, format == io.hotcrm.exporting.ExportFormat.JSONL,
                    "local", Map.of("path", exportDir.toString()), "{object}-{schedule}-{run}.{ext}", "0 2 * * *", "UTC",
                    io.hotcrm.exporting.ExportSchedules.Mode.FULL), false);
            t.schedules.runHere(t.admin, name, io.hotcrm.common.Work.Progress.NONE);
        }
    }

    private void plant() {
        UUID contact = make("contact", Map.of("first_name", "Maja", "last_name", "Jørgensen", "email", EMAIL,
                "mobile_phone", "+45 20 12 34 56", "title", "Head of Logistics", "notes", "Prefers calls after 10"));
        planted.put("contact", contact);
        planted.put("lead", make("lead", Map.of("first_name", "Maja", "last_name", "Jørgensen", "email", EMAIL.toLowerCase(),
                "company", "Nordlys ApS")));
        planted.put("contact by phone", make("contact", Map.of("last_name", "J.", "phone", "20123456")));
        UUID theCase = make("case", Map.of("contact_id", contact.toString(), "subject", "Invoice question from Maja",
                "description", "Maja Jørgensen asked about invoice 42"));
        planted.put("case", theCase);
        planted.put("task", make("task", Map.of("who_id", contact.toString(), "subject", "Call back Maja")));
        planted.put("task on lead", make("task", Map.of("lead_id", planted.get("lead").toString(), "subject", "Qualify")));
        planted.put("event", make("event", Map.of("who_id", contact.toString(), "subject", "Demo")));
        planted.put("activity", make("activity", Map.of("who_id", contact.toString(), "subject", "Call")));
        planted.put("opportunity", make("opportunity", Map.of("contact_id", contact.toString(), "name", "Nordlys renewal",
                "amount", "12500", "stage", "Proposal")));
        planted.put("campaign member", make("campaign_member", Map.of("contact_id", contact.toString())));
        planted.put("note on contact", make("note", Map.of("parent_id", contact.toString(), "parent_type", "Contact",
                "title", "Met at fair", "body", "Maja likes cycling")));
        UUID caseNote = make("note", Map.of("parent_id", theCase.toString(), "parent_type", "Case", "title", "Case note",
                "body", "Escalated")); 
        planted.put("note on case", caseNote);
        t.files.put(FILE_KEY, new ByteArrayInputStream("Maja Jørgensen's scanned letter".getBytes(StandardCharsets.UTF_8)));
        planted.put("file on note", make("file", Map.of("name", "scan.pdf", "parent_object", "note", "parent_id",
                caseNote.toString(), "storage_key", FILE_KEY)));
        planted.put("logged email", make("email_message", Map.of("subject", "Re: invoice", "from_address", EMAIL,
                "to_address", "billing@acme.example")));
        planted.put("email copied", make("email_message", Map.of("subject", "Fwd", "from_address", "a@acme.example",
                "to_address", "x@acme.example, " + EMAIL.toUpperCase() + "; y@acme.example")));
        mention = make("account", Map.of("name", "Fjord Logistics", "description", "Spoke with Maja Jørgensen ("
                + EMAIL.toLowerCase() + ") about the renewal."));
        // her namesake: same name, another email and phone, records of her own
        UUID other = make("contact", Map.of("first_name", "Maja", "last_name", "Jørgensen", "email", "maja.j@other.example",
                "phone", "+45 99 88 77 66"));
        namesake.add(other);
        namesake.add(make("case", Map.of("contact_id", other.toString(), "subject", "Other Maja's case")));
        namesake.add(make("note", Map.of("parent_id", other.toString(), "parent_type", "Contact", "title", "Other", "body",
                "Not our Maja")));
        namesake.add(make("opportunity", Map.of("contact_id", other.toString(), "name", "Other deal", "amount", "700",
                "stage", "Proposal")));
    }
}
