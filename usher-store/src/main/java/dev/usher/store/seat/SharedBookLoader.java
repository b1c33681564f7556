package dev.usher.store.seat;

import dev.usher.core.seat.PoolKey;
import dev.usher.core.seat.PoolTermsSource;
import dev.usher.core.seat.decision.SeatMachine;
import dev.usher.core.seat.decision.SeatOp;
import dev.usher.core.seat.state.HeldSeat;
import dev.usher.core.seat.state.Person;
import dev.usher.core.seat.state.SeatBook;
import dev.usher.store.Dialect;
import org.jdbi.v3.core.Handle;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static dev.usher.store.seat.ReadScript.longs;
import static dev.usher.store.seat.ReadScript.texts;

/**
 * Loads, from a database several nodes share (PostgreSQL), the partial book a group of operations
 * needs, in one round trip or two. The first reads what the operations name: the people (with their roles,
 * and the id a new one would get), the sessions (with every checkout they hold) and the seats an
 * administrator names or a person's every seat (with the sessions on them). From that,
 * {@link Loading#needs} says every session and pool the decisions may change, which the caller holds
 * locked before {@link SharedBookLoader#finish} reads the rest: the seats each person holds in the
 * pools asked about, the seats of the sessions read, the loans of the pools borrowed from, and every
 * pool's tally. When the transaction held the pools' locks from its first statement, those reads go with the first
 * round trip ({@link ReadAhead}) and the second is needed only if the first shows more pools. What it did not load,
 * a decision cannot read ({@link SeatBook#partial}).
 */
final class SharedBookLoader {

    private record PoolUser(PoolKey pool, long userId) {}

    private final PoolTermsSource terms;
    private volatile long allUsersRole = -1;
    private final java.util.concurrent.atomic.AtomicLong loads = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong secondRoundTrips = new java.util.concurrent.atomic.AtomicLong();

    /** Loads finished so far, and how many of them needed a second round trip (see {@link ReadAhead}). */
    record Counts(long loads, long secondRoundTrips) {}

    Counts counts() {
        return new Counts(loads.get(), secondRoundTrips.get());
    }

    SharedBookLoader(PoolTermsSource terms) {
        this.terms = terms;
    }

    /** What the caller must hold locked: every session the decisions may change, and every pool. */
    record Locks(Set<String> sessions, Set<PoolKey> pools) {
        boolean within(Locks held) {
            return held.sessions().containsAll(sessions) && held.pools().containsAll(pools);
        }
    }

    /** A load between its first round trip and {@link #finish}. */
    final class Loading {
        private final List<? extends SeatOp<?>> ops;
        private final SeatBook book = SeatBook.partial();
        private final Handle handle;
        private final Set<String> sessions = new LinkedHashSet<>();
        private final Map<String, Map<PoolKey, String>> checkouts = new HashMap<>();
        private final Map<String, HeldSeat> named = new LinkedHashMap<>();
        private final Map<String, List<String>> listed = new HashMap<>();
        private final Set<PoolKey> pools = new LinkedHashSet<>();
        private final Set<PoolKey> loanPools = new LinkedHashSet<>();
        /** Sessions that may end in this group: every pool they hold a seat in must be locked. */
        private final Set<String> ending = new LinkedHashSet<>();

        /** The second round trip's reads, sent with the first (null when they were not: see {@link ReadAhead}). */
        private ReadAhead ahead;

        /**
         * {@code held}: the locks the transaction holds since before this load (null: none known); {@code takeFirst}: the
         * query that takes them, to send ahead of the reads (null: taken already).
         */
        private Loading(Handle h, List<? extends SeatOp<?>> ops, SeatMachine.Leases leases, Locks held, Dialect.LockQuery takeFirst) {
            this.ops = ops;
            this.handle = h;
            Set<Long> ids = new LinkedHashSet<>();
            Set<String> keys = new LinkedHashSet<>();
            Set<String> mayBeNew = new LinkedHashSet<>();
            Set<String> namedSeats = new LinkedHashSet<>();
            Set<Long> everySeatOfIds = new LinkedHashSet<>();
            Set<String> everySeatOfKeys = new LinkedHashSet<>();
            for (SeatOp<?> op : ops) {
                switch (op) {
                    case SeatOp.Checkout co -> {
                        var r = co.request();
                        sessions.add(r.sessionId());
                        pools.add(r.pool());
                        if (r.userId() != null) {
                            ids.add(r.userId());
                        } else {
                            keys.add(r.userKey());
                            if (r.autoCreate()) {
                                mayBeNew.add(r.userKey());
                            }
                        }
                    }
                    case SeatOp.Checkin ci -> {
                        sessions.add(ci.sessionId());
                        pools.add(ci.pool());
                    }
                    case SeatOp.EndSession e -> ending.add(e.sessionId());
                    case SeatOp.Expire e -> ending.add(e.sessionId());
                    case SeatOp.Borrow b -> {
                        sessions.add(b.sessionId());
                        pools.add(b.pool());
                        loanPools.add(b.pool());
                    }
                    case SeatOp.ForceRelease f -> namedSeats.add(f.seatId());
                    case SeatOp.EndLoan e -> namedSeats.add(e.seatId());
                    case SeatOp.EndLinger e -> namedSeats.add(e.seatId());
                    case SeatOp.EndLoanDate e -> namedSeats.add(e.seatId());
                    case SeatOp.ReleasePerson r -> {
                        keys.add(r.userKey());
                        everySeatOfKeys.add(r.userKey());
                    }
                    case SeatOp.Merge m -> {
                        ids.add(m.intoId());
                        ids.add(m.fromId());
                        everySeatOfIds.add(m.intoId());
                        everySeatOfIds.add(m.fromId());
                    }
                }
            }
            sessions.addAll(ending);
            // The first round trip: people, named seats with their sessions, and every session with its checkouts.
            ReadScript read = new ReadScript();
            if (takeFirst != null) {
                // First in the script: every read after it sees what the last holder of these locks committed.
                read.add(takeFirst.sql(), List.of(longs(takeFirst.lockClasses()), texts(takeFirst.keys())),
                        rs -> takeFirst.waited().accept(rs.getLong(2)));
            }
            read.add(SharedReads.PLANNER, List.of(), rs -> { });
            Map<String, Long> owners = new HashMap<>();
            Map<String, Long> reserved = new HashMap<>();
            Map<Long, Person> people = new HashMap<>();
            if (allUsersRole < 0) {
                read.add("SELECT id FROM roles WHERE built_in = 'all-users'", List.of(), rs -> allUsersRole = rs.getLong(1));
            }
            if (!ids.isEmpty() || !keys.isEmpty()) {
                read.add(SharedReads.PEOPLE, List.of(longs(ids), texts(keys)), rs -> {
                            Set<Long> roles = new HashSet<>();
                            for (Object r : (Object[]) rs.getArray(4).getArray()) {
                                roles.add(((Number) r).longValue());
                            }
                            people.put(rs.getLong(1), new Person(rs.getLong(1), rs.getString(2), rs.getInt(3) == 1, roles));
                        });
                read.add(SharedReads.KEY_OWNERS, List.of(texts(keys)),
                        rs -> owners.put(rs.getString(1), rs.getLong(2)));
            }
            if (!mayBeNew.isEmpty()) {
                // A name that is nobody's may become a person: the id it would get (a drawn id never used is skipped).
                read.add(SharedReads.NEW_PEOPLE_IDS, List.of(texts(mayBeNew)),
                        rs -> reserved.put(rs.getString(1), rs.getLong(2)));
            }
            List<ReadScript.Param> namedParams = List.of(texts(namedSeats), longs(everySeatOfIds), texts(everySeatOfKeys));
            boolean anyNamed = !namedSeats.isEmpty() || !everySeatOfIds.isEmpty() || !everySeatOfKeys.isEmpty();
            if (anyNamed) {
                read.add(SharedReads.NAMED_SEATS, namedParams, rs -> {
                            HeldSeat seat = SeatRows.seat(rs, 2);
                            named.put(seat.id(), seat);
                            List<String> on = new ArrayList<>();
                            for (Object o : (Object[]) rs.getArray(1).getArray()) {
                                on.add((String) o);
                            }
                            listed.put(seat.id(), on);
                        });
            }
            if (!sessions.isEmpty() || anyNamed) {
                List<ReadScript.Param> wanted = new ArrayList<>();
                wanted.add(texts(sessions));
                // The sessions on named seats only when a seat is named: the common group (checkouts and check-ins)
                // names none, and its reads are time the pools are locked.
                if (anyNamed) {
                    wanted.addAll(namedParams);
                }
                // Checkouts first: the script reads result sets in order, so each session row finds its checkouts.
                read.add(SharedReads.checkoutsOf(anyNamed), wanted, rs -> checkouts.computeIfAbsent(rs.getString(1), k -> new HashMap<>())
                                .put(new PoolKey(rs.getString(2), rs.getString(3)), rs.getString(4)));
                read.add(SharedReads.sessionsOf(anyNamed), wanted, rs -> {
                            book.load(SeatRows.session(rs, 1, checkouts.getOrDefault(rs.getString(1), Map.of())));
                            sessions.add(rs.getString(1));
                        });
            }
            if (held != null && !held.pools().isEmpty() && !anyNamed && allUsersRole >= 0) {
                ahead = ReadAhead.add(read, terms, held.pools(), ops, Set.copyOf(sessions), loanPools,
                        ops.getFirst().now(), allUsersRole);
            }
            read.run(h.getConnection());
            sessions.forEach(id -> {
                if (!book.hasSession(id)) {
                    book.loadNoSession(id);
                }
            });
            book.loadAllUsersRole(allUsersRole);
            people.values().forEach(p -> {
                Set<Long> roles = new HashSet<>(p.roles());
                roles.add(allUsersRole);
                book.load(new Person(p.id(), p.name(), p.enabled(), roles));
            });
            ids.stream().filter(id -> !book.hasPerson(id)).forEach(book::loadNoPerson);
            keys.forEach(k -> book.loadKey(k, owners.get(k), reserved.get(k)));
            namedSeats.forEach(book::loadNoSeat);
            everySeatOfIds.forEach(book::loadedSeatsOf);
            everySeatOfKeys.stream().map(owners::get).filter(java.util.Objects::nonNull).forEach(book::loadedSeatsOf);
            listed.values().forEach(ending::addAll);
            named.values().forEach(s -> pools.add(s.pool()));
            // A session that is not live is ended by the checkout that finds it (or by the sweeper).
            for (SeatOp<?> op : ops) {
                if (op instanceof SeatOp.Checkout co) {
                    book.session(co.request().sessionId()).filter(x -> Math.max(x.leaseEnd(), leases.leaseEnd(x.id()))
                            <= co.now().toEpochMilli()).ifPresent(x -> ending.add(x.id()));
                }
            }
        }

        /** Every session the decisions may change and every pool whose seats they may change. */
        Locks needs() {
            Set<PoolKey> p = new TreeSet<>(pools);
            for (String id : ending) {
                p.addAll(checkouts.getOrDefault(id, Map.of()).keySet());
            }
            return new Locks(new TreeSet<>(sessions), p);
        }

        /** The second round trip, under the locks of {@link #needs}: the seats and the pools' tallies. */
        SeatBook finish() {
            Set<PoolUser> poolUsers = new LinkedHashSet<>();
            for (SeatOp<?> op : ops) {
                if (op instanceof SeatOp.Checkout co) {
                    var r = co.request();
                    (r.userId() != null ? book.person(r.userId()) : book.personByKey(r.userKey()))
                            .ifPresent(p -> poolUsers.add(new PoolUser(r.pool(), p.id())));
                }
            }
            Set<String> theirSeats = new LinkedHashSet<>();
            checkouts.values().forEach(m -> theirSeats.addAll(m.values()));
            theirSeats.removeAll(named.keySet());
            Map<String, HeldSeat> found = new LinkedHashMap<>(named);
            Set<PoolKey> tallied = new LinkedHashSet<>(pools);
            checkouts.values().forEach(m -> tallied.addAll(m.keySet()));
            List<PoolUser> pu = List.copyOf(poolUsers);
            List<PoolKey> lp = List.copyOf(loanPools);
            if (ahead != null) {
                ahead.seats().values().forEach(s -> found.putIfAbsent(s.id(), s));
                found.values().forEach(s -> tallied.add(s.pool()));
                if (ahead.covers(tallied)) {
                    loads.incrementAndGet();
                    return loadSeats(found, ahead.tallies(), pu);
                }
                found.keySet().retainAll(named.keySet()); // read again below, with the tallies of the other pools
                tallied.clear();
                tallied.addAll(pools);
                checkouts.values().forEach(m -> tallied.addAll(m.keySet()));
            }
            ReadScript read = new ReadScript();
            if (!pu.isEmpty() || !theirSeats.isEmpty() || !lp.isEmpty()) {
                read.add(SharedReads.SEATS_OF,
                        List.of(texts(pu.stream().map(x -> x.pool().product()).toList()),
                                texts(pu.stream().map(x -> x.pool().feature()).toList()),
                                longs(pu.stream().map(PoolUser::userId).toList()), texts(theirSeats),
                                texts(lp.stream().map(PoolKey::product).toList()), texts(lp.stream().map(PoolKey::feature).toList())),
                        rs -> {
                            HeldSeat s = SeatRows.seat(rs, 1);
                            found.putIfAbsent(s.id(), s);
                            tallied.add(s.pool());
                        });
            }
            Instant now = ops.isEmpty() ? Instant.EPOCH : ops.getFirst().now();
            SharedTallies.Reading tallies = SharedTallies.read(read, terms, tallied, now, allUsersRole);
            loads.incrementAndGet();
            if (!read.isEmpty()) {
                secondRoundTrips.incrementAndGet();
            }
            read.run(handle.getConnection());
            return loadSeats(found, tallies.done(), pu);
        }

        private SeatBook loadSeats(Map<String, HeldSeat> found, SharedTallies counted, List<PoolUser> pu) {
            for (HeldSeat s : found.values()) {
                book.load(counted.limited(s), listed.get(s.id()));
            }
            pu.forEach(x -> book.loadedSeatsOf(x.pool(), x.userId()));
            counted.byPool().forEach(book::load);
            return book;
        }
    }

    /** Starts loading for {@code ops}: the first round trip. {@code leases}: the live leases this node knows. */
    Loading start(Handle h, List<? extends SeatOp<?>> ops, SeatMachine.Leases leases) {
        return new Loading(h, ops, leases, null, null);
    }

    /**
     * The same, in a transaction that holds {@code held} since its first statement (taken by {@code takeFirst} ahead
     * of the first read when not null): the second round trip's reads for those pools go with the first, and
     * {@link #finish} needs no round trip of its own when they cover the decisions.
     */
    Loading start(Handle h, List<? extends SeatOp<?>> ops, SeatMachine.Leases leases, Locks held, Dialect.LockQuery takeFirst) {
        return new Loading(h, ops, leases, held, takeFirst);
    }

    SeatBook finish(Loading loading) {
        return loading.finish();
    }

    /**
     * What an explanation reads (no locks: it changes nothing): what a checkout by this person would,
     * which is the person, their seats in the pool and the pool's tally.
     */
    SeatBook forExplanation(Handle h, PoolKey pool, long userId, Instant now) {
        Loading l = new Loading(h, List.of(new SeatOp.Checkout(new dev.usher.core.seat.CheckoutRequest("-", pool, "-", "-", "-", "-",
                null, now, java.time.Duration.ZERO, userId, false))), id -> 0, null, null);
        return l.finish();
    }
}
