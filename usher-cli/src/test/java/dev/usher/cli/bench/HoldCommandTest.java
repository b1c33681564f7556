package dev.usher.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.usher.cli.UsherCommand;
import dev.usher.server.testing.TestServer;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code usher bench hold} from end to end against a real server: every session it creates is still live after the
 * hold, and the hold's heartbeats carry on where the creation's keeper left each session.
 */
class HoldCommandTest {

    @TempDir
    Path dir;

    @Test
    void everySessionCreatedIsHeldAndBeatenWhileHeld() {
        try (TestServer server = TestServer.start(dir.resolve("data"))) {
            server.license("demo", "cal", 40);
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int code = UsherCommand.run(new String[] {"bench", "hold", "--url", server.server().localUrl(),
                    "--product", "demo", "--feature", "cal", "--sessions", "40", "--users", "40", "--connections", "4",
                    "--duration", "2s", "--heartbeat-interval", "300ms", "--keep-sessions", "--json"},
                    new PrintWriter(out, true), new PrintWriter(err, true));
            assertThat(code).as("exit code; stderr: %s", err).isZero();

            JsonNode report = JsonMapper.builder().build().readTree(out.toString());
            assertThat(report.get("errors").asLong()).isZero();
            JsonNode create = phase(report, "create");
            JsonNode hold = phase(report, "hold");
            assertThat(create.get("operations").asLong()).isEqualTo(40);
            // 2 s at one heartbeat per session per 300 ms: each of the 40 at least five times.
            assertThat(hold.get("operations").asLong()).isGreaterThanOrEqualTo(5 * 40);
            assertThat(hold.get("errors").asLong()).isZero();
            assertThat(server.server().seats().pools()).singleElement()
                    .satisfies(p -> assertThat(p.inUse()).as("seats held after the hold").isEqualTo(40));
        }
    }

    private static JsonNode phase(JsonNode report, String key) {
        for (JsonNode p : report.get("phases")) {
            if (p.get("phase").asString().equals(key)) {
                return p;
            }
        }
        throw new AssertionError("no phase " + key + " in " + report);
    }
}
