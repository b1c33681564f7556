package dev.usher.dist;

import dev.usher.server.testing.Http;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The archive as an administrator gets it: unpacked into an empty directory, started with its own
 * launcher, used, stopped with SIGTERM, started again.
 */
class ArchiveIT {

    private static final String ADMIN_TOKEN = "archive-test-admin-token-0123456789";
    private static final Pattern SERVING = Pattern.compile("serving on (http://\\S+)");

    @TempDir
    static Path unpacked;

    private static Path home;

    @BeforeAll
    static void unpack() throws Exception {
        Path archive = Path.of(System.getProperty("usher.archive"));
        assertThat(archive).exists();
        Process tar = new ProcessBuilder("tar", "-xzf", archive.toString(), "-C", unpacked.toString()).inheritIO().start();
        assertThat(tar.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(tar.exitValue()).isZero();
        try (var top = Files.list(unpacked)) {
            home = top.findFirst().orElseThrow();
        }
    }

    /**
     * A started {@code bin/usher}; what it prints goes to a file (read from a pipe, the JDK drops what
     * is still unread when the process exits, and the last line is the one this test wants).
     */
    private record Launched(Process process, Path log, String url) {
        String printed() throws IOException {
            return Files.readString(log);
        }
    }

    private static ProcessBuilder launcher(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(home.resolve("bin/usher").toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).directory(unpacked.toFile());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().put("USHER_ADMIN_TOKEN", ADMIN_TOKEN);
        pb.environment().put("USHER_JAVA_OPTS", "-Xmx256m");
        return pb;
    }

    private static Launched serve(Path data, String... more) throws Exception {
        Path log = Files.createTempFile(unpacked, "serve-", ".log");
        List<String> args = new ArrayList<>(List.of("serve", "--demo", "--port", "0", "--host", "127.0.0.1", "--data", data.toString()));
        args.addAll(List.of(more));
        Process p = launcher(args.toArray(String[]::new)).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            Matcher m = SERVING.matcher(Files.readString(log));
            if (m.find()) {
                return new Launched(p, log, m.group(1));
            }
            if (!p.isAlive()) {
                break;
            }
            Thread.sleep(50);
        }
        p.destroyForcibly();
        throw new IllegalStateException("bin/usher serve did not start: " + Files.readString(log));
    }

    /** SIGTERM, and how long the server took to exit. */
    private static long stop(Launched l) throws Exception {
        long started = System.nanoTime();
        l.process().destroy();
        boolean exited = l.process().waitFor(30, TimeUnit.SECONDS);
        long ms = (System.nanoTime() - started) / 1_000_000;
        if (!exited) {
            l.process().destroyForcibly();
        }
        assertThat(exited).as("exited after SIGTERM").isTrue();
        return ms;
    }

    @Test
    void hasTheLayoutTheReadmeDescribes() {
        assertThat(home.getFileName().toString()).startsWith("usher-");
        assertThat(Files.isExecutable(home.resolve("bin/usher"))).isTrue();
        assertThat(home.resolve("conf/usher.properties")).exists();
        assertThat(home.resolve("systemd/usher.service")).content().contains("User=usher", "Restart=on-failure",
                "TimeoutStopSec=", "SuccessExitStatus=143", "/var/lib/usher", "NoNewPrivileges=yes");
        assertThat(home.resolve("README.md")).exists();
        assertThat(home.resolve("docs/CONFIGURATION.md")).exists();
        assertThat(home.resolve("lib")).isDirectoryContaining(p -> p.getFileName().toString().startsWith("usher-cli-"));
        // What a vendor builds against: the Java client (with its sources and javadoc) and the Python client.
        String version = home.getFileName().toString().substring("usher-".length());
        for (String jar : new String[] {"", "-sources", "-javadoc"}) {
            assertThat(home.resolve("client/java/usher-client-" + version + jar + ".jar")).isNotEmptyFile();
        }
        assertThat(home.resolve("lib")).isDirectoryNotContaining(p -> p.getFileName().toString().startsWith("usher-client"));
        assertThat(home.resolve("client/python/usher_client.py")).content().contains("class UsherClient");
        assertThat(home.resolve("docs/CLIENTS.md")).exists();
    }

    @Test
    void versionShowsTheBuildTime() throws Exception {
        Process p = launcher("--version").start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        assertThat(out.strip()).matches("usher \\d+\\.\\d+\\.\\d+(-SNAPSHOT)? \\(built \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ\\)");
    }

    /**
     * {@code usher aot-train} makes lib/usher.aot and the launcher starts with it (-XX:AOTMode=on makes
     * the JVM refuse to start when the cache is not mapped); a cache the JVM finds stale while the
     * launcher does not (a jar's time set back) only costs the speed-up: stdout holds the same line.
     */
    @Test
    void aCacheMadeByAotTrainIsUsedAndAStaleOneLeavesStdoutAlone() throws Exception {
        Path cache = home.resolve("lib/usher.aot");
        Path jar;
        try (var jars = Files.list(home.resolve("lib"))) {
            jar = jars.filter(p -> p.getFileName().toString().startsWith("picocli")).findFirst().orElseThrow();
        }
        java.nio.file.attribute.FileTime jarTime = Files.getLastModifiedTime(jar);
        try {
            Process train = launcher("aot-train").redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            assertThat(train.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(train.exitValue()).isZero();
            assertThat(cache).isNotEmptyFile();

            ProcessBuilder withCache = launcher("--version").redirectErrorStream(false);
            withCache.environment().put("USHER_JAVA_OPTS", "-Xmx256m -XX:AOTMode=on");
            Process used = withCache.start();
            String out = new String(used.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(used.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(used.exitValue()).as("the JVM mapped the cache").isZero();
            assertThat(out.strip()).startsWith("usher ").doesNotContain("\n");

            Files.setLastModifiedTime(jar, java.nio.file.attribute.FileTime.fromMillis(jarTime.toMillis() - 86_400_000L));
            Process stale = launcher("--version").redirectErrorStream(false).start();
            String staleOut = new String(stale.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(stale.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(stale.exitValue()).isZero();
            assertThat(staleOut).isEqualTo(out);
        } finally {
            Files.deleteIfExists(cache);
            Files.setLastModifiedTime(jar, jarTime);
        }
    }

    @Test
    void startsServesStopsOnSigtermWithinFiveSecondsAndLosesNothing() throws Exception {
        Path data = unpacked.resolve("data");
        String seatId;
        Launched first = serve(data);
        try {
            Http client = new Http(first.url(), null);
            Http.Response checkout = client.checkout("laptop-1", "demo", "cal", "alice", "laptop");
            assertThat(checkout.status()).as(checkout.text()).isEqualTo(201);
            seatId = checkout.json().get("seatId").asString();
            JsonNode installation = new Http(first.url(), ADMIN_TOKEN).get("/api/v1/installation").json();
            assertThat(installation.get("buildTime").asString()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
            assertThat(installation.get("version").asString()).isNotEqualTo("dev");
            // The console's footer names the same build.
            assertThat(client.get("/login").text()).contains("(built " + installation.get("buildTime").asString() + ")");
        } finally {
            long ms = stop(first);
            assertThat(ms).as("time to stop after SIGTERM (ms)").isLessThan(5_000);
        }
        // The JVM's exit status after SIGTERM is 128+15 (the README and the systemd unit say so).
        assertThat(first.process().exitValue()).isIn(0, 143);
        assertThat(first.printed()).containsPattern("Usher stopped in \\d+ ms");
        assertThat(data.resolve("server.json")).doesNotExist();
        // SQLite's native library was kept in lib/native (the install is writable here), not copied to /tmp per start.
        try (var found = Files.find(home.resolve("lib/native"), 5, (p, a) -> p.getFileName().toString().startsWith("libsqlitejdbc"))) {
            assertThat(found.toList()).singleElement().satisfies(p -> assertThat(p.toString()).contains("sqlite-jdbc-"));
        }

        Launched second = serve(data);
        try {
            JsonNode seats = new Http(second.url(), ADMIN_TOKEN).get("/api/v1/seats").json();
            assertThat(seats).hasSize(1);
            assertThat(seats.get(0).get("seatId").asString()).isEqualTo(seatId);
            assertThat(seats.get(0).get("user").asString()).isEqualTo("alice");
            assertThat(new Http(second.url(), null).heartbeat("laptop-1").status()).isEqualTo(200);
        } finally {
            stop(second);
        }
    }

    @Test
    void servesHttpsWithACertificateMadeByTheCommand() throws Exception {
        Path tls = unpacked.resolve("tls");
        Process p = launcher("tls", "self-signed", "--host", "127.0.0.1", "--out", tls.toString()).start();
        String made = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(made).isZero();

        Launched server = serve(unpacked.resolve("https-data"), "--tls-cert", tls.resolve("cert.pem").toString(),
                "--tls-key", tls.resolve("key.pem").toString(), "--https-port", "0", "--http-redirect");
        try {
            Matcher m = Pattern.compile("HTTPS on (https://\\S+) ").matcher(server.printed());
            assertThat(m.find()).as(server.printed()).isTrue();
            var cert = java.security.cert.CertificateFactory.getInstance("X.509")
                    .generateCertificate(Files.newInputStream(tls.resolve("cert.pem")));
            var trust = java.security.KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("usher", cert);
            var tmf = javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            var ssl = javax.net.ssl.SSLContext.getInstance("TLS");
            ssl.init(null, tmf.getTrustManagers(), null);
            var client = java.net.http.HttpClient.newBuilder().sslContext(ssl).build();
            var r = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(m.group(1) + "/api/v1/installation")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("Strict-Transport-Security")).isPresent();
            assertThat(new Http(server.url(), null).get("/api/v1/installation").status()).isEqualTo(308);
        } finally {
            stop(server);
        }
    }

    @Test
    void withoutJava25TheLauncherSaysWhatToInstallInOneLine() throws Exception {
        Path noJdks = Files.createDirectories(unpacked.resolve("no-jdks"));
        ProcessBuilder pb = launcher("--version");
        pb.environment().put("JAVA_HOME", noJdks.toString());
        pb.environment().put("USHER_JDK_DIRS", noJdks + "/*");
        pb.environment().put("PATH", "/usr/local/bin:/usr/bin:/bin");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        // The machine's default java is older than 25 (17 on Debian 12); were it 25+, the launcher would rightly run it.
        assertThat(p.exitValue()).as(out).isEqualTo(1);
        assertThat(out.strip().lines()).hasSize(1);
        assertThat(out).startsWith("usher: needs Java 25 or newer").contains("JAVA_HOME");
    }
}
