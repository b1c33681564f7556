package dev.usher.server.http;

import dev.usher.server.tls.CertificateAndKey;
import dev.usher.server.tls.HttpsConfig;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.HttpStatus;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Where the server listens and how it stops: plain HTTP, HTTPS next to it when configured (TLS 1.2
 * and 1.3 only, HSTS on every HTTPS answer, plain HTTP redirected when asked), and a graceful stop
 * that lets requests in flight finish.
 */
public final class Connectors {

    /** How long a stop waits for requests in flight: well inside systemd's and the tests' 5 s. */
    public static final Duration GRACEFUL_STOP = Duration.ofSeconds(3);
    static final Duration IDLE_CLOSE_ON_STOP = Duration.ofMillis(200);
    static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
    static final String[] REFUSED_PROTOCOLS = {"SSLv2Hello", "SSLv3", "TLSv1", "TLSv1.1"};
    static final long HSTS_MAX_AGE_SECONDS = Duration.ofDays(365).toSeconds();
    /** Load balancers and monitors probe these over plain HTTP: they answer, never redirect. */
    private static final Set<String> NEVER_REDIRECTED = Set.of("/healthz", "/readyz", "/metrics");

    private Connectors() {
    }

    /**
     * Configures graceful stop always, and the HTTP and HTTPS connectors when {@code https} is set
     * (Javalin then does not add its own HTTP connector, so this adds both).
     */
    public static void configure(JavalinConfig config, String host, int httpPort, HttpsConfig https, CertificateAndKey material) {
        config.jetty.modifyServer(server -> {
            server.setStopTimeout(GRACEFUL_STOP.toMillis());
            GracefulHandler graceful = new GracefulHandler();
            // Idle keep-alive connections (every client has one) are closed at once on a stop instead
            // of after Jetty's default second or two: they have nothing in flight to wait for.
            graceful.setShutdownIdleTimeout(IDLE_CLOSE_ON_STOP.toMillis());
            // Counted below the graceful handler: its own count starts before it checks for a stop
            // (a request in that gap is refused with 503), this one only once the request is let in.
            server.insertHandler(new InFlight());
            server.insertHandler(graceful);
            server.addEventListener(new org.eclipse.jetty.util.component.LifeCycle.Listener() {
                @Override
                public void lifeCycleStarting(org.eclipse.jetty.util.component.LifeCycle event) {
                    for (Connector c : server.getConnectors()) {
                        if (c instanceof org.eclipse.jetty.server.AbstractConnector ac) {
                            ac.setShutdownIdleTimeout(IDLE_CLOSE_ON_STOP.toMillis());
                        }
                    }
                }
            });
        });
        if (https == null) {
            return;
        }
        config.jetty.addConnector((server, httpConfig) -> {
            ServerConnector http = new ServerConnector(server, new HttpConnectionFactory(httpConfig));
            http.setHost(host);
            http.setPort(httpPort);
            return http;
        });
        AtomicReference<ServerConnector> httpsConnector = new AtomicReference<>();
        config.jetty.addConnector((server, httpConfig) -> {
            HttpConfiguration tls = new HttpConfiguration(httpConfig);
            SecureRequestCustomizer secure = new SecureRequestCustomizer();
            // Clients reach a LAN server by IP address or short name as often as by the certificate's name.
            secure.setSniHostCheck(false);
            secure.setStsMaxAge(HSTS_MAX_AGE_SECONDS, TimeUnit.SECONDS);
            tls.addCustomizer(secure);
            ServerConnector c = new ServerConnector(server, new SslConnectionFactory(sslContextFactory(material), "http/1.1"),
                    new HttpConnectionFactory(tls));
            c.setHost(host);
            c.setPort(https.port());
            httpsConnector.set(c);
            return c;
        });
        if (https.redirectHttp()) {
            config.routes.before(ctx -> {
                if (!ctx.req().isSecure() && !NEVER_REDIRECTED.contains(ctx.path())) {
                    int port = httpsConnector.get().getLocalPort();
                    String query = ctx.queryString() == null ? "" : "?" + ctx.queryString();
                    // 308 keeps the method and body: a PUT checkout is retried as a PUT.
                    ctx.redirect("https://" + hostName(ctx.host()) + (port == 443 ? "" : ":" + port) + ctx.path() + query,
                            HttpStatus.PERMANENT_REDIRECT);
                    ctx.skipRemainingHandlers();
                }
            });
        }
    }

    /** The request's host without its port ({@code [::1]:9780} → {@code [::1]}). */
    static String hostName(String hostHeader) {
        if (hostHeader == null || hostHeader.isBlank()) {
            return "localhost";
        }
        if (hostHeader.startsWith("[")) {
            int end = hostHeader.indexOf(']');
            return end > 0 ? hostHeader.substring(0, end + 1) : hostHeader;
        }
        int colon = hostHeader.lastIndexOf(':');
        return colon > 0 ? hostHeader.substring(0, colon) : hostHeader;
    }

    static SslContextFactory.Server sslContextFactory(CertificateAndKey material) {
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        String password = Base64.getEncoder().encodeToString(random);
        SslContextFactory.Server f = new SslContextFactory.Server();
        f.setKeyStore(material.keyStore(password.toCharArray()));
        f.setKeyStorePassword(password);
        f.setKeyManagerPassword(password);
        f.setIncludeProtocols(PROTOCOLS);
        f.setExcludeProtocols(REFUSED_PROTOCOLS);
        return f;
    }

    /** Requests let in and being handled right now (a graceful stop waits for them). */
    public static long requestsInFlight(Javalin javalin) {
        InFlight inFlight = javalin.jettyServer().server().getDescendant(InFlight.class);
        return inFlight == null ? 0 : inFlight.count.get();
    }

    /** Counts the requests between being let in and being answered. */
    private static final class InFlight extends Handler.Wrapper {
        private final AtomicLong count = new AtomicLong();

        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            count.incrementAndGet();
            AtomicBoolean done = new AtomicBoolean();
            Runnable leave = () -> {
                if (done.compareAndSet(false, true)) {
                    count.decrementAndGet();
                }
            };
            Callback counted = new Callback() {
                @Override
                public void succeeded() {
                    leave.run();
                    callback.succeeded();
                }

                @Override
                public void failed(Throwable x) {
                    leave.run();
                    callback.failed(x);
                }

                @Override
                public InvocationType getInvocationType() {
                    return callback.getInvocationType();
                }
            };
            try {
                boolean handled = super.handle(request, response, counted);
                if (!handled) {
                    leave.run();
                }
                return handled;
            } catch (Throwable t) {
                leave.run();
                throw t;
            }
        }
    }

    /** The port the HTTPS connector listens on (after start), or -1 without HTTPS. */
    public static int httpsPort(Javalin javalin) {
        for (Connector c : javalin.jettyServer().server().getConnectors()) {
            if (c instanceof ServerConnector sc && sc.getDefaultConnectionFactory() instanceof SslConnectionFactory) {
                return sc.getLocalPort();
            }
        }
        return -1;
    }
}
