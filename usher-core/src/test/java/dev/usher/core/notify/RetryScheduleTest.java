package dev.usher.core.notify;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RetryScheduleTest {

    @Test
    void the_wait_doubles_up_to_the_longest_and_stops_after_the_last_attempt() {
        List<Duration> waits = new ArrayList<>();
        for (int made = 1; RetrySchedule.DEFAULT.after(made).isPresent(); made++) {
            waits.add(RetrySchedule.DEFAULT.after(made).orElseThrow());
        }
        assertThat(waits).containsExactly(Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(2), Duration.ofMinutes(4),
                Duration.ofMinutes(8), Duration.ofMinutes(16), Duration.ofMinutes(32), Duration.ofHours(1), Duration.ofHours(1),
                Duration.ofHours(1), Duration.ofHours(1));
        assertThat(RetrySchedule.DEFAULT.after(12)).isEmpty();
    }
}
