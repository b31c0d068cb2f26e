package io.hotcrm.privacy;

import io.hotcrm.files.FileStore;
import io.hotcrm.metadata.FieldDef;
import io.hotcrm.metadata.FieldType;
import io.hotcrm.metadata.ObjectDef;
import io.hotcrm.privacy.Findings.Hit;
import io.hotcrm.privacy.PrivacyRequests.Change;
import io.hotcrm.security.AuditLog;
import io.hotcrm.security.Principal;
import io.hotcrm.store.Database;
import io.hotcrm.store.RecordStore;
import io.hotcrm.store.RecycleBin;
import io.hotcrm.store.Schema;
import io.hotcrm.store.StoredRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * What erasing a person does, field by field, from the catalogue's personal-data tags, and doing it:
 * <ul>
 * <li>the person's own records are deleted for good (action {@code delete}) or anonymised ({@code anonymise}): a name
 * becomes {@code [redacted]}, an email {@code redacted-<request>-<n>@redacted.invalid} (unique, so unique constraints
 * hold), phones, addresses, employment, profiling, preferences and identifiers are cleared, free text replaced;</li>
 * <li>records linked to them are kept for reports — amounts, dates, stages, owners and links stay — with their
 * personal fields anonymised the same way (an address list keeps its other addresses); notes and files on the person
 * go with the person when deleting;</li>
 * <li>files found lose their bytes in the file store and their records;</li>
 * <li>mentions of the email in free text have the email, and the person's name beside it, replaced;</li>
 * <li>audit entries whose details hold the email have them replaced; the erasure itself is audited with counts only.</li>
 * </ul>
 * Writes go through the record store (field rules, unique checks, change stamps for incremental exports) and the
 * recycle bin's purge (tombstones); a second run over what is left changes nothing.
 */
final class Erasure {
    static final String REDACTED = "[redacted]";
    static final String DELETE = "delete";
    static final String ANONYMISE = "anonymise";
    static final String KEEP = "keep";
    /** Tags whose values stay: the links to the (anonymised) person, an organisation's name. */
    private static final Set<String> KEPT = Set.of(Discovery.PERSON_LINK, "name_if_sole_trader");

    /** One record and what happens to it: its action and, per field, what the field becomes (never its value). */
    private static Change change(String object, UUID id, String action, Map<String, String> fields, String why) {
        return new PrivacyRequests.Change(object, id, action, fields, why);
    }

    private final Database db;
    private final Schema schema;
    private final RecordStore records;
    private final RecycleBin bin;
    private final FileStore files;

    Erasure(Database db, Schema schema, RecordStore records, RecycleBin bin, FileStore files) {
        this.db = db;
        this.schema = schema;
        this.records = records;
        this.bin = bin;
        this.files = files;
    }

    /** What erasing the findings with the action would do, record by record. */
    List<Change> preview(Principal p, Findings f, String action, UUID request) {
        Map<UUID, String> held = holds();
        List<Change> out = new ArrayList<>();
        for (Change c : plan(p, f, action, request)) {
            String why = held.get(c.id());
            // a record under a legal hold is listed, with its ground, and left as it is
            out.add(why == null ? c : change(c.object(), c.id(), KEEP, Map.of(), "legal hold: " + why));
        }
        return out;
    }

    private Map<UUID, String> holds() {
        Map<UUID, String> out = new HashMap<>();
        db.jdbi().useHandle(h -> h.createQuery("select record_id, reason from hc_privacy_hold").map((rs, ctx) -> {
            out.put(rs.getObject("record_id", UUID.class), rs.getString("reason"));
            return 0;
        }).list());
        return out;
    }

    private List<Change> plan(Principal p, Findings f, String action, UUID request) {
        List<Change> out = new ArrayList<>();
        Set<UUID> subjects = new java.util.HashSet<>();
        f.subjects().forEach(h -> subjects.add(h.id()));
        for (Hit h : f.subjects()) {
            ObjectDef o = schema.object(h.object());
            out.add(action.equals(DELETE) ? change(o.name(), h.id(), DELETE, Map.of(), "the person's record")
                    : change(o.name(), h.id(), ANONYMISE, plan(o, null), "the person's record"));
        }
        for (Hit h : f.linked()) {
            ObjectDef o = schema.object(h.object());
            if (o.name().equals("file")) {
                out.add(change(o.name(), h.id(), DELETE, Map.of("storage_key", "bytes deleted from the file store"), h.why()));
            } else if (action.equals(DELETE) && onSubject(p, o, h, subjects)) {
                out.add(change(o.name(), h.id(), DELETE, Map.of(), "on the person: goes with them"));
            } else {
                Map<String, String> fields = plan(o, h);
                out.add(change(o.name(), h.id(), fields.isEmpty() ? KEEP : ANONYMISE, fields, h.why()));
            }
        }
        for (Hit h : f.mentions()) {
            Map<String, String> fields = new LinkedHashMap<>();
            h.fields().forEach(field -> fields.put(field, "the email and the name beside it replaced by " + REDACTED));
            out.add(change(h.object(), h.id(), ANONYMISE, fields, h.why()));
        }
        for (Findings.Copy c : f.copies()) {
            boolean kept = c.action().startsWith("kept") || c.action().startsWith("not checked");
            Map<String, String> fields = new LinkedHashMap<>();
            for (String part : c.parts()) {
                fields.put(part, kept ? "left as it is" : c.kind().equals(Copies.EXPORT) || part.contains("file") && !part.endsWith(".csv")
                        ? "deleted" : part.endsWith(".csv") ? "the person's rows: values replaced by " + REDACTED
                        : "the entries about the person dropped");
            }
            String what = c.label() + ", " + c.where() + (c.rows() >= 0 ? " (" + c.rows() + " rows)" : "");
            out.add(change(c.kind(), c.id(), kept ? KEEP : c.kind().equals(Copies.IMPORT) ? ANONYMISE : DELETE, fields,
                    kept ? c.action() + " (" + what + ")" : what));
        }
        return out;
    }

    /** Whether the record belongs to the person through a person-link text field (a note on them): it goes with them. */
    private boolean onSubject(Principal p, ObjectDef o, Hit h, Set<UUID> subjects) {
        StoredRecord r = records.get(p, o.name(), h.id());
        for (String field : h.fields()) {
            FieldDef f = o.field(field).orElse(null);
            Object v = r.fields().get(field);
            if (f != null && Discovery.PERSON_LINK.equals(f.personalData()) && f.type() != FieldType.LOOKUP && v != null) {
                try {
                    if (subjects.contains(UUID.fromString(v.toString()))) {
                        return true;
                    }
                } catch (IllegalArgumentException e) {
                    // not an id: not a link to the person
                }
            }
        }
        return false;
    }

    /**
     * Per personal field of the object, what it becomes: for the person's own records every tagged field; for a linked
     * record its personal fields except the links and what identifies the record itself (its amounts, dates, stages and
     * owners are not personal data and are never touched).
     */
    private static Map<String, String> plan(ObjectDef o, Hit linked) {
        Map<String, String> out = new LinkedHashMap<>();
        for (FieldDef f : o.fields()) {
            String tag = f.personalData();
            if (tag.isEmpty() || KEPT.contains(tag) || f.computed()) {
                continue;
            }
            if (linked != null && Discovery.CONTACT_INFO.equals(tag) && !linked.fields().contains(f.name())) {
                // a linked record's other contact details are someone else's (the sender of a logged email)
                continue;
            }
            out.put(f.name(), strategy(f, linked != null));
        }
        return out;
    }

    static final String KEPT_REQUIRED = "kept: a required value that names no one alone";

    private static String strategy(FieldDef f, boolean linked) {
        String tag = f.personalData();
        boolean text = f.type() == FieldType.TEXT || f.type() == FieldType.TEXTAREA;
        if (f.required() && !text && f.type() != FieldType.EMAIL && f.type() != FieldType.PHONE) {
            // a required picklist, number or date (a membership's status) cannot be emptied; alone it identifies no one
            return KEPT_REQUIRED;
        }
        if (f.type() == FieldType.EMAIL) {
            return "a unique redacted-…@redacted.invalid address";
        }
        if (linked && Discovery.CONTACT_INFO.equals(tag)) {
            return "the email replaced in the list";
        }
        if ("name".equals(tag) || Discovery.FREE_TEXT.equals(tag)) {
            return f.type() == FieldType.TEXT || f.type() == FieldType.TEXTAREA ? "replaced by " + REDACTED : "cleared";
        }
        return f.required() ? "replaced by " + REDACTED : "cleared";
    }

    /**
     * Anonymises every record of a copy of the data (a sandbox), set-based: each personal field as {@link #strategy} says
     * for a person's own record — emails become unique {@code redacted-ID@redacted.invalid} addresses, names and free text
     * {@value #REDACTED}, other personal fields are cleared, required non-text values kept. Users (the staff) are left;
     * audit details are redacted; privacy requests (which name their subjects) are dropped. Returns the records per object.
     */
    static Map<String, Long> anonymiseAll(Database copy, Schema schema) {
        Map<String, Long> out = new LinkedHashMap<>();
        copy.jdbi().useTransaction(h -> {
            for (ObjectDef o : schema.catalogue().objects()) {
                if (o.name().equals("user")) {
                    continue;
                }
                List<String> sets = new ArrayList<>();
                // what an erasure does to the person's own record, field by field
                for (Map.Entry<String, String> e : plan(o, null).entrySet()) {
                    FieldDef f = o.requireField(e.getKey());
                    String how = e.getValue();
                    String col = io.hotcrm.store.Dialect.q(f.name());
                    if (how.equals(KEPT_REQUIRED)) {
                        continue;
                    } else if (f.type() == FieldType.EMAIL) {
                        sets.add(col + " = case when " + col + " is null then null else 'redacted-' || cast(id as varchar(36))"
                                + " || '@redacted.invalid' end");
                    } else if (how.startsWith("replaced")) {
                        sets.add(col + " = case when " + col + " is null then null else '" + REDACTED + "' end");
                    } else {
                        sets.add(col + " = null");
                    }
                }
                if (!sets.isEmpty()) {
                    out.put(o.name(), (long) h.createUpdate("update " + o.tableName() + " set " + String.join(", ", sets)).execute());
                }
            }
            h.execute("update hc_audit set details = '" + REDACTED + "' where details is not null");
            h.execute("delete from hc_privacy_hold");
            h.execute("delete from hc_privacy_event");
            h.execute("delete from hc_privacy_request");
        });
        return out;
    }

    /** What an erasure did: per object the records deleted, anonymised and kept, and each record's change. */
    record Result(Map<String, int[]> counts, List<Change> changes, int auditScrubbed) {
    }

    /** Erases the findings as {@code changes} (their {@link #preview}) plans it. */
    Result run(Principal p, Findings f, List<Change> changes, String action, UUID request, Identifiers who) {
        Map<String, int[]> counts = new LinkedHashMap<>();
        Map<String, List<UUID>> deletions = new LinkedHashMap<>();
        List<String> names = names(f);
        int n = 0;
        for (Change c : changes) {
            int[] k = counts.computeIfAbsent(c.object(), x -> new int[3]);
            if (Copies.KINDS.contains(c.object())) {
                // copies outside the records are erased apart (Copies), after the records
                k[c.action().equals(DELETE) ? 0 : c.action().equals(ANONYMISE) ? 1 : 2]++;
                continue;
            }
            ObjectDef o = schema.object(c.object());
            switch (c.action()) {
                case DELETE -> {
                    if (o.name().equals("file")) {
                        deleteBytes(p, c.id());
                    }
                    deletions.computeIfAbsent(c.object(), x -> new ArrayList<>()).add(c.id());
                    k[0]++;
                }
                case ANONYMISE -> {
                    Map<String, Object> values = values(p, o, c, request, who, names, ++n);
                    if (!values.isEmpty()) {
                        records.update(p, o.name(), c.id(), values);
                    }
                    k[1]++;
                }
                default -> k[2]++;
            }
        }
        deletions.forEach((object, ids) -> bin.purgeRecords(p, schema.object(object), ids, "erased for privacy request " + request));
        int scrubbed = who.email() == null ? 0 : db.jdbi().withHandle(h -> h.createUpdate("update hc_audit set details = :r where"
                + " lower(details) like :within").bind("r", REDACTED).bind("within", "%" + who.email().replace("%", "\\%")
                .replace("_", "\\_") + "%").execute());
        db.jdbi().useHandle(h -> {
            List<String> summary = new ArrayList<>();
            counts.forEach((object, k) -> summary.add(object + ": " + k[0] + " deleted, " + k[1] + " anonymised, " + k[2] + " kept"));
            AuditLog.record(h, p, "privacy.erasure", null, request.toString(), action + "; " + String.join("; ", summary));
        });
        return new Result(counts, changes, scrubbed);
    }

    /** The new values of an anonymised record's fields (only those that still hold something to erase). */
    private Map<String, Object> values(Principal p, ObjectDef o, Change c, UUID request, Identifiers who, List<String> names, int n) {
        StoredRecord r = records.get(p, o.name(), c.id());
        Map<String, Object> out = new HashMap<>();
        for (String field : c.fields().keySet()) {
            FieldDef f = o.requireField(field);
            Object v = r.fields().get(field);
            if (v == null || v.toString().isBlank()) {
                continue;
            }
            String text = v.toString();
            String next;
            if (c.why().startsWith("the email in its text")) {
                next = scrub(text, who, names);
            } else if (f.type() == FieldType.EMAIL) {
                next = text.startsWith("redacted-") && text.endsWith("@redacted.invalid") ? text
                        : "redacted-" + request.toString().substring(0, 8) + "-" + c.id().toString().substring(0, 8) + "-" + n
                        + "@redacted.invalid";
            } else if (Discovery.CONTACT_INFO.equals(f.personalData()) && who.email() != null
                    && text.toLowerCase(Locale.ROOT).contains(who.email())) {
                next = scrub(text, who, List.of());
            } else if (c.fields().get(field).equals(KEPT_REQUIRED)) {
                next = text;
            } else if (c.fields().get(field).startsWith("replaced")) {
                next = REDACTED;
            } else {
                next = null;
            }
            if (!java.util.Objects.equals(next, text)) {
                out.put(field, next);
            }
        }
        return out;
    }

    /** The text with the email, and the person's names, replaced. */
    private static String scrub(String text, Identifiers who, List<String> names) {
        String out = text;
        if (who.email() != null) {
            out = Pattern.compile(Pattern.quote(who.email()), Pattern.CASE_INSENSITIVE).matcher(out).replaceAll(REDACTED);
        }
        for (String name : names) {
            out = Pattern.compile(Pattern.quote(name), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE).matcher(out).replaceAll(REDACTED);
        }
        return out;
    }

    /** The person's full names as their records give them (to scrub beside the email in free text). */
    static List<String> names(Findings f) {
        List<String> out = new ArrayList<>();
        for (Hit h : f.subjects()) {
            if (h.label() != null && h.label().strip().contains(" ") && !out.contains(h.label().strip())) {
                out.add(h.label().strip());
            }
        }
        return out;
    }

    private void deleteBytes(Principal p, UUID file) {
        Object key = records.get(p, "file", file).fields().get("storage_key");
        if (key != null && !key.toString().isBlank() && files.exists(key.toString())) {
            files.delete(key.toString());
        }
    }
}
