package dev.usher.core.seat.state;

import dev.usher.core.assignment.Charge;
import dev.usher.core.seat.PoolKey;
import dev.usher.core.seat.SeatKeyPolicy;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SeatBookTest {

    private static final PoolKey POOL = new PoolKey("demo", "cal");
    private static final Instant T = Instant.parse("2026-03-01T09:00:00Z");

    private static String state(SeatBook b) {
        return new java.util.TreeMap<>(b.seats().stream().collect(java.util.stream.Collectors.toMap(HeldSeat::id, s -> s))) + " "
                + new java.util.TreeMap<>(b.sessions().stream().collect(java.util.stream.Collectors.toMap(LiveSession::id, s -> s))) + " "
                + b.tallies() + " " + b.seatsOf(POOL, 7) + " " + b.sessionsOn("x");
    }

    @Test
    void aGroupTakenBackLeavesTheBookExactlyAsItWas() {
        SeatBook b = SeatBook.resident();
        b.loadAllUsersRole(1);
        b.apply(new Effect.StartSession("s1", 7, "alice", "ws", "ws", null, T, T.plusSeconds(60)));
        b.apply(new Effect.InsertSeat("x", POOL, "u:7", 7, "alice", "ws", T, Charge.SHARED, Set.of(), "s1"));
        b.apply(new Effect.AttachCheckout("s1", POOL, "x", T));
        String before = state(b);
        b.begin();
        b.apply(new Effect.StartSession("s2", 7, "alice", "ws2", "ws2", null, T, T.plusSeconds(60)));
        b.apply(new Effect.AttachCheckout("s2", POOL, "x", T));
        b.apply(new Effect.EndCheckout("s1", POOL, "x"));
        b.apply(new Effect.EndSession("s1"));
        b.apply(new Effect.EndCheckout("s2", POOL, "x"));
        b.apply(new Effect.ReleaseSeat("x", POOL));
        b.apply(new Effect.InsertSeat("y", POOL, "u:7", 7, "alice", "ws", T, Charge.SHARED, Set.of(0), "s1"));
        assertThat(state(b)).isNotEqualTo(before);
        b.rollback();
        assertThat(state(b)).isEqualTo(before);
    }

    @Test
    void aStepOfTheWallClockMovesTheLeasesItCoversAndNothingElse() {
        SeatBook b = SeatBook.resident();
        b.apply(new Effect.StartSession("old", 7, "alice", "ws", "ws", null, T, T.plusSeconds(120)));
        b.apply(new Effect.StartSession("new", 8, "bob", "ws2", "ws2", null, T.plusSeconds(5), T.plusSeconds(125)));
        b.apply(new Effect.InsertSeat("x", POOL, "u:7", 7, "alice", "ws", T, Charge.SHARED, Set.of(), "old"));
        b.apply(new Effect.AttachCheckout("old", POOL, "x", T));

        // 30 minutes back, for the leases last heartbeated before T + 1 s (the new clock's are left as they are).
        assertThat(b.shiftLeases(-1_800_000, (heartbeat, end) -> heartbeat <= T.plusSeconds(1).toEpochMilli())).isEqualTo(1);

        LiveSession old = b.session("old").orElseThrow();
        assertThat(old.leaseEnd()).isEqualTo(T.plusSeconds(120 - 1800).toEpochMilli());
        assertThat(old.lastHeartbeat()).isEqualTo(T.minusSeconds(1800).toEpochMilli());
        assertThat(old.checkouts()).containsEntry(POOL, "x");
        assertThat(b.session("new").orElseThrow().leaseEnd()).isEqualTo(T.plusSeconds(125).toEpochMilli());
    }

    @Test
    void oneKeyHoldsOneSeatOfAPoolWhateverTheDecisionSays() {
        SeatBook b = SeatBook.resident();
        b.apply(new Effect.InsertSeat("x", POOL, "u:7", 7, "alice", "ws", T, Charge.SHARED, Set.of(), "s1"));
        assertThatThrownBy(() -> b.apply(new Effect.InsertSeat("y", POOL, "u:7", 7, "alice", "ws", T, Charge.SHARED, Set.of(), "s1")))
                .hasMessageContaining("key u:7 already holds seat x");
    }

    @Test
    void underSessionKeysASessionFindsTheSeatItWasGrantedUnderAnotherPolicy() {
        SeatBook b = SeatBook.resident();
        b.apply(new Effect.InsertSeat("x", POOL, "u:7", 7, "alice", "ws", T, Charge.SHARED, Set.of(), "s1"));
        b.apply(new Effect.InsertSeat("y", POOL, "uh:7:ws2", 7, "alice", "ws2", T.plusSeconds(1), Charge.SHARED, Set.of(), "s1"));
        b.apply(new Effect.InsertSeat("z", POOL, "s:s2", 7, "alice", "ws", T.plusSeconds(2), Charge.SHARED, Set.of(), "s2"));
        b.apply(new Effect.InsertSeat("w", POOL, "u:8", 8, "bob", "ws", T, Charge.SHARED, Set.of(), "s3"));

        // The key's own seat; else the person's oldest seat granted to the session; else none.
        assertThat(b.seatOfKey(POOL, SeatKeyPolicy.SESSION, 7, "ws", "s2")).map(HeldSeat::id).contains("z");
        assertThat(b.seatOfKey(POOL, SeatKeyPolicy.SESSION, 7, "ws3", "s1")).map(HeldSeat::id).contains("x");
        assertThat(b.seat("x").orElseThrow().grantSession()).isEqualTo("s1");
        assertThat(b.seatOfKey(POOL, SeatKeyPolicy.SESSION, 7, "ws", "s3")).isEmpty();
        assertThat(b.seatOfKey(POOL, SeatKeyPolicy.SESSION, 7, "ws", "s4")).isEmpty();
        // A seat remembers its session whoever holds it (a merge) and whatever else changes on it.
        b.apply(new Effect.ReassignSeat("w", 7, "alice", "u:7b"));
        b.apply(new Effect.SetLinger("w", T.plusSeconds(60)));
        assertThat(b.seatOfKey(POOL, SeatKeyPolicy.SESSION, 7, "ws", "s3")).map(HeldSeat::id).contains("w");
    }

    @Test
    void aPartialBookRefusesToAnswerWhatItWasNotLoadedWith() {
        SeatBook b = SeatBook.partial();
        b.loadNoSession("s1");
        assertThat(b.session("s1")).isEmpty();
        assertThatThrownBy(() -> b.session("s2")).isInstanceOf(NotLoadedException.class).hasMessageContaining("session s2");
        assertThatThrownBy(() -> b.tally(POOL)).isInstanceOf(NotLoadedException.class);
        assertThatThrownBy(() -> b.seatsOf(POOL, 7)).isInstanceOf(NotLoadedException.class);
        b.loadedSeatsOf(POOL, 7);
        assertThat(b.seatsOf(POOL, 7)).isEmpty();
    }
}
