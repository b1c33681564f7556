package dev.usher.cli.admin;

import dev.usher.cli.common.CliException;
import dev.usher.server.ServerConfig;
import dev.usher.server.UsherServer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How an admin command reaches Usher. Every command goes through the HTTP API, so there is one code
 * path whether a server runs or not:
 * <ol>
 *   <li>{@code --server URL} (with {@code --token} or {@code USHER_ADMIN_TOKEN}): that server;</li>
 *   <li>a server running on the data directory: found through {@code DATA/server.json}, which it
 *       writes owner-readable only with a per-run local token (and, with HTTPS, its HTTPS address and
 *       the certificate it serves, which is then trusted);</li>
 *   <li>no server running: one is started for the command on a loopback port and stopped after.</li>
 * </ol>
 */
public final class AdminConnection implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient http;
    /** Where calls go; moves to the HTTPS origin when the server redirects there. */
    private String baseUrl;
    private final String token;
    private final UsherServer embedded;

    private AdminConnection(String baseUrl, String token, UsherServer embedded, ServerTrust trust) {
        this.baseUrl = baseUrl.replaceAll("/+$", "");
        this.token = token;
        this.embedded = embedded;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).sslContext(trust.sslContext()).build();
    }

    public static AdminConnection open(AdminOptions options) {
        List<X509Certificate> anchors = options.cacert() == null ? List.of() : ServerTrust.readPem(options.cacert(), "--cacert");
        if (options.server() != null) {
            if (options.token() == null) {
                throw new CliException("--server needs an admin token: pass --token or set USHER_ADMIN_TOKEN");
            }
            return new AdminConnection(options.server(), options.token(), null, ServerTrust.of(anchors, localCertificates(options)));
        }
        Path dataDir = options.dataDir();
        LocalServer local = LocalServer.read(dataDir.resolve("server.json"));
        if (local != null) {
            List<X509Certificate> pinned = new ArrayList<>(localCertificates(options));
            local.certificate().ifPresent(pinned::add);
            // Over HTTPS when the server has it: plain HTTP may only redirect there, and the token should not cross the wire in clear.
            AdminConnection running = new AdminConnection(local.httpsUrl().orElse(local.url()), local.token(), null,
                    ServerTrust.of(anchors, pinned));
            if (running.isUp()) {
                return running;
            }
            // else stale: the server that wrote it is gone; start one
        }
        if (!Files.isDirectory(dataDir)) {
            throw new CliException("no Usher data directory at " + dataDir.toAbsolutePath()
                    + ": start the server once (usher serve) or pass --data DIR");
        }
        try {
            // This may be the installation's first start: it then takes USHER_ADMIN_TOKEN (or --token) as the
            // admin token, like `usher serve` does, or generates one that must be shown now or never. It uses the
            // configuration's store (PostgreSQL too) and keys, on a loopback port, without the configuration's HTTPS.
            ServerConfig config = dev.usher.cli.config.ServerSettings.of(options.configuration()).withDemo(false).withAuthMode(null)
                    .withHost("127.0.0.1").withPort(0)
                    .withAdminToken(options.token()).withAdminPassword(options.env.get("USHER_ADMIN_PASSWORD"));
            UsherServer server = UsherServer.start(config);
            server.generatedAdminToken().ifPresent(t -> {
                options.notice("usher: first start of the installation in " + dataDir.toAbsolutePath()
                        + ": installation id " + server.installationId());
                options.notice("usher: admin token (shown once, store it now): " + t);
            });
            server.generatedAdminPassword().ifPresent(p ->
                    options.notice("usher: admin user 'admin', password (shown once, store it now): " + p));
            return new AdminConnection(server.localUrl(), server.localAdminToken(), server, ServerTrust.of(anchors, List.of()));
        } catch (IllegalStateException | dev.usher.store.StoreException e) {
            throw new CliException(e.getMessage());
        }
    }

    /**
     * The certificate the configuration says this machine's Usher serves ({@code tls.cert}), when
     * there is one and it can be read: a command given {@code --server https://localhost:9785} on the
     * server's own machine trusts it without {@code --cacert}.
     */
    private static List<X509Certificate> localCertificates(AdminOptions options) {
        try {
            Path cert = options.configuration().path(dev.usher.cli.config.Setting.TLS_CERT);
            return cert == null || !Files.isReadable(cert) ? List.of() : List.of(ServerTrust.readPem(cert, "tls.cert").getFirst());
        } catch (CliException e) {
            return List.of(); // a configuration with problems pins nothing; the command may still reach the server otherwise
        }
    }

    /** What a running server left in {@code DATA/server.json}. */
    private record LocalServer(String url, String token, Optional<String> httpsUrl, Optional<X509Certificate> certificate) {

        static LocalServer read(Path info) {
            if (!Files.isReadable(info)) {
                return null;
            }
            try {
                JsonNode node = JSON.readTree(Files.readString(info));
                Optional<X509Certificate> cert = Optional.empty();
                if (node.hasNonNull("certificate")) {
                    byte[] der = Base64.getDecoder().decode(node.get("certificate").asString());
                    cert = Optional.of((X509Certificate) CertificateFactory.getInstance("X.509")
                            .generateCertificate(new ByteArrayInputStream(der)));
                }
                return new LocalServer(node.get("url").asString(), node.get("token").asString(),
                        node.hasNonNull("httpsUrl") ? Optional.of(node.get("httpsUrl").asString()) : Optional.empty(), cert);
            } catch (IOException | RuntimeException | java.security.cert.CertificateException e) {
                return null; // half written or from another version: treated as no server
            }
        }
    }

    private boolean isUp() {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/healthz"))
                    .timeout(Duration.ofSeconds(3)).GET().build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The answer to one call: status and JSON body (null for 204). */
    public record Reply(int status, JsonNode body) {}

    public Reply get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    public Reply delete(String path) {
        return send(HttpRequest.newBuilder(uri(path)).DELETE());
    }

    public Reply post(String path, String contentType, String body) {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    public Reply putJson(String path, Object body) {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))));
    }

    /** PUT with extra request headers, e.g. {@code If-Match} for versioned resources. */
    public Reply putJson(String path, Object body, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        headers.forEach(b::header);
        return send(b);
    }

    public Reply patchJson(String path, Object body) {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))));
    }

    public Reply postJson(String path, Object body) {
        return post(path, "application/json", JSON.writeValueAsString(body));
    }

    /** GET as text in the given media type (exports: CSV, JSON lines); problems as for every call. */
    public String getText(String path, String accept) {
        HttpRequest request = HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + token).header("Accept", accept)
                .timeout(Duration.ofMinutes(10)).GET().build();
        HttpResponse<String> r = exchange(request, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 400) {
            throw new CliException(problem(r.statusCode(), r.body()), r.statusCode() == 404 ? 3 : 1);
        }
        return r.body();
    }

    /**
     * A POST that answers with a file (a backup): streamed into {@code target}, which is written
     * owner-only under a temporary name first and renamed when complete. Returns its size.
     */
    public long postForFile(String path, Path target) {
        Path part = target.resolveSibling(target.getFileName() + ".part");
        try {
            Files.deleteIfExists(part);
            Files.createFile(part, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
            HttpRequest request = HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + token)
                    .timeout(Duration.ofMinutes(30)).POST(HttpRequest.BodyPublishers.noBody()).build();
            HttpResponse<Path> r = exchange(request, HttpResponse.BodyHandlers.ofFile(part,
                    java.nio.file.StandardOpenOption.WRITE, java.nio.file.StandardOpenOption.TRUNCATE_EXISTING));
            if (r.statusCode() >= 400) {
                String text = Files.readString(part);
                Files.deleteIfExists(part);
                throw new CliException(problem(r.statusCode(), text));
            }
            Files.move(part, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return Files.size(target);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(part);
            } catch (IOException ignored) {
                // the original failure is what matters
            }
            throw new CliException("cannot write " + target + " from " + baseUrl + ": " + e.getMessage());
        }
    }

    private URI uri(String path) {
        return URI.create(baseUrl + path);
    }

    private Reply send(HttpRequest.Builder b) {
        HttpRequest request = b.header("Authorization", "Bearer " + token).header("Accept", "application/json")
                .timeout(Duration.ofSeconds(30)).build();
        HttpResponse<String> r = exchange(request, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 400) {
            throw new CliException(problem(r.statusCode(), r.body()), r.statusCode() == 404 ? 3 : 1);
        }
        return new Reply(r.statusCode(), json(r.statusCode(), r.body()));
    }

    /**
     * Sends, following one redirect to the server's HTTPS port (a server with {@code --http-redirect}
     * answers plain HTTP with 308), after which every call goes there directly. A failure to connect
     * is one sentence.
     */
    private <T> HttpResponse<T> exchange(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        for (int hop = 0; ; hop++) {
            HttpResponse<T> r;
            try {
                r = http.send(request, handler);
            } catch (IOException e) {
                throw new CliException(ServerTrust.describe(origin(request.uri()), e));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CliException("interrupted");
            }
            int status = r.statusCode();
            boolean redirect = status == 301 || status == 302 || status == 307 || status == 308;
            if (!redirect || r.headers().firstValue("Location").isEmpty()) {
                return r;
            }
            URI to = request.uri().resolve(r.headers().firstValue("Location").get());
            if (hop > 0 || !"https".equalsIgnoreCase(to.getScheme()) || !to.getHost().equalsIgnoreCase(request.uri().getHost())) {
                throw new CliException("Usher at " + origin(request.uri()) + " redirects to " + origin(to)
                        + ", which is not its own HTTPS port: pass --server with the address the server should be reached at");
            }
            baseUrl = origin(to);
            request = HttpRequest.newBuilder(request, (name, value) -> true).uri(to).build();
        }
    }

    private static String origin(URI u) {
        return u.getScheme() + "://" + u.getRawAuthority();
    }

    /** The body as JSON (null when empty); an answer that is not JSON is one sentence, not a parser's message. */
    private JsonNode json(int status, String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            return JSON.readTree(body);
        } catch (tools.jackson.core.JacksonException e) {
            throw new CliException(baseUrl + " answered HTTP " + status + " with something that is not JSON: is it Usher's address and port?");
        }
    }

    /** The problem's {@code detail}, or a sentence with the status when the body is not a problem. */
    private String problem(int status, String body) {
        JsonNode node;
        try {
            node = json(status, body);
        } catch (CliException e) {
            node = null;
        }
        return node != null && node.hasNonNull("detail") ? node.get("detail").asString()
                : "Usher at " + baseUrl + " answered HTTP " + status + " without saying why";
    }

    @Override
    public void close() {
        if (embedded != null) {
            embedded.close();
        }
    }
}
