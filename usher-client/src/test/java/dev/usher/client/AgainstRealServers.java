package dev.usher.client;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Tests of a client against real servers: one child JVM per test class ({@link ServerProcess}), a fresh
 * node (data directory, port, clock) per test, closed after it.
 */
abstract class AgainstRealServers {

    static ServerProcess servers;
    static Path work;
    private static int counter;

    private final List<ServerProcess.Node> nodes = new ArrayList<>();

    @BeforeAll
    static void launchServers() throws IOException {
        // Under target/: the servers' logs stay for a look after a failure, and `clean` removes them.
        work = Files.createTempDirectory(Files.createDirectories(Path.of("target", "server-runs")), "run-");
        servers = ServerProcess.launch(work);
    }

    @AfterAll
    static void stopServers() {
        if (servers != null) {
            servers.close();
        }
    }

    @AfterEach
    void closeNodes() {
        nodes.forEach(n -> servers.close(n));
        nodes.clear();
    }

    /** A name no other node of this run has. */
    static String unique(String prefix) {
        return prefix + (++counter);
    }

    /** A fresh node ({@code ControlledServer}'s {@code start} options, e.g. {@code ttl=4}, {@code auth=session}). */
    ServerProcess.Node node(String... options) {
        return track(servers.start(unique("n"), options));
    }

    /** A fresh node with a license for {@code seats} seats of {@code demo cal}. */
    ServerProcess.Node licensed(int seats, String... options) {
        ServerProcess.Node n = node(options);
        servers.license(n, "demo", "cal", seats);
        return n;
    }

    /** Skips the calling test where python3 is missing, unless {@code CI} is set (then the test fails instead). */
    static void assumePython() {
        boolean present;
        try {
            present = new ProcessBuilder("python3", "--version").start().waitFor() == 0;
        } catch (IOException e) {
            present = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            present = false;
        }
        Assumptions.assumeTrue(present || System.getenv("CI") != null, "python3 is not installed");
    }

    /** The Python client's directory ({@code clients/python}), as Maven passes it. */
    static Path pythonClient() {
        return Path.of(System.getProperty("usher.python.client"));
    }

    ServerProcess.Node track(ServerProcess.Node n) {
        nodes.add(n);
        return n;
    }
}
