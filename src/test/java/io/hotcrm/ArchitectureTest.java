package io.hotcrm;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The package arrows of DESIGN.md, checked: each feature imports only what the table allows. */
class ArchitectureTest {
    static final JavaClasses CLASSES = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.hotcrm");

    static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
            Map.entry("common", Set.of()),
            Map.entry("metadata", Set.of("common")),
            Map.entry("security", Set.of("common", "metadata")),
            Map.entry("store", Set.of("common", "metadata", "security")),
            Map.entry("query", Set.of("common", "metadata", "security", "store")),
            Map.entry("jobs", Set.of("common")),
            Map.entry("notify", Set.of("common")),
            Map.entry("mapping", Set.of("common", "metadata")),
            Map.entry("files", Set.of("common", "destinations")),
            Map.entry("importing", Set.of("common", "metadata", "security", "store", "query", "mapping", "files")),
            Map.entry("destinations", Set.of("common")),
            Map.entry("exporting", Set.of("common", "metadata", "security", "store", "query", "destinations", "jobs", "notify")),
            Map.entry("web", Set.of("common", "metadata", "security", "store", "query", "mapping", "importing", "migration",
                    "exporting", "destinations", "files", "privacy", "backup", "jobs", "notify")),
            Map.entry("cli", Set.of("common", "metadata", "security", "store", "query", "mapping", "importing", "migration",
                    "exporting", "destinations", "privacy", "backup", "jobs", "notify")));

    @Test
    void featuresImportOnlyWhatTheDesignAllows() {
        Set<String> all = Set.of("common", "metadata", "security", "store", "query", "mapping", "files", "importing", "migration",
                "exporting", "destinations", "privacy", "backup", "jobs", "notify", "web", "cli", "app");
        ALLOWED.forEach((pkg, allowed) -> all.stream()
                .filter(other -> !other.equals(pkg) && !allowed.contains(other))
                .forEach(other -> noClasses().that().resideInAPackage("io.hotcrm." + pkg + "..")
                        .should().dependOnClassesThat().resideInAPackage("io.hotcrm." + other + "..")
                        .allowEmptyShould(true).check(CLASSES)));
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
}
