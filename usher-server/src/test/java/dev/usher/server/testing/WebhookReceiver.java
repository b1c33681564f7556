package dev.usher.server.testing;

import com.sun.net.httpserver.HttpServer;
import dev.usher.core.notify.WebhookSignature;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real HTTP receiver for webhooks (the JDK's server) on a random loopback port. It checks every
 * request's signature as a receiver should (HMAC-SHA256 of timestamp + "." + body with the shared
 * secret) and answers with the statuses the test lines up (200 once they are used up); a request with
 * a wrong signature is answered 401 and counted as such.
 */
public final class WebhookReceiver implements AutoCloseable {

    /** A request as received, with whether its signature was right. */
    public record Request(String body, String event, long timestamp, boolean signatureValid, int answered) {}

    private final HttpServer server;
    private final String secret;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Deque<Integer> statuses = new ArrayDeque<>();

    private WebhookReceiver(String secret) {
        this.secret = secret;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/hooks/usher", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String ts = exchange.getRequestHeaders().getFirst(WebhookSignature.TIMESTAMP_HEADER);
            String sig = exchange.getRequestHeaders().getFirst(WebhookSignature.SIGNATURE_HEADER);
            long t = ts == null ? -1 : Long.parseLong(ts);
            boolean valid = ts != null && WebhookSignature.verify(this.secret, t, body, sig);
            int status;
            synchronized (statuses) {
                status = !valid ? 401 : statuses.isEmpty() ? 200 : statuses.poll();
            }
            requests.add(new Request(new String(body, StandardCharsets.UTF_8), exchange.getRequestHeaders().getFirst("Usher-Event"), t,
                    valid, status));
            byte[] answer = (status == 200 ? "ok" : "receiver says no").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.start();
    }

    public static WebhookReceiver start(String secret) {
        return new WebhookReceiver(secret);
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hooks/usher";
    }

    /** The next requests are answered with these statuses, in order. */
    public void answer(Integer... next) {
        synchronized (statuses) {
            statuses.addAll(List.of(next));
        }
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
