package dev.usher.client;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Python client's own tests ({@code clients/python/tests}, standard {@code unittest}) against a real
 * server, with the machine's {@code python3}. Skipped only where python3 is missing and {@code CI} is not set.
 */
class PythonClientTest extends AgainstRealServers {

    @TempDir
    Path dir;

    @Test
    void thePythonClientsTestsPassAgainstARealServer() throws IOException, InterruptedException {
        assumePython();
        ServerProcess.Node n = licensed(2, "ttl=6");
        ProcessBuilder pb = new ProcessBuilder("python3", "-m", "unittest", "discover", "-v", "-s", pythonClient().resolve("tests").toString(),
                "-p", "test_*.py").redirectErrorStream(true).redirectOutput(dir.resolve("unittest.log").toFile());
        pb.environment().put("USHER_TEST_URL", n.url);
        pb.environment().put("USHER_TEST_ADMIN_TOKEN", n.adminToken);
        pb.environment().put("USHER_TEST_NOW", n.now.toString());
        Process p = pb.start();
        boolean ended = p.waitFor(5, TimeUnit.MINUTES);
        String log = Files.readString(dir.resolve("unittest.log"), StandardCharsets.UTF_8);
        System.out.println(log);
        assertThat(ended).as("python tests ended within 5 minutes").isTrue();
        assertThat(p.exitValue()).as(log).isZero();
        assertThat(log).containsPattern("Ran \\d+ tests").endsWith("OK\n").doesNotContain("skipped");
    }
}
