package dev.usher.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.usher.cli.UsherCommand;
import dev.usher.server.testing.TestServer;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code usher bench} and {@code usher bench hold} from end to end against a real server. */
class BenchRunTest {

    @TempDir
    Path dir;

    /**
     * With {@code --cycles-among-sessions} the live sessions are created first and the cycles run while they are
     * held (the cost curve of docs/BENCHMARKS.md measures checkouts among 1k to 1M live sessions); without it the cycles
     * come first, as in every run before the option.
     */
    @Test
    void cyclesRunAmongTheLiveSessionsWhenAsked() {
        try (TestServer server = TestServer.start(dir.resolve("data"))) {
            server.license("demo", "cal", 20);
            String url = server.server().localUrl();
            JsonNode among = bench(url, "--cycles-among-sessions");
            assertThat(phases(among)).containsExactly("create", "cycles");
            assertThat(phase(among, "create").get("operations").asLong()).isEqualTo(30);
            assertThat(phase(among, "cycles").get("operations").asLong()).isPositive();
            assertThat(server.server().seats().pools()).singleElement()
                    .satisfies(p -> assertThat(p.inUse()).as("the 3 people's seats, kept").isEqualTo(3));

            assertThat(phases(bench(url))).containsExactly("cycles");
        }
    }

    /**
     * {@code usher bench hold}: every session it creates is still live after the hold, and the hold's heartbeats carry
     * on where the creation's keeper left each session.
     */
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

    private static JsonNode bench(String url, String... more) {
        List<String> args = new ArrayList<>(List.of("bench", "--url", url, "--product", "demo", "--feature", "cal",
                "--phases", "cycles", "--sessions", "30", "--users", "3", "--connections", "2", "--warmup", "0s",
                "--duration", "1s", "--keep-sessions", "--json"));
        args.addAll(List.of(more));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = UsherCommand.run(args.toArray(String[]::new), new PrintWriter(out, true), new PrintWriter(err, true));
        assertThat(code).as("exit code; stderr: %s", err).isZero();
        return JsonMapper.builder().build().readTree(out.toString());
    }

    private static List<String> phases(JsonNode report) {
        List<String> keys = new ArrayList<>();
        report.get("phases").forEach(p -> keys.add(p.get("phase").asString()));
        return keys;
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
