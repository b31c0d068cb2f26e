package io.hotcrm.privacy;

import com.fasterxml.jackson.databind.JsonNode;
import io.hotcrm.metadata.FieldDef;
import io.hotcrm.metadata.FieldType;
import io.hotcrm.metadata.ObjectDef;
import io.hotcrm.security.Principal;
import io.hotcrm.store.RecordStore;
import io.hotcrm.store.RecycleBin;
import io.hotcrm.store.Schema;
import io.hotcrm.store.StoredRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The erasure ledger replayed on a restored database: each entry, oldest first, does again what its erasure did — record
 * by record and field by field as the entry says — with the person's addresses and names found again by the salted
 * hashes the entry keeps (it holds no values). Records already as the entry leaves them are not touched, so a replay
 * may run any number of times.
 */
final class LedgerReplay {
    private static final Pattern EMAIL = Pattern.compile("[^\\s,;<>()\"']+@[^\\s,;<>()\"']+");
    private static final Pattern WORD = Pattern.compile("\\p{L}[\\p{L}\\p{M}'’\\-]*");
    private static final int NAME_WORDS = 4;

    private final Schema schema;
    private final RecordStore records;
    private final RecycleBin bin;
    private final Copies copies;
    private final UnaryOperator<String> hash;

    LedgerReplay(Schema schema, RecordStore records, RecycleBin bin, Copies copies, UnaryOperator<String> hash) {
        this.schema = schema;
        this.records = records;
        this.bin = bin;
        this.copies = copies;
        this.hash = hash;
    }

    int replay(List<String> entries) {
        int changed = 0;
        Principal system = Principal.system();
        for (String text : entries) {
            JsonNode e;
            try {
                e = Certificates.JSON.readTree(text);
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
            String request = e.path("request").asText();
            Set<String> emails = new HashSet<>();
            e.path("tokens").path("emails").forEach(n -> emails.add(n.asText()));
            Set<String> names = new HashSet<>();
            e.path("tokens").path("names").forEach(n -> names.add(n.asText()));
            Set<UUID> erased = new HashSet<>();
            Map<String, List<UUID>> deletions = new HashMap<>();
            for (JsonNode r : e.path("records")) {
                String object = r.path("object").asText();
                UUID id = UUID.fromString(r.path("id").asText());
                if (Copies.KINDS.contains(object) || schema.catalogue().find(object).isEmpty()) {
                    continue;
                }
                erased.add(id);
                ObjectDef o = schema.object(object);
                StoredRecord found;
                try {
                    found = records.get(system, object, id);
                } catch (io.hotcrm.common.HotCrmException ex) {
                    continue; // not in this database (any more): nothing to erase again
                }
                switch (r.path("action").asText()) {
                    case Erasure.DELETE -> deletions.computeIfAbsent(object, k -> new ArrayList<>()).add(id);
                    case Erasure.ANONYMISE -> {
                        if (found.deleted()) {
                            // in the recycle bin, where it cannot be edited: erased for good instead
                            deletions.computeIfAbsent(object, k -> new ArrayList<>()).add(id);
                            continue;
                        }
                        Map<String, Object> values = values(o, found, r.path("fields"), request, emails, names);
                        if (!values.isEmpty()) {
                            records.update(system, object, id, values);
                            changed++;
                        }
                    }
                    default -> {
                    }
                }
            }
            for (var d : deletions.entrySet()) {
                bin.purgeRecords(system, schema.object(d.getKey()), d.getValue(), "erased again after a restore (privacy request "
                        + request + ")");
                changed += d.getValue().size();
            }
            if (!erased.isEmpty()) {
                copies.eraseByIds(erased);
            }
        }
        return changed;
    }

    /** The fields' values as the erasure left them (only those that differ now). */
    private Map<String, Object> values(ObjectDef o, StoredRecord r, JsonNode fields, String request, Set<String> emails, Set<String> names) {
        Map<String, Object> out = new HashMap<>();
        for (var it = fields.properties().iterator(); it.hasNext(); ) {
            var f = it.next();
            FieldDef def = o.field(f.getKey()).orElse(null);
            Object v = r.fields().get(f.getKey());
            if (def == null || v == null || v.toString().isBlank()) {
                continue;
            }
            String text = v.toString();
            String strategy = f.getValue().asText();
            String next;
            if (def.type() == FieldType.EMAIL && strategy.contains("redacted.invalid")) {
                next = text.startsWith("redacted-") && text.endsWith("@redacted.invalid") ? text
                        : "redacted-" + request.substring(0, 8) + "-" + r.id().toString().substring(0, 8) + "-r@redacted.invalid";
            } else if (strategy.startsWith("the email")) {
                next = scrub(text, emails, names);
            } else if (strategy.startsWith("replaced by")) {
                next = Erasure.REDACTED;
            } else if (strategy.equals("cleared")) {
                next = null;
            } else {
                next = text;
            }
            if (!java.util.Objects.equals(next, text)) {
                out.put(f.getKey(), next);
            }
        }
        return out;
    }

    /** The text with every address and name whose salted hash the entry keeps replaced by [redacted]. */
    private String scrub(String text, Set<String> emails, Set<String> names) {
        StringBuilder b = new StringBuilder();
        Matcher m = EMAIL.matcher(text);
        int at = 0;
        while (m.find()) {
            if (emails.contains(hash.apply(m.group()))) {
                b.append(text, at, m.start()).append(Erasure.REDACTED);
                at = m.end();
            }
        }
        String out = b.append(text.substring(at)).toString();
        if (names.isEmpty()) {
            return out;
        }
        List<int[]> words = new ArrayList<>();
        Matcher w = WORD.matcher(out);
        while (w.find()) {
            words.add(new int[] {w.start(), w.end()});
        }
        List<int[]> spans = new ArrayList<>();
        for (int i = 0; i < words.size(); i++) {
            for (int j = i; j < Math.min(words.size(), i + NAME_WORDS); j++) {
                if (j > i && !out.substring(words.get(j - 1)[1], words.get(j)[0]).isBlank()) {
                    break;
                }
                String phrase = out.substring(words.get(i)[0], words.get(j)[1]).replaceAll("\\s+", " ");
                if (names.contains(hash.apply(phrase))) {
                    spans.add(new int[] {words.get(i)[0], words.get(j)[1]});
                    i = j;
                    break;
                }
            }
        }
        StringBuilder r = new StringBuilder(out);
        for (int k = spans.size() - 1; k >= 0; k--) {
            r.replace(spans.get(k)[0], spans.get(k)[1], Erasure.REDACTED);
        }
        return r.toString();
    }
}
