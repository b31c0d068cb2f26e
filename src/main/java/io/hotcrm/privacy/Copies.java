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
    private static final long[] POW = new long[19];

    static {
        POW[0] = 1;
        for (int i = 1; i < POW.length; i++) {
            POW[i] = POW[i - 1] * 10;
        }
    }

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
    record Needles(Set<UUID> ids, Set<String> emails, Set<String> phones, long[] phoneValues, int[] phoneLengths,
                   String[] emailList, char[] firsts, char[] uppers) implements TextSearch.Needles {
        Needles(Set<UUID> ids, Set<String> emails, Set<String> phones) {
            this(ids, emails, phones, phones.stream().mapToLong(p -> Long.parseLong(tail(p))).toArray(),
                    phones.stream().mapToInt(p -> tail(p).length()).toArray(), emails.stream().filter(e -> !e.isEmpty())
                            .toArray(String[]::new));
        }

        private Needles(Set<UUID> ids, Set<String> emails, Set<String> phones, long[] phoneValues, int[] phoneLengths,
                        String[] emailList) {
            this(ids, emails, phones, phoneValues, phoneLengths, emailList, firsts(emailList, false), firsts(emailList, true));
        }

        private static char[] firsts(String[] emails, boolean upper) {
            char[] out = new char[emails.length];
            for (int i = 0; i < emails.length; i++) {
                out[i] = upper ? Character.toUpperCase(emails[i].charAt(0)) : emails[i].charAt(0);
            }
            return out;
        }

        /** The last 18 digits of a number (what a long holds). */
        private static String tail(String digits) {
            return digits.length() > 18 ? digits.substring(digits.length() - 18) : digits;
        }

        @Override
        public boolean ascii() {
            return emails.stream().allMatch(e -> e.chars().allMatch(c -> c < 128));
        }

        /**
         * Whether the text holds one of the emails (any case) or phone numbers, in one pass: a phone number is each run
         * of digits with the separators numbers are written with (blank, brackets, dot, hyphen, slash, plus), compared
         * by its digits, kept as a number and a count — long texts are searched in place, without copies.
         */
        @Override
        public boolean test(String text) {
            if (text == null || text.isEmpty()) {
                return false;
            }
            boolean phones = phoneValues.length > 0;
            long value = 0;
            int count = 0;
            int n = text.length();
            for (int i = 0; i < n; i++) {
                char c = text.charAt(i);
                for (int k = 0; k < firsts.length; k++) {
                    if ((c == firsts[k] || c == uppers[k]) && text.regionMatches(true, i, emailList[k], 0, emailList[k].length())) {
                        return true;
                    }
                }
                int d = c - '0';
                if (d >= 0 && d <= 9) {
                    if (phones) {
                        value = count < 18 ? value * 10 + d : (value % 100_000_000_000_000_000L) * 10 + d;
                        count++;
                    }
                    continue;
                }
                if (count > 0) {
                    if (c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || c == '/' || c == '+') {
                        continue;
                    }
                    if (count >= Identifiers.MIN_PHONE_DIGITS && samePhone(value, Math.min(count, 18))) {
                        return true;
                    }
                    value = 0;
                    count = 0;
                }
            }
            return count >= Identifiers.MIN_PHONE_DIGITS && samePhone(value, Math.min(count, 18));
        }

        /**
         * Whether a run of digits (its last {@code count} digits as a number) is one of the person's numbers: the same
         * digits, or one's digits end with the other's (a number with its country code and without).
         */
        private boolean samePhone(long run, int count) {
            for (int k = 0; k < phoneValues.length; k++) {
                int len = phoneLengths[k];
                long p = phoneValues[k];
                if (count >= len ? run % POW[len] == p : p % POW[count] == run) {
                    return true;
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

    /** Erases the copies that hold rows of the records (by their ids alone: a ledger replay knows no values). */
    List<Findings.Copy> eraseByIds(Set<UUID> ids) {
        Needles byIds = new Needles(ids, Set.of(), Set.of());
        return copies(importer.forget(ids, byIds), exports.held(ids, byIds, true));
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
