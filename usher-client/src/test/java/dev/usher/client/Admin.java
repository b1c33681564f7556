package dev.usher.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The administrator's side of a test: the admin API of a real server, over HTTP. */
public final class Admin {

    /** An answer: status and body. */
    static final class Answer {
        final int status;
        final String body;

        Answer(int status, String body) {
            this.status = status;
            this.body = body;
        }

        Object json() {
            return Json.parse(body);
        }

        Map<String, Object> object() {
            return Json.object(body);
        }
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String token;

    Admin(String base, String token) {
        this.base = base;
        this.token = token;
    }

    Answer send(String method, String path, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(r.statusCode(), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The seats held now. */
    @SuppressWarnings("unchecked")
    public List<Map<String, Object>> seats() {
        return (List<Map<String, Object>>) send("GET", "/api/v1/seats", null).json();
    }

    /** Force release with a reason, as an administrator does from the console or API. */
    void forceRelease(String seatId, String reason) {
        Answer a = send("DELETE", "/api/v1/seats/" + seatId + "?reason=" + URLEncoder.encode(reason, StandardCharsets.UTF_8), null);
        if (a.status != 200 && a.status != 204) {
            throw new IllegalStateException("force release: " + a.status + " " + a.body);
        }
    }

    /** Disables a person (PATCH enabled=false) with a reason. */
    @SuppressWarnings("unchecked")
    void disable(String user, String reason) {
        Map<String, Object> page = send("GET", "/api/v1/users?search=" + URLEncoder.encode(user, StandardCharsets.UTF_8), null).object();
        Object id = ((List<Map<String, Object>>) page.get("items")).get(0).get("id");
        Answer a = send("PATCH", "/api/v1/users/" + id, "{\"enabled\":false,\"reason\":\"" + reason + "\"}");
        if (a.status != 200) {
            throw new IllegalStateException("disable: " + a.status + " " + a.body);
        }
    }

    /** The installation's public key for borrow tokens. */
    String borrowPublicKey() {
        return Json.string(send("GET", "/api/v1/installation", null).object(), "borrowPublicKey");
    }
}
