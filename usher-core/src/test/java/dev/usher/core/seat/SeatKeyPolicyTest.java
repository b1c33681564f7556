package dev.usher.core.seat;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SeatKeyPolicyTest {

    @Test
    void keysDependOnlyOnWhatThePolicyCounts() {
        assertThat(SeatKeyPolicy.USER.seatKey(7, "ws1", "s1")).isEqualTo(SeatKeyPolicy.USER.seatKey(7, "ws2", "s2"));
        assertThat(SeatKeyPolicy.USER.seatKey(7, "ws1", "s1")).isNotEqualTo(SeatKeyPolicy.USER.seatKey(8, "ws1", "s1"));
        assertThat(SeatKeyPolicy.USER_HOST.seatKey(7, "ws1", "s1")).isEqualTo(SeatKeyPolicy.USER_HOST.seatKey(7, "ws1", "s2"));
        assertThat(SeatKeyPolicy.USER_HOST.seatKey(7, "ws1", "s1")).isNotEqualTo(SeatKeyPolicy.USER_HOST.seatKey(7, "ws2", "s1"));
        assertThat(SeatKeyPolicy.SESSION.seatKey(7, "ws1", "s1")).isNotEqualTo(SeatKeyPolicy.SESSION.seatKey(7, "ws1", "s2"));
    }

    @Test
    void codesRoundTripAndUnknownCodesAreExplained() {
        for (SeatKeyPolicy p : SeatKeyPolicy.values()) {
            assertThat(SeatKeyPolicy.fromCode(p.code())).isEqualTo(p);
        }
        assertThatThrownBy(() -> SeatKeyPolicy.fromCode("host")).hasMessageContaining("user, user+host, session");
    }
}
