package dev.usher.server.license;

import dev.usher.core.license.Entitlement;
import dev.usher.core.license.LicenseFile;
import dev.usher.core.license.LicensePayload;
import dev.usher.core.license.LicenseSigner;
import dev.usher.server.testing.Http;
import dev.usher.server.testing.TestServer;
import dev.usher.server.testing.TestVendor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The license inventory over HTTP: add (idempotent), conflict, list, get, remove, and every rejection. */
class LicenseApiTest {

    @TempDir
    Path dir;

    private TestServer server;
    private Http admin;

    @BeforeEach
    void start() {
        server = TestServer.start(dir);
        admin = server.admin();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Instant now() {
        return server.now();
    }

    /** A license for product demo: server entitlement bound to this installation and 10 cal seats for a year. */
    private String demoLicense(int seats) {
        return server.vendor().serverAndSeats(server.installationId(), "demo", "cal", seats,
                now().minus(Duration.ofDays(1)), now().plus(Duration.ofDays(365)));
    }

    private static String idOf(String licenseText) {
        return LicenseFile.parse(licenseText).payload().id().toString();
    }

    /** Everything the inventory shows: the license list and the pools computed from it. */
    private String inventory() {
        Http.Response licenses = admin.get("/api/v1/licenses");
        Http.Response pools = admin.get("/api/v1/pools");
        assertThat(licenses.status()).isEqualTo(200);
        assertThat(pools.status()).isEqualTo(200);
        return licenses.text() + "\n" + pools.text();
    }

    @Test
    void addingARawFileAnswers201WithWhatTheLicenseSays() {
        String text = demoLicense(10);

        Http.Response r = admin.post("/api/v1/licenses", text);

        assertThat(r.status()).isEqualTo(201);
        JsonNode body = r.json();
        assertThat(body.get("id").asString()).isEqualTo(idOf(text));
        assertThat(r.headers().firstValue("Location")).contains("/api/v1/licenses/" + idOf(text));
        assertThat(body.get("customer").asString()).isEqualTo("Test customer");
        assertThat(body.get("status").asString()).isEqualTo("valid");
        assertThat(body.get("keyId").asString()).isEqualTo(server.vendor().keyId());
        JsonNode ents = body.get("entitlements");
        assertThat(ents).hasSize(2);
        assertThat(ents.get(0).get("kind").asString()).isEqualTo("server");
        assertThat(ents.get(0).get("product").asString()).isEqualTo("demo");
        assertThat(ents.get(0).get("installationId").asString()).isEqualTo(server.installationId());
        assertThat(ents.get(1).get("kind").asString()).isEqualTo("seats");
        assertThat(ents.get(1).get("feature").asString()).isEqualTo("cal");
        assertThat(ents.get(1).get("seats").asInt()).isEqualTo(10);
        assertThat(Instant.parse(ents.get(1).get("expires").asString())).isEqualTo(now().plus(Duration.ofDays(365)));
        // Effective at once: the pool serves right away.
        assertThat(server.client().checkout("s1", "demo", "cal", "alice", "ws1").status()).isEqualTo(201);
    }

    @Test
    void aJsonBodyWithTheTextIsAcceptedToo() {
        String text = demoLicense(10);

        Http.Response r = admin.post("/api/v1/licenses", Http.JSON.writeValueAsString(Map.of("text", text)));

        assertThat(r.status()).isEqualTo(201);
        assertThat(r.json().get("id").asString()).isEqualTo(idOf(text));
        assertThat(admin.get("/api/v1/licenses/" + idOf(text)).json().get("text").asString()).isEqualTo(text);
    }

    @Test
    void addingTheSameFileAgainIs200WithTheSameIdAndDuplicatesNothing() {
        String text = demoLicense(10);
        Http.Response first = admin.post("/api/v1/licenses", text);
        assertThat(first.status()).isEqualTo(201);
        String before = inventory();

        Http.Response again = admin.post("/api/v1/licenses", text);
        // The same file as a JSON body, and after an e-mail round trip (CRLF, surrounding blank lines).
        Http.Response asJson = admin.post("/api/v1/licenses", Http.JSON.writeValueAsString(Map.of("text", text)));
        Http.Response mailed = admin.post("/api/v1/licenses", "\r\n  " + text.replace("\n", "\r\n") + "\r\n\r\n");

        for (Http.Response r : List.of(again, asJson, mailed)) {
            assertThat(r.status()).as(r.text()).isEqualTo(200);
            assertThat(r.json().get("id").asString()).isEqualTo(first.json().get("id").asString());
        }
        assertThat(admin.get("/api/v1/licenses").json()).hasSize(1);
        assertThat(inventory()).isEqualTo(before);
        assertThat(admin.get("/api/v1/pools").json().get(0).get("capacity").asInt()).isEqualTo(10);
    }

    @Test
    void aDifferentFileWithAnInstalledIdIs409AndTheInstalledOneStays() {
        String text = demoLicense(10);
        assertThat(admin.post("/api/v1/licenses", text).status()).isEqualTo(201);
        String before = inventory();
        LicensePayload original = LicenseFile.parse(text).payload();
        // Genuinely signed by the trusted vendor, same UUID, other content (more seats, other customer).
        LicensePayload other = new LicensePayload(original.id(), original.issued(), "Someone else", List.of(
                Entitlement.server("demo", now().minus(Duration.ofDays(1)), now().plus(Duration.ofDays(365)), server.installationId()),
                Entitlement.seats("demo", "cal", 500, now().minus(Duration.ofDays(1)), now().plus(Duration.ofDays(365)))));
        String otherText = LicenseSigner.sign(other, server.vendor().keys().getPrivate()).text();

        Http.Response r = admin.post("/api/v1/licenses", otherText);

        assertThat(r.status()).isEqualTo(409);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.problemType()).isEqualTo("license-conflict");
        assertThat(r.json().get("detail").asString()).contains(original.id().toString());
        assertThat(inventory()).isEqualTo(before);
        assertThat(admin.get("/api/v1/licenses/" + original.id()).json().get("text").asString()).isEqualTo(text);
    }

    @Test
    void listGetAndDelete() {
        String a = demoLicense(10);
        String b = server.vendor().license(now()).customer("Other customer")
                .seats("demo", "designer", 3, now().minus(Duration.ofDays(1)), null).text();
        assertThat(admin.post("/api/v1/licenses", a).status()).isEqualTo(201);
        assertThat(admin.post("/api/v1/licenses", b).status()).isEqualTo(201);

        JsonNode list = admin.get("/api/v1/licenses").json();
        assertThat(list).hasSize(2);
        List<String> ids = new ArrayList<>();
        list.forEach(l -> ids.add(l.get("id").asString()));
        assertThat(ids).containsExactlyInAnyOrder(idOf(a), idOf(b));
        list.forEach(l -> assertThat(l.get("status").asString()).isEqualTo("valid"));

        Http.Response one = admin.get("/api/v1/licenses/" + idOf(b));
        assertThat(one.status()).isEqualTo(200);
        assertThat(one.json().get("customer").asString()).isEqualTo("Other customer");
        assertThat(one.json().get("text").asString()).isEqualTo(b);
        assertThat(one.json().get("entitlements").get(0).get("expires").isNull()).isTrue();

        Http.Response deleted = admin.delete("/api/v1/licenses/" + idOf(b));
        assertThat(deleted.status()).isEqualTo(204);
        Http.Response gone = admin.get("/api/v1/licenses/" + idOf(b));
        assertThat(gone.status()).isEqualTo(404);
        assertThat(gone.contentType()).startsWith("application/problem+json");
        assertThat(admin.delete("/api/v1/licenses/" + idOf(b)).status()).isEqualTo(404);
        assertThat(admin.get("/api/v1/licenses").json()).hasSize(1);
        // The pool the removed file made is gone at once.
        JsonNode pools = admin.get("/api/v1/pools").json();
        assertThat(pools).hasSize(1);
        assertThat(pools.get(0).get("feature").asString()).isEqualTo("cal");
    }

    @Test
    void aLicenseIdThatIsNotAUuidIs400() {
        for (Http.Response r : List.of(admin.get("/api/v1/licenses/not-a-uuid"), admin.delete("/api/v1/licenses/not-a-uuid"))) {
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.contentType()).startsWith("application/problem+json");
            assertThat(r.problemType()).isEqualTo("validation-failed");
        }
    }

    @Test
    void everyRejectionIs422WithItsReasonAndChangesNothing() {
        // Something installed already, so "unchanged" is not trivially "empty".
        String installed = demoLicense(10);
        assertThat(admin.post("/api/v1/licenses", installed).status()).isEqualTo(201);
        assertThat(server.client().checkout("s1", "demo", "cal", "alice", "ws1").status()).isEqualTo(201);
        String before = inventory();
        String seatsBefore = admin.get("/api/v1/seats").text();

        Instant yearAgo = now().minus(Duration.ofDays(365));
        String genuine = demoLicense(10);
        LicenseFile genuineFile = LicenseFile.parse(genuine);

        String foreign = new TestVendor().serverAndSeats(server.installationId(), "demo", "cal", 10,
                now().minus(Duration.ofDays(1)), now().plus(Duration.ofDays(365)));
        // A customer who edits the seat count: the payload says 1000, the signature was made over 10.
        LicensePayload edited = new LicensePayload(genuineFile.payload().id(), genuineFile.payload().issued(),
                genuineFile.payload().customer(), List.of(genuineFile.payload().entitlements().get(0),
                Entitlement.seats("demo", "cal", 1000, now().minus(Duration.ofDays(1)), now().plus(Duration.ofDays(365)))));
        String expired = server.vendor().license(yearAgo.minus(Duration.ofDays(365)))
                .server("demo", server.installationId(), yearAgo.minus(Duration.ofDays(365)), yearAgo)
                .seats("demo", "cal", 10, yearAgo.minus(Duration.ofDays(365)), yearAgo).text();
        String otherInstallation = server.vendor().serverAndSeats("another-installation", "demo", "cal", 10,
                now().minus(Duration.ofDays(1)), now().plus(Duration.ofDays(365)));
        List<Map.Entry<String, String>> rejected = List.of(
                Map.entry("malformed", "this is not a license file"),
                Map.entry("malformed", genuine.replace("-----END USHER LICENSE-----", "")),
                Map.entry("unknown-key", foreign),
                Map.entry("bad-signature", new LicenseFile(edited, edited.toJson(), genuineFile.keyId(), genuineFile.signature()).text()),
                Map.entry("bad-signature", flipSignatureCharacter(genuine)),
                Map.entry("expired", expired),
                Map.entry("wrong-installation", otherInstallation));

        for (Map.Entry<String, String> rejection : rejected) {
            String reason = rejection.getKey();
            Http.Response r = admin.post("/api/v1/licenses", rejection.getValue());
            assertThat(r.status()).as(reason + ": " + r.text()).isEqualTo(422);
            assertThat(r.contentType()).startsWith("application/problem+json");
            assertThat(r.problemType()).isEqualTo("invalid-license");
            assertThat(r.json().get("reason").asString()).isEqualTo(reason);
            assertThat(r.json().get("detail").asString()).isNotBlank();
            assertThat(inventory()).as("inventory after a " + reason + " file").isEqualTo(before);
            assertThat(admin.get("/api/v1/seats").text()).isEqualTo(seatsBefore);
        }
        // The messages say what to do.
        assertThat(admin.post("/api/v1/licenses", foreign).json().get("detail").asString())
                .contains("trusted-keys");
        assertThat(admin.post("/api/v1/licenses", otherInstallation).json().get("detail").asString())
                .contains(server.installationId()).contains("another-installation");
        // A JSON body with no text is a request the API description refuses (text is required), not a server error.
        Http.Response empty = admin.post("/api/v1/licenses", "{\"text\": null}");
        assertThat(empty.status()).isEqualTo(400);
        assertThat(empty.json().get("type").asString()).endsWith("validation-failed");
        assertThat(empty.json().get("detail").asString()).contains("\"text\"");
        assertThat(inventory()).isEqualTo(before);
    }

    @Test
    void aNotYetValidFileIsAcceptedAndAddsCapacityOnlyFromItsStart() {
        assertThat(admin.post("/api/v1/licenses", demoLicense(10)).status()).isEqualTo(201);
        Instant starts = now().plus(Duration.ofDays(30));
        String renewal = server.vendor().license(now()).seats("demo", "cal", 5, starts, starts.plus(Duration.ofDays(365))).text();

        Http.Response r = admin.post("/api/v1/licenses", renewal);

        assertThat(r.status()).isEqualTo(201);
        assertThat(r.json().get("status").asString()).isEqualTo("not-yet-valid");
        assertThat(admin.get("/api/v1/licenses/" + idOf(renewal)).json().get("status").asString()).isEqualTo("not-yet-valid");
        JsonNode pool = admin.get("/api/v1/pools").json().get(0);
        assertThat(pool.get("capacity").asInt()).isEqualTo(10);
        assertThat(Instant.parse(pool.get("nextStart").asString())).isEqualTo(starts);

        server.clock().set(starts.minusMillis(1));
        assertThat(admin.get("/api/v1/pools").json().get(0).get("capacity").asInt()).isEqualTo(10);
        server.clock().set(starts);
        assertThat(admin.get("/api/v1/pools").json().get(0).get("capacity").asInt()).isEqualTo(15);
        assertThat(admin.get("/api/v1/licenses/" + idOf(renewal)).json().get("status").asString()).isEqualTo("valid");
    }

    @Test
    void aBrokenFileAmongTheTrustedKeysIsAServerProblemNamingTheFileAndSeatsKeepWorking() throws Exception {
        assertThat(admin.post("/api/v1/licenses", demoLicense(10)).status()).isEqualTo(201);
        String before = admin.get("/api/v1/pools").text();
        Path broken = dir.resolve("trusted-keys").resolve("broken.pub");
        java.nio.file.Files.writeString(broken, "not a key");

        for (Http.Response r : List.of(admin.post("/api/v1/licenses", demoLicense(5)), admin.get("/api/v1/licenses"))) {
            assertThat(r.status()).as(r.text()).isEqualTo(503);
            assertThat(r.contentType()).startsWith("application/problem+json");
            assertThat(r.problemType()).isEqualTo("trusted-keys-unreadable");
            assertThat(r.json().get("detail").asString()).contains(broken.toString());
        }
        // What is installed keeps serving.
        assertThat(admin.get("/api/v1/pools").text()).isEqualTo(before);
        assertThat(server.client().checkout("s1", "demo", "cal", "alice", "ws1").status()).isEqualTo(201);

        java.nio.file.Files.delete(broken);
        assertThat(admin.post("/api/v1/licenses", demoLicense(5)).status()).isEqualTo(201);
        assertThat(admin.get("/api/v1/pools").json().get(0).get("capacity").asInt()).isEqualTo(15);
    }

    /** Changes one character in the middle of the signature (keeping the base64 canonical). */
    private static String flipSignatureCharacter(String text) {
        List<String> lines = new ArrayList<>(text.lines().toList());
        int i = lines.indexOf("Signature:") + 1;
        char[] line = lines.get(i).toCharArray();
        line[10] = line[10] == 'A' ? 'B' : 'A';
        lines.set(i, new String(line));
        String tampered = String.join("\n", lines) + "\n";
        assertThat(tampered).isNotEqualTo(text);
        return tampered;
    }
}
