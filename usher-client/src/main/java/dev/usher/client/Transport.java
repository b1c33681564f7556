package dev.usher.client;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The HTTP side of the client: every request goes first to the server that answered last and fails over
 * down the list of URLs; with a name and password it signs in first, and again when the server says the
 * sign-in ended. It also records when a server last answered, since the grace period runs from there.
 */
final class Transport {

    /** One answer: status and body. */
    static final class Response {
        private final int status;
        private final String body;

        Response(int status, String body) {
            this.status = status;
            this.body = body;
        }

        int status() {
            return status;
        }

        String body() {
            return body;
        }
    }

    private final List<URI> servers;
    private final Credentials credentials;
    private final Duration requestTimeout;
    private final Clock clock;
    private final Listeners listeners;
    private final HttpClient http;
    /** Where the next request starts: the server that answered last, so a failover sticks. */
    private final AtomicInteger current = new AtomicInteger();

    private volatile String token;
    private volatile Instant lastContact;
    private volatile boolean unreachable;

    Transport(List<URI> servers, Credentials credentials, Duration connectTimeout, Duration requestTimeout, Clock clock,
            Listeners listeners) {
        this.servers = List.copyOf(servers);
        this.credentials = credentials;
        this.requestTimeout = requestTimeout;
        this.clock = clock;
        this.listeners = listeners;
        if (credentials instanceof Credentials.Token) {
            token = ((Credentials.Token) credentials).token();
        }
        this.lastContact = clock.instant();
        this.http = HttpClient.newBuilder().connectTimeout(connectTimeout).build();
    }

    /** The server URL answering now. */
    URI currentServer() {
        return servers.get(Math.floorMod(current.get(), servers.size()));
    }

    Duration requestTimeout() {
        return requestTimeout;
    }

    /** When a server last gave a definitive answer (at first: when the client was built). */
    Instant lastContact() {
        return lastContact;
    }

    /** True since the last request that no server answered definitively, until one does again. */
    boolean unreachable() {
        return unreachable;
    }

    /**
     * An answer that decides something. A 5xx is trouble at that server (its database, a proxy before it),
     * so the next server is asked; except {@code server-not-licensed}, which every server would say.
     */
    static boolean definitive(Response r) {
        if (r.status() < 500) {
            return true;
        }
        String type = Json.string(Json.object(r.body()), "type");
        return type != null && type.endsWith(":server-not-licensed");
    }

    /** Sends to the current server, failing over to the next ones; throws {@code server-unreachable} if none answers. */
    Response send(String method, String path, String body) {
        return send(method, path, body, requestTimeout);
    }

    Response send(String method, String path, String body, Duration timeout) {
        if (credentials instanceof Credentials.Password && token == null && !path.endsWith("/auth/sign-in")) {
            signIn();
        }
        Response r = sendAny(method, path, body, timeout);
        if (r.status() == 401 && credentials instanceof Credentials.Password && !path.endsWith("/auth/sign-in")) {
            signIn(); // the sign-in ended: once more with a fresh one
            r = sendAny(method, path, body, timeout);
        }
        return r;
    }

    private void signIn() {
        Credentials.Password p = (Credentials.Password) credentials;
        token = null;
        Response r = sendAny("POST", "/api/v1/auth/sign-in", Json.write(Map.of("user", p.user(), "password", p.password())), requestTimeout);
        if (r.status() != 200) {
            throw UsherException.fromProblem(r.status(), r.body());
        }
        token = Json.string(Json.object(r.body()), "token");
    }

    /**
     * Tries the servers in turn from the one that answered last. Returns the first definitive answer; when
     * every server failed, the last server error (or throws {@code server-unreachable} when none answered).
     */
    private Response sendAny(String method, String path, String body, Duration timeout) {
        int start = current.get();
        List<String> tried = new ArrayList<>();
        Throwable last = null;
        Response lastError = null;
        for (int k = 0; k < servers.size(); k++) {
            int idx = Math.floorMod(start + k, servers.size());
            URI base = servers.get(idx);
            try {
                Response r = sendOne(base, method, path, body, timeout);
                if (definitive(r)) {
                    current.set(idx);
                    lastContact = clock.instant();
                    unreachable = false;
                    return r;
                }
                lastError = r;
                tried.add(base + " (" + r.status() + ")");
                UsherException e = UsherException.fromProblem(r.status(), r.body());
                listeners.fire(l -> l.serverUnreachable(base, e));
            } catch (IOException e) {
                last = e;
                tried.add(base.toString());
                listeners.fire(l -> l.serverUnreachable(base, e));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new UsherException("interrupted", 0, "The request to the license server was interrupted.", e);
            }
        }
        unreachable = true;
        if (lastError != null) {
            return lastError;
        }
        throw new UsherException("server-unreachable", 0, "No license server answers (tried " + String.join(", ", tried)
                + "). Check your network connection, or tell your administrator.", last);
    }

    private Response sendOne(URI base, String method, String path, String body, Duration timeout) throws IOException, InterruptedException {
        String b = base.toString();
        URI uri = URI.create((b.endsWith("/") ? b.substring(0, b.length() - 1) : b) + path);
        HttpRequest.Builder rb = HttpRequest.newBuilder(uri).timeout(timeout)
                .header("Accept", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            rb.header("Content-Type", "application/json");
        }
        String t = token;
        if (t != null) {
            rb.header("Authorization", "Bearer " + t);
        }
        HttpResponse<String> r = http.send(rb.build(), HttpResponse.BodyHandlers.ofString());
        return new Response(r.statusCode(), r.body());
    }
}
