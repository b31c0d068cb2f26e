package io.hotcrm.privacy;

import io.hotcrm.common.TextSearch;
import io.hotcrm.exporting.ExportSchedules;
import io.hotcrm.importing.Importer;
import io.hotcrm.metadata.FieldDef;
import io.hotcrm.metadata.FieldType;
import io.hotcrm.metadata.ObjectDef;
import io.hotcrm.security.Principal;
import io.hotcrm.store.RecordStore;
import io.hotcrm.store.Schema;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * Copies of a person's data kept outside the records: imports (their result and error files, source files, undo
 * journals and findings), uploads never imported, and export files still at their destinations. They are found by
 * the records discovery found (their ids) and by the person's email addresses and phone numbers (those asked for,
 * and those on the person's records) — never by name alone, which a namesake shares. An erasure redacts the imports'
 * rows, deletes source files, unread uploads and the export files holding the person, and drops journal entries
 * and findings about them, so neither an undo nor a download brings the erased values back.
 */
final class Copies {
    static final String IMPORT = "import";
    static final String UPLOAD = "upload";
    static final String EXPORT = "export file";
    static final Set<String> KINDS = Set.of(IMPORT, UPLOAD, EXPORT);
    /** What phone numbers are written with between their digits. */
    private static final String SEPARATORS = " ().-/";

    private final Schema schema;
    private final RecordStore records;
    private final Importer importer;
    private final ExportSchedules exports;

    Copies(Schema schema, RecordStore records, Importer importer, ExportSchedules exports) {
        this.schema = schema;
        this.records = records;
        this.importer = importer;
        this.exports = exports;
    }

    /** What identifies the person in a copy: the records found, and their email addresses and phone numbers. */
    record Needles(Set<UUID> ids, Set<String> emails, Set<String> phones) implements Predicate<String> {
        @Override
        public boolean test(String text) {
            if (text == null || text.isEmpty()) {
                return false;
            }
            for (String e : emails) {
                if (TextSearch.containsIgnoreCase(text, e)) {
                    return true;
                }
            }
            return !phones.isEmpty() && phoneIn(text);
        }

        /**
         * Whether a phone number of the person is written in the text: each run of digits with the separators numbers
         * are written with (blank, brackets, dot, hyphen, slash, a leading plus) is compared by its digits.
         */
        private boolean phoneIn(String text) {
            StringBuilder digits = new StringBuilder();
            for (int i = 0; i <= text.length(); i++) {
                char c = i < text.length() ? text.charAt(i) : '\n';
                if (c >= '0' && c <= '9') {
                    digits.append(c);
                } else if (!(digits.length() > 0 && SEPARATORS.indexOf(c) >= 0) && c != '+') {
                    if (digits.length() >= Identifiers.MIN_PHONE_DIGITS) {
                        for (String p : phones) {
                            if (Discovery.samePhone(digits.toString(), p)) {
                                return true;
                            }
                        }
                    }
                    digits.setLength(0);
                }
            }
            return false;
        }
    }

    /** The needles of the findings: every record found, the identifiers asked for and the person's own addresses and numbers. */
    Needles needles(Findings f, Identifiers who) {
        Set<UUID> ids = new HashSet<>();
        f.subjects().forEach(h -> ids.add(h.id()));
        f.linked().forEach(h -> ids.add(h.id()));
        f.mentions().forEach(h -> ids.add(h.id()));
        Set<String> emails = new LinkedHashSet<>();
        Set<String> phones = new LinkedHashSet<>();
        if (who.email() != null) {
            emails.add(who.email());
        }
        if (who.phone() != null) {
            phones.add(who.phoneDigits());
        }
        for (Findings.Hit h : f.subjects()) {
            ObjectDef o = schema.object(h.object());
            var values = records.get(Principal.system(), o.name(), h.id()).fields();
            for (FieldDef fd : o.fields()) {
                Object v = values.get(fd.name());
                if (v == null || !Discovery.CONTACT_INFO.equals(fd.personalData())) {
                    continue;
                }
                if (fd.type() == FieldType.EMAIL && !v.toString().isBlank()) {
                    emails.add(v.toString().strip().toLowerCase(Locale.ROOT));
                } else if (fd.type() == FieldType.PHONE && Identifiers.digits(v.toString()).length() >= Identifiers.MIN_PHONE_DIGITS) {
                    phones.add(Identifiers.digits(v.toString()));
                }
            }
        }
        emails.removeIf(e -> e.startsWith("redacted-") && e.endsWith("@redacted.invalid"));
        return new Needles(ids, emails, phones);
    }

    /** The copies that hold the person (nothing changed). */
    List<Findings.Copy> find(Needles n) {
        return copies(importer.traces(n.ids(), n), exports.held(n.ids(), n, false));
    }

    /** Erases the copies that hold the person; returns what was done with each. */
    List<Findings.Copy> erase(Needles n) {
        return copies(importer.forget(n.ids(), n), exports.held(n.ids(), n, true));
    }

    private static List<Findings.Copy> copies(List<Importer.Trace> traces, List<ExportSchedules.HeldFile> held) {
        List<Findings.Copy> out = new ArrayList<>();
        for (Importer.Trace t : traces) {
            out.add(new Findings.Copy(t.kind(), t.id(), t.fileName(), t.object() == null ? "uploads" : "import of " + t.object(),
                    t.parts(), t.rows(), t.action()));
        }
        for (ExportSchedules.HeldFile h : held) {
            out.add(new Findings.Copy(EXPORT, h.schedule(), h.file() == null ? h.scheduleName() : h.file(), h.destination(),
                    List.of("export \"" + h.scheduleName() + "\" of " + h.object()), h.rows(), h.action()));
        }
        return out;
    }
}
