package io.hotcrm.importing;

import io.hotcrm.common.Texts;
import io.hotcrm.mapping.CompiledMapping;
import io.hotcrm.mapping.CompiledMapping.Target;
import io.hotcrm.mapping.LookupBy;
import io.hotcrm.metadata.FieldDef;
import io.hotcrm.metadata.FieldType;
import io.hotcrm.metadata.ObjectDef;
import io.hotcrm.metadata.SystemField;
import java.io.IOException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The keys stage: every row needs a key to be matched (in update mode), a key seen on an earlier row of the
 * file is a duplicate, and the keys other rows of the same file may point at (a parent account given by the
 * external id of another row) are known before the first chunk, so those references wait for their row.
 */
final class Keys {
    private final CompiledMapping mapping;
    private final ImportMode mode;
    /** The position of the match field among the mapping's targets, or -1 (no key: every row creates). */
    final int keyIndex;
    final FieldDef keyField;
    private final KeyIndex seen = new KeyIndex();
    private final Map<Integer, KeyIndex> fileKeys = new HashMap<>();

    Keys(CompiledMapping mapping, ImportMode mode, String keyFieldName) {
        this.mapping = mapping;
        this.mode = mode;
        this.keyIndex = mapping.indexOf(keyFieldName);
        this.keyField = keyIndex >= 0 ? mapping.targets().get(keyIndex).field() : CompiledMapping.externalIdField();
    }

    /** The column header of the key, for problems. */
    String keyHeader() {
        return keyIndex >= 0 ? mapping.targets().get(keyIndex).header() : null;
    }

    /** Checks a converted row's key; a row without one fails in update mode, a repeated one always. */
    void check(ImportRow row) {
        Object key = keyIndex >= 0 ? row.values[keyIndex] : null;
        if (key == null) {
            if (mode == ImportMode.UPDATE) {
                row.fail(keyHeader(), keyField.name(), null, "Nothing to match on: updates find records by "
                        + keyField.name() + ", and this row has none.");
            }
            return;
        }
        row.key = key;
        long first;
        synchronized (seen) {
            first = seen.putIfAbsent(key.toString(), row.number);
        }
        if (first >= 0) {
            row.fail(keyHeader(), keyField.name(), key.toString(), "Duplicate: row " + first + " of this file has the same "
                    + keyField.name() + " " + Texts.quote(key.toString()) + "; only the first is imported.");
        }
    }

    /** A row an earlier run already imported: its key still counts for duplicates. */
    void remember(ImportRow row) {
        if (!row.blank && row.problems.isEmpty() && keyIndex >= 0 && row.values[keyIndex] != null) {
            synchronized (seen) {
                seen.putIfAbsent(row.values[keyIndex].toString(), row.number);
            }
        }
    }

    /** Reads the file once for the keys its own rows may point at (only when some lookup points at this object). */
    void indexFileKeys(Supplier<Source> reopen) throws IOException {
        ObjectDef object = mapping.object();
        Map<Integer, Integer> wanted = new HashMap<>();
        for (int i = 0; i < mapping.targets().size(); i++) {
            Target t = mapping.targets().get(i);
            if (selfReference(object, t)) {
                String keyName = t.by() == LookupBy.EXTERNAL_ID ? SystemField.EXTERNAL_ID
                        : t.by() == LookupBy.NAME ? References.nameFieldName(object) : t.by() == LookupBy.EMAIL ? "email" : null;
                int idx = keyName == null ? -1 : mapping.indexOf(keyName);
                if (idx >= 0 && mapping.targets().get(idx).fromColumn()) {
                    wanted.put(i, mapping.targets().get(idx).column());
                }
            }
        }
        if (wanted.isEmpty()) {
            return;
        }
        wanted.keySet().forEach(i -> fileKeys.put(i, new KeyIndex()));
        try (Source s = reopen.get()) {
            SourceRow r;
            while ((r = s.next()) != null) {
                for (Map.Entry<Integer, Integer> e : wanted.entrySet()) {
                    String v = e.getValue() < r.values().length ? r.values()[e.getValue()] : null;
                    if (v != null && !v.isBlank()) {
                        fileKeys.get(e.getKey()).putIfAbsent(normaliseRef(mapping.targets().get(e.getKey()).by(), v.strip()), 0);
                    }
                }
            }
        }
    }

    /** Whether a row of this file has the key {@code normalisedKey} for the lookup target {@code target}. */
    boolean inFile(int target, String normalisedKey) {
        KeyIndex k = fileKeys.get(target);
        return k != null && k.contains(normalisedKey);
    }

    private static boolean selfReference(ObjectDef object, Target t) {
        return t.field().type() == FieldType.LOOKUP && object.name().equals(t.field().target()) && t.by() != LookupBy.ID;
    }

    /** Names and emails are found whatever their case. */
    static String normaliseRef(LookupBy by, String key) {
        return by == LookupBy.NAME || by == LookupBy.EMAIL ? key.toLowerCase(Locale.ROOT) : key;
    }
}
