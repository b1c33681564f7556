package dev.usher.cli.bench;

import dev.usher.cli.common.CliException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** The few non-load calls the bench makes: health, pools, adding a license. */
final class ServerApi implements AutoCloseable {

    static final JsonMapper JSON = JsonMapper.builder().build();
    private static final long MAX_LICENSE_BYTES = 256 * 1024;

    /** A pool as {@code GET /api/v1/pools} shows it. */
    record Pool(String product, String feature, int capacity, int inUse, String policy) {
        int free() {
            return Math.max(0, capacity - inUse);
        }
    }

    private final Target target;
    private final HttpConnection http;
    private final byte[] auth;

    ServerApi(Target target, String token) {
        this.target = target;
        this.http = new HttpConnection(target.address(), 30_000);
        this.auth = token == null ? null
                : ("Authorization: Bearer " + token + "\r\nAccept: application/json\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** Fails with a clear message unless {@code GET /healthz} answers 200. */
    void requireHealthy() {
        int status;
        try {
            status = http.send("GET", "/healthz", null, null);
        } catch (IOException e) {
            throw new CliException("no Usher server answers at " + target.url() + " (" + e.getMessage()
                    + "): start one, e.g. ./usher serve --demo --data /tmp/bench --port " + target.address().getPort());
        }
        if (status != 200) {
            throw new CliException("GET " + target.url() + "/healthz answered " + status + ": is this an Usher server?");
        }
    }

    /** The pool of product/feature, or empty when the server has none. Needs the admin token. */
    Optional<Pool> pool(String product, String feature) {
        JsonNode pools = call("GET", "/api/v1/pools", null, null);
        for (JsonNode p : pools) {
            if (product.equals(p.path("product").asString()) && feature.equals(p.path("feature").asString())) {
                return Optional.of(new Pool(product, feature, p.path("capacity").asInt(), p.path("inUse").asInt(),
                        p.path("seatKeyPolicy").asString("user")));
            }
        }
        return Optional.empty();
    }

    /** Adds a license file (idempotent); returns a one-line description. */
    String addLicense(Path file) {
        String text;
        try {
            if (Files.size(file) > MAX_LICENSE_BYTES) {
                throw new CliException(file + " is larger than " + MAX_LICENSE_BYTES / 1024 + " KiB: not a license file");
            }
            text = Files.readString(file);
        } catch (IOException e) {
            throw new CliException("cannot read --license " + file + ": " + e.getMessage());
        }
        JsonNode l = call("POST", "/api/v1/licenses", "Content-Type: text/plain; charset=utf-8\r\n",
                text.getBytes(StandardCharsets.UTF_8));
        return "license " + l.path("id").asString() + " (" + l.path("customer").asString() + ") installed";
    }

    /** Turns audit trail recording on or off ({@code usher bench --audit-compare}). Needs the admin token. */
    void auditRecording(boolean on) {
        call("PUT", "/api/v1/audit/recording", "Content-Type: application/json\r\n",
                ("{\"enabled\":" + on + "}").getBytes(StandardCharsets.US_ASCII));
    }

    private JsonNode call(String method, String path, String extraHeader, byte[] body) {
        if (auth == null) {
            throw new CliException(method + " " + path + " needs the admin token: pass --token (or set USHER_ADMIN_TOKEN)");
        }
        byte[] headers = auth;
        if (extraHeader != null) {
            byte[] extra = extraHeader.getBytes(StandardCharsets.US_ASCII);
            headers = new byte[auth.length + extra.length];
            System.arraycopy(auth, 0, headers, 0, auth.length);
            System.arraycopy(extra, 0, headers, auth.length, extra.length);
        }
        int status;
        try {
            status = http.send(method, path, headers, body);
        } catch (IOException e) {
            throw new CliException(method + " " + path + " failed: " + e.getMessage());
        }
        String text = http.bodyText();
        JsonNode json;
        try {
            json = text.isBlank() ? JSON.createObjectNode() : JSON.readTree(text);
        } catch (RuntimeException e) {
            throw new CliException(method + " " + path + " answered " + status + " with a body that is not JSON");
        }
        if (status < 200 || status > 299) {
            String detail = json.path("detail").asString("HTTP " + status);
            throw new CliException(method + " " + path + " answered " + status + ": " + detail);
        }
        return json;
    }

    @Override
    public void close() {
        http.close();
    }
}
