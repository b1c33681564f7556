package dev.usher.client;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The seats this session holds, one per feature, and the requests that take them, renew their leases and
 * give them back. With a pinned {@link VendorKey}, a seat must be backed by a license file that key signed:
 * one that is not is given back at once and never reaches the application. The server sets the heartbeat
 * pace in its answers to both checkouts and heartbeats, so the interval is kept here, where both arrive.
 */
final class Checkouts {

    private final Map<String, Seat> seats = new ConcurrentHashMap<>();
    private final Transport transport;
    private final Listeners listeners;
    private final String sessionId;
    private final String product;
    /** The checkout request's body: who asks and from where; the same for every checkout of this session. */
    private final String whoAsks;
    /** The vendor key pinned by the application, or null: then seats are not checked against the license files. */
    private final VendorKey vendorKey;
    private volatile long heartbeatSeconds = 30;

    Checkouts(Transport transport, Listeners listeners, String sessionId, String product, Credentials credentials,
            String user, String host, String clientName, VendorKey vendorKey) {
        this.transport = transport;
        this.listeners = listeners;
        this.sessionId = sessionId;
        this.product = product;
        this.vendorKey = vendorKey;
        Map<String, String> body = new LinkedHashMap<>();
        if (credentials instanceof Credentials.Open) {
            body.put("user", user); // signed-in modes: the server knows who from the token
        }
        body.put("host", host);
        body.put("client", clientName);
        this.whoAsks = Json.write(body);
    }

    /** The seat of {@code feature} held now (not given back, not lost), if any. */
    Optional<Seat> held(String feature) {
        Seat s = seats.get(feature);
        return s == null || s.closed || s.lost ? Optional.empty() : Optional.of(s);
    }

    boolean isEmpty() {
        return seats.isEmpty();
    }

    Collection<Seat> all() {
        return seats.values();
    }

    long heartbeatSeconds() {
        return heartbeatSeconds;
    }

    /** Takes {@code seat} (new, or held already: the server then renews it) and keeps it; throws when refused. */
    void hold(Seat seat, Duration wait) {
        take(seat, wait);
        seats.put(seat.feature(), seat);
    }

    /** Takes a seat that lapsed again with the same session id (the server answers "renewed" or gives a new one). */
    void retake(Seat seat) {
        take(seat, Duration.ZERO);
    }

    /** PUT the checkout; on success updates the seat, otherwise throws. */
    private void take(Seat seat, Duration wait) {
        long waitSeconds = (wait.toMillis() + 999) / 1000;
        Transport.Response r = transport.send("PUT", path(seat.feature()) + (waitSeconds > 0 ? "?wait=" + waitSeconds : ""),
                whoAsks, transport.requestTimeout().plusSeconds(waitSeconds));
        if (r.status() != 200 && r.status() != 201) {
            throw UsherException.fromProblem(r.status(), r.body());
        }
        Map<String, Object> m = Json.object(r.body());
        if (vendorKey != null) {
            try {
                vendorKey.check(m, product, seat.feature(), r.status());
            } catch (UntrustedLicense e) {
                giveBack(seat.feature());
                throw e;
            }
        }
        seat.update(m);
        pace(m);
        seat.markHeld();
    }

    /** A heartbeat's answer: its pace and new lease end hold for every seat of the session. */
    void renewed(Map<String, Object> answer) {
        pace(answer);
        Instant expires = Seat.parse(Json.string(answer, "leaseExpiresAt"), null);
        for (Seat s : seats.values()) {
            s.lease(expires);
        }
    }

    /** The interval the server asks for; at least a second, whatever it says, so the heartbeats never spin. */
    private void pace(Map<String, Object> answer) {
        heartbeatSeconds = Math.max(1, Json.number(answer, "heartbeatSeconds", heartbeatSeconds));
    }

    /** Gives a seat back that must not be used; it lapses by itself should the server not answer. */
    void giveBack(String feature) {
        try {
            transport.send("DELETE", path(feature), null);
        } catch (UsherException e) {
            // the lease lapses on its own
        }
    }

    /** Stops keeping {@code seat} (if it is still the one kept for its feature). */
    void forget(Seat seat) {
        seats.remove(seat.feature(), seat);
    }

    void loseAll(SeatLoss why) {
        for (Seat s : seats.values()) {
            lose(s, why);
        }
    }

    void lose(Seat s, SeatLoss why) {
        forget(s);
        if (!s.closed && s.markLost(why)) {
            listeners.fire(l -> l.seatLost(s, why));
        }
    }

    /** Marks every seat given back without asking the server: ending the session gives them all back at once. */
    void closeAll() {
        seats.values().forEach(s -> s.closed = true);
        seats.clear();
    }

    String path(String feature) {
        return "/api/v1/sessions/" + sessionId + "/checkouts/" + BorrowStore.segment(product) + "/" + BorrowStore.segment(feature);
    }
}
