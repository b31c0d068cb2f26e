package io.hotcrm.migration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hotcrm.common.ErrorCode;
import io.hotcrm.common.HotCrmException;
import io.hotcrm.common.Ids;
import io.hotcrm.common.Secrets;
import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/**
 * The migrations table: each migration is a named connection to a source, its settings (secrets encrypted with
 * {@code HOTCRM_SECRET_KEY}, never returned), its saved plan and the high-water mark of its last run.
 */
final class Connections {
    private final Jdbi jdbi;
    private final Secrets secrets;

    /** A stored migration; {@code settings} holds secrets encrypted. */
    record Stored(UUID id, String name, String kind, Map<String, String> settings, String plan, Instant highWater,
                  UUID lastRunId, String createdBy, Instant createdAt) {
    }

    Connections(Jdbi jdbi, Secrets secrets) {
        this.jdbi = jdbi;
        this.secrets = secrets;
    }

    Optional<Stored> find(String name) {
        return jdbi.withHandle(h -> h.createQuery("select * from hc_migration where name = :n").bind("n", name)
                .map((rs, c) -> new Stored(rs.getObject("id", UUID.class), rs.getString("name"), rs.getString("kind"),
                        parse(rs.getString("settings")), rs.getString("plan"), instant(rs.getObject("high_water", OffsetDateTime.class)),
                        rs.getObject("last_run_id", UUID.class), rs.getString("created_by"),
                        instant(rs.getObject("created_at", OffsetDateTime.class)))).findOne());
    }

    Stored get(String name) {
        return find(name).orElseThrow(() -> HotCrmException.notFound("There is no migration \"" + name + "\"; see hotcrm migrate list,"
                + " or connect one: hotcrm migrate connect salesforce " + name + " --login-url URL --client-id ID …"));
    }

    Stored byId(UUID id) {
        String name = jdbi.withHandle(h -> h.createQuery("select name from hc_migration where id = :id").bind("id", id)
                .mapTo(String.class).findOne()).orElseThrow(() -> HotCrmException.notFound("There is no migration " + id + "."));
        return get(name);
    }

    List<String> names() {
        return jdbi.withHandle(h -> h.createQuery("select name from hc_migration order by name").mapTo(String.class).list());
    }

    /** Creates the migration or replaces its settings (a plan and runs are kept). */
    Stored save(String name, String kind, Map<String, String> plainSettings, java.util.Set<String> secretNames, String by) {
        Map<String, String> stored = new LinkedHashMap<>();
        plainSettings.forEach((k, v) -> {
            if (v != null) {
                stored.put(k, secretNames.contains(k) ? encrypt(v) : v);
            }
        });
        String json = toJson(stored);
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        Optional<Stored> before = find(name);
        if (before.isPresent()) {
            if (!before.get().kind().equals(kind)) {
                throw new HotCrmException(ErrorCode.CONFLICT, "The migration \"" + name + "\" reads from " + before.get().kind()
                        + ", not " + kind + ": choose another name.");
            }
            jdbi.useHandle(h -> h.createUpdate("update hc_migration set settings = :s, updated_at = :now where name = :n")
                    .bind("s", json).bind("now", now).bind("n", name).execute());
        } else {
            jdbi.useHandle(h -> h.createUpdate("insert into hc_migration (id, name, kind, settings, created_by, created_at, updated_at)"
                            + " values (:id, :n, :k, :s, :by, :now, :now)")
                    .bind("id", Ids.newId()).bind("n", name).bind("k", kind).bind("s", json).bind("by", by).bind("now", now).execute());
        }
        return get(name);
    }

    /** Adds or replaces some settings (a refresh token from the console's flow, a rotated one). */
    void update(UUID id, Map<String, String> plain, java.util.Set<String> secretNames) {
        jdbi.useTransaction(h -> {
            String before = h.createQuery("select settings from hc_migration where id = :id for update").bind("id", id)
                    .mapTo(String.class).one();
            Map<String, String> s = parse(before);
            plain.forEach((k, v) -> s.put(k, secretNames.contains(k) ? encrypt(v) : v));
            h.createUpdate("update hc_migration set settings = :s, updated_at = :now where id = :id").bind("s", toJson(s))
                    .bind("now", OffsetDateTime.now(ZoneOffset.UTC)).bind("id", id).execute();
        });
    }

    void savePlan(UUID id, String planJson) {
        jdbi.useHandle(h -> h.createUpdate("update hc_migration set plan = :p, updated_at = :now where id = :id")
                .bind("p", planJson).bind("now", OffsetDateTime.now(ZoneOffset.UTC)).bind("id", id).execute());
    }

    void ranTo(UUID id, UUID runId, Instant highWater) {
        jdbi.useHandle(h -> h.createUpdate("update hc_migration set last_run_id = :r, high_water = coalesce(cast(:hw as timestamp with time zone), high_water),"
                        + " updated_at = :now where id = :id").bind("r", runId)
                .bindByType("hw", highWater == null ? null : highWater.atOffset(ZoneOffset.UTC), OffsetDateTime.class)
                .bind("now", OffsetDateTime.now(ZoneOffset.UTC)).bind("id", id).execute());
    }

    /** The settings with secrets decrypted, to open the source. */
    Map<String, String> decrypted(Stored m, java.util.Set<String> secretNames) {
        Map<String, String> out = new LinkedHashMap<>();
        m.settings().forEach((k, v) -> out.put(k, secretNames.contains(k) && Secrets.isEncrypted(v) ? secrets().decrypt(v) : v));
        return out;
    }

    /** The settings as shown to people: secrets as "(set)". */
    static Map<String, String> shown(Stored m, java.util.Set<String> secretNames) {
        Map<String, String> out = new LinkedHashMap<>();
        m.settings().forEach((k, v) -> out.put(k, secretNames.contains(k) ? "(set)" : v));
        return out;
    }

    // ------------------------------------------------------------------ the console's OAuth flow

    void saveOauth(String state, UUID migrationId, String verifier, String redirectUri, String by) {
        jdbi.useHandle(h -> {
            h.createUpdate("delete from hc_migration_oauth where expires_at < :now").bind("now", OffsetDateTime.now(ZoneOffset.UTC)).execute();
            h.createUpdate("insert into hc_migration_oauth (state, migration_id, verifier, redirect_uri, created_by, expires_at)"
                            + " values (:s, :m, :v, :r, :by, :exp)").bind("s", state).bind("m", migrationId).bind("v", encrypt(verifier))
                    .bind("r", redirectUri).bind("by", by).bind("exp", OffsetDateTime.now(ZoneOffset.UTC).plusMinutes(15)).execute();
        });
    }

    /** The waiting flow of this state (used once: it is removed), or an error when unknown or expired. */
    record Oauth(UUID migrationId, String verifier, String redirectUri, String createdBy) {
    }

    Oauth takeOauth(String state) {
        return jdbi.inTransaction(h -> {
            Optional<Oauth> o = h.createQuery("select * from hc_migration_oauth where state = :s and expires_at > :now")
                    .bind("s", state).bind("now", OffsetDateTime.now(ZoneOffset.UTC))
                    .map((rs, c) -> new Oauth(rs.getObject("migration_id", UUID.class), secrets().decrypt(rs.getString("verifier")),
                            rs.getString("redirect_uri"), rs.getString("created_by"))).findOne();
            h.createUpdate("delete from hc_migration_oauth where state = :s").bind("s", state).execute();
            return o.orElseThrow(() -> HotCrmException.invalid("This sign-in to the source is unknown or took longer than 15"
                    + " minutes; start it again from the migration's page."));
        });
    }

    // ------------------------------------------------------------------ helpers

    private String encrypt(String v) {
        return secrets().encrypt(v);
    }

    private Secrets secrets() {
        if (secrets == null) {
            throw new HotCrmException(ErrorCode.CONFIGURATION, "Source credentials are stored encrypted, and there is no key:"
                    + " set " + Secrets.ENV + " (make one with: openssl rand -base64 32) and run the command again.");
        }
        return secrets;
    }

    private static Map<String, String> parse(String json) {
        try {
            Map<String, String> out = new LinkedHashMap<>();
            JsonNode n = MigrationPlan.JSON.readTree(json);
            n.properties().forEach(e -> out.put(e.getKey(), e.getValue().isNull() ? null : e.getValue().asText()));
            return out;
        } catch (IOException e) {
            throw new HotCrmException(ErrorCode.INTERNAL, "A stored migration's settings cannot be read: " + e.getMessage(), e);
        }
    }

    private static String toJson(Map<String, String> m) {
        ObjectNode n = MigrationPlan.JSON.createObjectNode();
        m.forEach(n::put);
        return n.toString();
    }

    private static Instant instant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }
}
