package example;

import dev.usher.client.ServerProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The example as a vendor would run it: {@code java -cp usher-client.jar:hello-seat.jar example.HelloSeat}
 * on the machine's Java 17 (both are built for 11), against a real server.
 */
class HelloSeatTest {

    @TempDir
    Path dir;

    private static String pathOf(Class<?> c) throws URISyntaxException {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    /** As the operating-system user {@code user} (the example reports the OS user name, as an application in open mode does). */
    private Process run(String user, String url, String seconds, Path output) throws IOException, URISyntaxException {
        String javaExe = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = pathOf(dev.usher.client.UsherClient.class) + java.io.File.pathSeparator + pathOf(HelloSeat.class);
        return new ProcessBuilder(javaExe, "-Duser.name=" + user, "-cp", cp, "example.HelloSeat", url, "demo", "cal", seconds)
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
    }

    @Test
    void takesASeatWorksAndGivesItBackOnJava17() throws Exception {
        assertThat(Runtime.version().feature()).isEqualTo(17);
        try (ServerProcess servers = ServerProcess.launch(dir)) {
            ServerProcess.Node n = servers.start("hello", "ttl=6");
            servers.license(n, "demo", "cal", 1);

            Process first = run("ann", n.url, "15", dir.resolve("first.log"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (n.admin().seats().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            // While it works, the same person's second copy shares the seat, and someone else's is refused, plainly.
            Process again = run("ann", n.url, "1", dir.resolve("again.log"));
            Process other = run("bob", n.url, "1", dir.resolve("other.log"));
            assertThat(again.waitFor(60, TimeUnit.SECONDS)).isTrue();
            List<String> shared = Files.readAllLines(dir.resolve("again.log"), StandardCharsets.UTF_8);
            assertThat(again.exitValue()).as(String.join("\n", shared)).isZero();
            assertThat(shared).anyMatch(l -> l.matches("Got seat \\S+ as ann \\(1 other session\\(s\\) of yours share it\\); working for 1 s"));
            assertThat(other.waitFor(60, TimeUnit.SECONDS)).isTrue();
            List<String> refused = Files.readAllLines(dir.resolve("other.log"), StandardCharsets.UTF_8);
            assertThat(other.exitValue()).as(String.join("\n", refused)).isEqualTo(2);
            assertThat(refused).anyMatch(l -> l.startsWith("All 1 seats of demo cal are in use"));

            assertThat(first.waitFor(60, TimeUnit.SECONDS)).isTrue();
            List<String> out = Files.readAllLines(dir.resolve("first.log"), StandardCharsets.UTF_8);
            assertThat(first.exitValue()).as(String.join("\n", out)).isZero();
            assertThat(out).anyMatch(l -> l.matches("Got seat \\S+ as ann \\(0 other session\\(s\\) of yours share it\\); working for 15 s"));
            assertThat(out).contains("Done; giving the seat back.");
            assertThat(n.admin().seats()).isEmpty();
        }
    }
}
