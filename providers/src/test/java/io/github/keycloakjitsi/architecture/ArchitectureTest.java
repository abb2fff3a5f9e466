package io.github.keycloakjitsi.architecture;

import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.properties.HasAnnotations;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which package of the bundle may use which, read from the compiled classes. From the bottom up:
 * {@code core} (Jitsi's rules, pure), {@code keycloak} (adapters over Keycloak's models),
 * {@code web} (request parsing, bearer tokens, CORS, answers), {@code service} (the one Jitsi
 * service every entry point calls), {@code invites} (invitations: store, use cases, their
 * endpoints), {@code pages} (the page of hosts and admins), and the entry points on top: {@code resource}
 * (/realms/{realm}/jitsi), {@code login} (the host gate), {@code mapper} (the protocol mapper) and
 * {@code signout} (the event listener that signs people out of meetings). Nothing uses a package
 * above it, and no two packages use each other.
 */
class ArchitectureTest {

    private static final String BASE = "io.github.keycloakjitsi";
    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages(BASE);
    }

    @Test
    void everyPackageIsALayer() {
        assertThat(classes.stream().map(c -> c.getPackageName().substring(BASE.length() + 1)).distinct())
                .as("a new package needs its place in the layers below")
                .containsExactlyInAnyOrder("core", "keycloak", "web", "service", "invites", "pages", "resource", "login", "mapper", "signout");
    }

    @Test
    void nothingUsesALayerAboveIt() {
        ArchRule layers = layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("core").definedBy(BASE + ".core..")
                .layer("keycloak").definedBy(BASE + ".keycloak..")
                .layer("web").definedBy(BASE + ".web..")
                .layer("service").definedBy(BASE + ".service..")
                .layer("invites").definedBy(BASE + ".invites..")
                .layer("pages").definedBy(BASE + ".pages..")
                .layer("resource").definedBy(BASE + ".resource..")
                .layer("login").definedBy(BASE + ".login..")
                .layer("mapper").definedBy(BASE + ".mapper..")
                .layer("signout").definedBy(BASE + ".signout..")
                .whereLayer("signout").mayNotBeAccessedByAnyLayer()
                .whereLayer("mapper").mayNotBeAccessedByAnyLayer()
                .whereLayer("login").mayNotBeAccessedByAnyLayer()
                .whereLayer("resource").mayNotBeAccessedByAnyLayer()
                .whereLayer("pages").mayOnlyBeAccessedByLayers("resource")
                .whereLayer("invites").mayOnlyBeAccessedByLayers("pages", "resource")
                .whereLayer("service").mayOnlyBeAccessedByLayers("invites", "pages", "resource", "login", "signout")
                .whereLayer("web").mayOnlyBeAccessedByLayers("service", "invites", "pages", "resource")
                .whereLayer("keycloak").mayOnlyBeAccessedByLayers("web", "service", "invites", "pages", "resource", "login", "mapper");
        layers.check(classes);
    }

    @Test
    void noCircles() {
        slices().matching(BASE + ".(*)..").should().beFreeOfCycles().check(classes);
    }

    @Test
    void theRulesArePure() {
        noClasses().that().resideInAPackage(BASE + ".core..")
                .should().dependOnClassesThat().resideOutsideOfPackages(BASE + ".core..", "java..")
                .check(classes);
    }

    @Test
    void onlyTheWebLayerAndTheEntryPointsReadRequests() {
        noClasses().that().resideInAnyPackage(BASE + ".core..", BASE + ".keycloak..")
                .should().dependOnClassesThat().resideInAnyPackage("jakarta.ws.rs..")
                .check(classes);
    }

    /**
     * Keycloak marks APIs it will remove ({@code @Deprecated(forRemoval = true)}); where an older
     * supported minor has no replacement yet, the bundle finds the method the running Keycloak has
     * ({@code AcrossVersions}, the replacement first), so the jar calls none of them directly.
     */
    @Test
    void noCallOfAnApiMarkedForRemoval() {
        classes().should(new ArchCondition<JavaClass>("call no method, constructor or field marked for removal") {
            @Override
            public void check(JavaClass item, ConditionEvents events) {
                for (JavaAccess<?> access : item.getAccessesFromSelf()) {
                    boolean markedForRemoval = markedForRemoval(access.getTargetOwner())
                            || access.getTarget().resolveMember().map(ArchitectureTest::markedForRemoval).orElse(false);
                    if (markedForRemoval) {
                        events.add(SimpleConditionEvent.violated(access, access.getDescription() + ", marked for removal"));
                    }
                }
            }
        }).check(classes);
    }

    private static boolean markedForRemoval(HasAnnotations<?> element) {
        return element.tryGetAnnotationOfType(Deprecated.class).map(Deprecated::forRemoval).orElse(false);
    }
}
