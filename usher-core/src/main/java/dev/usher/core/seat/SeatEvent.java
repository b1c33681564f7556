package dev.usher.core.seat;

import java.time.Instant;

/**
 * Something that happened to a seat, recorded in the same transaction as the change itself so the
 * history can never disagree with the state (usage reports and the audit trail are built from it).
 */
public record SeatEvent(Instant at, Type type, PoolKey pool, String user, String host, String sessionId,
                        String seatId, String reason, String detail) {

    public enum Type {
        GRANT, JOIN, DENY, RELEASE, EXPIRY, FORCE_RELEASE, LINGER_END;

        public String code() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }
}
