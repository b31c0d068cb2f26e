package io.hotcrm.backup;

import io.hotcrm.common.Ids;
import io.hotcrm.metadata.Catalogue;
import io.hotcrm.privacy.PrivacyRequests;
import io.hotcrm.store.Database;
import io.hotcrm.store.Schema;
import java.time.Instant;
import java.util.Map;

/**
 * What turns a restored copy into a sandbox (see {@link Backups#sandbox}): everything here runs on the copy, never on
 * the instance it came from, in one transaction.
 */
final class Sandboxes {
    private Sandboxes() {
    }

    /** The suffix that makes a user's address undeliverable (as Salesforce sandboxes do): {@code ann@example.com.invalid}. */
    static final String UNDELIVERABLE = ".invalid";

    record Prepared(String instanceId, int schedulesPaused, int users, Map<String, Long> anonymised) {
    }

    static Prepared prepare(Database copy, String name, String source, Instant now, boolean anonymise) {
        String instance = Ids.newId().toString();
        String marker = Archive.MAPPER.createObjectNode().put("name", name).put("from", source).put("createdAt", now.toString())
                .put("anonymised", anonymise).toString();
        int[] counts = new int[2];
        copy.jdbi().useTransaction(h -> {
            h.createUpdate("delete from hc_meta where meta_key in (:a, :b)").bind("a", Backups.SANDBOX).bind("b", Backups.INSTANCE_ID)
                    .execute();
            h.createUpdate("insert into hc_meta (meta_key, meta_value) values (:k, :v)").bind("k", Backups.SANDBOX).bind("v", marker)
                    .execute();
            h.createUpdate("insert into hc_meta (meta_key, meta_value) values (:k, :v)").bind("k", Backups.INSTANCE_ID)
                    .bind("v", instance).execute();
            // nothing runs on its own: exports and backups on a cron are paused (resume one by one when wanted)
            counts[0] = h.createUpdate("update hc_export_schedule set paused = true where paused = false").execute()
                    + h.createUpdate("update hc_backup_schedule set paused = true where paused = false").execute();
            // production's backups and export files are not the sandbox's: it never lists, prunes or deletes them
            h.execute("delete from hc_backup_drill");
            h.execute("delete from hc_backup");
            h.execute("delete from hc_export_run");
            // no one stays signed in, no emailed link works, certificates are signed with a key of its own
            h.execute("delete from hc_session");
            h.execute("delete from hc_privacy_link");
            h.execute("delete from hc_privacy_key where name in ('signing-public', 'signing-private')");
            counts[1] = h.createUpdate("update obj_user set email = email || '" + UNDELIVERABLE + "' where email not like '%"
                    + UNDELIVERABLE + "'").execute();
        });
        Map<String, Long> anonymised = Map.of();
        if (anonymise) {
            Schema schema = new Schema(copy, Catalogue.standard());
            schema.sync();
            anonymised = PrivacyRequests.anonymiseCopy(copy, schema);
        }
        return new Prepared(instance, counts[0], counts[1], anonymised);
    }
}
