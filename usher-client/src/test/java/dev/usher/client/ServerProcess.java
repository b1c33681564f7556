package dev.usher.client;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Real Usher servers for the client's tests, in a child JVM on Java 25 ({@code ControlledServer} of the
 * server's test jar): these tests run on Java 17, the server needs 25. Commands go to its standard
 * input, answers come back on its standard output (see {@code ControlledServer} for the commands).
 */
public final class ServerProcess implements AutoCloseable {

    private static final String ANSWER = "@@ ";

    /** One node as the child describes it. */
    public static final class Node {
        public final String name;
        public final String url;
        public final String adminToken;
        public final Instant now;

        Node(String name, Map<String, Object> m) {
            this.name = name;
            this.url = Json.string(m, "url");
            this.adminToken = Json.string(m, "adminToken");
            this.now = Instant.parse(Json.string(m, "now"));
        }

        public Admin admin() {
            return new Admin(url, adminToken);
        }
    }

    private final Process process;
    private final Writer in;
    private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();
    private final List<String> noise = Collections.synchronizedList(new ArrayList<>());

    private ServerProcess(Process process) {
        this.process = process;
        this.in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    if (line.startsWith(ANSWER)) {
                        answers.add(line.substring(ANSWER.length()));
                    } else if (noise.size() < 2000) {
                        noise.add(line);
                    }
                }
            } catch (IOException ignored) {
                // the child ended; a waiting call reports it
            }
            answers.add("error the server process ended: " + String.join(" | ", tail()));
        }, "controlled-server-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts the child JVM (Java 25, the server's test class path that Maven wrote) and waits for it. */
    public static ServerProcess launch(Path logDir) {
        String java = System.getProperty("usher.server.java");
        String cpFile = System.getProperty("usher.server.classpath");
        if (java == null || cpFile == null) {
            throw new IllegalStateException("run through Maven: it sets usher.server.java and usher.server.classpath");
        }
        try {
            String cp = Files.readString(Path.of(cpFile)).strip();
            ProcessBuilder pb = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-Xmx384m", "-cp", cp,
                    "dev.usher.server.testing.ControlledServer")
                    .redirectError(logDir.resolve("server-stderr.log").toFile());
            ServerProcess sp = new ServerProcess(pb.start());
            sp.await(120);
            return sp;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends one command and returns its answer's JSON; throws with the child's message on {@code error}. */
    public Map<String, Object> call(String command) {
        try {
            in.write(command + "\n");
            in.flush();
        } catch (IOException e) {
            throw new IllegalStateException("the server process is gone: " + String.join(" | ", tail()), e);
        }
        return await(180);
    }

    private Map<String, Object> await(long seconds) {
        String a;
        try {
            a = answers.poll(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        if (a == null) {
            throw new IllegalStateException("no answer from the server process in " + seconds + " s: " + String.join(" | ", tail()));
        }
        if (!a.startsWith("ok ")) {
            throw new IllegalStateException(a);
        }
        return Json.object(a.substring(3));
    }

    public Node start(String name, String... options) {
        return new Node(name, call("start " + name + (options.length == 0 ? "" : " " + String.join(" ", options))));
    }

    public Node join(String name, String other) {
        return new Node(name, call("join " + name + " " + other));
    }

    public void license(Node n, String product, String feature, int seats) {
        call("license " + n.name + " " + product + " " + feature + " " + seats);
    }

    /** Moves the server's clock (every node's). */
    public void advance(double seconds) {
        call("advance " + seconds);
    }

    public int sweep(Node n) {
        return (int) Json.number(call("sweep " + n.name), "ended", 0);
    }

    public void stop(Node n) {
        call("stop " + n.name);
    }

    public void resume(Node n) {
        call("resume " + n.name);
    }

    public void close(Node n) {
        call("close " + n.name);
    }

    private List<String> tail() {
        synchronized (noise) {
            return new ArrayList<>(noise.subList(Math.max(0, noise.size() - 20), noise.size()));
        }
    }

    @Override
    public void close() {
        try {
            in.write("quit\n");
            in.flush();
        } catch (IOException ignored) {
            // already gone
        }
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
