package dev.usher.core.cluster;

import java.time.Instant;
import java.util.List;

/**
 * What the nodes sharing one database keep there about each other: who is alive, which of them
 * sweeps lapsed leases, and a version that moves whenever something nodes cache changed.
 */
public interface ClusterRegistry {

    /** A node as registered. */
    record Node(String id, String host, String url, String version, Instant startedAt, Instant lastSeenAt, boolean sweeps) {}

    /**
     * Registers this node or records that it is alive (and whether it holds the sweeper lock). Returns the
     * database's clock as it wrote the beat, for the node to check its own clock against.
     */
    Instant beat(String id, String host, String url, String version, Instant startedAt, Instant now, boolean sweeps);

    /** Nodes seen at or after {@code since}, oldest start first. */
    List<Node> nodesSeenSince(Instant since);

    /** Forgets nodes not seen since {@code before} (they left or died long ago). */
    void forgetNodesBefore(Instant before);

    void leave(String id);

    /** Moves whenever anything nodes cache changed (licenses, keys, settings, rules, people, tokens). */
    long configVersion();

    /**
     * Holds the sweeper lock if this node has it, or takes it if it is free: one live node at a time
     * holds it, and it is let go when that node's connection ends (so when the node dies). True when held.
     */
    boolean holdOrTakeSweeperLock();

    /** Lets the sweeper lock go (the node stops, or lost its database). */
    void dropSweeperLock();
}
