package dev.usher.server.tls;

import dev.usher.server.monitoring.MonitoringConfig;
import dev.usher.core.identity.AuthMode;
import dev.usher.server.ServerConfig;
import dev.usher.server.UsherServer;
import dev.usher.server.testing.TestVendor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** HTTPS against a real started server with a freshly generated certificate. */
class HttpsTest {

    private static final String ADMIN_TOKEN = "https-test-admin-token-0123456789";
    private static final String ADMIN_PASSWORD = "https-test-admin-password";

    @TempDir
    Path dir;

    private CertificateAndKey certificate() {
        CertificateAndKey material = SelfSignedCertificate.generate(List.of("localhost", "127.0.0.1"), Duration.ofDays(2), Instant.now());
        SelfSignedCertificate.write(material, dir.resolve("tls"));
        return material;
    }

    private UsherServer start(boolean redirect) {
        ServerConfig config = ServerConfig.defaults(dir.resolve("data")).withHost("127.0.0.1").withPort(0)
                .withAuthMode(AuthMode.OPEN).withAdminToken(ADMIN_TOKEN).withAdminPassword(ADMIN_PASSWORD)
                .withSweepInterval(Duration.ofHours(1));
        return UsherServer.start(config, new HttpsConfig(dir.resolve("tls/cert.pem"), dir.resolve("tls/key.pem"), 0, redirect), MonitoringConfig.defaults());
    }

    private static HttpClient trusting(CertificateAndKey material) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("usher", material.certificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(5)).build();
    }

    private static HttpResponse<String> send(HttpClient client, String method, String url, String body) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theConsoleSessionCookieIsSecureOverHttpsOnly() throws Exception {
        CertificateAndKey material = certificate();
        try (UsherServer server = start(false)) {
            String form = "user=admin&password=" + ADMIN_PASSWORD;
            HttpRequest.Builder signIn = HttpRequest.newBuilder().timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form));
            HttpResponse<String> overHttps = trusting(material).send(signIn.copy()
                    .uri(URI.create("https://127.0.0.1:" + server.httpsPort() + "/login")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(overHttps.statusCode()).isEqualTo(303);
            assertThat(overHttps.headers().firstValue("Set-Cookie")).hasValueSatisfying(c ->
                    assertThat(c).contains("HttpOnly", "SameSite=Strict", "Secure"));

            HttpResponse<String> overHttp = HttpClient.newHttpClient().send(signIn.copy()
                    .uri(URI.create("http://127.0.0.1:" + server.port() + "/login")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(overHttp.statusCode()).isEqualTo(303);
            assertThat(overHttp.headers().firstValue("Set-Cookie")).hasValueSatisfying(c ->
                    assertThat(c).contains("HttpOnly", "SameSite=Strict").doesNotContain("Secure"));
        }
    }

    @Test
    void servesHttpsWithTheConfiguredCertificateAndHstsWhileHttpKeepsServing() throws Exception {
        CertificateAndKey material = certificate();
        try (UsherServer server = start(false)) {
            assertThat(server.httpsPort()).isPositive().isNotEqualTo(server.port());
            HttpClient client = trusting(material);
            HttpResponse<String> r = send(client, "GET", "https://127.0.0.1:" + server.httpsPort() + "/api/v1/installation", null);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.sslSession()).hasValueSatisfying(s -> {
                assertThat(s.getProtocol()).isIn("TLSv1.3", "TLSv1.2");
                try {
                    assertThat(s.getPeerCertificates()[0]).isEqualTo(material.certificate());
                } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
                    throw new AssertionError(e);
                }
            });
            assertThat(r.headers().firstValue("Strict-Transport-Security")).hasValue("max-age=31536000");

            // A seat over HTTPS is the same seat as over HTTP.
            TestVendor vendor = new TestVendor();
            vendor.trustIn(dir.resolve("data"));
            var admin = new dev.usher.server.testing.Http(server.localUrl(), ADMIN_TOKEN);
            assertThat(admin.post("/api/v1/licenses", vendor.serverAndSeats(server.installationId(), "cad", "cal", 5,
                    Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(30)))).status()).isEqualTo(201);
            String checkout = "/api/v1/sessions/s1/checkouts/cad/cal";
            String body = "{\"user\":\"alice\",\"host\":\"ws1\",\"client\":\"test\"}";
            assertThat(send(client, "PUT", "https://localhost:" + server.httpsPort() + checkout, body).statusCode()).isEqualTo(201);
            HttpResponse<String> plain = send(HttpClient.newHttpClient(), "PUT", server.localUrl() + checkout, body);
            assertThat(plain.statusCode()).isEqualTo(200);
            // HSTS belongs to HTTPS answers only (RFC 6797 §7.2).
            assertThat(plain.headers().firstValue("Strict-Transport-Security")).isEmpty();
        }
    }

    @Test
    void aClientThatDoesNotTrustTheCertificateIsRefused() throws Exception {
        certificate();
        try (UsherServer server = start(false)) {
            assertThatThrownBy(() -> send(HttpClient.newHttpClient(), "GET", "https://127.0.0.1:" + server.httpsPort() + "/healthz", null))
                    .isInstanceOf(javax.net.ssl.SSLHandshakeException.class);
        }
    }

    @Test
    void refusesTls11AndAcceptsTls12() throws Exception {
        certificate();
        try (UsherServer server = start(false)) {
            // A hand-made ClientHello, so the client's own JDK policy cannot be what refuses TLS 1.1.
            assertThat(firstRecordType(server.httpsPort(), 0x0302)).as("answer to a TLS 1.1 hello").isEqualTo(ALERT);
            assertThat(firstRecordType(server.httpsPort(), 0x0303)).as("answer to a TLS 1.2 hello").isEqualTo(HANDSHAKE);
        }
    }

    @Test
    void redirectsPlainHttpToHttpsExceptHealthChecks() throws Exception {
        CertificateAndKey material = certificate();
        try (UsherServer server = start(true)) {
            HttpClient plain = HttpClient.newHttpClient(); // does not follow redirects
            HttpResponse<String> r = send(plain, "PUT", server.localUrl() + "/api/v1/sessions/s1/checkouts/cad/cal?x=1", "{}");
            assertThat(r.statusCode()).isEqualTo(308);
            assertThat(r.headers().firstValue("Location"))
                    .hasValue("https://127.0.0.1:" + server.httpsPort() + "/api/v1/sessions/s1/checkouts/cad/cal?x=1");
            assertThat(send(plain, "GET", server.localUrl() + "/healthz", null).statusCode()).isEqualTo(200);

            HttpClient following = HttpClient.newBuilder().sslContext(trustingContext(material))
                    .followRedirects(HttpClient.Redirect.ALWAYS).build();
            HttpResponse<String> followed = send(following, "GET", server.localUrl() + "/api/v1/installation", null);
            assertThat(followed.statusCode()).isEqualTo(200);
            assertThat(followed.uri().getScheme()).isEqualTo("https");
        }
    }

    @Test
    void aCertificateThatIsNotThereStopsTheStartWithOneSentence() {
        assertThatThrownBy(() -> start(false)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cert.pem does not exist");
        assertThat(dir.resolve("data")).doesNotExist();
    }

    private static SSLContext trustingContext(CertificateAndKey material) throws Exception {
        return trusting(material).sslContext();
    }

    private static final int HANDSHAKE = 0x16;
    private static final int ALERT = 0x15;

    /** Sends a minimal ClientHello offering {@code version} and returns the type of the server's first record. */
    private static int firstRecordType(int port, int version) throws IOException {
        byte[] hello = clientHello(version);
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write(hello);
            out.flush();
            return new DataInputStream(s.getInputStream()).readUnsignedByte();
        }
    }

    private static byte[] clientHello(int version) {
        var body = new java.io.ByteArrayOutputStream();
        body.write(version >> 8);
        body.write(version & 0xff);
        body.writeBytes(new byte[32]);                       // random
        body.write(0);                                       // no session id
        int[] suites = {0xc02b, 0xc02f, 0xc009, 0xc013, 0x002f}; // ECDHE-ECDSA-AES128-GCM, ..., RSA-AES128-CBC
        body.write(0);
        body.write(suites.length * 2);
        for (int cs : suites) {
            body.write(cs >> 8);
            body.write(cs & 0xff);
        }
        body.write(1);                                       // compression: null only
        body.write(0);
        byte[] extensions = {
                0x00, 0x0a, 0x00, 0x04, 0x00, 0x02, 0x00, 0x17,                    // supported_groups: secp256r1
                0x00, 0x0b, 0x00, 0x02, 0x01, 0x00,                                // ec_point_formats: uncompressed
                0x00, 0x0d, 0x00, 0x06, 0x00, 0x04, 0x04, 0x03, 0x04, 0x01};       // signature_algorithms: ecdsa/rsa sha256
        body.write(extensions.length >> 8);
        body.write(extensions.length & 0xff);
        body.writeBytes(extensions);
        byte[] b = body.toByteArray();
        var record = new java.io.ByteArrayOutputStream();
        record.writeBytes(new byte[] {HANDSHAKE, 0x03, 0x01, (byte) ((b.length + 4) >> 8), (byte) (b.length + 4)});
        record.writeBytes(new byte[] {0x01, 0, (byte) (b.length >> 8), (byte) b.length});
        record.writeBytes(b);
        return record.toByteArray();
    }
}
