package dev.usher.cli;

import dev.usher.cli.common.CliException;
import dev.usher.cli.common.Environment;
import dev.usher.cli.config.Configuration;
import dev.usher.cli.config.ServerSettings;
import dev.usher.cli.config.Setting;
import dev.usher.server.UsherServer;
import dev.usher.server.monitoring.MonitoringConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@code usher aot-train} (hidden): the workload the launchers run under {@code -XX:AOTCacheOutput} to
 * make the JVM's ahead-of-time cache. It does what a real start does, so that the classes of a start
 * come from the cache: opens a new data directory (demo license), stops, starts again on it as
 * {@code usher serve} would on an existing installation, answers the requests of a first minute
 * (health, readiness, installation, a checkout and check-in, {@code usher status --json}), stops,
 * and deletes the directory. Port 0 on 127.0.0.1 and no USHER_* variables, so it never meets a
 * running server or the administrator's configuration.
 */
@Command(name = "aot-train", hidden = true, description = "Run a short start-and-serve workload (for the launcher's AOT cache).")
public final class AotTrainingCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Path dir = Files.createTempDirectory("usher-aot-train");
        try {
            start(dir, true).close(); // creates the installation, as the first `usher serve` does
            try (UsherServer server = start(dir, false)) {
                exercise(server, dir);
            }
        } finally {
            deleteTree(dir);
        }
        return 0;
    }

    private static UsherServer start(Path dir, boolean demo) {
        Map<Setting, String> flags = new EnumMap<>(Setting.class);
        flags.put(Setting.DATA, dir.toString());
        flags.put(Setting.HOST, "127.0.0.1");
        flags.put(Setting.PORT, "0");
        flags.put(Setting.DEMO, Boolean.toString(demo));
        Configuration c = Configuration.resolve(flags, null, new Environment(Map.of()));
        if (!c.problems().isEmpty()) {
            throw new CliException(c.problems().getFirst());
        }
        return UsherServer.start(ServerSettings.of(c), null, MonitoringConfig.defaults());
    }

    private void exercise(UsherServer server, Path dir) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        String base = "http://127.0.0.1:" + server.port();
        String admin = "Bearer " + server.localAdminToken();
        String seat = "/api/v1/sessions/aot-train-1/checkouts/demo/cal";
        expect(http, HttpRequest.newBuilder(URI.create(base + "/healthz")).GET(), 200);
        expect(http, HttpRequest.newBuilder(URI.create(base + "/readyz")).GET(), 200);
        expect(http, HttpRequest.newBuilder(URI.create(base + "/api/v1/installation")).header("Authorization", admin).GET(), 200);
        expect(http, HttpRequest.newBuilder(URI.create(base + seat)).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"user\":\"alice\",\"host\":\"pc-1\",\"client\":\"aot-train\"}")), 201);
        expect(http, HttpRequest.newBuilder(URI.create(base + "/api/v1/seats")).header("Authorization", admin).GET(), 200);
        expect(http, HttpRequest.newBuilder(URI.create(base + seat)).DELETE(), 204);
        StringWriter out = new StringWriter();
        int status = UsherCommand.run(new String[] {"status", "--json", "--data", dir.toString()}, new PrintWriter(out), new PrintWriter(out));
        if (status != 0) {
            throw new CliException("aot-train: `usher status --json` failed: " + out);
        }
    }

    private static void expect(HttpClient http, HttpRequest.Builder request, int status) throws IOException, InterruptedException {
        HttpRequest r = request.timeout(Duration.ofSeconds(10)).build();
        HttpResponse<String> response = http.send(r, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != status) {
            throw new CliException("aot-train: " + r.method() + " " + r.uri().getPath() + " answered " + response.statusCode()
                    + ", expected " + status + ": " + response.body());
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
