package dev.usher.server.console;

import dev.usher.server.testing.TestServer;
import dev.usher.server.testing.TestVendor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Licenses page on trust and renewals: the trusted vendor keys with the products each may license (add, refuse a
 * key claiming another's product, remove after a confirmation), the refusal sentence of a license outside its key's
 * products, renewals (superseded by, the look-alike warning), a server license for any installation shown loudly, and
 * dates as the vendor wrote them.
 */
class LicenseKeysPageTest {

    @TempDir
    Path dir;

    private TestServer server;
    private ConsoleClient browser;
    private TestVendor acme;

    @BeforeEach
    void start() throws Exception {
        server = TestServer.start(dir);
        acme = server.vendor();
        Files.delete(dir.resolve("trusted-keys").resolve("test-vendor-" + acme.keyId() + ".pub"));
        acme.trustIn(dir, "Acme Software", "cad");
        browser = new ConsoleClient(server.server().localUrl());
        assertThat(browser.signIn("admin", TestServer.ADMIN_PASSWORD).status()).isEqualTo(303);
        browser.get("/licenses");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private String license(TestVendor v, String product, int seats, String from, String through) {
        Instant starts = Instant.parse(from + "T00:00:00Z");
        Instant ends = java.time.LocalDate.parse(through).plusDays(1).atStartOfDay(java.time.ZoneOffset.UTC).toInstant();
        return v.license(starts).server(product, server.installationId(), starts, ends).seats(product, "cal", seats, starts, ends).text();
    }

    @Test
    void keysAreListedWithTheirProductsAddedAndRemovedAfterAConfirmation() {
        String page = browser.get("/licenses").html();
        assertThat(page).contains("<td>Acme Software</td>", "<td>cad", acme.keyId(), "/licenses/keys/" + acme.keyId() + "/remove");

        TestVendor other = new TestVendor();
        ConsoleClient.Page added = browser.post("/licenses/keys", Map.of("keytext", other.keyFile("Other Corp", "viewer")), true);
        assertThat(added.status()).isEqualTo(303);
        assertThat(browser.get("/licenses").html()).contains("Now trusting key " + other.keyId() + " of vendor Other Corp for viewer.",
                "<td>Other Corp</td>");

        TestVendor selfMade = new TestVendor();
        ConsoleClient.Page refused = browser.post("/licenses/keys", Map.of("keytext", selfMade.keyFile("Me", "cad")), true);
        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.html()).contains("id=\"keytext-error\">key " + selfMade.keyId() + " of vendor Me claims cad, which key "
                + acme.keyId() + " of vendor Acme Software already licenses");

        ConsoleClient.Page confirm = browser.get("/licenses/keys/" + other.keyId() + "/remove");
        assertThat(confirm.html()).contains("Stop trusting this vendor key?", "Vendor Other Corp, may license viewer");
        assertThat(server.admin().get("/api/v1/trusted-keys").json()).hasSize(2); // asking changed nothing
        assertThat(browser.post("/licenses/keys/" + other.keyId() + "/remove", Map.of(), true).status()).isEqualTo(303);
        assertThat(browser.get("/licenses").html()).contains("Stopped trusting key " + other.keyId() + " of vendor Other Corp")
                .doesNotContain("<td>Other Corp</td>");
    }

    @Test
    void aLicenseOutsideItsKeysProductsIsRefusedWithTheSameSentenceAsTheApi() {
        TestVendor other = new TestVendor();
        other.trustIn(dir, "Other Corp", "viewer");

        ConsoleClient.Page refused = browser.post("/licenses", Map.of("text", license(other, "cad", 1000, "2026-01-01", "2026-12-31")), true);

        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.html()).contains("id=\"text-error\">Refused (product-not-allowed): key " + other.keyId()
                + " of vendor Other Corp may not license product cad (it may license viewer)");
    }

    @Test
    void renewalsDatesAndAnyInstallationAreShownAsTheVendorMeantThem() {
        String old = license(acme, "cad", 30, "2026-01-01", "2026-12-31");
        String oldId = server.admin().post("/api/v1/licenses", old).json().get("id").asString();
        String page = browser.get("/licenses").html();
        assertThat(page).contains("2026-01-01 through 2026-12-31").doesNotContain("2027-01-01");
        String dashboard = browser.get("/dashboard/live").html();
        assertThat(dashboard).contains("<dt>Server entitlement</dt><dd class=\"\">through 2026-12-31</dd>", "<dt>Next expiry</dt><dd>2026-12-31 ")
                .doesNotContain("2027-01-01");

        // Looks like a renewal but supersedes nothing: added, with the warning.
        ConsoleClient.Page lookalike = browser.post("/licenses", Map.of("text", license(acme, "cad", 10, "2026-03-01", "2027-02-28")), true);
        assertThat(lookalike.status()).isEqualTo(303);
        assertThat(browser.get("/licenses").html()).contains("Warning: cad/cal: this adds 10 seats to 30 (40 in all); if it renews license "
                + oldId + ", ask the vendor for a file that supersedes it.");

        Instant start = Instant.parse("2026-01-01T00:00:00Z");
        String renewal = acme.license(start).supersedes(oldId).server("cad", null, start, null).seats("cad", "cal", 25, start, null).text();
        assertThat(browser.post("/licenses", Map.of("text", renewal), true).status()).isEqualTo(303);
        String after = browser.get("/licenses").html();
        assertThat(after).contains("Superseded by license " + dev.usher.core.license.LicenseFile.parse(renewal).payload().id()
                        + " since 2026-01-01: its seats do not count.", "Supersedes license " + oldId + ".",
                "server cad (ANY installation: this file licenses every Usher server it is added to)", "data-testid=\"any-installation\"",
                ">superseded<");
        assertThat(server.admin().get("/api/v1/pools").json().get(0).get("capacity").asInt()).isEqualTo(35);
    }
}
