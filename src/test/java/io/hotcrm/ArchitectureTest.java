package io.hotcrm;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The package arrows of DESIGN.md, checked: each feature imports only what the table allows, every package is
 * in the table (a new package fails this test until it has its row), sub-packages never import their
 * siblings, and the edges reach a feature only through its front doors.
 */
class ArchitectureTest {
    static final JavaClasses CLASSES = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.hotcrm");

    /** DESIGN.md's table; {@code common} may be imported by all and is implied. */
    static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
            Map.entry("common", Set.of()),
            Map.entry("metadata", Set.of()),
            Map.entry("security", Set.of("metadata")),
            Map.entry("store", Set.of("metadata", "security")),
            Map.entry("query", Set.of("metadata", "security", "store")),
            Map.entry("mapping", Set.of("metadata")),
            Map.entry("files", Set.of("destinations")),
            Map.entry("importing", Set.of("mapping", "store", "query", "metadata", "security", "files")),
            Map.entry("migration", Set.of("importing", "mapping", "store", "query", "metadata", "security", "files")),
            Map.entry("exporting", Set.of("query", "store", "destinations", "metadata", "security", "files")),
            Map.entry("destinations", Set.of()),
            Map.entry("privacy", Set.of("store", "query", "exporting", "importing", "metadata", "security", "files")),
            Map.entry("backup", Set.of("store", "destinations", "metadata", "files", "privacy", "security")),
            Map.entry("jobs", Set.of()),
            Map.entry("notify", Set.of()),
            Map.entry("web", Set.of("metadata", "security", "store", "query", "mapping", "importing", "migration",
                    "exporting", "destinations", "files", "privacy", "backup", "jobs", "notify")),
            Map.entry("cli", Set.of("metadata", "security", "store", "query", "mapping", "importing", "migration",
                    "exporting", "destinations", "files", "privacy", "backup", "jobs", "notify")),
            Map.entry("app", Set.of("metadata", "security", "store", "query", "mapping", "files", "importing", "migration",
                    "exporting", "destinations", "privacy", "backup", "jobs", "notify", "web", "cli")));

    /**
     * What the edges ({@code web}, {@code cli}) may use of the store: its front doors for records, for objects
     * and custom fields, and for the recycle bin — never its write paths, SQL or connections.
     */
    static final Set<String> STORE_FRONT_DOORS = Set.of("RecordStore", "StoredRecord", "Schema", "RecycleBin");

    @Test
    void everyPackageHasItsRowInTheTable() {
        Set<String> unlisted = new TreeSet<>();
        for (JavaClass c : CLASSES) {
            String feature = feature(c.getPackageName());
            if (feature == null || !ALLOWED.containsKey(feature)) {
                unlisted.add(c.getPackageName());
            }
        }
        assertThat(unlisted).as("packages without a row in ArchitectureTest.ALLOWED (add the row before the first class)").isEmpty();
    }

    @Test
    void featuresImportOnlyWhatTheDesignAllows() {
        ALLOWED.forEach((pkg, allowed) -> ALLOWED.keySet().stream()
                .filter(other -> !other.equals(pkg) && !other.equals("common") && !allowed.contains(other))
                .forEach(other -> noClasses().that().resideInAPackage("io.hotcrm." + pkg + "..")
                        .should().dependOnClassesThat().resideInAPackage("io.hotcrm." + other + "..")
                        .allowEmptyShould(true).check(CLASSES)));
    }

    @Test
    void subPackagesNeverImportTheirSiblingsAndOnlyTheCompositionRootWiresThem() {
        Set<String> subPackages = new TreeSet<>();
        for (JavaClass c : CLASSES) {
            String[] parts = c.getPackageName().split("\\.");
            if (parts.length > 3) {
                subPackages.add(parts[2] + "." + parts[3]);
            }
        }
        assertThat(subPackages).as("sub-packages found").isNotEmpty();
        for (String sub : subPackages) {
            String parent = sub.substring(0, sub.indexOf('.'));
            noClasses().that().resideInAPackage("io.hotcrm." + parent + "..")
                    .and().resideOutsideOfPackage("io.hotcrm." + sub + "..")
                    .and().resideOutsideOfPackage("io.hotcrm." + parent)
                    .should().dependOnClassesThat().resideInAPackage("io.hotcrm." + sub + "..")
                    .as("siblings of " + sub + " do not import it").allowEmptyShould(true).check(CLASSES);
            noClasses().that().resideOutsideOfPackage("io.hotcrm." + parent + "..")
                    .and().resideOutsideOfPackage("io.hotcrm.app..")
                    .should().dependOnClassesThat().resideInAPackage("io.hotcrm." + sub + "..")
                    .as("only " + parent + " and app use " + sub).check(CLASSES);
        }
    }

    @Test
    void theMigrationEngineKnowsNoSource() {
        // sources (Salesforce's API, its Data Export, HubSpot) plug in behind CrmSource and SourceKind; the engine names none
        noClasses().that().resideInAPackage("io.hotcrm.migration").should().dependOnClassesThat()
                .resideInAPackage("io.hotcrm.migration.*..").check(CLASSES);
    }

    @Test
    void theEdgesUseTheStoreOnlyThroughItsFrontDoors() {
        noClasses().that().resideInAnyPackage("io.hotcrm.web..", "io.hotcrm.cli..")
                .should().dependOnClassesThat(com.tngtech.archunit.base.DescribedPredicate.describe("store internals",
                        (JavaClass c) -> c.getPackageName().equals("io.hotcrm.store")
                                && !STORE_FRONT_DOORS.contains(c.getName().substring("io.hotcrm.store.".length()).split("\\$")[0])))
                .check(CLASSES);
    }

    @Test
    void nothingImportsTheCompositionRoot() {
        noClasses().that().resideOutsideOfPackage("io.hotcrm.app..").should().dependOnClassesThat()
                .resideInAPackage("io.hotcrm.app..").check(CLASSES);
    }

    @Test
    void featurePackagesHaveNoCycles() {
        slices().matching("io.hotcrm.(*)..").should().beFreeOfCycles().check(CLASSES);
    }

    private static String feature(String packageName) {
        if (!packageName.startsWith("io.hotcrm.")) {
            return null;
        }
        String rest = packageName.substring("io.hotcrm.".length());
        int dot = rest.indexOf('.');
        return dot < 0 ? rest : rest.substring(0, dot);
    }
}
