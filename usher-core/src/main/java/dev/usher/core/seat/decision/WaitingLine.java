package dev.usher.core.seat.decision;

import dev.usher.core.seat.CheckoutOutcome;
import dev.usher.core.seat.DenyReason;

/**
 * The waiting line's hand-over: when a seat may be free, the people waiting for the pool try in the
 * order they came, each with an ordinary checkout (so the assignment rules decide for them as for
 * anyone). What each try's answer means for the line is decided here.
 */
public final class WaitingLine {

    private WaitingLine() {
    }

    /** What the line does after one waiter's try. */
    public enum Step {
        /** The waiter has its answer (a seat, or a refusal that waiting will not change): it leaves the line. */
        SERVED,
        /** Refused by a rule (say its role is at its limit), not by a full pool: the ones behind it may still fit. */
        SKIP,
        /** The pool is full: nobody behind could have a seat either, so the line stops here. */
        STOP
    }

    public static Step after(CheckoutOutcome tried) {
        if (tried instanceof CheckoutOutcome.Denied d && d.deny().reason() == DenyReason.NO_SEATS_AVAILABLE) {
            return d.deny().inUse() >= d.deny().capacity() ? Step.STOP : Step.SKIP;
        }
        return Step.SERVED;
    }

    /** Whether a refusal is one that waiting in line may turn into a seat (the pool is full for this person). */
    public static boolean worthWaiting(CheckoutOutcome first) {
        return first instanceof CheckoutOutcome.Denied d && d.deny().reason() == DenyReason.NO_SEATS_AVAILABLE;
    }
}
