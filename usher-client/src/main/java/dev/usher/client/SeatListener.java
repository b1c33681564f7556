package dev.usher.client;

import java.net.URI;

/** What the background heartbeats tell the application. Called on the heartbeat thread. */
public interface SeatListener {

    /** The seat is gone: refused on re-checkout, or no server answered for the grace period. */
    default void seatLost(Seat seat, String reason) {}

    /** A lapsed or lost seat was taken again (same session id). */
    default void seatRestored(Seat seat) {}

    /** One server URL did not answer; the client tries the next one. */
    default void serverUnreachable(URI server, Throwable cause) {}
}
