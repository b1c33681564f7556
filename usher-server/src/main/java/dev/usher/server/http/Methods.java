package dev.usher.server.http;

import io.javalin.Javalin;
import io.javalin.http.HandlerType;
import io.javalin.router.Endpoint;
import io.javalin.router.ParsedEndpoint;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** HTTP methods: HEAD means GET (same credentials, same status), and a 405 says which methods a path has. */
public final class Methods {

    /** The standard methods; anything else is counted as OTHER in the metrics. */
    static final Set<String> KNOWN = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT");

    private static final List<HandlerType> ROUTED = List.of(HandlerType.GET, HandlerType.HEAD, HandlerType.POST, HandlerType.PUT,
            HandlerType.PATCH, HandlerType.DELETE);

    private Methods() {
    }

    /**
     * The method as a metrics label, from a closed set: a made-up method (curl -X ZZ1) must not add
     * series to {@code /metrics}, or anyone could grow it without bound.
     */
    public static String label(String method) {
        return method != null && KNOWN.contains(method) ? method : "OTHER";
    }

    /**
     * Javalin answers HEAD for a GET route with 200 without running the GET handler, so HEAD on an admin
     * route said 200 where GET says 401. Every GET route gets a HEAD route that runs the same handler
     * (Jetty sends no body for HEAD).
     */
    static void headLikeGet(Javalin app) {
        List<Endpoint> heads = new ArrayList<>();
        for (ParsedEndpoint p : app.unsafe.internalRouter.allHttpHandlers()) {
            if (p.endpoint.method.equals(HandlerType.GET) && !app.unsafe.internalRouter.hasHttpHandlerEntry(HandlerType.HEAD, p.endpoint.path)) {
                heads.add(new Endpoint(HandlerType.HEAD, p.endpoint.path, p.endpoint.handler));
            }
        }
        heads.forEach(app.unsafe.internalRouter::addHttpEndpoint);
    }

    /** The value of {@code Allow} for a path (RFC 9110 requires it on 405). */
    static String allowed(Javalin app, String path) {
        List<String> methods = new ArrayList<>();
        for (HandlerType m : ROUTED) {
            if (app != null && app.unsafe.internalRouter.hasHttpHandlerEntry(m, path)) {
                methods.add(m.name());
            }
        }
        return String.join(", ", methods);
    }
}
