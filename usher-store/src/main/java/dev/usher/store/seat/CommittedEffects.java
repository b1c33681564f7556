package dev.usher.store.seat;

import dev.usher.core.lease.LeaseTable;
import dev.usher.core.seat.PoolKey;
import dev.usher.core.seat.state.Effect;
import dev.usher.store.Database;

import java.util.List;
import java.util.function.Consumer;

/**
 * What a decision's effects mean outside the database once they are durable: the in-memory leases
 * (a new or renewed session's lease, a session gone), and the news that a seat went back to its pool
 * (whoever waits for one is served at once). Never before the COMMIT: a heartbeat must not extend a
 * session that was not stored, and nobody may be told of a seat that is not free yet.
 */
final class CommittedEffects {

    private final LeaseTable leases;
    private final Consumer<PoolKey> seatFreed;

    CommittedEffects(LeaseTable leases, Consumer<PoolKey> seatFreed) {
        this.leases = leases;
        this.seatFreed = seatFreed;
    }

    void schedule(List<Effect> effects, Database.AfterCommit after) {
        for (Effect e : effects) {
            switch (e) {
                case Effect.StartSession s -> after.then(() -> leases.put(s.id(), s.leaseEnd(), s.at()));
                case Effect.RenewLease r -> after.then(() -> leases.put(r.sessionId(), r.leaseEnd(), r.at()));
                case Effect.EndSession s -> after.then(() -> leases.remove(s.sessionId()));
                case Effect.ReleaseSeat r -> after.then(() -> seatFreed.accept(r.pool()));
                default -> { }
            }
        }
    }
}
