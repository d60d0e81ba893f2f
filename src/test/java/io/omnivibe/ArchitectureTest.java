package io.omnivibe;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

/**
 * The package layout is the architecture (see docs/architecture.md): a lookup flows
 * api → lookup → resilience → upstream, callers (who a lookup is for) beside them, observability and health sit at the side, shared (the
 * store a fleet shares through Redis) below lookup and resilience, changes (what Chatwoot's
 * webhooks make stale, and how the fleet hears it) below lookup and beside shared, process (what
 * ends a broken process) below them all, and no package reaches back up.
 */
class ArchitectureTest {

    private static final JavaClasses SERVICE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.omnivibe");

    @Test
    void dependenciesPointOneWay() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("api").definedBy("io.omnivibe.api..")
                .layer("callers").definedBy("io.omnivibe.callers..")
                .layer("lookup").definedBy("io.omnivibe.lookup..")
                .layer("resilience").definedBy("io.omnivibe.resilience..")
                .layer("observability").definedBy("io.omnivibe.observability..")
                .layer("health").definedBy("io.omnivibe.health..")
                .layer("changes").definedBy("io.omnivibe.changes..")
                .layer("shared").definedBy("io.omnivibe.shared..")
                .layer("upstream").definedBy("io.omnivibe.upstream..")
                .layer("config").definedBy("io.omnivibe.config..")
                .layer("process").definedBy("io.omnivibe.process..")
                .whereLayer("api").mayNotBeAccessedByAnyLayer()
                .whereLayer("health").mayNotBeAccessedByAnyLayer()
                .whereLayer("lookup").mayOnlyBeAccessedByLayers("api")
                .whereLayer("callers").mayOnlyBeAccessedByLayers("api", "lookup", "resilience")
                .whereLayer("resilience").mayOnlyBeAccessedByLayers("api", "lookup", "health")
                .whereLayer("observability").mayOnlyBeAccessedByLayers("api", "resilience")
                .whereLayer("changes").mayOnlyBeAccessedByLayers("api", "lookup", "health")
                .whereLayer("shared").mayOnlyBeAccessedByLayers("lookup", "resilience", "health", "changes")
                .whereLayer("upstream").mayOnlyBeAccessedByLayers("api", "lookup", "resilience", "observability", "shared", "changes")
                .whereLayer("config").mayOnlyBeAccessedByLayers("callers", "lookup", "resilience", "shared", "changes")
                .whereLayer("process").mayOnlyBeAccessedByLayers("api", "lookup", "upstream")
                .check(SERVICE);
    }

    @Test
    void packagesHaveNoCycles() {
        slices().matching("io.omnivibe.(*)..").should().beFreeOfCycles().check(SERVICE);
    }
}
