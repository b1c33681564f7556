package dev.usher.cli.process;

import dev.usher.server.testing.Http;
import dev.usher.server.testing.TestVendor;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 17, point 12: a real server process whose data directory is on a small filesystem that
 * fills up. Checkouts then answer 503 {@code storage-unavailable} with a sentence, nothing
 * acknowledged is lost, {@code /readyz} says so, and service resumes without a restart once space
 * is freed. Only the HTTP API and the process are used, so this holds whatever the write path is.
 *
 * <p>The filesystem is a 16 MB tmpfs mounted by the test, which needs root: without root it is
 * skipped with a message, except under CI, where it must run.
 */
class DiskFullTest {

    @TempDir
    Path dir;

    @Test
    void aFullDiskRefusesWritesWithASentenceLosesNothingAndRecoversWithoutARestart() throws Exception {
        boolean root = "0".equals(run("id", "-u").strip());
        if (!root) {
            assertThat(System.getenv("CI")).as("under CI this test must run: it needs root to mount a small tmpfs").isNotEqualTo("true");
            Assumptions.abort("DiskFullTest needs root to mount a small tmpfs for the data directory (run as root, or under CI)");
        }
        Path data = dir.resolve("data");
        Files.createDirectories(data);
        run("mount", "-t", "tmpfs", "-o", "size=16m", "usher-disk-full-test", data.toString());
        ServerProcess server = null;
        try {
            Files.createDirectories(data.resolve("trusted-keys"));
            TestVendor vendor = new TestVendor();
            vendor.trustIn(data);
            server = ServerProcess.start(data, "--lease-ttl", "3600");
            Http admin = new Http(server.url(), ServerProcess.ADMIN_TOKEN);
            Http client = new Http(server.url(), null);
            String installation = admin.get("/api/v1/installation").json().get("installationId").asString();
            Instant now = Instant.now();
            assertThat(admin.post("/api/v1/licenses", vendor.serverAndSeats(installation, "demo", "cal", 500,
                    now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(30)))).status()).isEqualTo(201);
            Map<String, String> acknowledged = new TreeMap<>();
            for (int i = 0; i < 5; i++) {
                Http.Response r = client.checkout("before-" + i, "demo", "cal", "user" + i, "ws" + i);
                assertThat(r.status()).isEqualTo(201);
                acknowledged.put("before-" + i, r.json().get("seatId").asString());
            }

            Path filler = data.resolve("filler");
            fill(filler);
            // Space SQLite already holds (its WAL) may take a few more writes; every one answered 2xx counts as acknowledged.
            Http.Response refused = null;
            for (int i = 0; i < 500 && refused == null; i++) {
                Http.Response r = client.checkout("during-" + i, "demo", "cal", "person" + i, "ws");
                if (r.status() / 100 == 2) {
                    acknowledged.put("during-" + i, r.json().get("seatId").asString());
                } else {
                    refused = r;
                }
            }
            assertThat(refused).as("a checkout on a full disk is refused").isNotNull();
            assertThat(refused.status()).as(refused.text()).isEqualTo(503);
            assertThat(refused.problemType()).isEqualTo("storage-unavailable");
            assertThat(refused.json().get("detail").asString()).contains("disk is full").contains("changed nothing")
                    .contains("once disk space is freed");
            Http.Response ready = client.get("/readyz");
            assertThat(ready.status()).isEqualTo(503);
            assertThat(ready.json().get("storage").asString()).isEqualTo("full");
            assertThat(ready.json().get("status").asString()).contains("storage full");
            assertThat(sessions(admin)).containsAllEntriesOf(acknowledged);

            Files.delete(filler);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            Http.Response after;
            while ((after = client.checkout("after", "demo", "cal", "late", "ws")).status() != 201) {
                assertThat(System.nanoTime()).as("service resumes: " + after.text()).isLessThan(deadline);
                Thread.sleep(200);
            }
            acknowledged.put("after", after.json().get("seatId").asString());
            while (client.get("/readyz").status() != 200) {
                assertThat(System.nanoTime()).as("/readyz is ready again").isLessThan(deadline);
                Thread.sleep(200);
            }
            assertThat(sessions(admin)).containsAllEntriesOf(acknowledged);

            // And it was on disk: a kill -9 and a restart keep every acknowledged seat.
            server.kill9();
            server = ServerProcess.start(data, "--lease-ttl", "3600");
            assertThat(sessions(new Http(server.url(), ServerProcess.ADMIN_TOKEN))).containsAllEntriesOf(acknowledged);
        } finally {
            if (server != null) {
                server.close();
            }
            run("umount", data.toString());
        }
    }

    /** Writes until the filesystem refuses. */
    private static void fill(Path filler) {
        byte[] chunk = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(chunk);
            }
        } catch (IOException full) {
            assertThat(full.getMessage()).containsIgnoringCase("space");
        }
    }

    private static Map<String, String> sessions(Http admin) {
        Map<String, String> out = new TreeMap<>();
        for (JsonNode seat : admin.get("/api/v1/seats").json()) {
            for (JsonNode s : seat.get("sessions")) {
                out.put(s.get("sessionId").asString(), seat.get("seatId").asString());
            }
        }
        return out;
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", command) + ": " + out).isZero();
        return out;
    }
}
