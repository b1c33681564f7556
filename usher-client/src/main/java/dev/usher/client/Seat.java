package dev.usher.client;

import java.time.Instant;

/**
 * A seat held by an {@link UsherClient}. The client's heartbeats keep it; {@link #close()} gives it
 * back (idempotent). {@link #isValid()} says whether the application may keep using the feature.
 */
public final class Seat implements AutoCloseable {

    private final UsherClient client;
    private final String product;
    private final String feature;
    private volatile String seatId;
    private volatile String user;
    private volatile Instant leaseExpiresAt;
    private volatile long heartbeatSeconds;
    private volatile int sharedWithSessions;
    volatile boolean lost;
    volatile boolean closed;
    private volatile SeatLoss loss;

    Seat(UsherClient client, String product, String feature) {
        this.client = client;
        this.product = product;
        this.feature = feature;
    }

    void update(java.util.Map<String, Object> r) {
        seatId = Json.string(r, "seatId");
        user = Json.string(r, "user");
        leaseExpiresAt = parse(Json.string(r, "leaseExpiresAt"), leaseExpiresAt);
        heartbeatSeconds = Json.number(r, "heartbeatSeconds", heartbeatSeconds);
        sharedWithSessions = (int) Json.number(r, "sharedWithSessions", 0);
    }

    void lease(Instant expires) {
        if (expires != null) {
            leaseExpiresAt = expires;
        }
    }

    static Instant parse(String s, Instant dflt) {
        try {
            return s == null ? dflt : Instant.parse(s);
        } catch (RuntimeException e) {
            return dflt;
        }
    }

    public String product() {
        return product;
    }

    public String feature() {
        return feature;
    }

    public String seatId() {
        return seatId;
    }

    /** The person the server gave the seat to (its canonical name). */
    public String user() {
        return user;
    }

    public Instant leaseExpiresAt() {
        return leaseExpiresAt;
    }

    public long heartbeatSeconds() {
        return heartbeatSeconds;
    }

    /** Other sessions of the same person sharing this seat when it was taken. */
    public int sharedWithSessions() {
        return sharedWithSessions;
    }

    public String sessionId() {
        return client.sessionId();
    }

    /** Why the seat was lost, or null while it is held (or was given back). */
    public SeatLoss lossReason() {
        return loss;
    }

    /** Marks the seat lost; true the first time (the listeners are told once). */
    boolean markLost(SeatLoss why) {
        synchronized (this) {
            if (lost) {
                return false;
            }
            lost = true;
            loss = why;
            return true;
        }
    }

    void markHeld() {
        synchronized (this) {
            lost = false;
            loss = null;
        }
    }

    /** True while held: not closed, not lost, and (if no server answers) still within the grace period. */
    public boolean isValid() {
        return !closed && !lost && client.withinGrace();
    }

    /** Gives the seat back; a second call does nothing. Never throws: an unreachable server lets the lease lapse. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            client.checkin(this);
        }
    }

    @Override
    public String toString() {
        return "Seat[" + product + "/" + feature + " " + seatId + " user=" + user + (isValid() ? "" : " invalid") + "]";
    }
}
