package dev.usher.cli.admin;

import dev.usher.server.monitoring.MonitoringConfig;
import dev.usher.cli.common.Environment;
import dev.usher.cli.UsherCommand;
import dev.usher.core.identity.AuthMode;
import dev.usher.server.ServerConfig;
import dev.usher.server.UsherServer;
import dev.usher.server.tls.CertificateAndKey;
import dev.usher.server.tls.HttpsConfig;
import dev.usher.server.tls.SelfSignedCertificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Admin commands against a server that serves HTTPS and redirects plain HTTP to it
 * ({@code --http-redirect}), with a self-signed certificate: on the server's machine they follow it
 * and trust the certificate it serves; elsewhere {@code --cacert} makes them trust it; every failure
 * is one sentence.
 */
class AdminHttpsTest {

    private static final String TOKEN = "https-cli-admin-token-0123456789";

    @TempDir
    Path dir;

    record Result(int exitCode, String out, String err) {}

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = UsherCommand.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(code, out.toString(), err.toString());
    }

    /** A server whose certificate names only {@code names}, serving HTTPS on a random port and redirecting plain HTTP there. */
    private UsherServer start(List<String> names) {
        CertificateAndKey material = SelfSignedCertificate.generate(names, Duration.ofDays(2), Instant.now());
        SelfSignedCertificate.write(material, dir.resolve("tls"));
        ServerConfig config = ServerConfig.defaults(dir.resolve("data")).withHost("127.0.0.1").withPort(0)
                .withAuthMode(AuthMode.OPEN).withAdminToken(TOKEN).withAdminPassword("https-cli-admin-password")
                .withSweepInterval(Duration.ofHours(1));
        return UsherServer.start(config, new HttpsConfig(dir.resolve("tls/cert.pem"), dir.resolve("tls/key.pem"), 0, true), MonitoringConfig.defaults());
    }

    private static void assertOneSentence(Result r, String... contains) {
        assertThat(r.exitCode()).as(r.toString()).isNotZero();
        assertThat(r.err().lines().toList()).as(r.err()).hasSize(1);
        assertThat(r.err()).startsWith("usher: ").doesNotContain("\tat ").doesNotContain("Exception").doesNotContain("PKIX")
                .doesNotContain("Unrecognized token");
        for (String c : contains) {
            assertThat(r.err()).contains(c);
        }
    }

    @Test
    void onTheServersMachineCommandsUseItsHttpsPortAndTrustTheCertificateItServes() {
        // The certificate does not even name 127.0.0.1: the command trusts it for being the one its own server serves.
        try (UsherServer server = start(List.of("usher.corp.example"))) {
            Result status = run("status", "--data", dir.resolve("data").toString());
            assertThat(status.exitCode()).as(status.toString()).isZero();
            assertThat(status.out()).contains("installation id: " + server.installationId());
            Result users = run("user", "list", "--data", dir.resolve("data").toString());
            assertThat(users.exitCode()).as(users.toString()).isZero();
            assertThat(users.out()).contains("admin");
        }
    }

    @Test
    void aRemoteCommandFollowsTheRedirectAndTrustsTheCertificateGivenWithCacert() {
        try (UsherServer server = start(List.of("localhost", "127.0.0.1"))) {
            String plain = server.localUrl();
            Result untrusted = run("status", "--server", plain, "--token", TOKEN);
            assertOneSentence(untrusted, "https://127.0.0.1:" + server.httpsPort(), "is not signed by anyone this machine trusts",
                    "--cacert", "USHER_CACERT");

            Result trusted = run("status", "--server", plain, "--token", TOKEN, "--cacert", dir.resolve("tls/cert.pem").toString());
            assertThat(trusted.exitCode()).as(trusted.toString()).isZero();
            assertThat(trusted.out()).contains("installation id: " + server.installationId());

            Result direct = run("license", "list", "--server", "https://127.0.0.1:" + server.httpsPort(), "--token", TOKEN,
                    "--cacert", dir.resolve("tls/cert.pem").toString());
            assertThat(direct.exitCode()).as(direct.toString()).isZero();
            assertThat(direct.out()).contains("no licenses installed");
        }
    }

    @Test
    void onTheServersMachineTheConfiguredCertificateIsTrustedForAnExplicitHttpsAddress() throws Exception {
        try (UsherServer server = start(List.of("usher.corp.example"))) {
            Path conf = Files.writeString(dir.resolve("usher.properties"), "data = data\ntls.cert = tls/cert.pem\ntls.key = tls/key.pem\n");
            Result r = run("status", "--config", conf.toString(), "--server", "https://127.0.0.1:" + server.httpsPort(), "--token", TOKEN);
            assertThat(r.exitCode()).as(r.toString()).isZero();
            assertThat(r.out()).contains("installation id: " + server.installationId());
        }
    }

    @Test
    void everyFailureIsOneSentence() throws Exception {
        try (UsherServer server = start(List.of("usher.corp.example"))) {
            Path cert = dir.resolve("tls/cert.pem").toAbsolutePath();
            // the CA is trusted, but the certificate is made out to another name than the one dialled
            assertOneSentence(run("status", "--server", "https://127.0.0.1:" + server.httpsPort(), "--token", TOKEN,
                    "--cacert", cert.toString()), "is not made out to that name", "--server");
            // plain HTTP to the HTTPS port
            assertOneSentence(run("status", "--server", "http://127.0.0.1:" + server.httpsPort(), "--token", TOKEN),
                    "http://127.0.0.1:" + server.httpsPort());
            // HTTPS to the plain HTTP port
            assertOneSentence(run("status", "--server", "https://127.0.0.1:" + server.port(), "--token", TOKEN),
                    "cannot speak HTTPS with https://127.0.0.1:" + server.port());
            assertOneSentence(run("status", "--server", "http://127.0.0.1:" + server.port(), "--token", TOKEN,
                    "--cacert", dir.resolve("missing.pem").toString()), "--cacert", "no such file");
            Path notPem = Files.writeString(dir.resolve("not.pem"), "hello\n");
            assertOneSentence(run("status", "--server", "http://127.0.0.1:" + server.port(), "--token", TOKEN,
                    "--cacert", notPem.toString()), "is not a PEM certificate");
        }
        try (var closed = new java.net.ServerSocket(0)) {
            int port = closed.getLocalPort();
            closed.close();
            assertOneSentence(run("status", "--server", "http://127.0.0.1:" + port, "--token", TOKEN), "nothing answers there");
        }
    }

    @Test
    void theCaCertificateComesFromTheFlagOrUsherCacert() {
        AdminOptions o = new AdminOptions();
        o.env = new Environment(Map.of("USHER_CACERT", "/etc/ssl/corp-ca.pem"));
        assertThat(o.cacert()).isEqualTo(Path.of("/etc/ssl/corp-ca.pem"));
        o.cacertFlag = Path.of("mine.pem");
        assertThat(o.cacert()).isEqualTo(Path.of("mine.pem"));
        o = new AdminOptions();
        o.env = new Environment(Map.of());
        assertThat(o.cacert()).isNull();
    }
}
