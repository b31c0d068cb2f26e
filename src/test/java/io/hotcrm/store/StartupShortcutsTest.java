package io.hotcrm.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.hotcrm.metadata.Catalogue;
import io.hotcrm.metadata.FieldDef;
import io.hotcrm.metadata.FieldType;
import io.hotcrm.testing.TestDb;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What a command skips when it opens a database that is already current — and that it does not skip anything else:
 * Flyway runs unless the history holds the newest migration shipped; the tables are checked unless they were made for
 * exactly this catalogue.
 */
class StartupShortcutsTest {
    @Test
    void theNewestMigrationNamedInCodeIsTheNewestFileShipped() throws IOException {
        int newest;
        try (Stream<Path> files = Files.walk(Path.of("src/main/resources/db"))) {
            newest = files.map(p -> p.getFileName().toString()).filter(n -> n.matches("V\\d+__.*\\.sql"))
                    .mapToInt(n -> Integer.parseInt(n.substring(1, n.indexOf("__")))).max().orElseThrow();
        }
        assertThat(Database.LATEST_MIGRATION).isEqualTo(String.valueOf(newest));
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(Dialect.class)
    void aCurrentDatabaseSkipsFlywayAndAnOlderOneIsMigrated(Dialect d) throws Exception {
        String url = TestDb.url(d);
        boolean pg = d == Dialect.POSTGRES;
        try (Database fresh = Database.open(TestDb.url(d), pg ? "postgres" : "sa", pg ? "postgres" : "", 2, "1")) {
            assertThat(fresh.current()).isFalse();
        }
        try (Database old = Database.open(url, pg ? "postgres" : "sa", pg ? "postgres" : "", 2, "21")) {
            assertThat(old.current()).isFalse();
            old.migrate();
            assertThat(old.current()).isTrue();
            try (var c = old.dataSource().getConnection(); var rs = c.createStatement().executeQuery(
                    "select count(*) from hc_schema_history where version = '" + Database.LATEST_MIGRATION + "'")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(1);
            }
        }
    }

    @Test
    void aCommandOpensTheEmbeddedDatabaseWithoutCompactionAndAServerWithItsBackgroundCompaction() throws Exception {
        Path dir = Files.createTempDirectory("hotcrm-compaction");
        String server = Database.embeddedUrl(dir);
        try (Database db = Database.open(server, "sa", "", 2)) {
            assertThat(compaction(db)).containsExactly("AUTO_COMPACT_FILL_RATE=90", "MAX_COMPACT_TIME=0");
        }
        try (Database db = Database.open(Database.forCommand(server), "sa", "", 2)) {
            assertThat(compaction(db)).containsExactly("AUTO_COMPACT_FILL_RATE=0", "MAX_COMPACT_TIME=0");
        }
        // a URL that says it itself, and another database's, are left as they are
        assertThat(Database.forCommand(server + ";AUTO_COMPACT_FILL_RATE=50")).isEqualTo(server + ";AUTO_COMPACT_FILL_RATE=50");
        assertThat(Database.forCommand("jdbc:postgresql://db/hotcrm")).isEqualTo("jdbc:postgresql://db/hotcrm");
        assertThat(Database.forCommand("jdbc:h2:mem:x")).isEqualTo("jdbc:h2:mem:x");
    }

    private static List<String> compaction(Database db) {
        return db.jdbi().withHandle(h -> h.createQuery("select setting_name || '=' || setting_value from information_schema.settings"
                + " where setting_name in ('AUTO_COMPACT_FILL_RATE', 'MAX_COMPACT_TIME') order by setting_name").mapTo(String.class).list());
    }

    @Test
    void tablesAreCheckedOnceForACatalogueAndAgainWhenItChanges() {
        try (Database db = TestDb.fresh(Dialect.H2)) {
            Catalogue standard = Catalogue.standard();
            new Schema(db, standard).sync();
            String first = synced(db);
            assertThat(first).isNotBlank();
            // a column dropped behind HotCRM's back is not looked for while the catalogue is the same...
            db.jdbi().useHandle(h -> h.execute("alter table " + standard.object("account").tableName() + " drop column fax"));
            new Schema(db, standard).sync();
            assertThat(synced(db)).isEqualTo(first);
            // ...but a new catalogue (a newer HotCRM, another field) checks every table again and puts it back
            Catalogue more = standard.withField("account", FieldDef.custom("tier", FieldType.TEXT, "Tier", List.of(), null,
                    false, false, 40, 0).asCustom());
            new Schema(db, more).sync();
            assertThat(synced(db)).isNotEqualTo(first);
            List<String> columns = db.jdbi().withHandle(h -> h.createQuery("select column_name from information_schema.columns"
                    + " where table_name = :t").bind("t", standard.object("account").tableName()).mapTo(String.class).list());
            assertThat(columns).contains("fax", "tier");
        }
    }

    private static String synced(Database db) {
        return db.jdbi().withHandle(h -> h.createQuery("select meta_value from hc_meta where meta_key = 'schema_synced'")
                .mapTo(String.class).one());
    }
}
