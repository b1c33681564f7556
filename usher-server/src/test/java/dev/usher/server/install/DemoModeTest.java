package dev.usher.server.install;

import dev.usher.core.license.LicenseFile;
import dev.usher.core.license.VendorKeys;
import dev.usher.server.testing.Http;
import dev.usher.server.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code --demo}: a demo vendor key, its public half trusted, and a demo license bound to this installation. */
class DemoModeTest {

    @TempDir
    Path dir;

    @Test
    void theFirstDemoStartSaysWhereTheConsoleIsAndHowToSignIn() {
        try (TestServer server = TestServer.start(dir, c -> c.withDemo(true).withAdminPassword(null))) {
            String password = server.server().generatedAdminPassword().orElseThrow();
            List<String> described = new ArrayList<>();
            server.server().describe(described::add);
            assertThat(described).contains("open " + server.server().localUrl() + " in a browser and sign in as admin with the password "
                    + password);
            server.restart();
            List<String> again = new ArrayList<>();
            server.server().describe(again::add);
            assertThat(again).anyMatch(l -> l.startsWith("open " + server.server().localUrl() + " in a browser and sign in as admin with the password printed at the first start"));
            assertThat(String.join("\n", again)).doesNotContain(password);
        }
    }

    @Test
    void demoModeOnAnEmptyDirectoryCreatesAKeyTrustsItAndInstallsTheDemoLicenseThenReusesIt() throws Exception {
        String licenseId;
        String keyFile;
        try (TestServer server = TestServer.start(dir, c -> c.withDemo(true))) {
            Path key = dir.resolve("demo-vendor.key");
            assertThat(key).exists();
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
            keyFile = Files.readString(key);
            String demoKeyId = VendorKeys.keyId(VendorKeys.publicKeyOf(VendorKeys.readPrivateKey(key)));
            Path pub = dir.resolve("trusted-keys/demo-vendor.pub");
            assertThat(VendorKeys.keyId(VendorKeys.readPublicKey(pub))).isEqualTo(demoKeyId);
            assertThat(server.client().get("/api/v1/installation").json().get("trustedKeyIds").toString()).contains(demoKeyId);

            JsonNode licenses = server.admin().get("/api/v1/licenses").json();
            assertThat(licenses).hasSize(1);
            JsonNode demo = licenses.get(0);
            licenseId = demo.get("id").asString();
            assertThat(demo.get("status").asString()).isEqualTo("valid");
            assertThat(demo.get("keyId").asString()).isEqualTo(demoKeyId);
            JsonNode serverEnt = null;
            JsonNode seatsEnt = null;
            for (JsonNode e : demo.get("entitlements")) {
                if (e.get("kind").asString().equals("server")) {
                    serverEnt = e;
                } else {
                    seatsEnt = e;
                }
            }
            assertThat(demo.get("entitlements")).hasSize(2);
            assertThat(serverEnt.get("product").asString()).isEqualTo("demo");
            assertThat(serverEnt.get("installationId").asString()).isEqualTo(server.installationId());
            assertThat(seatsEnt.get("product").asString()).isEqualTo("demo");
            assertThat(seatsEnt.get("feature").asString()).isEqualTo("cal");
            assertThat(seatsEnt.get("seats").asInt()).isEqualTo(25);
            Instant expires = Instant.parse(seatsEnt.get("expires").asString());
            assertThat(expires).isBetween(server.now().plus(Duration.ofDays(364)), server.now().plus(Duration.ofDays(366)));
            // The stored file verifies with the trusted demo key: parse it back from GET by id.
            String text = server.admin().get("/api/v1/licenses/" + licenseId).json().get("text").asString();
            assertThat(LicenseFile.parse(text).keyId()).isEqualTo(demoKeyId);

            JsonNode pool = server.admin().get("/api/v1/pools").json().get(0);
            assertThat(pool.get("capacity").asInt()).isEqualTo(25);
            assertThat(pool.get("serverLicensed").asBoolean()).isTrue();
            // The copy-paste curl works: no token, one request.
            Http.Response seat = server.client().checkout("my-laptop-1", "demo", "cal", "alice", "laptop");
            assertThat(seat.status()).isEqualTo(201);
            List<String> described = new ArrayList<>();
            server.server().describe(described::add);
            assertThat(String.join("\n", described)).contains("created a license").contains("/checkouts/demo/cal");

            server.restart();

            assertThat(server.admin().get("/api/v1/licenses").json()).hasSize(1);
            assertThat(server.admin().get("/api/v1/licenses").json().get(0).get("id").asString()).isEqualTo(licenseId);
            assertThat(Files.readString(key)).isEqualTo(keyFile);
            List<String> again = new ArrayList<>();
            server.server().describe(again::add);
            assertThat(String.join("\n", again)).contains("reusing the existing demo license");
            assertThat(server.admin().get("/api/v1/seats").json()).hasSize(1);
        }
        // A start without --demo leaves the demo license where it is, and a later --demo start still reuses it.
        try (TestServer plain = TestServer.start(dir)) {
            assertThat(plain.admin().get("/api/v1/licenses").json()).hasSize(1);
            // That test server trusted a test key for every product, demo included: a product belongs to one key. Removed
            // through the API, as an administrator would, so that on PostgreSQL the shared copy goes too.
            assertThat(plain.admin().delete("/api/v1/trusted-keys/" + plain.vendor().keyId()).status()).isEqualTo(204);
            assertThat(dir.resolve("trusted-keys").resolve("test-vendor-" + plain.vendor().keyId() + ".pub")).doesNotExist();
        }
        try (TestServer demoAgain = TestServer.start(dir, c -> c.withDemo(true))) {
            JsonNode licenses = demoAgain.admin().get("/api/v1/licenses").json();
            assertThat(licenses).hasSize(1);
            assertThat(licenses.get(0).get("id").asString()).isEqualTo(licenseId);
        }
    }
}
