package dev.usher.server.license;

import dev.usher.core.license.LicenseFile;
import dev.usher.core.license.VendorKeys;
import dev.usher.server.testing.Http;
import dev.usher.server.testing.TestServer;
import dev.usher.server.testing.TestVendor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A key speaks only for its own products: the vendor's key file names them, a license for another product is
 * refused with one sentence, two keys may not claim one product, and the keys directory is live (a key copied in
 * or removed counts within a tick, and what the list shows is what checkouts are granted from).
 */
class VendorTrustTest {

    @TempDir
    Path dir;

    private TestServer server;
    private Http admin;
    private TestVendor acme;

    @BeforeEach
    void start() throws Exception {
        server = TestServer.start(dir);
        admin = server.admin();
        acme = server.vendor();
        // The test vendor trusts every product by default; here it is Acme, licensing cad and acme-*.
        Files.delete(dir.resolve("trusted-keys").resolve("test-vendor-" + acme.keyId() + ".pub"));
        acme.trustIn(dir, "Acme Software", "cad, acme-*");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Instant now() {
        return server.now();
    }

    private String license(TestVendor vendor, String product, int seats) {
        return vendor.serverAndSeats(server.installationId(), product, "cal", seats, now().minus(Duration.ofDays(1)),
                now().plus(Duration.ofDays(365)));
    }

    private JsonNode key(String keyId) {
        return admin.get("/api/v1/trusted-keys/" + keyId).json();
    }

    @Test
    void aKeyMayNotLicenseAProductItsKeyFileDoesNotName() {
        TestVendor other = new TestVendor();
        other.trustIn(dir, "Other Corp", "viewer");

        Http.Response r = admin.post("/api/v1/licenses", license(other, "cad", 1000));

        assertThat(r.status()).isEqualTo(422);
        assertThat(r.problemType()).isEqualTo("invalid-license");
        assertThat(r.json().get("reason").asString()).isEqualTo("product-not-allowed");
        assertThat(r.json().get("detail").asString())
                .isEqualTo("key " + other.keyId() + " of vendor Other Corp may not license product cad (it may license viewer)");
        assertThat(admin.get("/api/v1/licenses").json()).isEmpty();
        // Its own product is fine, and so are Acme's.
        assertThat(admin.post("/api/v1/licenses", license(other, "viewer", 3)).status()).isEqualTo(201);
        assertThat(admin.post("/api/v1/licenses", license(acme, "acme-cam", 3)).status()).isEqualTo(201);
    }

    @Test
    void theSecondKeyClaimingAProductIsRefusedWhenItIsAdded() {
        assertThat(admin.post("/api/v1/licenses", license(acme, "cad", 30)).status()).isEqualTo(201);
        TestVendor selfMade = new TestVendor();

        Http.Response r = admin.post("/api/v1/trusted-keys", selfMade.keyFile("Me", "cad"));

        assertThat(r.status()).isEqualTo(409);
        assertThat(r.problemType()).isEqualTo("key-conflict");
        assertThat(r.json().get("detail").asString()).isEqualTo("key " + selfMade.keyId() + " of vendor Me claims cad, which key "
                + acme.keyId() + " of vendor Acme Software already licenses: a product belongs to one key. If this is the vendor's"
                + " new key, remove key " + acme.keyId() + " first");
        assertThat(admin.get("/api/v1/trusted-keys").json()).hasSize(1);
        assertThat(Files.exists(dir.resolve("trusted-keys").resolve("me-" + selfMade.keyId() + ".pub"))).isFalse();
        // A prefix claim overlaps too.
        assertThat(admin.post("/api/v1/trusted-keys", selfMade.keyFile("Me", "acme-cam")).status()).isEqualTo(409);
        assertThat(admin.post("/api/v1/trusted-keys", selfMade.keyFile("Me", "ca*")).status()).isEqualTo(409);
    }

    @Test
    void keysAreListedAddedAndRemovedWithTheProductsEachMayLicense() {
        TestVendor other = new TestVendor();
        Http.Response added = admin.post("/api/v1/trusted-keys", other.keyFile("Other Corp", "viewer, other-*"));

        assertThat(added.status()).isEqualTo(201);
        assertThat(added.headers().firstValue("Location")).contains("/api/v1/trusted-keys/" + other.keyId());
        JsonNode k = key(other.keyId());
        assertThat(k.get("vendor").asString()).isEqualTo("Other Corp");
        assertThat(k.get("products").toString()).isEqualTo("[\"viewer\",\"other-*\"]");
        assertThat(k.get("oldFormat").asBoolean()).isFalse();
        assertThat(k.get("file").asString()).isEqualTo(dir.resolve("trusted-keys").resolve("other-corp-" + other.keyId() + ".pub").toString());
        assertThat(admin.post("/api/v1/trusted-keys", other.keyFile("Other Corp", "viewer, other-*")).status()).isEqualTo(200);
        assertThat(admin.post("/api/v1/licenses", license(other, "viewer", 2)).status()).isEqualTo(201);
        assertThat(key(other.keyId()).get("licenses").asInt()).isEqualTo(1);

        assertThat(admin.delete("/api/v1/trusted-keys/" + other.keyId()).status()).isEqualTo(204);

        assertThat(admin.get("/api/v1/trusted-keys/" + other.keyId()).status()).isEqualTo(404);
        assertThat(admin.delete("/api/v1/trusted-keys/" + other.keyId()).status()).isEqualTo(404);
        assertThat(admin.get("/api/v1/licenses").json().get(0).get("status").asString()).isEqualTo("unknown-key");
        // Its file counts for nothing: no license names the pool any more.
        assertThat(server.client().checkout("s1", "viewer", "cal", "alice", "ws1").problemType()).isEqualTo("unknown-pool");
        List<String> audit = admin.get("/api/v1/audit?type=trusted-key-added").json().valueStream()
                .map(e -> e.get("detail").asString()).toList();
        assertThat(audit).anyMatch(d -> d.equals("vendor Other Corp; may license viewer, other-*"));
    }

    @Test
    void aKeyFileThatNamesNothingOrIsNotAKeyIsRefusedWithOneSentence() {
        TestVendor old = new TestVendor();
        Path legacy = dir.resolve("old.pub");
        VendorKeys.writePublicKey(old.keys().getPublic(), legacy);

        Http.Response r = admin.post("/api/v1/trusted-keys", readString(legacy));
        assertThat(r.status()).isEqualTo(422);
        assertThat(r.problemType()).isEqualTo("invalid-key");
        assertThat(r.json().get("detail").asString()).startsWith("key " + old.keyId() + " names no vendor and no products");
        assertThat(admin.post("/api/v1/trusted-keys", "Vendor: X\nProduct: cad\n").json().get("detail").asString())
                .isEqualTo("the key file line 2: expected 'Vendor: NAME' or 'Products: cad, cam, acme-*', found \"Product: cad\"");
        assertThat(admin.get("/api/v1/trusted-keys").json()).hasSize(1);
    }

    @Test
    void aKeyCopiedInCountsWithinATickAndWhatTheListShowsIsWhatIsGranted() throws Exception {
        TestVendor other = new TestVendor();
        Path keyFile = other.trustIn(dir, "Other Corp", "viewer");
        assertThat(admin.post("/api/v1/licenses", license(other, "viewer", 2)).status()).isEqualTo(201);
        Files.move(keyFile, dir.resolve("viewer.pub.off"));

        // No listing has looked yet: the watcher's tick alone makes the pool stop granting.
        server.server().keyWatcher().tick();
        assertThat(server.client().checkout("s1", "viewer", "cal", "alice", "ws1").problemType()).isEqualTo("unknown-pool");

        Files.move(dir.resolve("viewer.pub.off"), keyFile);
        server.server().keyWatcher().tick();

        assertThat(server.client().checkout("s1", "viewer", "cal", "alice", "ws1").status()).isEqualTo(201);
        assertThat(admin.get("/api/v1/pools").json().get(0).get("capacity").asInt()).isEqualTo(2);
        assertThat(admin.get("/api/v1/licenses").json().get(0).get("status").asString()).isEqualTo("valid");
    }

    @Test
    void removingAKeyStopsNewGrantsButNeverCutsAHeldSeat() throws Exception {
        assertThat(admin.post("/api/v1/licenses", license(acme, "cad", 5)).status()).isEqualTo(201);
        assertThat(server.client().checkout("s1", "cad", "cal", "alice", "ws1").status()).isEqualTo(201);

        Files.delete(dir.resolve("trusted-keys").resolve("test-vendor-" + acme.keyId() + ".pub"));
        // A listing finds the change at once (no tick needed): it shows what is granted.
        assertThat(admin.get("/api/v1/licenses").json().get(0).get("status").asString()).isEqualTo("unknown-key");

        assertThat(server.client().checkout("s2", "cad", "cal", "bob", "ws2").status()).isEqualTo(404);
        assertThat(server.client().heartbeat("s1").status()).isEqualTo(200);
        assertThat(admin.get("/api/v1/seats").json()).hasSize(1);
    }

    @Test
    void twoKeysCopiedInThatClaimOneProductLicenseItForNeitherAndBothShowWhy() throws Exception {
        assertThat(admin.post("/api/v1/licenses", license(acme, "cad", 30)).status()).isEqualTo(201);
        TestVendor selfMade = new TestVendor();
        selfMade.trustIn(dir, "Me", "cad");

        JsonNode listed = admin.get("/api/v1/licenses").json().get(0);
        assertThat(listed.get("status").asString()).isEqualTo("product-not-allowed");
        assertThat(listed.get("statusDetail").asString()).startsWith("key " + acme.keyId() + " of vendor Acme Software may not"
                + " license product cad: key " + selfMade.keyId() + " of vendor Me claims it too");
        assertThat(server.client().checkout("s1", "cad", "cal", "alice", "ws1").status()).isEqualTo(404);
        assertThat(key(acme.keyId()).get("warnings").toString()).contains("both claim cad");
        assertThat(admin.post("/api/v1/licenses", license(selfMade, "cad", 1000)).json().get("reason").asString())
                .isEqualTo("product-not-allowed");

        assertThat(admin.delete("/api/v1/trusted-keys/" + selfMade.keyId()).status()).isEqualTo(204);
        assertThat(server.client().checkout("s1", "cad", "cal", "alice", "ws1").status()).isEqualTo(201);
    }

    @Test
    void anOldKeyFileKeepsLicensingItsInstalledProductsAndNoNewOne() throws Exception {
        assertThat(admin.post("/api/v1/licenses", license(acme, "cad", 10)).status()).isEqualTo(201);
        // Back to the old file of the same key (as an installation upgraded from before key files named products).
        Path file = dir.resolve("trusted-keys").resolve("test-vendor-" + acme.keyId() + ".pub");
        Files.delete(file);
        VendorKeys.writePublicKey(acme.keys().getPublic(), file);

        JsonNode k = key(acme.keyId());
        assertThat(k.get("oldFormat").asBoolean()).isTrue();
        assertThat(k.get("products").toString()).isEqualTo("[\"cad\"]");
        assertThat(k.get("warnings").get(0).asString()).startsWith("old key file: it names no vendor and no products");
        assertThat(server.client().checkout("s1", "cad", "cal", "alice", "ws1").status()).isEqualTo(201);
        Http.Response newProduct = admin.post("/api/v1/licenses", license(acme, "acme-cam", 3));
        assertThat(newProduct.status()).isEqualTo(422);
        assertThat(newProduct.json().get("detail").asString()).contains("its key file is in the old format");

        // The vendor's key file naming its products replaces the old one through the API.
        assertThat(admin.post("/api/v1/trusted-keys", acme.keyFile("Acme Software", "cad, acme-*")).status()).isEqualTo(201);
        assertThat(key(acme.keyId()).get("oldFormat").asBoolean()).isFalse();
        assertThat(admin.post("/api/v1/licenses", license(acme, "acme-cam", 3)).status()).isEqualTo(201);
    }

    @Test
    void theCheckoutAnswerCarriesTheSignedFilesThatBackThePool() {
        String cad = license(acme, "cad", 5);
        String cam = license(acme, "acme-cam", 5);
        assertThat(admin.post("/api/v1/licenses", cad).status()).isEqualTo(201);
        assertThat(admin.post("/api/v1/licenses", cam).status()).isEqualTo(201);

        JsonNode r = server.client().checkout("s1", "cad", "cal", "alice", "ws1").json();

        assertThat(r.get("licenses")).hasSize(1);
        JsonNode backing = r.get("licenses").get(0);
        assertThat(backing.get("id").asString()).isEqualTo(LicenseFile.parse(cad).payload().id().toString());
        assertThat(backing.get("keyId").asString()).isEqualTo(acme.keyId());
        assertThat(backing.get("text").asString()).isEqualTo(LicenseFile.parse(cad).text());
    }

    @Test
    void licenseReloadReadsKeysAndFilesAgain() throws Exception {
        TestVendor other = new TestVendor();
        other.trustIn(dir, "Other Corp", "viewer");
        Http.Response r = admin.post("/api/v1/licenses/reload", "");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("keys").toString()).contains(other.keyId()).contains(acme.keyId());
    }

    private static String readString(Path p) {
        try {
            return Files.readString(p);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
