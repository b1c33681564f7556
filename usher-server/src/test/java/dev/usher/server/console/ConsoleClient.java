package dev.usher.server.console;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A browser as far as the console's HTTP is concerned: keeps its session cookie, follows no
 * redirects (tests look at them), and reads the CSRF token from the pages it gets.
 */
final class ConsoleClient {

    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

    record Page(int status, HttpHeaders headers, String html) {
        String location() {
            return headers.firstValue("Location").orElse(null);
        }

        String csrf() {
            Matcher m = CSRF.matcher(html);
            if (!m.find()) {
                throw new AssertionError("no CSRF token on this page: " + html);
            }
            return m.group(1);
        }
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private final String base;
    private String cookie;
    private String csrf;

    ConsoleClient(String base) {
        this.base = base;
    }

    String cookie() {
        return cookie;
    }

    void cookie(String value) {
        cookie = value;
    }

    String csrf() {
        return csrf;
    }

    /** Signs in with the form; returns the response to the POST. */
    Page signIn(String user, String password) {
        return post("/login", Map.of("user", user, "password", password), false);
    }

    Page get(String path) {
        return get(path, Map.of());
    }

    Page get(String path, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).GET();
        headers.forEach(b::header);
        Page p = send(b);
        if (p.status() == 200 && CSRF.matcher(p.html()).find()) {
            csrf = p.csrf();
        }
        return p;
    }

    /** A form POST; with {@code withCsrf} the token of the last page is sent as the form field. */
    Page post(String path, Map<String, String> form, boolean withCsrf) {
        return post(path, form, withCsrf ? csrf : null, Map.of());
    }

    Page post(String path, Map<String, String> form, String token, Map<String, String> headers) {
        Map<String, String> all = new LinkedHashMap<>(form);
        if (token != null) {
            all.put("_csrf", token);
        }
        String body = all.entrySet().stream().map(e -> enc(e.getKey()) + "=" + enc(e.getValue())).collect(Collectors.joining("&"));
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(b::header);
        return send(b);
    }

    /** A multipart POST with one file field, as a browser sends an upload. */
    Page upload(String path, String field, String fileName, String content) {
        String boundary = "----usher" + System.nanoTime();
        String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n" + csrf + "\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + field + "\"; filename=\"" + fileName + "\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n" + content + "\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\n\r\n"
                + "--" + boundary + "--\r\n";
        return send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private Page send(HttpRequest.Builder b) {
        if (cookie != null) {
            b.header("Cookie", ConsoleSession.COOKIE + "=" + cookie);
        }
        try {
            HttpResponse<String> r = http.send(b.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            for (String c : r.headers().allValues("Set-Cookie")) {
                if (c.startsWith(ConsoleSession.COOKIE + "=")) {
                    String v = c.substring(ConsoleSession.COOKIE.length() + 1, c.indexOf(';') < 0 ? c.length() : c.indexOf(';'));
                    cookie = v.isEmpty() ? null : v;
                }
            }
            return new Page(r.statusCode(), r.headers(), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
