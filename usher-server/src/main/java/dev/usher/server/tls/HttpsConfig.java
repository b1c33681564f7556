package dev.usher.server.tls;

import java.nio.file.Path;
import java.util.Objects;

/**
 * HTTPS for the server: a PEM certificate chain and private key, the port to serve them on, and
 * whether plain HTTP answers with a redirect to HTTPS (else it keeps serving, for clients that
 * cannot do TLS yet).
 *
 * @param port 0 picks a free port (tests)
 */
public record HttpsConfig(Path certificate, Path privateKey, int port, boolean redirectHttp) {

    public static final int DEFAULT_PORT = 9785;

    public HttpsConfig {
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(privateKey, "privateKey");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("HTTPS port must be between 0 and 65535 (got " + port + ")");
        }
    }
}
