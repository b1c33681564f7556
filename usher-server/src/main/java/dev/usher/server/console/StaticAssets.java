package dev.usher.server.console;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The console's scripts, stylesheet and icon, named by their content ({@code console.3f2a9c0d1e.css}):
 * a browser may keep them for a year, because a changed file is a new name. Pages are never cached,
 * so after an upgrade they name the new files at once.
 */
final class StaticAssets {

    /** A year, and never revalidated: the name changes with the content. */
    static final String CACHE_FOREVER = "public, max-age=31536000, immutable";
    private static final String HTMX = "META-INF/resources/webjars/htmx.org/%s/dist/htmx.min.js";

    private record Asset(byte[] body, String type) {}

    /** Versioned file name → its content. */
    private final Map<String, Asset> byFile = new LinkedHashMap<>();
    /** Plain name (console.css) → versioned URL path. */
    private final Map<String, String> urls = new LinkedHashMap<>();
    private final byte[] favicon;

    StaticAssets() {
        add("htmx.min.js", String.format(HTMX, webjarVersion()), "text/javascript; charset=utf-8");
        add("console.css", "console/console.css", "text/css; charset=utf-8");
        add("console.js", "console/console.js", "text/javascript; charset=utf-8");
        this.favicon = add("favicon.svg", "console/favicon.svg", "image/svg+xml");
    }

    private byte[] add(String name, String resource, String type) {
        byte[] body = read(resource);
        int dot = name.lastIndexOf('.');
        String file = name.substring(0, dot) + "." + hash(body) + name.substring(dot);
        byFile.put(file, new Asset(body, type));
        urls.put(name, "/static/" + file);
        return body;
    }

    /** What pages link to: the versioned paths of the stylesheet, the scripts and the icon. */
    Assets urls() {
        return new Assets(urls.get("console.css"), urls.get("htmx.min.js"), urls.get("console.js"), urls.get("favicon.svg"));
    }

    /** The links a page's head carries. */
    public record Assets(String css, String htmx, String js, String icon) {}

    void register(RoutesConfig r) {
        r.get("/static/{file}", this::serve);
        // Browsers and tools that never saw a page still ask for /favicon.ico (a 404 in their console otherwise).
        r.get("/favicon.ico", ctx -> {
            ctx.header("Cache-Control", "public, max-age=86400");
            ctx.header("X-Content-Type-Options", "nosniff");
            ctx.contentType("image/svg+xml").result(favicon);
        });
    }

    private void serve(Context ctx) {
        Asset a = byFile.get(ctx.pathParam("file"));
        ctx.header("X-Content-Type-Options", "nosniff");
        if (a == null) {
            // An old name (a page from before an upgrade) or a guess: no cache, so the right name is asked next time.
            ctx.header("Cache-Control", "no-store");
            ctx.status(404).contentType("text/plain; charset=utf-8").result("No such file: the console's files are named by their content.");
            return;
        }
        ctx.header("Cache-Control", CACHE_FOREVER);
        ctx.contentType(a.type()).result(a.body());
    }

    static String hash(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body)).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] read(String resource) {
        try (InputStream in = StaticAssets.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("console resource missing from the build: " + resource);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String webjarVersion() {
        Properties p = new Properties();
        try (InputStream in = StaticAssets.class.getClassLoader().getResourceAsStream("META-INF/maven/org.webjars.npm/htmx.org/pom.properties")) {
            if (in == null) {
                throw new IllegalStateException("the htmx webjar is missing from the classpath");
            }
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p.getProperty("version");
    }
}
