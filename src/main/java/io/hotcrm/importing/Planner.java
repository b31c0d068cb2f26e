package io.hotcrm.importing;

import io.hotcrm.common.HotCrmException;
import io.hotcrm.mapping.CompiledMapping;
import io.hotcrm.mapping.Mapping;
import io.hotcrm.mapping.MappingSuggester;
import io.hotcrm.mapping.SavedMappings;
import io.hotcrm.metadata.Catalogue;
import io.hotcrm.metadata.FieldDef;
import io.hotcrm.metadata.FieldType;
import io.hotcrm.metadata.ObjectDef;
import io.hotcrm.metadata.SystemField;
import io.hotcrm.security.AccessGuard;
import io.hotcrm.security.Action;
import io.hotcrm.security.Principal;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The planning stage, before a row is imported: the user may create/edit the object and every mapped field,
 * the mapping (given, saved or suggested) fits the object and the file, the match key is mapped, and every
 * required field of a new record is filled. Everything wrong is said at once, and nothing is recorded.
 */
final class Planner {
    /** The match field of imports without a key: every row creates a record. */
    static final String NO_KEY = "(none)";

    private final SavedMappings savedMappings;
    private final MappingSuggester suggester;

    Planner(SavedMappings savedMappings, MappingSuggester suggester) {
        this.savedMappings = savedMappings;
        this.suggester = suggester;
    }

    /** A request checked against its file: the mapping to use, compiled, and the match key. */
    record Plan(Mapping mapping, CompiledMapping compiled, String matchField, String source, long rows) {
    }

    Plan plan(Principal p, ImportRequest r, Catalogue cat, ObjectDef o, Source s) throws IOException {
        if (o.name().equals(UserRows.USER)) {
            AccessGuard.requireSetup(p, "import users");
        }
        if (r.mode() != ImportMode.UPDATE) {
            AccessGuard.require(p, o, Action.CREATE);
        }
        if (r.mode() != ImportMode.INSERT) {
            AccessGuard.require(p, o, Action.EDIT);
        }
        if (r.migration()) {
            AccessGuard.requireMigration(p, "import as a migration");
        }
        Mapping m = r.mapping();
        if (m == null && r.mappingName() != null) {
            m = savedMappings.get(o.name(), r.mappingName());
        }
        if (m == null) {
            List<String[]> sample = new ArrayList<>();
            SourceRow row;
            while (sample.size() < 10 && (row = s.next()) != null) {
                sample.add(row.values());
            }
            m = suggester.suggestMapping(o, s.headers(), sample);
        }
        m = m.withObject(o.name());
        if (r.formats() != null) {
            m = m.withFormats(r.formats().applyTo(m.formats()));
        }
        CompiledMapping cm = CompiledMapping.compile(cat, o, m, s.headers(), r.migration());
        if (cm.targets().stream().noneMatch(CompiledMapping.Target::fromColumn)) {
            throw HotCrmException.invalid("No column of " + r.fileName() + " is mapped to a field of " + o.name()
                    + ". Its columns: " + String.join(", ", s.headers()) + ". Give a mapping (--mapping) naming the"
                    + " field for each column.");
        }
        List<FieldDef> editable = cm.targets().stream().map(CompiledMapping.Target::field)
                .filter(f -> !f.name().equals(SystemField.EXTERNAL_ID) && !f.name().equals(CompiledMapping.ID))
                .filter(f -> !r.migration() || !(f.computed() || CompiledMapping.AUDIT_FIELDS.contains(f.name()))).toList();
        AccessGuard.requireEditable(p, o, editable);
        for (CompiledMapping.Target t : cm.targets()) {
            if (t.field().type() == FieldType.LOOKUP) {
                AccessGuard.require(p, cat.object(t.field().target()), Action.READ);
            }
        }
        String match = matchField(r, o, cm);
        if (r.mode() != ImportMode.UPDATE) {
            requireFilled(o, cm);
        }
        return new Plan(m, cm, match, s.description(), s.rows());
    }

    /** New records need every required field: a column or a constant fills it, or it has a default. */
    private static void requireFilled(ObjectDef o, CompiledMapping cm) {
        List<String> missing = new ArrayList<>();
        boolean users = o.name().equals(UserRows.USER);
        for (FieldDef f : o.fields()) {
            if (f.required() && !f.computed() && f.type() != FieldType.OWNER && f.defaultValue() == null
                    && cm.indexOf(f.name()) < 0 && !(users && UserRows.defaults().containsKey(f.name()))) {
                missing.add(f.label() + " (" + f.name() + ")");
            }
        }
        if (!missing.isEmpty()) {
            throw HotCrmException.invalid("New " + o.pluralLabel().toLowerCase(Locale.ROOT) + " need "
                    + String.join(", ", missing) + ", but no column or constant fills "
                    + (missing.size() == 1 ? "it" : "them") + ". Map a column to " + (missing.size() == 1 ? "it" : "each")
                    + " (or join several columns into it with \"compose\" in the mapping), or add a constant;"
                    + " or import in update mode.");
        }
    }

    private static String matchField(ImportRequest r, ObjectDef o, CompiledMapping cm) {
        String wanted = r.matchField();
        if (NO_KEY.equals(wanted)) {
            return NO_KEY;
        }
        if (wanted != null && !wanted.isBlank()) {
            String w = wanted.trim();
            if (cm.indexOf(w) < 0 || !cm.targets().get(cm.indexOf(w)).fromColumn()) {
                throw HotCrmException.invalid("Rows are to be matched on " + w + ", but no column of the file is mapped to it."
                        + " Map the column that holds it, or match on another field.");
            }
            FieldDef f = w.equals(SystemField.EXTERNAL_ID) || w.equals(CompiledMapping.ID) ? null : o.field(w).orElse(null);
            if (f != null && (f.type().isReference() || f.type() == FieldType.MULTI_PICKLIST || f.type() == FieldType.TEXTAREA)) {
                throw HotCrmException.invalid("Rows cannot be matched on " + w + " (" + f.type().name().toLowerCase(Locale.ROOT)
                        + "); use external_id, id, email or another unique field.");
            }
            return w;
        }
        for (String candidate : List.of(SystemField.EXTERNAL_ID, CompiledMapping.ID, "email")) {
            int i = cm.indexOf(candidate);
            if (i >= 0 && cm.targets().get(i).fromColumn()) {
                return candidate;
            }
        }
        for (CompiledMapping.Target t : cm.targets()) {
            if (t.fromColumn() && t.field().unique() && !t.field().type().isReference()) {
                return t.name();
            }
        }
        if (r.mode() == ImportMode.UPDATE) {
            throw HotCrmException.invalid("Nothing to match rows on: updates need a column mapped to external_id, id, email"
                    + " or another unique field, or name the field with --match.");
        }
        return NO_KEY;
    }
}
