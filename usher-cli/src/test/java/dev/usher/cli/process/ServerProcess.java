package dev.usher.cli.process;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code usher serve} in a separate JVM, so a test can {@code kill -9} it. */
final class ServerProcess implements AutoCloseable {

    static final String ADMIN_TOKEN = "process-test-admin-token-0123456789";
    private static final Pattern URL = Pattern.compile("serving on (http://\\S+)");

    private final Process process;
    private final String url;
    private final List<String> output = new ArrayList<>();

    private ServerProcess(Process process, String url) {
        this.process = process;
        this.url = url;
    }

    static ServerProcess start(Path dataDir, String... extraArgs) {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Xmx256m",
                "-cp", System.getProperty("java.class.path"),
                "dev.usher.cli.UsherCommand", "serve", "--data", dataDir.toString(), "--port", "0", "--host", "127.0.0.1", "--auth-mode", "open"));
        cmd.addAll(List.of(extraArgs));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("USHER_ADMIN_TOKEN", ADMIN_TOKEN);
        try {
            Process p = pb.start();
            BufferedReader reader = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            CompletableFuture<String> url = new CompletableFuture<>();
            List<String> lines = new ArrayList<>();
            Thread.ofPlatform().daemon().start(() -> {
                try {
                    for (String line; (line = reader.readLine()) != null; ) {
                        synchronized (lines) {
                            lines.add(line);
                        }
                        Matcher m = URL.matcher(line);
                        if (m.find()) {
                            url.complete(m.group(1));
                        }
                    }
                } catch (IOException ignored) {
                    // the process died; the waiting side reports it
                }
                url.completeExceptionally(new IllegalStateException("server exited before serving: " + lines));
            });
            ServerProcess sp = new ServerProcess(p, url.get(120, TimeUnit.SECONDS));
            return sp;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException("server did not start: " + e.getMessage(), e);
        }
    }

    String url() {
        return url;
    }

    long pid() {
        return process.pid();
    }

    /** SIGKILL: no shutdown hook, no flush, no close. */
    void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM and wait. */
    int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill9();
        }
    }
}
