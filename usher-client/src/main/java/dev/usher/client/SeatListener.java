package dev.usher.client;

import java.net.URI;

/** What the background heartbeats tell the application. Called on the heartbeat thread. */
public interface SeatListener {

    /**
     * The seat is gone: an administrator released it, took its loan back or disabled the account
     * ({@link SeatLoss#byAdministrator()}); taking it again after a lapse was refused; or no server answered
     * for the grace period. The client does not take a new seat by itself after this; {@code checkout} again
     * when the user asks for it.
     */
    default void seatLost(Seat seat, SeatLoss loss) {}

    /** A lapsed seat was taken again with the same session id (the server had lost track of it). */
    default void seatRestored(Seat seat) {}

    /** One server URL did not answer (or answered with a server error); the client tries the next one. */
    default void serverUnreachable(URI server, Throwable cause) {}
}
