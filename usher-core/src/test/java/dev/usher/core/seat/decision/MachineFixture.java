package dev.usher.core.seat.decision;

import dev.usher.core.assignment.Assignments;
import dev.usher.core.seat.CheckoutRequest;
import dev.usher.core.seat.PoolKey;
import dev.usher.core.seat.PoolSettings;
import dev.usher.core.seat.PoolTerms;
import dev.usher.core.seat.state.Effect;
import dev.usher.core.seat.state.Person;
import dev.usher.core.seat.state.SeatBook;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A resident book with a few people, run by the real {@link SeatMachine}: what a lone server does,
 * without the database. People are (re)loaded before every operation, as the store does; leases are
 * kept as the server's lease table would be after each commit.
 */
final class MachineFixture {

    static final PoolKey POOL = new PoolKey("demo", "cal");
    static final Duration TTL = Duration.ofSeconds(120);
    static final long ALL_USERS = 1;

    final SeatBook book = SeatBook.resident();
    final Map<PoolKey, Integer> capacity = new HashMap<>(Map.of(POOL, 3));
    final Map<PoolKey, Boolean> licensed = new HashMap<>();
    final Map<PoolKey, PoolSettings> settings = new HashMap<>();
    final Map<PoolKey, Assignments> rules = new HashMap<>();
    final Map<String, Person> people = new LinkedHashMap<>();
    final Map<String, Long> leases = new HashMap<>();
    final AtomicInteger seats = new AtomicInteger();
    final AtomicInteger nextId = new AtomicInteger(100);
    Instant now = Instant.parse("2026-03-01T09:00:00Z");
    final SeatMachine machine = new SeatMachine(book, this::terms, id -> leases.getOrDefault(id, 0L));

    PoolTerms terms(PoolKey pool, Instant at) {
        return new PoolTerms(pool, capacity.containsKey(pool), licensed.getOrDefault(pool, true), capacity.getOrDefault(pool, 0),
                settings.getOrDefault(pool, PoolSettings.DEFAULT), "inst-1", rules.getOrDefault(pool, Assignments.NONE));
    }

    Person person(String name, Long... roles) {
        Set<Long> r = new java.util.HashSet<>(Set.of(roles));
        r.add(ALL_USERS);
        Person p = new Person(nextId.incrementAndGet(), name, true, r);
        people.put(name, p);
        return p;
    }

    void disable(String name) {
        Person p = people.get(name);
        people.put(name, new Person(p.id(), p.name(), false, p.roles()));
    }

    <O> SeatMachine.Run<O> run(SeatOp<O> op) {
        book.forgetPeople();
        book.loadAllUsersRole(ALL_USERS);
        for (Person p : people.values()) {
            book.load(p);
            book.loadKey(p.name().toLowerCase(java.util.Locale.ROOT), p.id(), null);
        }
        if (op instanceof SeatOp.Checkout c && !book.hasKey(c.request().userKey())) {
            book.loadKey(c.request().userKey(), null, c.request().autoCreate() ? (long) nextId.incrementAndGet() : null);
        }
        SeatMachine.Run<O> run = machine.run(op);
        for (Effect e : run.effects()) {
            switch (e) {
                case Effect.StartSession s -> leases.put(s.id(), s.leaseEnd().toEpochMilli());
                case Effect.RenewLease r -> leases.merge(r.sessionId(), r.leaseEnd().toEpochMilli(), Math::max);
                case Effect.EndSession s -> leases.remove(s.sessionId());
                case Effect.CreatePerson c -> people.put(c.name(), new Person(c.id(), c.name(), true, Set.of(ALL_USERS)));
                default -> { }
            }
        }
        return run;
    }

    Checkouts.Outcome checkout(String session, String user, String host) {
        return checkout(session, user, host, POOL);
    }

    Checkouts.Outcome checkout(String session, String user, String host, PoolKey pool) {
        return run(new SeatOp.Checkout(new CheckoutRequest(session, pool, user, user.toLowerCase(java.util.Locale.ROOT), host,
                host.toLowerCase(java.util.Locale.ROOT), "test", now, TTL, null, true, true, "seat-" + seats.incrementAndGet()))).outcome();
    }

    /** A checkout with the machine-name facts: the setting, and whether the name is a known host; {@code userId} null in open mode. */
    SeatMachine.Run<Checkouts.Outcome> checkout(String session, String user, String host, Long userId, boolean refuseMachineNames,
                                                boolean nameIsAKnownHost) {
        return run(new SeatOp.Checkout(new CheckoutRequest(session, POOL, user, user.toLowerCase(java.util.Locale.ROOT), host,
                host.toLowerCase(java.util.Locale.ROOT), "test", now, TTL, userId, true, refuseMachineNames, nameIsAKnownHost, true,
                "seat-" + seats.incrementAndGet())));
    }

    Checkouts.Outcome checkoutKnownOnly(String session, String user) {
        return run(new SeatOp.Checkout(new CheckoutRequest(session, POOL, user, user.toLowerCase(java.util.Locale.ROOT), "ws",
                "ws", "test", now, TTL, null, false, true, "seat-" + seats.incrementAndGet()))).outcome();
    }
}
