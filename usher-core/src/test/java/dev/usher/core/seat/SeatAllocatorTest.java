package dev.usher.core.seat;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class SeatAllocatorTest {

    private static final PoolKey POOL = new PoolKey("demo", "cal");

    private static PoolTerms terms(boolean known, boolean server, int capacity) {
        return new PoolTerms(POOL, known, server, capacity, new PoolSettings(SeatKeyPolicy.USER, Duration.ZERO), "inst-1");
    }

    /**
     * Every combination of the inputs against the rules stated independently: holdings first (never
     * refused, never a new seat), then unknown pool, then unlicensed server, then capacity.
     */
    @Test
    void decidesEveryCombinationAsSpecified() {
        int checked = 0;
        for (boolean known : new boolean[] {false, true}) {
            for (boolean server : new boolean[] {false, true}) {
                for (int capacity = 0; capacity <= 6; capacity++) {
                    for (int inUse = 0; inUse <= 8; inUse++) {
                        for (String sessionSeat : new String[] {null, "s-seat"}) {
                            for (String keySeat : new String[] {null, "k-seat"}) {
                                CheckoutDecision d = SeatAllocator.decide(terms(known, server, capacity),
                                        new SeatAllocator.Held(sessionSeat, keySeat, inUse));
                                if (sessionSeat != null) {
                                    assertThat(d).isEqualTo(new CheckoutDecision.Keep(sessionSeat));
                                } else if (keySeat != null) {
                                    assertThat(d).isEqualTo(new CheckoutDecision.Join(keySeat));
                                } else if (!known) {
                                    assertThat(d).isInstanceOfSatisfying(CheckoutDecision.Deny.class,
                                            x -> assertThat(x.reason()).isEqualTo(DenyReason.UNKNOWN_POOL));
                                } else if (!server) {
                                    assertThat(d).isInstanceOfSatisfying(CheckoutDecision.Deny.class, x -> {
                                        assertThat(x.reason()).isEqualTo(DenyReason.SERVER_NOT_LICENSED);
                                        assertThat(x.message()).contains("inst-1");
                                    });
                                } else if (inUse >= capacity) {
                                    int cap = capacity;
                                    int used = inUse;
                                    assertThat(d).isInstanceOfSatisfying(CheckoutDecision.Deny.class, x -> {
                                        assertThat(x.reason()).isEqualTo(DenyReason.NO_SEATS_AVAILABLE);
                                        assertThat(x.capacity()).isEqualTo(cap);
                                        assertThat(x.inUse()).isEqualTo(used);
                                        assertThat(x.message()).contains("All " + cap + " seats");
                                    });
                                } else {
                                    assertThat(d).isInstanceOf(CheckoutDecision.Grant.class);
                                }
                                checked++;
                            }
                        }
                    }
                }
            }
        }
        assertThat(checked).isEqualTo(2 * 2 * 7 * 9 * 2 * 2);
    }

    /** Sequential grants from an empty pool never exceed capacity: the last grant is at capacity - 1 in use. */
    @Test
    void grantsExactlyCapacitySeats() {
        for (int capacity = 0; capacity <= 6; capacity++) {
            int inUse = 0;
            while (SeatAllocator.decide(terms(true, true, capacity), new SeatAllocator.Held(null, null, inUse))
                    instanceof CheckoutDecision.Grant) {
                inUse++;
            }
            assertThat(inUse).isEqualTo(capacity);
        }
    }
}
