package dev.usher.core.seat;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BorrowPolicyTest {

    private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");

    private static BorrowPolicy.Decision decide(BorrowPolicy p, int capacity, int borrowedOther, Duration loan) {
        return p.decide(capacity, borrowedOther, NOW, NOW.plus(loan));
    }

    @Test
    void lendsWithinTheDaysAndAboveTheFloorForEveryCombination() {
        // Exhaustive over small pools: a loan is granted exactly when the policy allows it, the date is
        // in (now, now + maxDays], and one more loan still leaves `floor` seats unlent.
        for (int capacity = 0; capacity <= 6; capacity++) {
            for (int floor = 0; floor <= 7; floor++) {
                for (int borrowed = 0; borrowed <= 7; borrowed++) {
                    for (int maxDays = 1; maxDays <= 3; maxDays++) {
                        for (long hours : new long[] {-1, 0, 1, 24 * maxDays, 24 * maxDays + 1}) {
                            for (boolean allowed : new boolean[] {true, false}) {
                                BorrowPolicy p = new BorrowPolicy(allowed, maxDays, floor);
                                var d = decide(p, capacity, borrowed, Duration.ofHours(hours));
                                boolean expected = allowed && hours > 0 && hours <= 24L * maxDays && borrowed + 1 <= capacity - floor;
                                assertThat(d instanceof BorrowPolicy.Decision.Lend)
                                        .as("cap %d floor %d borrowed %d max %d hours %d allowed %s", capacity, floor, borrowed, maxDays, hours, allowed)
                                        .isEqualTo(expected);
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void eachRefusalSaysWhyInItsOwnWords() {
        assertThat(decide(new BorrowPolicy(false, 7, 0), 5, 0, Duration.ofDays(1)))
                .isEqualTo(new BorrowPolicy.Decision.Refuse("borrow-not-allowed", 403,
                        "borrowing is turned off for this pool; ask your administrator"));
        var tooLong = (BorrowPolicy.Decision.Refuse) decide(BorrowPolicy.DEFAULT, 5, 0, Duration.ofDays(8));
        assertThat(tooLong.code()).isEqualTo("borrow-too-long");
        assertThat(tooLong.message()).contains("at most 7 day(s)").contains("2026-06-08T12:00:00Z");
        var past = (BorrowPolicy.Decision.Refuse) decide(BorrowPolicy.DEFAULT, 5, 0, Duration.ZERO);
        assertThat(past.code()).isEqualTo("validation-failed");
        var floor = (BorrowPolicy.Decision.Refuse) decide(new BorrowPolicy(true, 7, 3), 5, 2, Duration.ofDays(1));
        assertThat(floor.code()).isEqualTo("borrow-limit-reached");
        assertThat(floor.status()).isEqualTo(409);
        assertThat(floor.message()).startsWith("2 of 5 seats are on loan and 3 must stay on site");
    }

    @Test
    void nonsensePoliciesCannotBeMade() {
        assertThatThrownBy(() -> new BorrowPolicy(true, 0, 0)).hasMessageContaining("between 1 and 365");
        assertThatThrownBy(() -> new BorrowPolicy(true, 366, 0)).hasMessageContaining("between 1 and 365");
        assertThatThrownBy(() -> new BorrowPolicy(true, 7, -1)).hasMessageContaining("floor");
        assertThat(new PoolSettings(SeatKeyPolicy.USER, Duration.ZERO).borrow()).isEqualTo(BorrowPolicy.DEFAULT);
    }
}
