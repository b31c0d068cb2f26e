package io.hotcrm.testing;

import io.hotcrm.metadata.Catalogue;
import io.hotcrm.metadata.FieldDef;
import io.hotcrm.migration.MigrationPlan;
import io.hotcrm.migration.MigrationPlan.PlanField;
import io.hotcrm.migration.MigrationPlan.PlanObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an admin does when reviewing a proposed plan: maps the picklist values HotCRM did not recognise (to the
 * field's first value), and gives the required fields no source field fills a value.
 */
public final class PlanReview {
    private PlanReview() {
    }

    public static MigrationPlan settle(MigrationPlan plan, Catalogue catalogue) {
        List<PlanObject> objects = new ArrayList<>();
        for (PlanObject o : plan.objects()) {
            List<PlanField> fields = new ArrayList<>();
            for (PlanField f : o.fields()) {
                if (f.kind().equals(PlanField.PICKLIST) && f.create() == null) {
                    FieldDef tf = catalogue.object(o.target()).requireField(f.target());
                    Map<String, String> values = new LinkedHashMap<>();
                    f.values().forEach((k, v) -> values.put(k, v == null ? tf.values().get(0).value() : v));
                    f = new PlanField(f.source(), f.target(), f.kind(), f.lookup(), f.targets(), values, tf.values().get(0).value(), null)
                            .withLabels(f.labels());
                }
                fields.add(f);
            }
            Map<String, String> fill = new LinkedHashMap<>(o.fill());
            fill.replaceAll((k, v) -> v == null || v.isBlank() ? "0" : v);
            objects.add(new PlanObject(o.source(), o.target(), o.include(), o.count(), o.dependsOn(), fields, fill, o.skippedFields()));
        }
        return new MigrationPlan(plan.version(), plan.source(), plan.slice(), plan.fallbackOwner(), plan.users(), objects, plan.skipped());
    }
}
