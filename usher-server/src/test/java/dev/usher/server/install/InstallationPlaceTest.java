package dev.usher.server.install;

import dev.usher.server.testing.TestServer;
import dev.usher.store.SqlSettingsRepository;
import dev.usher.store.sqlite.SqliteDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A copy of an embedded installation's database opened in another directory (a restored backup next to the running
 * original) is a new installation: the license bound to the original's id does not count there, so one license does
 * not run twice. The original, and a restore into the original's own directory, keep the id.
 */
class InstallationPlaceTest {

    @TempDir
    Path dir;

    @Test
    void aCopyInANewDirectoryIsANewInstallationAndTheOriginalKeepsServing() {
        Path original = dir.resolve("original");
        Path copy = dir.resolve("copy");
        String id;
        try (TestServer server = TestServer.start(original)) {
            id = server.installationId();
            server.license("demo", "cal", 10);
            assertThat(server.client().checkout("s1", "demo", "cal", "alice", "ws1").status()).isEqualTo(201);
        }
        copyTree(original, copy);

        try (TestServer second = TestServer.start(copy)) {
            assertThat(second.installationId()).isNotEqualTo(id);
            JsonNode license = second.admin().get("/api/v1/licenses").json().get(0);
            assertThat(license.get("status").asString()).isEqualTo("wrong-installation");
            assertThat(license.get("statusDetail").asString()).contains("bound to installation " + id)
                    .contains("this is installation " + second.installationId());
            assertThat(second.client().checkout("s2", "demo", "cal", "bob", "ws2").status()).isEqualTo(404);
            java.util.List<String> said = new java.util.ArrayList<>();
            second.server().describe(said::add);
            assertThat(said).contains("note: this database was copied from installation " + id + " (another directory or machine):"
                    + " here it is a new installation, and server licenses bound to " + id + " do not count");
        }
        try (TestServer again = TestServer.start(original)) {
            assertThat(again.installationId()).isEqualTo(id);
            assertThat(again.client().checkout("s3", "demo", "cal", "carol", "ws3").status()).isEqualTo(201);
        }
    }

    @Test
    void theSameDatabaseOnAnotherMachineIsANewInstallationAndOnThisOneItIsNot() {
        try (SqliteDatabase db = SqliteDatabase.open(dir.resolve("usher.db"))) {
            SqlSettingsRepository settings = new SqlSettingsRepository(db);
            InstallationPlace.Identity here = InstallationPlace.settle(settings, dir, () -> "machine-id:one");

            assertThat(InstallationPlace.settle(settings, dir, () -> "machine-id:one")).isEqualTo(here);
            assertThat(here.copiedFrom()).isEmpty();
            InstallationPlace.Identity there = InstallationPlace.settle(settings, dir, () -> "machine-id:two");
            assertThat(there.installationId()).isNotEqualTo(here.installationId());
            assertThat(there.copiedFrom()).contains(here.installationId());
            // Settled there: it stays the new installation.
            assertThat(InstallationPlace.settle(settings, dir, () -> "machine-id:two").installationId()).isEqualTo(there.installationId());
            assertThat(Optional.of(here.installationId())).isEqualTo(there.copiedFrom());
        }
    }

    private static void copyTree(Path from, Path to) {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else if (!f.getFileName().toString().equals("usher.lock")) {
                    Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
