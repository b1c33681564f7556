package dev.usher.core.seat.decision;

import dev.usher.core.seat.*;
import dev.usher.core.seat.state.*;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.*;

import static org.assertj.core.api.Assertions.assertThat;

class ScratchTest {
    static String describe(SeatBook b) {
        return new java.util.TreeMap<>(b.seats().stream().collect(java.util.stream.Collectors.toMap(HeldSeat::id, x -> x))).toString()
                + b.tallies();
    }

    @Test
    void random() {
        PoolKey pool = new PoolKey("demo", "cal");
        for (long seed = 0; seed < 300; seed++) {
            SeatBook book = SeatBook.resident();
            book.loadAllUsersRole(1);
            Map<String, Long> leases = new HashMap<>();
            Instant[] now = {Instant.parse("2026-01-01T00:00:00Z")};
            SeatMachine m = new SeatMachine(book, (p, at) -> new PoolTerms(p, true, true, 3, PoolSettings.DEFAULT, "i"), id -> leases.getOrDefault(id, 0L));
            Random r = new Random(seed);
            List<String> log = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                int op = r.nextInt(10);
                String session = "s" + r.nextInt(6);
                String user = "u" + r.nextInt(5);
                SeatOp<?> o;
                if (op < 5) {
                    book.forgetPeople();
                    for (int u = 0; u < 5; u++) {
                        book.load(new Person(100 + u, "u" + u, true, Set.of(1L)));
                        book.loadKey("u" + u, 100L + u, null);
                    }
                    o = new SeatOp.Checkout(new CheckoutRequest(session, pool, user, user, "h" + r.nextInt(2), "h", "c", now[0], Duration.ofSeconds(120), null, true, true, UUID.randomUUID().toString()));
                } else if (op < 7) {
                    o = new SeatOp.Checkin(session, pool, now[0]);
                } else if (op < 8) {
                    now[0] = now[0].plusSeconds(r.nextInt(3) == 0 ? 130 : 10);
                    o = new SeatOp.Expire(session, now[0]);
                } else if (op < 9) {
                    List<HeldSeat> seats = new ArrayList<>(book.seats());
                    if (seats.isEmpty()) continue;
                    o = new SeatOp.ForceRelease(seats.get(r.nextInt(seats.size())).id(), now[0], "x");
                } else {
                    o = new SeatOp.EndSession(session, now[0]);
                }
                book.begin();
                var run = m.run(o);
                if (r.nextInt(4) == 0) {
                    String before = describe(book);
                    book.rollback();
                    book.begin();
                    var again = m.run(o);
                    book.commit();
                    run = again;
                } else {
                    book.commit();
                }
                log.add(o + " -> " + run.outcome());
                for (Effect e : run.effects()) {
                    if (e instanceof Effect.StartSession s) leases.put(s.id(), s.leaseEnd().toEpochMilli());
                    if (e instanceof Effect.RenewLease s) leases.put(s.sessionId(), s.leaseEnd().toEpochMilli());
                    if (e instanceof Effect.EndSession s) leases.remove(s.sessionId());
                }
                if (book.seats().size() > 3 || book.tally(pool).inUse() != book.seats().size()) {
                    throw new AssertionError("seed " + seed + " step " + i + ": " + book.seats().size() + " seats, tally " + book.tally(pool).inUse() + "\n" + String.join("\n", log.subList(Math.max(0, log.size() - 12), log.size())));
                }
            }
        }
    }
}
