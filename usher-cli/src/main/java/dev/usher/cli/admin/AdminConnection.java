package dev.usher.cli.admin;

import dev.usher.cli.common.CliException;
import dev.usher.server.ServerConfig;
import dev.usher.server.UsherServer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * How an admin command reaches Usher. Every command goes through the HTTP API, so there is one code
 * path whether a server runs or not:
 * <ol>
 *   <li>{@code --server URL} (with {@code --token} or {@code USHER_ADMIN_TOKEN}): that server;</li>
 *   <li>a server running on the data directory: found through {@code DATA/server.json}, which it
 *       writes owner-readable only with a per-run local token;</li>
 *   <li>no server running: one is started for the command on a loopback port and stopped after.</li>
 * </ol>
 */
public final class AdminConnection implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String baseUrl;
    private final String token;
    private final UsherServer embedded;

    private AdminConnection(String baseUrl, String token, UsherServer embedded) {
        this.baseUrl = baseUrl.replaceAll("/+$", "");
        this.token = token;
        this.embedded = embedded;
    }

    public static AdminConnection open(AdminOptions options) {
        if (options.server() != null) {
            if (options.token() == null) {
                throw new CliException("--server needs an admin token: pass --token or set USHER_ADMIN_TOKEN");
            }
            return new AdminConnection(options.server(), options.token(), null);
        }
        Path info = options.dataDir().resolve("server.json");
        if (Files.isReadable(info)) {
            try {
                JsonNode node = JSON.readTree(Files.readString(info));
                AdminConnection running = new AdminConnection(node.get("url").asString(), node.get("token").asString(), null);
                if (running.isUp()) {
                    return running;
                }
            } catch (IOException | RuntimeException e) {
                // stale or unreadable: the server that wrote it is gone; fall through and start one
            }
        }
        if (!Files.isDirectory(options.dataDir())) {
            throw new CliException("no Usher data directory at " + options.dataDir().toAbsolutePath()
                    + ": start the server once (usher serve) or pass --data DIR");
        }
        try {
            // This may be the installation's first start: it then takes USHER_ADMIN_TOKEN (or --token) as the
            // admin token, like `usher serve` does, or generates one that must be shown now or never.
            UsherServer server = UsherServer.start(ServerConfig.defaults(options.dataDir()).withHost("127.0.0.1").withPort(0)
                    .withAdminToken(options.token()).withAdminPassword(options.env.get("USHER_ADMIN_PASSWORD")));
            server.generatedAdminToken().ifPresent(t -> {
                options.notice("usher: first start of the installation in " + options.dataDir().toAbsolutePath()
                        + ": installation id " + server.installationId());
                options.notice("usher: admin token (shown once, store it now): " + t);
            });
            server.generatedAdminPassword().ifPresent(p ->
                    options.notice("usher: admin user 'admin', password (shown once, store it now): " + p));
            return new AdminConnection(server.localUrl(), server.localAdminToken(), server);
        } catch (IllegalStateException e) {
            throw new CliException(e.getMessage());
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
        HttpResponse<String> r;
        try {
            r = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new CliException("cannot reach Usher at " + baseUrl + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted");
        }
        if (r.statusCode() >= 400) {
            JsonNode body = r.body() == null || r.body().isBlank() ? null : JSON.readTree(r.body());
            throw new CliException(body != null && body.has("detail") ? body.get("detail").asString() : "HTTP " + r.statusCode(),
                    r.statusCode() == 404 ? 3 : 1);
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
            HttpResponse<Path> r = http.send(request, HttpResponse.BodyHandlers.ofFile(part,
                    java.nio.file.StandardOpenOption.WRITE, java.nio.file.StandardOpenOption.TRUNCATE_EXISTING));
            if (r.statusCode() >= 400) {
                String text = Files.readString(part);
                Files.deleteIfExists(part);
                JsonNode body = text.isBlank() ? null : JSON.readTree(text);
                throw new CliException(body != null && body.has("detail") ? body.get("detail").asString() : "HTTP " + r.statusCode());
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
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted");
        }
    }

    private URI uri(String path) {
        return URI.create(baseUrl + path);
    }

    private Reply send(HttpRequest.Builder b) {
        HttpRequest request = b.header("Authorization", "Bearer " + token).header("Accept", "application/json")
                .timeout(Duration.ofSeconds(30)).build();
        HttpResponse<String> r;
        try {
            r = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new CliException("cannot reach Usher at " + baseUrl + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted");
        }
        JsonNode body = r.body() == null || r.body().isBlank() ? null : JSON.readTree(r.body());
        if (r.statusCode() >= 400) {
            String detail = body != null && body.has("detail") ? body.get("detail").asString() : "HTTP " + r.statusCode();
            throw new CliException(detail, r.statusCode() == 404 ? 3 : 1);
        }
        return new Reply(r.statusCode(), body);
    }

    @Override
    public void close() {
        if (embedded != null) {
            embedded.close();
        }
    }
}
