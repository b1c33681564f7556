package dev.usher.server.testing;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A small HTTP client for tests against a real server. */
public final class Http {

    public static final JsonMapper JSON = JsonMapper.builder().build();

    /** A response: status, headers, raw body, and the body as JSON when it is JSON. */
    public record Response(int status, HttpHeaders headers, String text) {
        public JsonNode json() {
            return text == null || text.isBlank() ? null : JSON.readTree(text);
        }

        public String contentType() {
            return headers.firstValue("Content-Type").orElse("");
        }

        /** The problem type suffix, e.g. {@code no-seats-available}. */
        public String problemType() {
            String t = json().get("type").asString();
            return t.substring(t.lastIndexOf(':') + 1);
        }
    }

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String token;
    private final java.util.Map<String, String> headers;

    public Http(String base, String token) {
        this(base, token, java.util.Map.of());
    }

    private Http(String base, String token, java.util.Map<String, String> headers) {
        this.base = base;
        this.token = token;
        this.headers = headers;
    }

    public Http withToken(String t) {
        return new Http(base, t, headers);
    }

    /** A client that sends this header too (e.g. If-Match). */
    public Http withHeader(String name, String value) {
        var h = new java.util.HashMap<>(headers);
        h.put(name, value);
        return new Http(base, token, java.util.Map.copyOf(h));
    }

    public String base() {
        return base;
    }

    public Response get(String path) {
        return send(request(path).GET());
    }

    public Response delete(String path) {
        return send(request(path).DELETE());
    }

    public Response post(String path, String body) {
        return send(request(path).POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    public Response patch(String path, String body) {
        return send(request(path).method("PATCH", HttpRequest.BodyPublishers.ofString(body)));
    }

    public Response put(String path, String body) {
        return send(request(path).PUT(HttpRequest.BodyPublishers.ofString(body)));
    }

    public Response method(String method, String path, String body) {
        return send(request(path).method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)));
    }

    /** A checkout in open mode. */
    public Response checkout(String session, String product, String feature, String user, String host) {
        return put("/api/v1/sessions/" + session + "/checkouts/" + product + "/" + feature,
                JSON.writeValueAsString(java.util.Map.of("user", user, "host", host, "client", "test")));
    }

    public Response heartbeat(String session) {
        return post("/api/v1/sessions/" + session + "/heartbeat", "");
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json");
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        headers.forEach(b::header);
        return b;
    }

    private Response send(HttpRequest.Builder b) {
        try {
            HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.headers(), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
