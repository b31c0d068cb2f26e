package io.hotcrm.mapping;

import io.hotcrm.common.HotCrmException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/** Mappings saved under a name per object, to reuse for every file of the same shape. */
public final class SavedMappings {
    private final Jdbi jdbi;

    public SavedMappings(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** A saved mapping's name and when it was last saved. */
    public record Info(String object, String name, String createdBy, OffsetDateTime updatedAt) {
    }

    /**
     * Saves the mapping under the name for its object, or replaces the one saved there — only if {@code by}
     * saved it or {@code replaceOthers} (a role that manages setup): nobody changes someone else's mapping.
     */
    public void save(String name, Mapping m, String by, boolean replaceOthers) {
        if (name == null || name.isBlank() || name.length() > 120) {
            throw HotCrmException.invalid("A mapping needs a name of 1 to 120 characters.");
        }
        if (m.object() == null) {
            throw HotCrmException.invalid("A mapping to save must name its object.");
        }
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        jdbi.useTransaction(h -> {
            Optional<String> owner = h.createQuery("select created_by from hc_mapping where object_name = :o and name = :n")
                    .bind("o", m.object()).bind("n", name.trim()).mapTo(String.class).findOne();
            if (owner.isPresent() && !replaceOthers && !owner.get().equalsIgnoreCase(by)) {
                throw HotCrmException.denied("The " + m.object() + " mapping \"" + name.trim() + "\" was saved by " + owner.get()
                        + "; only they or an administrator may change it. Save yours under another name.");
            }
            int n = h.createUpdate("update hc_mapping set definition = :d, updated_at = :now where object_name = :o and name = :n")
                    .bind("d", m.toJson()).bind("now", now).bind("o", m.object()).bind("n", name.trim()).execute();
            if (n == 0) {
                h.createUpdate("insert into hc_mapping (object_name, name, definition, created_by, created_at, updated_at)"
                                + " values (:o, :n, :d, :by, :now, :now)")
                        .bind("o", m.object()).bind("n", name.trim()).bind("d", m.toJson()).bind("by", by).bind("now", now)
                        .execute();
            }
        });
    }

    public Optional<Mapping> find(String object, String name) {
        return jdbi.withHandle(h -> h.createQuery("select definition from hc_mapping where object_name = :o and name = :n")
                .bind("o", object).bind("n", name.trim()).mapTo(String.class).findOne())
                .map(json -> Mapping.parse(json, "\"" + name + "\""));
    }

    /** The saved mapping, or an error that lists the names saved for the object. */
    public Mapping get(String object, String name) {
        return find(object, name).orElseThrow(() -> {
            List<String> names = list(object).stream().map(Info::name).toList();
            return HotCrmException.notFound("There is no saved " + object + " mapping named \"" + name + "\"."
                    + (names.isEmpty() ? " None are saved yet." : " Saved: " + String.join(", ", names) + "."));
        });
    }

    public List<Info> list(String object) {
        return jdbi.withHandle(h -> {
            var q = h.createQuery("select object_name, name, created_by, updated_at from hc_mapping"
                    + (object == null ? "" : " where object_name = :o") + " order by object_name, name");
            if (object != null) {
                q.bind("o", object);
            }
            return q.map((rs, c) -> new Info(rs.getString(1), rs.getString(2), rs.getString(3),
                        rs.getObject(4, OffsetDateTime.class).withOffsetSameInstant(ZoneOffset.UTC))).list();
        });
    }

    public void delete(String object, String name) {
        int n = jdbi.withHandle(h -> h.createUpdate("delete from hc_mapping where object_name = :o and name = :n")
                .bind("o", object).bind("n", name.trim()).execute());
        if (n == 0) {
            throw HotCrmException.notFound("There is no saved " + object + " mapping named \"" + name + "\".");
        }
    }
}
