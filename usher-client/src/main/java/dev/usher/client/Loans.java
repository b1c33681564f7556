package dev.usher.client;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;

/**
 * Borrowing: seats taken offline until a date. The server signs a token for the loan; it is checked on
 * arrival (a token that cannot be proven later is worth nothing) and stored in the {@link BorrowStore}, so
 * that the application can prove the loan with no network, after a restart too.
 */
final class Loans {

    private final Transport transport;
    private final Checkouts checkouts;
    private final BorrowStore store;
    private final String product;
    private final Clock clock;

    Loans(Transport transport, Checkouts checkouts, BorrowStore store, String product, Clock clock) {
        this.transport = transport;
        this.checkouts = checkouts;
        this.store = store;
        this.product = product;
        this.clock = clock;
    }

    /** Borrows the seat of {@code feature}, which this session must hold, and stores the token. */
    BorrowToken borrow(String feature, Duration duration) {
        Instant until = clock.instant().plus(duration).truncatedTo(ChronoUnit.SECONDS);
        Transport.Response r = transport.send("POST", checkouts.path(feature) + "/borrow", Json.write(Map.of("until", until.toString())));
        if (r.status() != 200) {
            throw UsherException.fromProblem(r.status(), r.body());
        }
        Map<String, Object> m = Json.object(r.body());
        String key = Json.string(m, "publicKey");
        BorrowToken token = BorrowToken.verify(Json.string(m, "token"), key, clock);
        store.save(product, feature, token.text(), key);
        return token;
    }

    /** The stored loan of {@code feature}, if it still proves one now; a damaged or foreign file proves none. */
    Optional<BorrowToken> borrowed(String feature) {
        try {
            Optional<BorrowStore.Stored> stored = store.read(product, feature);
            if (stored.isEmpty()) {
                return Optional.empty();
            }
            BorrowToken t = BorrowToken.verify(stored.get().token, stored.get().publicKey, clock);
            return t.product().equals(product) && t.feature().equals(feature) ? Optional.of(t) : Optional.empty();
        } catch (IOException | InvalidBorrowToken e) {
            return Optional.empty();
        }
    }

    /**
     * Returns the loan early and forgets the token. The seat id comes from the stored token, not from a seat
     * this session holds: the loan may date from an earlier run of the application.
     */
    void giveBack(String feature) {
        String seatId;
        try {
            BorrowStore.Stored stored = store.read(product, feature).orElseThrow();
            seatId = BorrowToken.verify(stored.token, stored.publicKey, clock).seatId();
        } catch (OfflineVerificationUnavailable e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new UsherException("not-borrowed", 0, "Nothing of " + product + " " + feature + " is borrowed on this computer.");
        }
        Transport.Response r = transport.send("DELETE", "/api/v1/borrows/" + BorrowStore.segment(seatId), null);
        if (r.status() != 200 && r.status() != 404) { // 404: the server has no such loan any more, so there is nothing left to return
            throw UsherException.fromProblem(r.status(), r.body());
        }
        store.delete(product, feature);
    }
}
