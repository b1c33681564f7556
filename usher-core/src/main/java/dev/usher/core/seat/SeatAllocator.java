package dev.usher.core.seat;

/**
 * Decides grant, join or deny for one checkout. A pure function of the pool's terms and what is held
 * right now; the store calls it inside the transaction that applies the decision, so the decision and
 * its effect are atomic.
 */
public final class SeatAllocator {

    private SeatAllocator() {
    }

    /**
     * What is held in the pool, read inside the checkout's transaction.
     *
     * @param sessionSeatId the seat this session already has in the pool, or null
     * @param seatKeySeatId the seat the seat key (the person, by default) already holds, or null
     * @param seatsInUse    seats of the pool held right now (including lingering ones)
     */
    public record Held(String sessionSeatId, String seatKeySeatId, int seatsInUse) {}

    public static CheckoutDecision decide(PoolTerms terms, Held held) {
        // Existing holdings come first: a retry, a reconnect or a second machine of the same person
        // never needs a new seat, so it must not be refused because the pool is full or shrank.
        if (held.sessionSeatId() != null) {
            return new CheckoutDecision.Keep(held.sessionSeatId());
        }
        if (held.seatKeySeatId() != null) {
            return new CheckoutDecision.Join(held.seatKeySeatId());
        }
        PoolKey pool = terms.pool();
        if (!terms.known()) {
            return new CheckoutDecision.Deny(DenyReason.UNKNOWN_POOL, 0, held.seatsInUse(),
                    "This server has no license for " + pool.product() + " feature " + pool.feature()
                            + ". Ask your administrator to add the license file for it.");
        }
        if (!terms.serverLicensed()) {
            return new CheckoutDecision.Deny(DenyReason.SERVER_NOT_LICENSED, terms.capacity(), held.seatsInUse(),
                    "This server is not licensed to serve " + pool.product()
                            + ": it has no valid server license for installation " + terms.installationId()
                            + ". Ask your administrator to add one.");
        }
        if (held.seatsInUse() >= terms.capacity()) {
            return new CheckoutDecision.Deny(DenyReason.NO_SEATS_AVAILABLE, terms.capacity(), held.seatsInUse(),
                    "All " + terms.capacity() + " seats of " + pool.product() + " " + pool.feature()
                            + " are in use (" + held.seatsInUse() + " held). Try again when someone signs out,"
                            + " or ask your administrator for more seats.");
        }
        return new CheckoutDecision.Grant();
    }
}
