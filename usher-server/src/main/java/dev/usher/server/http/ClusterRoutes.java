package dev.usher.server.http;

import dev.usher.server.cluster.ClusterView;
import io.javalin.config.RoutesConfig;

import java.time.Instant;
import java.util.List;

/** {@code GET /api/v1/cluster}: the nodes serving this installation, their versions, and which one sweeps. */
final class ClusterRoutes {

    record NodeJson(String id, String host, String url, String version, Instant startedAt, Instant lastSeenAt,
                    boolean sweeper, boolean self) {}

    record ClusterJson(String store, String thisNode, String sweeper, List<NodeJson> nodes) {}

    private final ClusterView cluster;
    private final RequestAuth auth;

    ClusterRoutes(ClusterView cluster, RequestAuth auth) {
        this.cluster = cluster;
        this.auth = auth;
    }

    void register(RoutesConfig r) {
        r.get("/api/v1/cluster", auth.admin(ctx -> {
            List<NodeJson> nodes = cluster.nodes().stream()
                    .map(n -> new NodeJson(n.id(), n.host(), n.url(), n.version(), n.startedAt(), n.lastSeenAt(), n.sweeps(), n.self()))
                    .toList();
            String sweeper = nodes.stream().filter(NodeJson::sweeper).map(NodeJson::id).findFirst().orElse(null);
            ctx.json(new ClusterJson(cluster.storeKind(), cluster.nodeId(), sweeper, nodes));
        }));
    }
}
