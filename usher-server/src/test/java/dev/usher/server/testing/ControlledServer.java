package dev.usher.server.testing;

import dev.usher.core.identity.AuthMode;
import dev.usher.server.ServerConfig;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * {@link TestServer}s driven over standard input by tests in another JVM: the client library's tests,
 * which run on Java 17 (the library targets 11) while the server needs 25, and the Python client's
 * conformance runs. One command per line, one answer per line on standard output, starting with
 * {@value #ANSWER} ({@code ok {json}} or {@code error message}); anything else on standard output is
 * noise to skip.
 *
 * <pre>
 * start NAME [ttl=SECONDS] [db=postgresql] [auth=open|session]   a node on a fresh data directory and fixed port
 * join NAME OTHER                                                another node on OTHER's PostgreSQL database
 * license NAME PRODUCT FEATURE SEATS [server=false]              a license for the node's installation (without its server entitlement)
 * advance SECONDS                                                moves every node's clock
 * sweep NAME                                                     ends lapsed leases now
 * stop NAME | resume NAME | restart NAME | close NAME            an outage, its end, both; close forgets the node
 * quit
 * </pre>
 * Every node's clock starts frozen: leases lapse only when the test advances it.
 */
public final class ControlledServer {

    public static final String ANSWER = "@@ ";

    private final Path root;
    private final Map<String, TestServer> nodes = new LinkedHashMap<>();

    private ControlledServer(Path root) {
        this.root = root;
    }

    public static void main(String[] args) throws IOException {
        Path root = Files.createTempDirectory("usher-controlled-");
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);
        ControlledServer cs = new ControlledServer(root);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        out.println(ANSWER + "ok {\"ready\":true}");
        try {
            for (String line; (line = in.readLine()) != null; ) {
                if (line.isBlank()) {
                    continue;
                }
                if (line.strip().equals("quit")) {
                    break;
                }
                String answer;
                try {
                    answer = "ok " + cs.run(line.strip().split("\\s+"));
                } catch (RuntimeException | IOException e) {
                    answer = "error " + (e.getMessage() == null ? e.toString() : e.getMessage()).replace('\n', ' ');
                }
                out.println(ANSWER + answer);
            }
        } finally {
            cs.nodes.values().forEach(TestServer::close);
            // The children's data directories live under the temp root; the test JVM's own temp dir cleanup does not reach here.
            try (var walk = Files.walk(root)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        System.exit(0);
    }

    private String run(String[] w) throws IOException {
        switch (w[0]) {
            case "start" -> {
                Map<String, String> opts = options(w, 2);
                int port = freePort();
                Duration ttl = Duration.ofSeconds(Long.parseLong(opts.getOrDefault("ttl", "3")));
                AuthMode auth = AuthMode.fromCode(opts.getOrDefault("auth", "open"));
                UnaryOperator<ServerConfig> config = c -> c.withPort(port).withLeaseTtl(ttl).withAuthMode(auth);
                Path dir = Files.createDirectories(root.resolve(w[1]));
                TestServer s = "postgresql".equals(opts.get("db")) ? TestServer.startOnPostgres(dir, config)
                        : TestServer.start(dir, config);
                nodes.put(w[1], s);
                return describe(s);
            }
            case "join" -> {
                TestServer other = node(w[2]);
                int port = freePort();
                TestServer s = other.join(Files.createDirectories(root.resolve(w[1])), c -> c.withPort(port));
                nodes.put(w[1], s);
                return describe(s);
            }
            case "license" -> {
                TestServer s = node(w[1]);
                if ("server=false".equals(w.length > 5 ? w[5] : "")) {
                    // Seats without a server entitlement: the product is not licensed on this installation.
                    String text = s.vendor().license(s.now()).seats(w[2], w[3], Integer.parseInt(w[4]),
                            s.now().minus(Duration.ofDays(1)), s.now().plus(Duration.ofDays(30))).text();
                    Http.Response r = s.admin().post("/api/v1/licenses", text);
                    if (r.status() != 201) {
                        throw new IllegalStateException("license not added: " + r.status() + " " + r.text());
                    }
                    return "{\"id\":\"" + r.json().get("id").asString() + "\"}";
                }
                return "{\"id\":\"" + s.license(w[2], w[3], Integer.parseInt(w[4])) + "\"}";
            }
            case "advance" -> {
                Map<MutableClock, Boolean> clocks = new IdentityHashMap<>();
                nodes.values().forEach(s -> clocks.put(s.clock(), true));
                clocks.keySet().forEach(c -> c.advance(Duration.ofMillis((long) (Double.parseDouble(w[1]) * 1000))));
                return "{}";
            }
            case "sweep" -> {
                TestServer s = node(w[1]);
                s.server().sweeper().flush();
                return "{\"ended\":" + s.server().sweeper().sweep() + "}";
            }
            case "stop" -> {
                node(w[1]).stop();
                return "{}";
            }
            case "resume" -> {
                TestServer s = node(w[1]);
                s.resume();
                return describe(s);
            }
            case "restart" -> {
                TestServer s = node(w[1]);
                s.restart();
                return describe(s);
            }
            case "close" -> {
                TestServer s = nodes.remove(w[1]);
                if (s != null) {
                    s.close();
                }
                return "{}";
            }
            default -> throw new IllegalArgumentException("unknown command: " + w[0]);
        }
    }

    private TestServer node(String name) {
        TestServer s = nodes.get(name);
        if (s == null) {
            throw new IllegalArgumentException("no node " + name);
        }
        return s;
    }

    private static String describe(TestServer s) {
        return "{\"url\":\"" + s.server().localUrl() + "\",\"adminToken\":\"" + TestServer.ADMIN_TOKEN
                + "\",\"installationId\":\"" + s.installationId() + "\",\"now\":\"" + s.now() + "\"}";
    }

    private static Map<String, String> options(String[] w, int from) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = from; i < w.length; i++) {
            int eq = w[i].indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("expected key=value, got " + w[i]);
            }
            m.put(w[i].substring(0, eq), w[i].substring(eq + 1));
        }
        return m;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
