package dev.usher.core.seat;

/** The outcome of {@link SeatAllocator#decide}: what the store must do, or why it must not. */
public sealed interface CheckoutDecision {

    /** The session already has a checkout of this pool: keep it (a retry or a reconnect). */
    record Keep(String seatId) implements CheckoutDecision {}

    /** The seat key already holds a seat of this pool: the session attaches to it, no new seat. */
    record Join(String seatId) implements CheckoutDecision {}

    /** Take a new seat. */
    record Grant() implements CheckoutDecision {}

    /** Refuse, with the numbers and a sentence a person understands. */
    record Deny(DenyReason reason, int capacity, int inUse, String message) implements CheckoutDecision {}
}
