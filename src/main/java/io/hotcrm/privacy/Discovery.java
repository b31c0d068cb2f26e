package io.hotcrm.privacy;

import io.hotcrm.metadata.FieldDef;
import io.hotcrm.metadata.FieldType;
import io.hotcrm.metadata.ObjectDef;
import io.hotcrm.privacy.Findings.AuditHit;
import io.hotcrm.privacy.Findings.Hit;
import io.hotcrm.store.Database;
import io.hotcrm.store.Dialect;
import io.hotcrm.store.Schema;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jdbi.v3.core.Handle;

/**
 * Finds everything HotCRM holds about a person, from the catalogue's personal-data tags — no list of fields in code:
 * <ol>
 * <li><b>subjects</b>: records of the objects that are people (those with a {@code name} field and an email tagged
 * {@code contact_info}: contacts and leads; HotCRM's own users are staff, not data subjects here) whose email equals
 * the one given (without case), whose phone numbers have the same digits, or the record given;</li>
 * <li><b>linked</b>: records of every object with a lookup to a subject, records whose {@code person_link} field holds a
 * subject's or a linked record's id (a note's or file's record), and records whose contact-info email fields hold the
 * email (a logged email's from, to or cc);</li>
 * <li><b>mentions</b>: records whose {@code free_text} fields contain the email, other than those already found,
 * shown apart for review;</li>
 * <li>the <b>audit log</b> entries about those records, or with the email in their details.</li>
 * </ol>
 * One set-based query per object and kind of hit; records in the recycle bin are found too (they are still held).
 */
final class Discovery {
    static final String PERSON_LINK = "person_link";
    static final String CONTACT_INFO = "contact_info";
    static final String FREE_TEXT = "free_text";
    private static final int IN_BATCH = 500;

    private final Database db;
    private final Schema schema;

    Discovery(Database db, Schema schema) {
        this.db = db;
        this.schema = schema;
    }

    /** The objects whose records are people. */
    List<ObjectDef> subjectObjects() {
        List<ObjectDef> out = new ArrayList<>();
        for (ObjectDef o : schema.catalogue().objects()) {
            boolean named = o.fields().stream().anyMatch(f -> "name".equals(f.personalData()));
            boolean mailed = o.fields().stream().anyMatch(f -> f.type() == FieldType.EMAIL && CONTACT_INFO.equals(f.personalData()));
            if (named && mailed && !o.name().equals("user")) {
                out.add(o);
            }
        }
        return out;
    }

    Findings find(Identifiers who) {
        return db.jdbi().withHandle(h -> {
            List<Hit> subjects = subjects(h, who);
            Map<String, Set<UUID>> found = new LinkedHashMap<>();
            subjects.forEach(s -> found.computeIfAbsent(s.object(), k -> new LinkedHashSet<>()).add(s.id()));
            List<Hit> linked = linked(h, who, subjects, found);
            List<Hit> mentions = who.email() == null ? List.of() : mentions(h, who.email(), found);
            return new Findings(Instant.now(), subjects, linked, mentions, audit(h, who, found));
        });
    }

    private List<Hit> subjects(Handle h, Identifiers who) {
        List<Hit> out = new ArrayList<>();
        Dialect d = db.dialect();
        for (ObjectDef o : subjectObjects()) {
            List<String> why = new ArrayList<>();
            List<String> conditions = new ArrayList<>();
            Map<String, Object> binds = new LinkedHashMap<>();
            if (who.recordId() != null && who.recordObject().equals(o.name())) {
                conditions.add("id = :rid");
                binds.put("rid", who.recordId());
                why.add("id");
            }
            List<FieldDef> emails = fields(o, f -> f.type() == FieldType.EMAIL && CONTACT_INFO.equals(f.personalData()));
            List<FieldDef> phones = fields(o, f -> f.type() == FieldType.PHONE && CONTACT_INFO.equals(f.personalData()));
            if (who.email() != null) {
                emails.forEach(f -> conditions.add("lower(" + Dialect.q(f.name()) + ") = :email"));
                binds.put("email", who.email());
            }
            if (who.phone() != null) {
                // the same number whatever its formatting, with or without its country code: two such numbers share
                // their last seven digits at least, so those pick the candidates (one expression per row) and
                // samePhone decides
                for (FieldDef f : phones) {
                    conditions.add(d.digits(Dialect.q(f.name())) + " like :phoneTail");
                }
                String digits = who.phoneDigits();
                binds.put("phoneTail", "%" + digits.substring(digits.length() - Identifiers.MIN_PHONE_DIGITS));
            }
            if (conditions.isEmpty()) {
                continue;
            }
            List<String> columns = new ArrayList<>(List.of("id"));
            emails.forEach(f -> columns.add(Dialect.q(f.name())));
            phones.forEach(f -> columns.add(Dialect.q(f.name())));
            o.nameFields().forEach(n -> columns.add(Dialect.q(n)));
            var q = h.createQuery("select " + String.join(", ", new LinkedHashSet<>(columns)) + " from " + o.tableName()
                    + " where " + String.join(" or ", conditions));
            binds.forEach(q::bind);
            q.mapToMap().forEach(row -> {
                List<String> matched = new ArrayList<>();
                if (who.recordId() != null && who.recordId().equals(row.get("id"))) {
                    matched.add("id");
                }
                for (FieldDef f : emails) {
                    Object v = row.get(f.name());
                    if (v != null && who.email() != null && v.toString().strip().equalsIgnoreCase(who.email())) {
                        matched.add(f.name());
                    }
                }
                for (FieldDef f : phones) {
                    Object v = row.get(f.name());
                    if (v != null && who.phone() != null && samePhone(v.toString(), who.phoneDigits())) {
                        matched.add(f.name());
                    }
                }
                if (!matched.isEmpty()) {
                    out.add(new Hit(o.name(), (UUID) row.get("id"), label(o, row), matched, "the person (" + String.join(", ", matched) + ")"));
                }
            });
        }
        return out;
    }

    static boolean samePhone(String stored, String digits) {
        String s = Identifiers.digits(stored);
        return s.equals(digits) || (s.length() >= Identifiers.MIN_PHONE_DIGITS && (digits.endsWith(s) || s.endsWith(digits)));
    }

    private List<Hit> linked(Handle h, Identifiers who, List<Hit> subjects, Map<String, Set<UUID>> found) {
        List<Hit> out = new ArrayList<>();
        Set<String> subjectObjects = new LinkedHashSet<>();
        subjectObjects().forEach(o -> subjectObjects.add(o.name()));
        // lookups to the person's records, and contact-info emails that are the person's
        for (ObjectDef o : schema.catalogue().objects()) {
            if (subjectObjects.contains(o.name()) || o.name().equals("user")) {
                continue;
            }
            Map<String, Hit> hits = new LinkedHashMap<>();
            for (FieldDef f : o.fields()) {
                if (f.type() == FieldType.LOOKUP && f.target() != null && found.containsKey(f.target())) {
                    for (List<UUID> ids : batches(found.get(f.target()))) {
                        h.createQuery("select " + labelColumns(o) + " from " + o.tableName() + " where " + Dialect.q(f.name())
                                + " in (<ids>)").bindList("ids", ids).mapToMap()
                                .forEach(row -> add(hits, o, row, f.name(), f.name() + " → " + f.target()));
                    }
                }
                if (who.email() != null && CONTACT_INFO.equals(f.personalData()) && (f.type() == FieldType.EMAIL
                        || f.type() == FieldType.TEXT || f.type() == FieldType.TEXTAREA)) {
                    // an address list (to, cc) holds the email among others
                    h.createQuery("select " + labelColumns(o) + " from " + o.tableName() + " where lower(" + Dialect.q(f.name())
                            + ") = :email or lower(" + Dialect.q(f.name()) + ") like :within").bind("email", who.email())
                            .bind("within", "%" + like(who.email()) + "%").mapToMap()
                            .forEach(row -> add(hits, o, row, f.name(), f.name() + " is the email"));
                }
            }
            hits.values().forEach(hit -> {
                out.add(hit);
                found.computeIfAbsent(o.name(), k -> new LinkedHashSet<>()).add(hit.id());
            });
        }
        // records that belong to one of those — a note on the person or on their case, a file on either, a file on
        // such a note — until a pass finds no more
        for (int pass = 0; pass < 5; pass++) {
            Set<String> ids = new LinkedHashSet<>();
            found.values().forEach(set -> set.forEach(id -> ids.add(id.toString())));
            int before = out.size();
            for (ObjectDef o : schema.catalogue().objects()) {
                for (FieldDef f : o.fields()) {
                    if (PERSON_LINK.equals(f.personalData()) && f.type() != FieldType.LOOKUP) {
                        Map<String, Hit> hits = new LinkedHashMap<>();
                        for (List<String> batch : batches(ids)) {
                            h.createQuery("select " + labelColumns(o) + " from " + o.tableName() + " where " + Dialect.q(f.name())
                                    + " in (<ids>)").bindList("ids", batch).mapToMap()
                                    .forEach(row -> add(hits, o, row, f.name(), f.name() + " is a found record"));
                        }
                        for (Hit hit : hits.values()) {
                            if (found.computeIfAbsent(o.name(), k -> new LinkedHashSet<>()).add(hit.id())) {
                                out.add(hit);
                            }
                        }
                    }
                }
            }
            if (out.size() == before) {
                break;
            }
        }
        return out;
    }

    private List<Hit> mentions(Handle h, String email, Map<String, Set<UUID>> found) {
        List<Hit> out = new ArrayList<>();
        for (ObjectDef o : schema.catalogue().objects()) {
            List<FieldDef> texts = fields(o, f -> FREE_TEXT.equals(f.personalData()) && (f.type() == FieldType.TEXT
                    || f.type() == FieldType.TEXTAREA));
            if (texts.isEmpty()) {
                continue;
            }
            List<String> conditions = texts.stream().map(f -> "lower(" + Dialect.q(f.name()) + ") like :within").toList();
            List<String> columns = new ArrayList<>(List.of("id"));
            texts.forEach(f -> columns.add(Dialect.q(f.name())));
            o.nameFields().forEach(n -> columns.add(Dialect.q(n)));
            Set<UUID> known = found.getOrDefault(o.name(), Set.of());
            h.createQuery("select " + String.join(", ", new LinkedHashSet<>(columns)) + " from " + o.tableName() + " where "
                    + String.join(" or ", conditions)).bind("within", "%" + like(email) + "%").mapToMap().forEach(row -> {
                        UUID id = (UUID) row.get("id");
                        List<String> in = new ArrayList<>();
                        texts.forEach(f -> {
                            Object v = row.get(f.name());
                            if (v != null && v.toString().toLowerCase(Locale.ROOT).contains(email)) {
                                in.add(f.name());
                            }
                        });
                        out.add(new Hit(o.name(), id, label(o, row), in, known.contains(id) ? "the email in its text (a found record)"
                                : "the email in its text"));
                    });
        }
        return out;
    }

    private List<AuditHit> audit(Handle h, Identifiers who, Map<String, Set<UUID>> found) {
        Map<Long, AuditHit> out = new LinkedHashMap<>();
        Set<String> ids = new LinkedHashSet<>();
        found.values().forEach(s -> s.forEach(id -> ids.add(id.toString())));
        for (List<String> batch : batches(ids)) {
            h.createQuery("select id, at, action, object_name, record_id from hc_audit where record_id in (<ids>)")
                    .bindList("ids", batch).map((rs, ctx) -> new AuditHit(rs.getLong("id"),
                            rs.getObject("at", OffsetDateTime.class).toInstant(), rs.getString("action"), rs.getString("object_name"),
                            rs.getString("record_id"))).forEach(a -> out.put(a.id(), a));
        }
        if (who.email() != null) {
            h.createQuery("select id, at, action, object_name, record_id from hc_audit where lower(details) like :within")
                    .bind("within", "%" + like(who.email()) + "%").map((rs, ctx) -> new AuditHit(rs.getLong("id"),
                            rs.getObject("at", OffsetDateTime.class).toInstant(), rs.getString("action"), rs.getString("object_name"),
                            rs.getString("record_id"))).forEach(a -> out.put(a.id(), a));
        }
        return new ArrayList<>(out.values());
    }

    private static void add(Map<String, Hit> hits, ObjectDef o, Map<String, Object> row, String field, String why) {
        UUID id = (UUID) row.get("id");
        Hit before = hits.get(id.toString());
        if (before == null) {
            hits.put(id.toString(), new Hit(o.name(), id, label(o, row), List.of(field), why));
        } else if (!before.fields().contains(field)) {
            List<String> fields = new ArrayList<>(before.fields());
            fields.add(field);
            hits.put(id.toString(), new Hit(o.name(), id, before.label(), fields, before.why() + "; " + why));
        }
    }

    /** The id and the columns a hit's label is made of (the object's name fields, else its name-like field). */
    private static String labelColumns(ObjectDef o) {
        Set<String> cols = new LinkedHashSet<>(List.of("id"));
        cols.addAll(o.nameFields());
        if (o.nameFields().isEmpty()) {
            o.nameField().ifPresent(f -> cols.add(f.name()));
        }
        return String.join(", ", cols.stream().map(c -> c.equals("id") ? c : Dialect.q(c)).toList());
    }

    private static String label(ObjectDef o, Map<String, Object> row) {
        List<String> parts = new ArrayList<>();
        List<String> names = new ArrayList<>(o.nameFields());
        if (names.isEmpty()) {
            o.nameField().ifPresent(f -> names.add(f.name()));
        }
        for (String n : names) {
            Object v = row.get(n);
            if (v != null && !v.toString().isBlank()) {
                parts.add(v.toString());
            }
        }
        return parts.isEmpty() ? o.label() + " " + row.get("id") : String.join(" ", parts);
    }

    private static List<FieldDef> fields(ObjectDef o, java.util.function.Predicate<FieldDef> which) {
        return o.fields().stream().filter(which).toList();
    }

    /** An email as a LIKE pattern matching itself only (its _ and % taken literally). */
    private static String like(String s) {
        return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }

    private static <T> List<List<T>> batches(Collection<T> all) {
        List<List<T>> out = new ArrayList<>();
        List<T> list = new ArrayList<>(all);
        for (int i = 0; i < list.size(); i += IN_BATCH) {
            out.add(list.subList(i, Math.min(list.size(), i + IN_BATCH)));
        }
        return out;
    }
}
