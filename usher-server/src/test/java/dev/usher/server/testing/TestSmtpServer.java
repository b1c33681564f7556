package dev.usher.server.testing;

import dev.usher.server.tls.CertificateAndKey;
import dev.usher.server.tls.SelfSignedCertificate;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import org.subethamail.smtp.auth.EasyAuthenticationHandlerFactory;
import org.subethamail.smtp.auth.LoginFailedException;
import org.subethamail.smtp.server.SMTPServer;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real SMTP server inside the test (SubEthaSMTP) on a random loopback port, as a company relay is set
 * up: STARTTLS required before anything else, with a self-signed certificate for localhost, and AUTH
 * (PLAIN or LOGIN) required before mail is accepted. Every message received is kept, with the user
 * that authenticated.
 */
public final class TestSmtpServer implements AutoCloseable {

    public static final String USER = "usher-mailer";
    public static final String PASSWORD = "relay-password-42";

    /** A message as received: the envelope, who authenticated, and the parsed MIME message. */
    public record Received(String from, String to, String authenticatedAs, MimeMessage message) {
        public String subject() {
            try {
                return message.getSubject();
            } catch (jakarta.mail.MessagingException e) {
                throw new IllegalStateException(e);
            }
        }

        public String body() {
            try {
                return String.valueOf(message.getContent()).replace("\r\n", "\n");
            } catch (jakarta.mail.MessagingException | java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private final CertificateAndKey certificate;
    private final SMTPServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();

    private TestSmtpServer() {
        try {
            certificate = SelfSignedCertificate.generate(List.of("localhost", "127.0.0.1"), Duration.ofDays(2), Instant.now());
            char[] pw = "changeit".toCharArray();
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(certificate.keyStore(pw), pw);
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(kmf.getKeyManagers(), null, null);
            Session parser = Session.getInstance(new Properties());
            server = SMTPServer.port(0).bindAddress(InetAddress.getLoopbackAddress()).hostName("localhost")
                    .requireTLS().startTlsSocketFactory(tls)
                    .authenticationHandlerFactory(new EasyAuthenticationHandlerFactory((user, password, ctx) -> {
                        if (!USER.equals(user) || !PASSWORD.equals(password)) {
                            throw new LoginFailedException("bad user name or password");
                        }
                    }))
                    .requireAuth()
                    .messageHandler((ctx, from, to, data) -> {
                        try {
                            received.add(new Received(from, to, ctx.getAuthenticationHandler().map(h -> String.valueOf(h.getIdentity())).orElse(null),
                                    new MimeMessage(parser, new ByteArrayInputStream(data))));
                        } catch (jakarta.mail.MessagingException e) {
                            throw new IllegalStateException(e);
                        }
                    })
                    .build();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        server.start();
    }

    public static TestSmtpServer start() {
        return new TestSmtpServer();
    }

    public int port() {
        return server.getPortAllocated();
    }

    /** The server's certificate in PEM, to paste as the trusted certificate. */
    public String certificatePem() {
        try {
            return SelfSignedCertificate.pem("CERTIFICATE", certificate.certificate().getEncoded());
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every message received so far (one per recipient), oldest first. */
    public List<Received> received() {
        return List.copyOf(received);
    }

    @Override
    public void close() {
        server.stop();
    }
}
