package dev.usher.server.license;

import dev.usher.server.testing.TestServer;
import dev.usher.server.testing.TestVendor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Trusted keys on several nodes sharing one PostgreSQL: a key added on one node licenses on every node, and a key
 * removed (through the API on any node, or by deleting its file on the node that had it) stops licensing on every
 * node and stays removed: the nodes' older copies of the file are deleted, not shared again.
 */
class SharedKeysClusterTest {

    @TempDir
    Path dir;

    private final List<TestServer> nodes = new ArrayList<>();

    @AfterEach
    void stop() {
        for (int i = nodes.size() - 1; i >= 0; i--) {
            nodes.get(i).close();
        }
    }

    private void within(Duration d, BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + d.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + d + ": " + what + "; keys on the nodes: "
                        + nodes.stream().map(n -> n.admin().get("/api/v1/trusted-keys").text()).toList());
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    private static String license(TestServer s, TestVendor v, String product) {
        return v.serverAndSeats(s.installationId(), product, "cal", 3, s.now().minus(Duration.ofDays(1)), s.now().plus(Duration.ofDays(30)));
    }

    private final java.util.concurrent.atomic.AtomicInteger attempts = new java.util.concurrent.atomic.AtomicInteger();

    /** A checkout by someone new each time (a repeated session would keep the seat an earlier try got). */
    private int status(TestServer s, String session, String product) {
        String id = session + "-" + attempts.incrementAndGet();
        return s.client().checkout(id, product, "cal", "user-" + id, "ws1").status();
    }

    @Test
    void aKeyAddedOnOneNodeLicensesOnAllAndARemovalOnAnyNodeSticks() throws Exception {
        TestServer a = TestServer.startOnPostgres(dir.resolve("a"), c -> c);
        nodes.add(a);
        TestServer b = a.join(dir.resolve("b"));
        nodes.add(b);
        TestVendor other = new TestVendor();
        // The test vendor's key claims every product: out with it first (its file is on both nodes).
        assertThat(a.admin().delete("/api/v1/trusted-keys/" + a.vendor().keyId()).status()).isEqualTo(204);
        within(Duration.ofSeconds(5), () -> b.admin().get("/api/v1/trusted-keys").json().isEmpty(), "node B drops the test key");
        assertThat(Files.exists(dir.resolve("b").resolve("trusted-keys").resolve("test-vendor-" + a.vendor().keyId() + ".pub"))).isFalse();

        assertThat(a.admin().post("/api/v1/trusted-keys", other.keyFile("Other Corp", "viewer")).status()).isEqualTo(201);
        assertThat(a.admin().post("/api/v1/licenses", license(a, other, "viewer")).status()).isEqualTo(201);
        within(Duration.ofSeconds(5), () -> status(b, "b1", "viewer") == 201, "node B grants from the key added on node A");

        // Removed on node B, which only has the key from the database: node A's own file goes too.
        assertThat(b.admin().delete("/api/v1/trusted-keys/" + other.keyId()).status()).isEqualTo(204);
        Path fileOnA = dir.resolve("a").resolve("trusted-keys").resolve("other-corp-" + other.keyId() + ".pub");
        within(Duration.ofSeconds(5), () -> !Files.exists(fileOnA), "node A deletes its copy of the removed key");
        within(Duration.ofSeconds(5), () -> status(a, "a2", "viewer") == 404, "node A stops granting");
        assertThat(status(b, "b2", "viewer")).isEqualTo(404);
        a.server().keyWatcher().tick();
        b.server().keyWatcher().tick();
        assertThat(a.admin().get("/api/v1/trusted-keys/" + other.keyId()).status()).isEqualTo(404);

        // Added again (a file newer than the removal), it is shared again.
        other.trustIn(dir.resolve("b"), "Other Corp", "viewer");
        b.server().keyWatcher().tick();
        within(Duration.ofSeconds(5), () -> status(a, "a3", "viewer") == 201, "node A grants again after the re-add on node B");

        // Deleting the file by hand on the node that has it removes it everywhere.
        Files.delete(dir.resolve("b").resolve("trusted-keys").resolve("test-vendor-" + other.keyId() + ".pub"));
        b.server().keyWatcher().tick();
        within(Duration.ofSeconds(5), () -> status(a, "a4", "viewer") == 404, "node A stops granting after the file left node B");
        assertThat(a.admin().get("/api/v1/trusted-keys/" + other.keyId()).status()).isEqualTo(404);
    }
}
