package dev.usher.core.model;

import java.time.Instant;

/**
 * What one operation answered, reduced to what the spec fixes: the status, the outcome or problem
 * type, which seat (an opaque reference: the model's own numbers, the server's seat ids; compared
 * through a one-to-one mapping, never by value), and the numbers the API gives. {@code detail} is the
 * human sentence of a refusal: checked to be there (invariant 8), never compared.
 *
 * @param kind     {@code new}/{@code joined}/{@code kept} for a checkout, {@code returned}/{@code taken-back}
 *                 for a loan's end, the problem type suffix of a refusal, else empty
 * @param released how many seats an admin release freed
 */
public record Outcome(int status, String kind, String seat, Integer shared, Integer capacity, Integer inUse,
                      Instant leaseExpiresAt, Integer released, Boolean renewed, String detail) {

    public static Outcome status(int status) {
        return new Outcome(status, "", null, null, null, null, null, null, null, null);
    }

    public static Outcome problem(int status, String type, String detail) {
        return new Outcome(status, type, null, null, null, null, null, null, null, detail);
    }

    public static Outcome noSeats(int capacity, int inUse, String detail) {
        return new Outcome(409, "no-seats-available", null, null, capacity, inUse, null, null, null, detail);
    }

    public static Outcome checkout(int status, String kind, String seat, int shared, Instant leaseExpiresAt) {
        return new Outcome(status, kind, seat, shared, null, null, leaseExpiresAt, null, null, null);
    }

    public static Outcome heartbeat(Instant leaseExpiresAt) {
        return new Outcome(200, "", null, null, null, null, leaseExpiresAt, null, null, null);
    }

    public static Outcome released(int n) {
        return new Outcome(200, "", null, null, null, null, null, n, null, null);
    }

    public static Outcome borrowed(String seat, boolean renewed) {
        return new Outcome(200, "", seat, null, null, null, null, null, renewed, null);
    }

    public static Outcome loanEnded(String seat, String how) {
        return new Outcome(200, how, seat, null, null, null, null, null, null, null);
    }

    public boolean refused() {
        return status >= 400;
    }

    /** Short, for a failure report. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder().append(status);
        if (!kind.isEmpty()) {
            b.append(' ').append(kind);
        }
        if (seat != null) {
            b.append(" seat=").append(seat);
        }
        if (shared != null) {
            b.append(" sharedWithSessions=").append(shared);
        }
        if (capacity != null) {
            b.append(" capacity=").append(capacity);
        }
        if (inUse != null) {
            b.append(" inUse=").append(inUse);
        }
        if (leaseExpiresAt != null) {
            b.append(" lease=").append(leaseExpiresAt);
        }
        if (released != null) {
            b.append(" released=").append(released);
        }
        if (renewed != null) {
            b.append(" renewed=").append(renewed);
        }
        if (detail != null) {
            b.append(" (\"").append(detail).append("\")");
        }
        return b.toString();
    }
}
