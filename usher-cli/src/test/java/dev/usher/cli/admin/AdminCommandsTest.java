package dev.usher.cli.admin;

import dev.usher.cli.UsherCommand;
import dev.usher.core.license.LicenseFile;
import dev.usher.server.testing.Http;
import dev.usher.server.testing.TestServer;
import dev.usher.server.testing.TestVendor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The administrator's commands against a real server: {@code license add|list|remove}, {@code status},
 * {@code release}, with a server running (found through DATA/server.json), with {@code --server/--token},
 * and with no server running (one is started for the command); and the vendor-to-admin workflow.
 */
class AdminCommandsTest {

    /** Valid both on the test server's clock (mid 2026) and on the real clock an embedded server uses. */
    private static final Instant STARTS = Instant.parse("2026-01-01T00:00:00Z");
    private static final Instant EXPIRES = Instant.parse("2099-01-01T00:00:00Z");

    @TempDir
    Path tmp;

    record Result(int exitCode, String out, String err) {}

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = UsherCommand.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(code, out.toString(), err.toString());
    }

    private Path data() {
        return tmp.resolve("data");
    }

    private Path write(String name, String text) throws Exception {
        Path f = tmp.resolve(name);
        Files.writeString(f, text);
        return f;
    }

    private static String licenseFor(TestServer server, int seats) {
        return server.vendor().serverAndSeats(server.installationId(), "demo", "cal", seats, STARTS, EXPIRES);
    }

    private static String idOf(String text) {
        return LicenseFile.parse(text).payload().id().toString();
    }

    /** One line on stderr, starting with "usher:", no stack trace; a non-zero exit code. */
    private static void assertOneLineError(Result r, String... contains) {
        assertThat(r.exitCode()).as(r.toString()).isNotZero();
        assertThat(r.err().lines().toList()).as(r.err()).hasSize(1);
        assertThat(r.err()).startsWith("usher: ").doesNotContain("\tat ").doesNotContain("Exception");
        for (String c : contains) {
            assertThat(r.err()).contains(c);
        }
    }

    @Test
    void licenseAddListAndRemoveAgainstARunningServer() throws Exception {
        try (TestServer server = TestServer.start(data())) {
            String text = licenseFor(server, 5);
            String id = idOf(text);
            Path file = write("acme.lic", text);

            Result added = run("license", "add", file.toString(), "--data", data().toString());
            assertThat(added.exitCode()).as(added.toString()).isZero();
            assertThat(added.out()).startsWith("added " + id).contains("demo/cal x5");
            assertThat(server.admin().get("/api/v1/licenses/" + id).status()).isEqualTo(200);

            Result again = run("license", "add", file.toString(), "--data", data().toString());
            assertThat(again.exitCode()).isZero();
            assertThat(again.out()).startsWith("already installed " + id);
            assertThat(server.admin().get("/api/v1/licenses").json()).hasSize(1);

            Result list = run("license", "list", "--data", data().toString());
            assertThat(list.exitCode()).isZero();
            assertThat(list.out()).contains(id).contains("valid").contains("Test customer").contains("demo/cal x5");

            Result removed = run("license", "remove", id, "--data", data().toString());
            assertThat(removed.exitCode()).isZero();
            assertThat(removed.out()).contains("removed " + id);
            assertThat(server.admin().get("/api/v1/licenses").json()).isEmpty();
            assertThat(run("license", "list", "--data", data().toString()).out()).contains("no licenses installed");

            assertOneLineError(run("license", "remove", id, "--data", data().toString()), "no license with id " + id);
            assertOneLineError(run("license", "remove", "not-a-uuid", "--data", data().toString()), "UUID");
        }
    }

    @Test
    void aRefusedFileIsOneLineOnStderrAndTheOtherFilesAreStillAdded() throws Exception {
        try (TestServer server = TestServer.start(data())) {
            String text = licenseFor(server, 5);
            // One changed character of the payload (seats 5 -> 6 in the signed JSON), re-encoded as valid base64.
            LicenseFile original = LicenseFile.parse(text);
            String json = new String(original.payloadBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(json).contains("\"seats\":5");
            byte[] edited = json.replace("\"seats\":5", "\"seats\":6").getBytes(java.nio.charset.StandardCharsets.UTF_8);
            String tamperedText = new LicenseFile(dev.usher.core.license.LicensePayload.fromJson(edited), edited,
                    original.keyId(), original.signature()).text();
            Path tampered = write("tampered.lic", tamperedText);
            Path foreign = write("foreign.lic", new TestVendor().serverAndSeats(server.installationId(), "demo", "cal", 5, STARTS, EXPIRES));
            Path otherInstallation = write("other.lic", server.vendor().serverAndSeats("not-this-one", "demo", "cal", 5, STARTS, EXPIRES));
            Path garbage = write("garbage.lic", "hello");

            assertOneLineError(run("license", "add", tampered.toString(), "--data", data().toString()),
                    "tampered.lic", "signature does not match");
            assertOneLineError(run("license", "add", foreign.toString(), "--data", data().toString()), "does not trust");
            assertOneLineError(run("license", "add", otherInstallation.toString(), "--data", data().toString()),
                    "not-this-one", server.installationId());
            assertOneLineError(run("license", "add", garbage.toString(), "--data", data().toString()), "garbage.lic");
            assertOneLineError(run("license", "add", tmp.resolve("missing.lic").toString(), "--data", data().toString()), "missing.lic");
            assertThat(server.admin().get("/api/v1/licenses").json()).isEmpty();

            Path good = write("good.lic", text);
            Result mixed = run("license", "add", tampered.toString(), good.toString(), "--data", data().toString());
            assertThat(mixed.exitCode()).isNotZero();
            assertThat(mixed.out()).startsWith("added " + idOf(text));
            assertThat(mixed.err().lines().toList()).hasSize(1);
            assertThat(server.admin().get("/api/v1/licenses").json()).hasSize(1);
        }
    }

    @Test
    void statusShowsPoolsAndHoldersAndReleaseFreesASeat() throws Exception {
        try (TestServer server = TestServer.start(data())) {
            server.license("demo", "cal", 5);
            Http.Response seat = server.client().checkout("alice-laptop-1", "demo", "cal", "CORP\\alice", "ws-alice");
            assertThat(seat.status()).isEqualTo(201);
            assertThat(server.client().checkout("bob-1", "demo", "cal", "bob", "ws-bob").status()).isEqualTo(201);

            Result status = run("status", "--data", data().toString());
            assertThat(status.exitCode()).as(status.toString()).isZero();
            assertThat(status.out()).contains("installation id: " + server.installationId())
                    .contains("demo/cal: 2 of 5 seats in use")
                    .contains("CORP\\alice").contains(seat.json().get("seatId").asString())
                    .contains("alice-laptop-1").contains("ws-alice")
                    .contains("bob");

            Result released = run("release", "--user", "alice@corp", "--data", data().toString());
            assertThat(released.exitCode()).as(released.toString()).isZero();
            assertThat(released.out()).contains("released 1 seat(s) of alice@corp");
            JsonNode seats = server.admin().get("/api/v1/seats").json();
            assertThat(seats).hasSize(1);
            assertThat(seats.get(0).get("user").asString()).isEqualTo("bob");
            assertThat(run("status", "--data", data().toString()).out()).contains("demo/cal: 1 of 5 seats in use").doesNotContain("alice");
            assertThat(run("release", "--user", "alice", "--data", data().toString()).out()).contains("alice holds no seat");
            assertOneLineError(run("release", "--user", "bob", "--product", "demo", "--data", data().toString()), "--feature");
        }
    }

    @Test
    void statusShowsBorrowedSeatsAndWhoWaits() throws Exception {
        try (TestServer server = TestServer.start(data())) {
            server.license("demo", "cal", 1);
            assertThat(server.client().checkout("ann-laptop", "demo", "cal", "ann", "laptop").status()).isEqualTo(201);
            java.time.Instant until = server.now().plus(java.time.Duration.ofDays(3));
            assertThat(server.client().post("/api/v1/sessions/ann-laptop/checkouts/demo/cal/borrow",
                    "{\"until\":\"" + until + "\"}").status()).isEqualTo(200);
            var waiter = java.util.concurrent.CompletableFuture.supplyAsync(() -> server.client()
                    .put("/api/v1/sessions/bob-1/checkouts/demo/cal?wait=30", "{\"user\":\"bob\",\"host\":\"ws-bob\"}"));
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (server.admin().get("/api/v1/queue").json().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            Result status = run("status", "--data", data().toString());
            assertThat(status.exitCode()).as(status.toString()).isZero();
            assertThat(status.out()).contains("demo/cal: 1 of 1 seats in use, 1 borrowed, 1 waiting")
                    .contains("(borrowed until " + until + ")")
                    .containsPattern("waiting #1: bob +host ws-bob");
            server.client().delete("/api/v1/sessions/ann-laptop");
            server.admin().delete("/api/v1/borrows/" + server.admin().get("/api/v1/borrows").json().get(0).get("seatId").asString());
            assertThat(waiter.get(5, java.util.concurrent.TimeUnit.SECONDS).status()).isEqualTo(201);
        }
    }

    @Test
    void anExplicitServerUrlNeedsTheAdminToken() throws Exception {
        try (TestServer server = TestServer.start(data())) {
            String url = server.server().localUrl();
            Path file = write("acme.lic", licenseFor(server, 5));
            Path elsewhere = tmp.resolve("not-the-data-dir");

            Result added = run("license", "add", file.toString(), "--server", url, "--token", TestServer.ADMIN_TOKEN,
                    "--data", elsewhere.toString());
            assertThat(added.exitCode()).as(added.toString()).isZero();
            assertThat(server.admin().get("/api/v1/licenses").json()).hasSize(1);
            assertOneLineError(run("license", "list", "--server", url, "--token", "wrong-token-0123456789", "--data", elsewhere.toString()),
                    "not valid");
            assertOneLineError(run("license", "list", "--server", url, "--data", elsewhere.toString()), "--token");
            assertThat(elsewhere).doesNotExist();
        }
    }

    @Test
    void withNoServerRunningTheCommandStartsOneAndTheLicenseIsThereForTheNextServer() throws Exception {
        String text;
        String installationId;
        try (TestServer first = TestServer.start(data())) {
            installationId = first.installationId();
            text = licenseFor(first, 7);
        }
        assertThat(data().resolve("server.json")).doesNotExist();
        Path file = write("acme.lic", text);

        Result added = run("license", "add", file.toString(), "--data", data().toString());
        assertThat(added.exitCode()).as(added.toString()).isZero();
        assertThat(added.out()).startsWith("added " + idOf(text));
        Result status = run("status", "--data", data().toString());
        assertThat(status.out()).contains("installation id: " + installationId).contains("demo/cal: 0 of 7 seats in use");
        assertThat(data().resolve("server.json")).as("the embedded server stopped").doesNotExist();

        try (TestServer next = TestServer.start(data())) {
            JsonNode licenses = next.admin().get("/api/v1/licenses").json();
            assertThat(licenses).hasSize(1);
            assertThat(licenses.get(0).get("id").asString()).isEqualTo(idOf(text));
            assertThat(licenses.get(0).get("status").asString()).isEqualTo("valid");
            assertThat(next.client().checkout("s1", "demo", "cal", "alice", "ws1").status()).isEqualTo(201);
        }
        assertOneLineError(run("license", "list", "--data", tmp.resolve("nowhere").toString()), "no Usher data directory");
    }

    @Test
    void aFirstStartThroughACommandShowsTheGeneratedAdminTokenOnce() throws Exception {
        Files.createDirectories(data());

        Result first = run("status", "--data", data().toString());

        assertThat(first.exitCode()).as(first.toString()).isZero();
        Matcher m = Pattern.compile("admin token \\(shown once, store it now\\): (\\S+)").matcher(first.err());
        assertThat(m.find()).as("the generated token must not be lost: " + first).isTrue();
        String token = m.group(1);
        assertThat(run("status", "--data", data().toString()).err()).doesNotContain(token).doesNotContain("admin token");
        try (TestServer server = TestServer.start(data(), c -> c.withAdminToken(null))) {
            assertThat(server.admin().withToken(token).get("/api/v1/licenses").status()).isEqualTo(200);
        }
    }

    @Test
    void aFirstStartThroughACommandTakesTheGivenAdminToken() throws Exception {
        Files.createDirectories(data());

        Result first = run("license", "list", "--data", data().toString(), "--token", TestServer.ADMIN_TOKEN);

        assertThat(first.exitCode()).as(first.toString()).isZero();
        // The given token is used (no token is generated); the first administrator's password is shown once.
        assertThat(first.err()).doesNotContain("admin token").containsOnlyOnce("admin user 'admin', password (shown once");
        try (TestServer server = TestServer.start(data(), c -> c.withAdminToken(null))) {
            assertThat(server.admin().get("/api/v1/licenses").status()).isEqualTo(200);
        }
    }

    @Test
    void vendorToAdministratorWorkflowEndToEnd() throws Exception {
        try (TestServer server = TestServer.start(data())) {
            // The administrator reads the installation id and sends it to the vendor.
            Result status = run("status", "--data", data().toString());
            Matcher m = Pattern.compile("installation id: (\\S+)").matcher(status.out());
            assertThat(m.find()).as(status.out()).isTrue();
            String installationId = m.group(1);
            assertThat(installationId).isEqualTo(server.installationId());

            // This server's own test key claims every product; this vendor's key claims cad.
            Files.delete(data().resolve("trusted-keys").resolve("test-vendor-" + server.vendor().keyId() + ".pub"));
            // The vendor makes a key naming its products and signs a license for that installation.
            Path keys = tmp.resolve("vendor-keys");
            assertThat(run("vendor", "keygen", "--out", keys.toString(), "--vendor", "Acme Software", "--products", "cad").exitCode()).isZero();
            Path lic = tmp.resolve("acme.lic");
            Result issued = run("vendor", "issue", "--key", keys.resolve("vendor.key").toString(), "--customer", "ACME Corp",
                    "--product", "cad", "--server", "--installation", installationId, "--seats", "cal=3", "--seats", "designer=1",
                    "--starts", "2026-01-01", "--expires", "2099-12-31", "--out", lic.toString());
            assertThat(issued.exitCode()).as(issued.toString()).isZero();

            // Not trusted yet: refused with the reason.
            assertOneLineError(run("license", "add", lic.toString(), "--data", data().toString()), "does not trust", "trusted-keys");

            // The administrator trusts the vendor's key file (no restart) and adds the file.
            Result trusted = run("license", "key", "add", keys.resolve("vendor.pub").toString(), "--data", data().toString());
            assertThat(trusted.exitCode()).as(trusted.toString()).isZero();
            assertThat(trusted.out()).startsWith("trusting key ").contains("of vendor Acme Software, may license cad");
            Result added = run("license", "add", lic.toString(), "--data", data().toString());
            assertThat(added.exitCode()).as(added.toString()).isZero();
            // The dates as the vendor wrote them (--expires 2099-12-31).
            assertThat(added.out()).startsWith("added ").contains("ACME Corp").contains("server cad (through 2099-12-31)")
                    .contains("cad/cal x3 (through 2099-12-31)").contains("cad/designer x1");

            assertThat(server.client().checkout("s1", "cad", "cal", "alice", "ws1").status()).isEqualTo(201);
            Result after = run("status", "--data", data().toString());
            assertThat(after.out()).contains("cad/cal: 1 of 3 seats in use  (valid through 2099-12-31)").contains("cad/designer: 0 of 1 seats in use")
                    .contains("alice");

            // A license for another installation is refused, naming both ids.
            Path wrong = tmp.resolve("wrong.lic");
            assertThat(run("vendor", "issue", "--key", keys.resolve("vendor.key").toString(), "--customer", "ACME Corp",
                    "--product", "cad", "--server", "--installation", "some-other-installation", "--seats", "cal=3",
                    "--starts", "2026-01-01", "--expires", "2099-12-31", "--out", wrong.toString()).exitCode()).isZero();
            assertOneLineError(run("license", "add", wrong.toString(), "--data", data().toString()),
                    "some-other-installation", installationId);
            List<String> ids = new ArrayList<>();
            server.admin().get("/api/v1/licenses").json().forEach(l -> ids.add(l.get("id").asString()));
            assertThat(ids).hasSize(1);

            // A self-made key for cad is refused (a product belongs to one key), and so is a license of another key for cad.
            Path mine = tmp.resolve("my-keys");
            assertThat(run("vendor", "keygen", "--out", mine.toString(), "--vendor", "Me", "--products", "cad").exitCode()).isZero();
            assertOneLineError(run("license", "key", "add", mine.resolve("vendor.pub").toString(), "--data", data().toString()),
                    "claims cad, which key", "of vendor Acme Software already licenses");
            Path other = tmp.resolve("other-keys");
            assertThat(run("vendor", "keygen", "--out", other.toString(), "--vendor", "Other Corp", "--products", "viewer").exitCode()).isZero();
            assertThat(run("license", "key", "add", other.resolve("vendor.pub").toString(), "--data", data().toString()).exitCode()).isZero();
            Path foreign = tmp.resolve("foreign.lic");
            assertThat(run("vendor", "issue", "--key", other.resolve("vendor.key").toString(), "--customer", "ACME Corp",
                    "--product", "cad", "--seats", "cal=1000", "--expires", "2099-12-31", "--out", foreign.toString()).exitCode()).isZero();
            String otherKeyId = dev.usher.core.license.VendorKeys.keyId(dev.usher.core.license.VendorKeys.readPublicKey(other.resolve("vendor.pub")));
            assertOneLineError(run("license", "add", foreign.toString(), "--data", data().toString()),
                    "key " + otherKeyId + " of vendor Other Corp may not license product cad (it may license viewer)");

            Result keyList = run("license", "key", "list", "--data", data().toString());
            assertThat(keyList.out()).containsPattern(otherKeyId + " +Other Corp +0 +viewer").containsPattern(" +Acme Software +1 +cad");
            assertThat(run("license", "key", "remove", otherKeyId, "--data", data().toString()).out())
                    .isEqualTo("no longer trusting key " + otherKeyId + "; the licenses it signed no longer count\n");
            assertOneLineError(run("license", "key", "remove", otherKeyId, "--data", data().toString()), "no trusted key with id");

            // A renewal that names the file it renews replaces its seats; one that only looks like a renewal warns.
            Path lookalike = tmp.resolve("lookalike.lic");
            assertThat(run("vendor", "issue", "--key", keys.resolve("vendor.key").toString(), "--customer", "ACME Corp",
                    "--product", "cad", "--seats", "cal=10", "--starts", "2026-01-01", "--expires", "2099-12-31", "--out",
                    lookalike.toString()).exitCode()).isZero();
            Result warned = run("license", "add", lookalike.toString(), "--data", data().toString());
            assertThat(warned.out()).contains("warning: cad/cal: this adds 10 seats to 3 (13 in all); if it renews license " + ids.getFirst()
                    + ", ask the vendor for a file that supersedes it");
            Path renewal = tmp.resolve("renewal.lic");
            assertThat(run("vendor", "issue", "--key", keys.resolve("vendor.key").toString(), "--customer", "ACME Corp",
                    "--product", "cad", "--server", "--installation", installationId, "--seats", "cal=5", "--starts", "2026-01-01",
                    "--expires", "2099-12-31", "--supersedes", ids.getFirst(),
                    idOf(Files.readString(lookalike)), "--out", renewal.toString()).exitCode()).isZero();
            assertThat(run("license", "add", renewal.toString(), "--data", data().toString()).out()).doesNotContain("warning");
            Result listed = run("license", "list", "--data", data().toString());
            assertThat(listed.out()).contains("superseded by " + idOf(Files.readString(renewal))).contains("supersedes " + ids.getFirst());
            assertThat(run("status", "--data", data().toString()).out()).contains("cad/cal: 1 of 5 seats in use");
            assertThat(run("license", "reload", "--data", data().toString()).out()).startsWith("reloaded: 3 license files, 3 signed by trusted keys; trusted keys: ");
        }
    }
}
