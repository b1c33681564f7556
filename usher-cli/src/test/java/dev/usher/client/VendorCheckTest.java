package dev.usher.client;

import dev.usher.server.testing.Http;
import dev.usher.server.testing.TestServer;
import dev.usher.server.testing.TestVendor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The two layers against a customer who licenses themselves, end to end with the Java client against a real server
 * holding a genuine license, a self-signed license for the same product, and a license from another vendor's key.
 * The server refuses what it can tell (layer 1: a key licenses only its own products, a product belongs to one key);
 * where the administrator got round that (the genuine key removed, a key file edited), the application that pinned
 * its vendor's key refuses the seat (layer 2).
 *
 * <p>In usher-cli's tests, not usher-client's: it starts servers in this JVM with the server's test fixtures, which
 * need Java 25, while usher-client's own tests run on Java 17 (the client is built for Java 11).
 */
class VendorCheckTest {

    @TempDir
    Path dir;

    /** The vendor of the application: its key file names cad. */
    private final TestVendor acme = new TestVendor();
    /** A key the customer made themselves, and another vendor's key. */
    private final TestVendor selfMade = new TestVendor();
    private final TestVendor other = new TestVendor();

    private static String license(TestServer s, TestVendor v, String product, int seats) {
        return v.serverAndSeats(s.installationId(), product, "cal", seats, s.now().minus(Duration.ofDays(1)), s.now().plus(Duration.ofDays(365)));
    }

    /** A server whose only trusted keys are {@code keys} (the test vendor's catch-all key removed). */
    private static TestServer serverTrusting(Path data) throws Exception {
        TestServer s = TestServer.start(data);
        Files.delete(data.resolve("trusted-keys").resolve("test-vendor-" + s.vendor().keyId() + ".pub"));
        return s;
    }

    private UsherClient.Builder app(TestServer s, String user) {
        return UsherClient.builder().servers(URI.create(s.server().localUrl())).product("cad").user(user).host("ws1")
                .vendorKey(acme.keyFile("Acme Software", "cad"));
    }

    @Test
    void aGenuineLicenseIsTheOnlyOneTheServerTakesForTheProductAndTheAppAcceptsItsSeat() throws Exception {
        try (TestServer s = serverTrusting(dir.resolve("genuine"))) {
            Http admin = s.admin();
            assertThat(admin.post("/api/v1/trusted-keys", acme.keyFile("Acme Software", "cad")).status()).isEqualTo(201);
            assertThat(admin.post("/api/v1/licenses", license(s, acme, "cad", 30)).status()).isEqualTo(201);

            // Layer 1: the self-signed license and its key, and another vendor's license for cad, are refused.
            assertThat(admin.post("/api/v1/trusted-keys", selfMade.keyFile("Me", "cad")).status()).isEqualTo(409);
            assertThat(admin.post("/api/v1/licenses", license(s, selfMade, "cad", 1000)).json().get("reason").asString())
                    .isEqualTo("unknown-key");
            assertThat(admin.post("/api/v1/trusted-keys", other.keyFile("Other Corp", "viewer")).status()).isEqualTo(201);
            Http.Response foreign = admin.post("/api/v1/licenses", license(s, other, "cad", 1000));
            assertThat(foreign.status()).isEqualTo(422);
            assertThat(foreign.json().get("detail").asString())
                    .isEqualTo("key " + other.keyId() + " of vendor Other Corp may not license product cad (it may license viewer)");
            assertThat(admin.get("/api/v1/pools").json().get(0).get("capacity").asInt()).isEqualTo(30);

            try (UsherClient usher = app(s, "alice").build(); Seat seat = usher.checkout("cal")) {
                assertThat(seat.isValid()).isTrue();
                assertThat(seat.user()).isEqualTo("alice");
            }
        }
    }

    @Test
    void aSelfSignedLicenseOnAServerWithoutTheVendorsKeyGetsNoSeatInTheApp() throws Exception {
        try (TestServer s = serverTrusting(dir.resolve("self-signed"))) {
            // The administrator trusts a key of their own for cad (the vendor's key is not there to conflict).
            assertThat(s.admin().post("/api/v1/trusted-keys", selfMade.keyFile("Me", "cad")).status()).isEqualTo(201);
            assertThat(s.admin().post("/api/v1/licenses", license(s, selfMade, "cad", 1000)).status()).isEqualTo(201);
            // An application that does not check takes the seat: the server alone cannot know.
            try (UsherClient unchecked = UsherClient.builder().servers(URI.create(s.server().localUrl())).product("cad")
                    .user("mallory").host("ws9").build()) {
                assertThat(unchecked.checkout("cal").isValid()).isTrue();
            }

            try (UsherClient usher = app(s, "alice").build()) {
                assertThatThrownBy(() -> usher.checkout("cal"))
                        .isInstanceOfSatisfying(UntrustedLicense.class, e -> assertThat(e.type()).isEqualTo("untrusted-license"))
                        .hasMessage("The license server offered a seat of cad cal, but no license file signed by the vendor of this"
                                + " application backs it (vendor key " + acme.keyId() + "; the server's files are signed by key "
                                + selfMade.keyId() + "). The seat was given back. Ask your administrator to install the license file"
                                + " the vendor sent.");
                // Given back at once, not left to lapse.
                assertThat(s.admin().get("/api/v1/seats").json().valueStream()
                        .filter(seat -> seat.get("user").asString().equals("alice")).toList()).isEmpty();
            }
        }
    }

    @Test
    void aLicenseFromAnotherVendorsKeyGetsNoSeatInTheAppEvenWhenItsKeyFileWasEditedToNameTheProduct() throws Exception {
        try (TestServer s = serverTrusting(dir.resolve("foreign"))) {
            // The other vendor's key file, edited by hand to claim cad too.
            other.trustIn(s.dataDir(), "Other Corp", "viewer, cad");
            assertThat(s.admin().post("/api/v1/licenses", license(s, other, "cad", 1000)).status()).isEqualTo(201);

            try (UsherClient usher = app(s, "alice").build()) {
                assertThatThrownBy(() -> usher.checkout("cal")).isInstanceOf(UntrustedLicense.class)
                        .hasMessageContaining("the server's files are signed by key " + other.keyId());
            }
            assertThat(s.admin().get("/api/v1/seats").json()).isEmpty();
        }
    }

    @Test
    void aGenuineFileForAnotherFeatureDoesNotVouchForThisOne() throws Exception {
        try (TestServer s = serverTrusting(dir.resolve("feature"))) {
            acme.trustIn(s.dataDir(), "Acme Software", "cad");
            String designerOnly = acme.license(s.now()).server("cad", s.installationId(), s.now().minus(Duration.ofDays(1)), null)
                    .seats("cad", "designer", 5, s.now().minus(Duration.ofDays(1)), null).text();
            assertThat(s.admin().post("/api/v1/licenses", designerOnly).status()).isEqualTo(201);
            // The cal seats come from elsewhere: the server entitlement is genuine, the seats are not.
            selfMade.trustIn(s.dataDir(), "Me", "cad-tools");
            try (UsherClient usher = app(s, "alice").build()) {
                assertThat(usher.checkout("designer").isValid()).isTrue();
                assertThatThrownBy(() -> usher.checkout("cal")).isInstanceOf(UnknownProduct.class);
            }
        }
    }

    @Test
    void aKeyThatIsNoEd25519KeyIsRefusedWhenTheClientIsBuilt() {
        assertThatThrownBy(() -> UsherClient.builder().vendorKey("hello"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the vendor key is not valid base64: pass the text of your vendor.pub file");
        assertThatThrownBy(() -> UsherClient.builder().vendorKey("aGVsbG8="))
                .hasMessage("the vendor key is not an Ed25519 public key: pass the text of your vendor.pub file");
        assertThatThrownBy(() -> UsherClient.builder().vendorKey(" "))
                .hasMessage("the vendor key is empty: pass the text of your vendor.pub file");
        assertThat(VendorKey.parse(acme.keyFile("Acme Software", "cad")).keyId()).isEqualTo(acme.keyId());
    }
}
