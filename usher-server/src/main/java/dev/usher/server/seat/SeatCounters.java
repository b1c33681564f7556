package dev.usher.server.seat;

import dev.usher.core.seat.DenyReason;
import dev.usher.core.seat.PoolKey;

/**
 * What the seat engine tells the metrics about its decisions, after they are durable. Kept to a few
 * calls so the hot path pays for an increment, nothing more; {@link #NONE} when nobody listens.
 */
public interface SeatCounters {

    /** How a checkout or a seat was given back. */
    enum Release {
        CHECKIN("checkin"), SESSION_END("session-end"), ADMIN("admin"), LINGER_END("linger-end");

        private final String code;

        Release(String code) {
            this.code = code;
        }

        public String code() {
            return code;
        }
    }

    /** A new seat was taken from the pool (a 201). */
    void granted(PoolKey pool);

    void denied(PoolKey pool, DenyReason reason);

    void released(Release how, int count);

    /** Sessions ended because their lease lapsed. */
    void expired(int sessions);

    SeatCounters NONE = new SeatCounters() {
        @Override
        public void granted(PoolKey pool) {
        }

        @Override
        public void denied(PoolKey pool, DenyReason reason) {
        }

        @Override
        public void released(Release how, int count) {
        }

        @Override
        public void expired(int sessions) {
        }
    };
}
