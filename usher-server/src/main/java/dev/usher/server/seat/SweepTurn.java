package dev.usher.server.seat;

/**
 * With several nodes on one database: whether this node may sweep the shared leases now. Only the
 * holder of the sweeper lock sweeps, and only on a clock that agrees with the database's: leases are
 * compared with this node's clock, so a node whose clock is off would free seats that are still held
 * (or keep dead ones).
 */
public interface SweepTurn {

    boolean leadsSweeps();

    /**
     * Whether a check of this node's clock against the database's that began at or after the monotonic
     * time {@code monoNanos} found them in agreement, and none since found otherwise. A sweep that saw this
     * node's clock step asks for a check made after the step.
     */
    boolean clockAgreesSince(long monoNanos);
}
