package dev.usher.server.install;

import dev.usher.server.ServerConfig;
import dev.usher.server.UsherServer;
import dev.usher.server.testing.TestServer;
import dev.usher.store.testing.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** One data directory, one server: a second one fails with a clear message and leaves the first alone. */
class DataDirectoryLockTest {

    @TempDir
    Path dir;

    private static ServerConfig secondConfig(Path dir) {
        // The same store as the TestServer on this directory (its SQLite file, or its PostgreSQL database).
        return ServerConfig.defaults(dir).withHost("127.0.0.1").withPort(0).withDatabaseUrl(TestDatabases.urlFor(dir));
    }

    @Test
    void aSecondServerOnTheSameDataDirectoryFailsClearlyAndTheFirstKeepsServing() throws Exception {
        try (TestServer first = TestServer.start(dir)) {
            first.license("demo", "cal", 5);
            assertThat(first.client().checkout("s1", "demo", "cal", "alice", "ws1").status()).isEqualTo(201);
            String serverInfo = Files.readString(dir.resolve("server.json"));

            // In this JVM.
            assertThatThrownBy(() -> UsherServer.start(secondConfig(dir)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("in use")
                    .hasMessageContaining(dir.toString())
                    .hasMessageContaining("--data");
            // From another process: the lock is the operating system's, and the failed attempt above did not drop it.
            Result other = startInAnotherProcess(dir);
            assertThat(other.exitCode()).as(other.output()).isEqualTo(2);
            assertThat(other.output()).contains("in use").contains(String.valueOf(ProcessHandle.current().pid()));

            // The first server is undisturbed: same server.json, serving, its seat still held.
            assertThat(Files.readString(dir.resolve("server.json"))).isEqualTo(serverInfo);
            assertThat(first.client().get("/healthz").status()).isEqualTo(200);
            assertThat(first.client().heartbeat("s1").status()).isEqualTo(200);
            assertThat(first.admin().get("/api/v1/seats").json()).hasSize(1);
            assertThat(first.client().checkout("s2", "demo", "cal", "bob", "ws2").status()).isEqualTo(201);
        }
        // Once the first is stopped, the directory is free again.
        try (UsherServer again = UsherServer.start(secondConfig(dir))) {
            assertThat(again.licenses().list()).hasSize(1);
        }
    }

    record Result(int exitCode, String output) {}

    private static Result startInAnotherProcess(Path dir) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(List.of(java, "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                SecondServer.class.getName(), dir.toString()))
                .redirectErrorStream(true).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the second process did not finish");
        }
        return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    /** Tries to start a server on the directory given; exit 2 with the message when it is refused. */
    public static final class SecondServer {
        public static void main(String[] args) {
            try (UsherServer s = UsherServer.start(secondConfig(Path.of(args[0])))) {
                System.out.println("started on " + s.localUrl());
                System.exit(0);
            } catch (IllegalStateException e) {
                System.out.println(e.getMessage());
                System.exit(2);
            }
        }
    }
}
