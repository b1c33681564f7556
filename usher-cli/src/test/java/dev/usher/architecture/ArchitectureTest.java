package dev.usher.architecture;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.belongToAnyOf;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * DESIGN §4 as tests: the modules' one-way dependencies, where SQL may be written, and where the
 * parts are wired. Over the production classes of every module (this module's test class path has
 * them all).
 */
@AnalyzeClasses(packages = "dev.usher", importOptions = {ImportOption.DoNotIncludeTests.class, ArchitectureTest.NoTestJars.class})
class ArchitectureTest {

    /**
     * In a full build the other modules' test fixtures come as test jars ({@code usher-server-…-tests.jar}), which
     * {@link ImportOption.DoNotIncludeTests} (test-classes directories) does not recognise.
     */
    static final class NoTestJars implements ImportOption {
        @Override
        public boolean includes(com.tngtech.archunit.core.importer.Location location) {
            return !location.contains("-tests.jar");
        }
    }

    /** The domain and the seat decision are plain Java: no other module, no database, JSON library or web framework. */
    @ArchTest
    static final ArchRule coreDependsOnNothingElse = noClasses().that().resideInAPackage("dev.usher.core..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.usher.store..", "dev.usher.server..", "dev.usher.cli..",
                    "dev.usher.client..", "java.sql..", "javax.sql..", "org.jdbi..", "tools.jackson..", "com.fasterxml.jackson..",
                    "io.javalin..", "org.eclipse.jetty..", "org.flywaydb..", "com.zaxxer.hikari..");

    /** Only the store speaks SQL. */
    @ArchTest
    static final ArchRule onlyTheStoreTouchesSql = noClasses().that().resideOutsideOfPackage("dev.usher.store..")
            .should().dependOnClassesThat().resideInAnyPackage("java.sql..", "javax.sql..", "org.jdbi..", "org.flywaydb..",
                    "org.sqlite..", "org.postgresql..");

    /** The store serves the core's interfaces and never reaches up into the server or the command line. */
    @ArchTest
    static final ArchRule theStoreDependsOnlyOnCore = noClasses().that().resideInAPackage("dev.usher.store..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.usher.server..", "dev.usher.cli..", "dev.usher.client..");

    /** The server is what the command line runs, never the other way round. */
    @ArchTest
    static final ArchRule theServerDoesNotKnowTheCommandLine = noClasses().that().resideInAPackage("dev.usher.server..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.usher.cli..", "dev.usher.client..");

    /** The vendors' client library stands alone: the JDK only. */
    @ArchTest
    static final ArchRule theClientStandsAlone = noClasses().that().resideInAPackage("dev.usher.client..")
            .should().dependOnClassesThat().resideOutsideOfPackages("dev.usher.client..", "java..", "javax..");

    /**
     * The server's composition roots: {@code UsherServer} makes the store's parts for a running server, and
     * {@code OfflineAdmin} for the one thing done with the server stopped (the way back in when every administrator
     * password is lost); everything else in the server sees them through the interfaces core defines (and the
     * store's {@code Database} and errors).
     */
    @ArchTest
    static final ArchRule theServerIsWiredInOnePlace = noClasses().that().resideInAPackage("dev.usher.server..")
            .and().doNotHaveFullyQualifiedName("dev.usher.server.UsherServer")
            .and().doNotHaveFullyQualifiedName("dev.usher.server.install.OfflineAdmin")
            .should().dependOnClassesThat(resideInAPackage("dev.usher.store..")
                    .and(not(belongToAnyOf(dev.usher.store.Database.class, dev.usher.store.StoreException.class))))
            .because("the server's parts get the store's through core's interfaces, wired in UsherServer");

    @ArchTest
    static final ArchRule noPackageCycles = slices().matching("dev.usher.(**)").should().beFreeOfCycles();
}
