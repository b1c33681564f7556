package dev.usher.server.cluster;

import java.time.Instant;
import java.util.List;

/** What {@code GET /api/v1/cluster} shows: the nodes serving this installation and which one sweeps. */
public interface ClusterView {

    record NodeView(String id, String host, String url, String version, Instant startedAt, Instant lastSeenAt,
                    boolean sweeps, boolean self) {}

    String nodeId();

    /** {@code sqlite} (one node) or {@code postgresql}. */
    String storeKind();

    boolean leadsSweeps();

    /**
     * Why this node's clock cannot be trusted (it is off from the database's by more than the bound), or
     * empty; {@code /readyz} reports it. A lone server has no other clock to disagree with.
     */
    default java.util.Optional<String> clockProblem() {
        return java.util.Optional.empty();
    }

    /** Nodes seen recently, this one included. */
    List<NodeView> nodes();

    /** This machine's name as the node list shows it ({@code localhost} when the system cannot tell). */
    static String thisHost() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "localhost";
        }
    }

    /** A lone server on its embedded store: it is the whole cluster and does its own sweeping. */
    static ClusterView single(String host, String version, Instant startedAt, java.util.function.Supplier<String> url) {
        String id = java.util.UUID.randomUUID().toString();
        return new ClusterView() {
            @Override
            public String nodeId() {
                return id;
            }

            @Override
            public String storeKind() {
                return "sqlite";
            }

            @Override
            public boolean leadsSweeps() {
                return true;
            }

            @Override
            public List<NodeView> nodes() {
                return List.of(new NodeView(id, host, url.get(), version, startedAt, Instant.now(), true, true));
            }
        };
    }
}
