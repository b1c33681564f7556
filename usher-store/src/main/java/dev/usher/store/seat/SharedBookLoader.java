package dev.usher.store.seat;

import dev.usher.core.assignment.Assignments;
import dev.usher.core.assignment.Charge;
import dev.usher.core.assignment.Rule;
import dev.usher.core.seat.PoolKey;
import dev.usher.core.seat.PoolTermsSource;
import dev.usher.core.seat.decision.SeatMachine;
import dev.usher.core.seat.decision.SeatOp;
import dev.usher.core.seat.state.HeldSeat;
import dev.usher.core.seat.state.PoolTally;
import dev.usher.core.seat.state.SeatBook;
import dev.usher.store.StoreException;
import org.jdbi.v3.core.Handle;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Loads, from a database several nodes share (PostgreSQL), the partial book a group of operations
 * needs: the people they are about, the sessions they name and every seat those sessions hold, the
 * seats each person holds in the pools asked about, the seats an administrator names with the
 * sessions on them, and the tally of every pool any of those seats is in. What it did not load, a
 * decision cannot read ({@link SeatBook#partial}). Run under the group's locks, so what it reads
 * about locked sessions and pools stays true until the group commits.
 */
final class SharedBookLoader {

    private record PoolUser(PoolKey pool, long userId) {}

    /** Seats of (pool, person) pairs, bound as three arrays. */
    private static final String POOL_USERS = """
            (s.product, s.feature, s.user_id) IN (SELECT * FROM unnest(CAST(? AS text[]), CAST(? AS text[]), CAST(? AS bigint[])))""";

    private final PeopleReader people = new PeopleReader(PeopleReader.POSTGRES_IDS);
    private final PoolTermsSource terms;

    SharedBookLoader(PoolTermsSource terms) {
        this.terms = terms;
    }

    /** What a group must hold locked: every session its decisions may change, and every pool. */
    record Locks(Set<String> sessions, Set<PoolKey> pools) {
        boolean within(Locks held) {
            return held.sessions().containsAll(sessions) && held.pools().containsAll(pools);
        }
    }

    /**
     * A load in two phases. The first reads what the operations name: the people, the sessions (with
     * the pools of their checkouts) and the seats an administrator names (with the sessions on them).
     * From that, {@link #needs} says every session and pool the decisions may change, which the caller
     * then holds locked before {@link #finish} reads the seats and tallies.
     */
    final class Loading {
        private final List<? extends SeatOp<?>> ops;
        private final SeatBook book = SeatBook.partial();
        private final Connection c;
        private final Set<String> sessions = new LinkedHashSet<>();
        private final Map<String, Map<PoolKey, String>> checkouts = new HashMap<>();
        private final List<HeldSeat> named = new ArrayList<>();
        private final Map<String, List<String>> listed = new HashMap<>();
        private final Set<PoolUser> poolUsers = new LinkedHashSet<>();
        private final Set<Long> everySeatOf = new LinkedHashSet<>();
        private final Set<PoolKey> pools = new LinkedHashSet<>();
        private final Set<PoolKey> loanPools = new LinkedHashSet<>();
        /** Sessions that may end in this group: their every checkout's pool must be locked. */
        private final Set<String> ending = new LinkedHashSet<>();

        private Loading(Handle h, List<? extends SeatOp<?>> ops, SeatMachine.Leases leases) throws SQLException {
            this.ops = ops;
            this.c = h.getConnection();
            readPeople(h);
            Set<String> namedSeats = new LinkedHashSet<>();
            for (SeatOp<?> op : ops) {
                switch (op) {
                    case SeatOp.Checkout co -> {
                        var r = co.request();
                        sessions.add(r.sessionId());
                        pools.add(r.pool());
                        (r.userId() != null ? book.person(r.userId()) : book.personByKey(r.userKey()))
                                .ifPresent(p -> poolUsers.add(new PoolUser(r.pool(), p.id())));
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
                    case SeatOp.ReleasePerson r -> book.personByKey(r.userKey()).ifPresent(p -> everySeatOf.add(p.id()));
                    case SeatOp.Merge m -> {
                        everySeatOf.add(m.intoId());
                        everySeatOf.add(m.fromId());
                    }
                }
            }
            // Seats an administrator names, and every seat of the people an operation is about: with their sessions,
            // which all may end.
            named.addAll(seats(c, "s.id = ANY(?)", array(c, "text", namedSeats)));
            named.addAll(seats(c, "s.user_id = ANY(?)", array(c, "int8", everySeatOf)));
            namedSeats.forEach(book::loadNoSeat);
            everySeatOf.forEach(book::loadedSeatsOf);
            if (!named.isEmpty()) {
                listed.putAll(sessionsOn(c, named.stream().map(HeldSeat::id).toList()));
                listed.values().forEach(ending::addAll);
            }
            named.forEach(s -> pools.add(s.pool()));
            sessions.addAll(ending);
            readSessions();
            // A session that is not live is ended by the checkout that finds it (or by the sweeper).
            for (SeatOp<?> op : ops) {
                if (op instanceof SeatOp.Checkout co) {
                    book.session(co.request().sessionId()).filter(x -> Math.max(x.leaseEnd(), leases.leaseEnd(x.id()))
                            <= co.now().toEpochMilli()).ifPresent(x -> ending.add(x.id()));
                }
            }
        }

        private void readPeople(Handle h) {
            Set<Long> ids = new LinkedHashSet<>();
            Set<String> keys = new LinkedHashSet<>();
            Set<String> mayBeNew = new LinkedHashSet<>();
            for (SeatOp<?> op : ops) {
                switch (op) {
                    case SeatOp.Checkout co -> {
                        if (co.request().userId() != null) {
                            ids.add(co.request().userId());
                        } else {
                            keys.add(co.request().userKey());
                            if (co.request().autoCreate()) {
                                mayBeNew.add(co.request().userKey());
                            }
                        }
                    }
                    case SeatOp.ReleasePerson r -> keys.add(r.userKey());
                    case SeatOp.Merge m -> {
                        ids.add(m.intoId());
                        ids.add(m.fromId());
                    }
                    default -> { }
                }
            }
            people.read(h, book, ids, keys, mayBeNew);
        }

        private void readSessions() throws SQLException {
            if (sessions.isEmpty()) {
                return;
            }
            try (PreparedStatement st = c.prepareStatement(
                    "SELECT session_id, product, feature, seat_id FROM checkouts WHERE session_id = ANY(?)")) {
                st.setArray(1, array(c, "text", sessions));
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        checkouts.computeIfAbsent(rs.getString(1), k -> new HashMap<>())
                                .put(new PoolKey(rs.getString(2), rs.getString(3)), rs.getString(4));
                    }
                }
            }
            try (PreparedStatement st = c.prepareStatement("SELECT " + SeatRows.SESSION_COLUMNS
                    + " FROM sessions x JOIN users u ON u.id = x.user_id WHERE x.id = ANY(?)")) {
                st.setArray(1, array(c, "text", sessions));
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        book.load(SeatRows.session(rs, 1, checkouts.getOrDefault(rs.getString(1), Map.of())));
                    }
                }
            }
            sessions.forEach(id -> {
                if (!book.hasSession(id)) {
                    book.loadNoSession(id);
                }
            });
        }

        /** Every session the decisions may change and every pool whose seats they may change. */
        Locks needs() {
            Set<PoolKey> p = new java.util.TreeSet<>(pools);
            for (String id : ending) {
                p.addAll(checkouts.getOrDefault(id, Map.of()).keySet());
            }
            return new Locks(new java.util.TreeSet<>(sessions), p);
        }

        /** Phase two, under the locks of {@link #needs}: the seats and the pools' tallies. */
        SeatBook finish() throws SQLException {
            List<HeldSeat> found = new ArrayList<>(named);
            if (!poolUsers.isEmpty()) {
                List<PoolUser> pu = List.copyOf(poolUsers);
                found.addAll(seats(c, POOL_USERS,
                        array(c, "text", pu.stream().map(x -> x.pool().product()).toList()),
                        array(c, "text", pu.stream().map(x -> x.pool().feature()).toList()),
                        array(c, "int8", pu.stream().map(PoolUser::userId).toList())));
                pu.forEach(x -> book.loadedSeatsOf(x.pool(), x.userId()));
            }
            Set<String> have = new HashSet<>();
            found.forEach(s -> have.add(s.id()));
            Set<String> theirSeats = new HashSet<>();
            checkouts.values().forEach(m -> theirSeats.addAll(m.values()));
            theirSeats.removeAll(have);
            found.addAll(seats(c, "s.id = ANY(?)", array(c, "text", theirSeats)));
            if (!loanPools.isEmpty()) {
                List<PoolKey> lp = List.copyOf(loanPools);
                found.addAll(seats(c, """
                        s.borrowed_until IS NOT NULL AND (s.product, s.feature) IN (
                          SELECT * FROM unnest(CAST(? AS text[]), CAST(? AS text[])))""",
                        array(c, "text", lp.stream().map(PoolKey::product).toList()),
                        array(c, "text", lp.stream().map(PoolKey::feature).toList())));
            }
            Set<PoolKey> tallied = new LinkedHashSet<>(pools);
            found.forEach(s -> tallied.add(s.pool()));
            Instant now = ops.isEmpty() ? Instant.EPOCH : ops.getFirst().now();
            SharedTallies tallies = SharedTallies.read(c, terms, tallied, now);
            Map<String, HeldSeat> unique = new java.util.LinkedHashMap<>();
            found.forEach(s -> unique.put(s.id(), s));
            for (HeldSeat s : unique.values()) {
                book.load(tallies.limited(s), listed.get(s.id()));
            }
            tallies.byPool().forEach(book::load);
            return book;
        }
    }

    /** What an explanation reads (no locks: it changes nothing): the person's seats in the pool and the pool's tally. */
    void loadSeatsOf(Handle h, SeatBook book, PoolKey pool, long userId, Instant now) {
        try {
            Connection c = h.getConnection();
            SharedTallies tallies = SharedTallies.read(c, terms, Set.of(pool), now);
            for (HeldSeat s : seats(c, POOL_USERS, array(c, "text", List.of(pool.product())),
                    array(c, "text", List.of(pool.feature())), array(c, "int8", List.of(userId)))) {
                book.load(tallies.limited(s), null);
            }
            book.loadedSeatsOf(pool, userId);
            tallies.byPool().forEach(book::load);
        } catch (SQLException e) {
            throw new StoreException("the seats could not be read: " + e.getMessage(), e);
        }
    }

    /** Starts loading for {@code ops} (phase one); {@code leases}: the live leases this node knows. */
    Loading start(Handle h, List<? extends SeatOp<?>> ops, SeatMachine.Leases leases) {
        try {
            return new Loading(h, ops, leases);
        } catch (SQLException e) {
            throw new StoreException("the seats could not be read: " + e.getMessage(), e);
        }
    }

    SeatBook finish(Loading loading) {
        try {
            return loading.finish();
        } catch (SQLException e) {
            throw new StoreException("the seats could not be read: " + e.getMessage(), e);
        }
    }

    private static List<HeldSeat> seats(Connection c, String where, Array... params) throws SQLException {
        for (Array a : params) {
            if (((Object[]) a.getArray()).length == 0) {
                return List.of();
            }
        }
        List<HeldSeat> out = new ArrayList<>();
        try (PreparedStatement st = c.prepareStatement("SELECT " + SeatRows.SEAT_COLUMNS
                + " FROM seats s JOIN users u ON u.id = s.user_id WHERE " + where)) {
            for (int i = 0; i < params.length; i++) {
                st.setArray(i + 1, params[i]);
            }
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    out.add(SeatRows.seat(rs, 1));
                }
            }
        }
        return out;
    }

    private static Map<String, List<String>> sessionsOn(Connection c, List<String> seatIds) throws SQLException {
        Map<String, List<String>> out = new HashMap<>();
        seatIds.forEach(id -> out.put(id, new ArrayList<>()));
        try (PreparedStatement st = c.prepareStatement("SELECT seat_id, session_id FROM checkouts WHERE seat_id = ANY(?)")) {
            st.setArray(1, array(c, "text", seatIds));
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    out.get(rs.getString(1)).add(rs.getString(2));
                }
            }
        }
        return out;
    }

    static Array array(Connection c, String type, Collection<?> values) throws SQLException {
        return c.createArrayOf(type, values.toArray());
    }
}
