package io.hotcrm.metadata;

import io.hotcrm.common.HotCrmException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An immutable snapshot of every object and field: the standard catalogue plus the custom fields added at
 * runtime. Adding a field yields a new snapshot; readers keep the one they started with.
 */
public final class Catalogue {
    private final Map<String, ObjectDef> objects;
    private final List<String> order;

    public Catalogue(Collection<ObjectDef> objects) {
        Map<String, ObjectDef> byName = new LinkedHashMap<>();
        for (ObjectDef o : objects) {
            byName.put(o.name(), o);
        }
        this.objects = Map.copyOf(byName);
        this.order = objects.stream().map(ObjectDef::name).toList();
        checkTargets();
    }

    /** The standard catalogue that ships with HotCRM. */
    public static Catalogue standard() {
        return CatalogueJson.readStandard();
    }

    public Collection<ObjectDef> objects() {
        return order.stream().map(objects::get).toList();
    }

    public Optional<ObjectDef> find(String name) {
        return Optional.ofNullable(name == null ? null : objects.get(name));
    }

    /** The object, or an error that suggests the closest name and how to list all of them. */
    public ObjectDef object(String name) {
        return find(name).orElseThrow(() -> HotCrmException.notFound("There is no object \"" + name + "\"."
                + Suggestions.didYouMean(String.valueOf(name), order) + " Run \"hotcrm objects\" to list them."));
    }

    /** A new snapshot with one more field on one object. */
    public Catalogue withField(String objectName, FieldDef field) {
        Map<String, ObjectDef> copy = new LinkedHashMap<>();
        for (String n : order) {
            ObjectDef o = objects.get(n);
            copy.put(n, n.equals(objectName) ? o.withField(field) : o);
        }
        return new Catalogue(copy.values());
    }

    private void checkTargets() {
        for (ObjectDef o : objects.values()) {
            for (FieldDef f : o.fields()) {
                if (f.type().isReference() && !objects.containsKey(f.target())) {
                    throw HotCrmException.invalid("Lookup " + o.name() + "." + f.name() + " points to \"" + f.target()
                            + "\", which is not an object.");
                }
            }
        }
    }
}
