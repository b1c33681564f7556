package dev.usher.core.seat;

import java.time.Instant;

/**
 * Something that happened to a seat, recorded in the same transaction as the change itself so the
 * history can never disagree with the state (usage reports and the audit trail are built from it).
 */
public record SeatEvent(Instant at, Type type, PoolKey pool, String user, String host, String sessionId,
                        String seatId, String reason, String detail) {

    public enum Type {
        GRANT, JOIN, DENY, RELEASE, EXPIRY, FORCE_RELEASE, LINGER_END,
        /** A seat taken offline until a date; RETURN ends it early, FORCE_RETURN is the administrator's, BORROW_END its date. */
        BORROW, RETURN, FORCE_RETURN, BORROW_END;

        public String code() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }
}
