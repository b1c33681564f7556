package dev.usher.store;

import dev.usher.core.lease.LeaseTable;
import dev.usher.core.seat.CheckoutDecision;
import dev.usher.core.seat.CheckoutOutcome;
import dev.usher.core.seat.CheckoutRequest;
import dev.usher.core.seat.PoolKey;
import dev.usher.core.seat.PoolTerms;
import dev.usher.core.seat.PoolTermsSource;
import dev.usher.core.seat.SeatAllocator;
import dev.usher.core.seat.SeatEvent;
import dev.usher.core.seat.SeatKeyPolicy;
import org.jdbi.v3.core.Handle;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The common checkouts and check-ins of one group (PostgreSQL's group commit) decided together: one
 * read for all of them, taken after the group's locks; each decided in order by the pure
 * {@link SeatAllocator} against that read plus what the earlier ones of the batch changed; and all
 * their writes in one round trip of set-based statements. A pool's decisions are serialized across
 * the cluster while a group holds its lock, so the round trips saved here are what lets a pool
 * decide faster.
 *
 * <p>Kept deliberately narrow, so that the in-memory view stays exact. Left to the ordinary path
 * (which runs after this batch, in the same transaction, on what it wrote): unknown or disabled
 * people, a session of someone else, a lapsed session, pools with assignment rules, and any decision
 * that touches a session, a person (in that pool) or a seat an earlier decision of the batch already
 * touched. So every decision of the batch changes rows no other decision of the batch reads or
 * writes, except the pool's count of seats in use, which is kept here, and events, written in
 * decision order with the count after each. The effect is that of running the same decisions one by
 * one in this order ({@link SqlSeatLedger#checkout}, {@link SqlSeatLedger#checkin}).
 */
final class GroupedSeatDecisions implements Database.Batch<GroupedSeatDecisions.Change> {

    /** One decision of the batch. */
    sealed interface Change permits Checkout, Checkin {}

    record Checkout(CheckoutRequest request) implements Change {}

    record Checkin(String sessionId, PoolKey pool, Instant at) implements Change {}

    private final PoolTermsSource terms;
    private final LeaseTable leases;
    private final Consumer<PoolKey> seatFreed;

    GroupedSeatDecisions(PoolTermsSource terms, LeaseTable leases, Consumer<PoolKey> seatFreed) {
        this.terms = terms;
        this.leases = leases;
        this.seatFreed = seatFreed;
    }

    /** What the read found for a checkout. */
    private record CheckoutState(String sessionId, long sessionUser, String sessionHost, String sessionHostKey,
                                 long sessionLease, Long userId, String userName, boolean enabled,
                                 String sessionSeat, String keySeat, int sharedOnSeat, int inUse) {}

    /** What the read found for a check-in (null when there is nothing to check in). */
    private record CheckinState(String seatId, int othersOnSeat, long loanEnd, int sessionLeft, long userId,
                                String userName, String host, int inUse) {}

    @Override
    public Object[] decide(Handle h, List<Change> changes, List<Database.AfterCommit> afters) {
        Object[] out = new Object[changes.size()];
        Arrays.fill(out, UNDECIDED);
        // Terms are this node's memory; a pool with assignment rules is decided the ordinary way.
        Map<Integer, PoolTerms> checkoutTerms = new HashMap<>();
        List<Integer> checkouts = new ArrayList<>();
        List<Integer> checkins = new ArrayList<>();
        for (int i = 0; i < changes.size(); i++) {
            switch (changes.get(i)) {
                case Checkout c -> {
                    PoolTerms t = terms.terms(c.request().pool(), c.request().now());
                    if (t.assignments().rules().isEmpty()) {
                        checkoutTerms.put(i, t);
                        checkouts.add(i);
                    }
                }
                case Checkin c -> checkins.add(i);
            }
        }
        Map<Integer, CheckoutState> outState = new HashMap<>();
        Map<Integer, CheckinState> inState = new HashMap<>();
        read(h, changes, checkouts, checkoutTerms, outState, checkins, inState);

        Map<PoolKey, Integer> inUse = new HashMap<>();
        outState.forEach((i, s) -> inUse.putIfAbsent(((Checkout) changes.get(i)).request().pool(), s.inUse()));
        inState.forEach((i, s) -> {
            if (s != null) {
                inUse.putIfAbsent(((Checkin) changes.get(i)).pool(), s.inUse());
            }
        });
        Set<String> touched = new HashSet<>();
        Writes w = new Writes();
        for (int i = 0; i < changes.size(); i++) {
            Change change = changes.get(i);
            Database.AfterCommit after = afters.get(i);
            if (change instanceof Checkout c && outState.containsKey(i)) {
                out[i] = checkout(c.request(), checkoutTerms.get(i), outState.get(i), inUse, touched, w, after);
            } else if (change instanceof Checkin c && inState.containsKey(i)) {
                out[i] = checkin(c, inState.get(i), inUse, touched, w, after);
            }
        }
        w.run(h);
        return out;
    }

    /** Claims what a decision will touch; false (claiming nothing) when an earlier decision of the batch touched any of it. */
    private static boolean claim(Set<String> touched, List<String> keys) {
        for (String k : keys) {
            if (touched.contains(k)) {
                return false;
            }
        }
        touched.addAll(keys);
        return true;
    }

    private static String person(PoolKey pool, long userId) {
        return "p:" + userId + ":" + pool.product().length() + ":" + pool.product() + "/" + pool.feature();
    }

    private Object checkout(CheckoutRequest r, PoolTerms t, CheckoutState s, Map<PoolKey, Integer> inUse, Set<String> touched,
                            Writes w, Database.AfterCommit after) {
        if (s.userId() == null || !s.enabled()) {
            return UNDECIDED; // unknown (maybe to be created) or disabled: the ordinary path answers
        }
        long userId = s.userId();
        boolean hasSession = s.sessionId() != null;
        if (hasSession && (s.sessionUser() != userId || !isLive(s.sessionId(), s.sessionLease(), r.now()))) {
            return UNDECIDED; // someone else's session (a conflict), or a lapsed one to end first
        }
        PoolKey pool = r.pool();
        List<String> keys = new ArrayList<>(4);
        keys.add("s:" + r.sessionId());
        keys.add(person(pool, userId));
        if (s.sessionSeat() != null) {
            keys.add("seat:" + s.sessionSeat());
        }
        if (s.keySeat() != null) {
            keys.add("seat:" + s.keySeat());
        }
        if (!claim(touched, keys)) {
            return UNDECIDED;
        }
        long now = r.now().toEpochMilli();
        w.touchUser(userId, now);
        String hostKey = hasSession ? s.sessionHostKey() : r.hostKey();
        String host = hasSession ? s.sessionHost() : r.host();
        SeatKeyPolicy policy = t.settings().policy();
        int used = inUse.get(pool);
        CheckoutDecision decision = SeatAllocator.decide(t, new SeatAllocator.Held(s.sessionSeat(), s.keySeat(), used));
        long expires = now + r.leaseTtl().toMillis();
        CheckoutOutcome.How how;
        String seatId;
        switch (decision) {
            case CheckoutDecision.Deny deny -> {
                if (r.recordDenial()) {
                    w.event(now, SeatEvent.Type.DENY, pool, s.userName(), host, r.sessionId(), null, deny.reason().code(),
                            "capacity " + deny.capacity() + ", in use " + deny.inUse(), used);
                }
                return new CheckoutOutcome.Denied(deny);
            }
            case CheckoutDecision.Keep keep -> {
                how = CheckoutOutcome.How.KEPT;
                seatId = keep.seatId();
                w.renewSession(r.sessionId(), now, expires);
            }
            case CheckoutDecision.Join join -> {
                how = CheckoutOutcome.How.JOINED;
                seatId = join.seatId();
                if (hasSession) {
                    w.renewSession(r.sessionId(), now, expires);
                } else {
                    w.insertSession(r.sessionId(), userId, host, hostKey, r.client(), now, expires);
                }
                w.unlinger(seatId);
                w.insertCheckout(r.sessionId(), pool, seatId, now);
                w.event(now, SeatEvent.Type.JOIN, pool, s.userName(), host, r.sessionId(), seatId, null, null, used);
            }
            case CheckoutDecision.Grant ignored -> {
                how = CheckoutOutcome.How.NEW;
                seatId = UUID.randomUUID().toString();
                if (hasSession) {
                    w.renewSession(r.sessionId(), now, expires);
                } else {
                    w.insertSession(r.sessionId(), userId, host, hostKey, r.client(), now, expires);
                }
                w.insertSeat(seatId, pool, policy.seatKey(userId, hostKey, r.sessionId()), userId, hostKey, now);
                used++;
                inUse.put(pool, used);
                w.inUse(pool, +1);
                w.insertCheckout(r.sessionId(), pool, seatId, now);
                w.event(now, SeatEvent.Type.GRANT, pool, s.userName(), host, r.sessionId(), seatId, null, null, used);
            }
        }
        // A new seat has no other sessions yet; a kept or joined one is counted (as read: nothing earlier in the batch touched it).
        int shared = how == CheckoutOutcome.How.NEW ? 0 : s.sharedOnSeat();
        Instant leaseEnd = Instant.ofEpochMilli(expires);
        String sessionId = r.sessionId();
        after.then(() -> leases.put(sessionId, leaseEnd, r.now()));
        return new CheckoutOutcome.Held(how, seatId, sessionId, pool, s.userName(), leaseEnd, shared);
    }

    private Object checkin(Checkin c, CheckinState s, Map<PoolKey, Integer> inUse, Set<String> touched, Writes w,
                           Database.AfterCommit after) {
        if (s == null) {
            // Nothing to check in, as read; unless an earlier decision of the batch was about this session.
            return claim(touched, List.of("s:" + c.sessionId())) ? Boolean.FALSE : UNDECIDED;
        }
        PoolKey pool = c.pool();
        if (!claim(touched, List.of("s:" + c.sessionId(), person(pool, s.userId()), "seat:" + s.seatId()))) {
            return UNDECIDED;
        }
        long now = c.at().toEpochMilli();
        w.deleteCheckout(c.sessionId(), pool);
        boolean freed = false;
        int used = inUse.get(pool);
        if (s.othersOnSeat() == 0) {
            long lingerEnd = now + terms.terms(pool, c.at()).settings().linger().toMillis();
            long until = Math.max(lingerEnd, s.loanEnd());
            if (until > now) {
                w.linger(s.seatId(), until);
            } else {
                w.deleteSeat(s.seatId());
                used--;
                inUse.put(pool, used);
                w.inUse(pool, -1);
                freed = true;
            }
        }
        w.event(now, SeatEvent.Type.RELEASE, pool, s.userName(), s.host(), c.sessionId(), s.seatId(), "check-in", null, used);
        boolean ends = s.sessionLeft() == 0;
        if (ends) {
            w.deleteSession(c.sessionId());
            String sessionId = c.sessionId();
            after.then(() -> leases.remove(sessionId));
        }
        if (freed) {
            after.then(() -> seatFreed.accept(pool));
        }
        return Boolean.TRUE;
    }

    private boolean isLive(String sessionId, long storedLease, Instant now) {
        long memory = leases.get(sessionId).map(l -> l.expiresAt().toEpochMilli()).orElse(0L);
        return Math.max(storedLease, memory) > now.toEpochMilli();
    }

    /** A statement's array parameter: its SQL element type and its values (in the statement's placeholder order). */
    private record Param(String type, Object[] values) {}

    private static Param param(String type, List<?> values) {
        return new Param(type, values.toArray());
    }

    /** Binds {@code params} to the placeholders of {@code st} in order, each as an array of its type. */
    private static void bind(Connection c, PreparedStatement st, List<Param> params) throws SQLException {
        for (int i = 0; i < params.size(); i++) {
            st.setArray(i + 1, c.createArrayOf(params.get(i).type(), params.get(i).values()));
        }
    }

    /**
     * Everything the batch decides on, in one round trip (plain JDBC: JDBI's binding costs more CPU than
     * the database's work here, and the pool is locked meanwhile). For the checkouts: the session and its
     * seat in the pool, the person (by id, or by the alias the name normalizes to), the seat the person's
     * key holds (looked up by what the key means, as {@code SqlSeatLedger} does), how many other sessions
     * share that seat, and the pool's seats in use. For the check-ins, what {@code SqlSeatLedger#checkin}
     * reads (no row: nothing to check in, recorded as null).
     */
    private static void read(Handle h, List<Change> changes, List<Integer> outAt, Map<Integer, PoolTerms> terms,
                             Map<Integer, CheckoutState> outState, List<Integer> inAt, Map<Integer, CheckinState> inState) {
        if (outAt.isEmpty() && inAt.isEmpty()) {
            return;
        }
        StringBuilder sql = new StringBuilder();
        List<Param> params = new ArrayList<>();
        if (!outAt.isEmpty()) {
            List<Integer> n = new ArrayList<>();
            List<String> sid = new ArrayList<>();
            List<Long> uid = new ArrayList<>();
            List<String> ukey = new ArrayList<>();
            List<String> p = new ArrayList<>();
            List<String> f = new ArrayList<>();
            List<String> pol = new ArrayList<>();
            List<String> hk = new ArrayList<>();
            for (int i : outAt) {
                CheckoutRequest r = ((Checkout) changes.get(i)).request();
                n.add(i);
                sid.add(r.sessionId());
                uid.add(r.userId());
                ukey.add(r.userId() == null ? r.userKey() : null);
                p.add(r.pool().product());
                f.add(r.pool().feature());
                pol.add(terms.get(i).settings().policy().code());
                hk.add(r.hostKey());
            }
            params.addAll(List.of(param("int4", n), param("text", sid), param("int8", uid), param("text", ukey),
                    param("text", p), param("text", f), param("text", pol), param("text", hk)));
            sql.append("""
                    SELECT i.n, s.id, s.user_id, s.host, s.host_key, s.lease_expires_at, u.id, u.name, u.enabled,
                      cs.seat_id, ks.id,
                      (SELECT COUNT(*) FROM checkouts o WHERE o.seat_id = COALESCE(cs.seat_id, ks.id) AND o.session_id <> i.sid),
                      COALESCE((SELECT in_use FROM pool_counters pc WHERE pc.product = i.p AND pc.feature = i.f), 0)
                    FROM unnest(CAST(? AS integer[]), CAST(? AS text[]), CAST(? AS bigint[]), CAST(? AS text[]),
                                CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]))
                         AS i(n, sid, uid, ukey, p, f, pol, hk)
                    LEFT JOIN sessions s ON s.id = i.sid
                    LEFT JOIN users u ON u.id = COALESCE(i.uid, (SELECT a.user_id FROM user_aliases a WHERE a.alias_key = i.ukey))
                    LEFT JOIN LATERAL (SELECT c.seat_id FROM checkouts c
                                       WHERE c.session_id = i.sid AND c.product = i.p AND c.feature = i.f) cs ON true
                    LEFT JOIN LATERAL (
                        SELECT k.id, k.created_at FROM seats k
                          WHERE i.pol = 'user' AND k.product = i.p AND k.feature = i.f AND k.user_id = u.id
                        UNION ALL
                        SELECT k.id, k.created_at FROM seats k
                          WHERE i.pol = 'user+host' AND k.product = i.p AND k.feature = i.f AND k.user_id = u.id
                            AND k.host_key = CASE WHEN s.id IS NULL THEN i.hk ELSE s.host_key END
                        UNION ALL
                        -- SeatKeyPolicy.SESSION's key is the session's own ("s:" + id)
                        SELECT k.id, k.created_at FROM seats k
                          WHERE i.pol = 'session' AND k.product = i.p AND k.feature = i.f AND k.seat_key = 's:' || i.sid
                        ORDER BY 2, 1 LIMIT 1) ks ON true;
                    """);
        }
        if (!inAt.isEmpty()) {
            List<Integer> n = new ArrayList<>();
            List<String> sid = new ArrayList<>();
            List<String> p = new ArrayList<>();
            List<String> f = new ArrayList<>();
            for (int i : inAt) {
                Checkin c = (Checkin) changes.get(i);
                n.add(i);
                sid.add(c.sessionId());
                p.add(c.pool().product());
                f.add(c.pool().feature());
                inState.put(i, null);
            }
            params.addAll(List.of(param("int4", n), param("text", sid), param("text", p), param("text", f)));
            sql.append("""
                    SELECT i.n, c.seat_id,
                      (SELECT COUNT(*) FROM checkouts o WHERE o.seat_id = c.seat_id AND o.session_id <> c.session_id),
                      (SELECT COALESCE(borrowed_until, 0) FROM seats WHERE id = c.seat_id),
                      (SELECT COUNT(*) FROM checkouts o WHERE o.session_id = c.session_id
                         AND (o.product <> c.product OR o.feature <> c.feature)),
                      s.user_id, u.name, s.host,
                      COALESCE((SELECT in_use FROM pool_counters pc WHERE pc.product = i.p AND pc.feature = i.f), 0)
                    FROM unnest(CAST(? AS integer[]), CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[])) AS i(n, sid, p, f)
                    JOIN checkouts c ON c.session_id = i.sid AND c.product = i.p AND c.feature = i.f
                    JOIN sessions s ON s.id = c.session_id JOIN users u ON u.id = s.user_id;
                    """);
        }
        Connection c = h.getConnection();
        try (PreparedStatement st = c.prepareStatement(sql.toString())) {
            bind(c, st, params);
            boolean isResult = st.execute();
            if (!outAt.isEmpty()) {
                if (!isResult) {
                    throw new IllegalStateException("the batch read returned no checkouts");
                }
                try (ResultSet rs = st.getResultSet()) {
                    while (rs.next()) {
                        long su = rs.getLong(3);
                        long lease = rs.getLong(6);
                        long u = rs.getLong(7);
                        Long userId = rs.wasNull() ? null : u;
                        outState.put(rs.getInt(1), new CheckoutState(rs.getString(2), su, rs.getString(4), rs.getString(5), lease,
                                userId, rs.getString(8), rs.getInt(9) == 1, rs.getString(10), rs.getString(11), rs.getInt(12),
                                rs.getInt(13)));
                    }
                }
                if (outState.size() != outAt.size()) {
                    throw new IllegalStateException("the batch read " + outState.size() + " of " + outAt.size() + " checkouts");
                }
                isResult = st.getMoreResults();
            }
            if (!inAt.isEmpty()) {
                if (!isResult) {
                    throw new IllegalStateException("the batch read returned no check-ins");
                }
                try (ResultSet rs = st.getResultSet()) {
                    while (rs.next()) {
                        inState.put(rs.getInt(1), new CheckinState(rs.getString(2), rs.getInt(3), rs.getLong(4), rs.getInt(5),
                                rs.getLong(6), rs.getString(7), rs.getString(8), rs.getInt(9)));
                    }
                }
            }
        } catch (SQLException e) {
            throw new StoreException("the batch read failed: " + e.getMessage(), e);
        }
    }

    /**
     * The batch's writes as a few set-based statements, sent in one round trip, in an order that keeps
     * every foreign key satisfied at each statement: what goes away first (checkouts, then seats and
     * sessions), then what comes (sessions, seats, checkouts), then the counts and the events.
     */
    private static final class Writes {
        private final Map<Long, Long> touchUsers = new LinkedHashMap<>();
        private final List<Object[]> deleteCheckouts = new ArrayList<>();
        private final List<Object[]> lingers = new ArrayList<>();
        private final List<String> deleteSeats = new ArrayList<>();
        private final List<String> deleteSessions = new ArrayList<>();
        private final List<Object[]> renewSessions = new ArrayList<>();
        private final List<Object[]> insertSessions = new ArrayList<>();
        private final List<Object[]> insertSeats = new ArrayList<>();
        private final List<String> unlingers = new ArrayList<>();
        private final List<Object[]> insertCheckouts = new ArrayList<>();
        private final Map<PoolKey, Integer> inUse = new LinkedHashMap<>();
        private final List<Object[]> events = new ArrayList<>();

        void touchUser(long id, long now) {
            touchUsers.merge(id, now, Math::max);
        }

        void deleteCheckout(String sessionId, PoolKey pool) {
            deleteCheckouts.add(new Object[] {sessionId, pool.product(), pool.feature()});
        }

        void linger(String seatId, long until) {
            lingers.add(new Object[] {seatId, until});
        }

        void deleteSeat(String seatId) {
            deleteSeats.add(seatId);
        }

        void deleteSession(String sessionId) {
            deleteSessions.add(sessionId);
        }

        void renewSession(String id, long now, long expires) {
            renewSessions.add(new Object[] {id, now, expires});
        }

        void insertSession(String id, long userId, String host, String hostKey, String client, long now, long expires) {
            insertSessions.add(new Object[] {id, userId, host, hostKey, client, now, expires});
        }

        void insertSeat(String id, PoolKey pool, String seatKey, long userId, String hostKey, long now) {
            insertSeats.add(new Object[] {id, pool.product(), pool.feature(), seatKey, userId, hostKey, now});
        }

        void unlinger(String seatId) {
            unlingers.add(seatId);
        }

        void insertCheckout(String sessionId, PoolKey pool, String seatId, long now) {
            insertCheckouts.add(new Object[] {sessionId, pool.product(), pool.feature(), seatId, now});
        }

        void inUse(PoolKey pool, int delta) {
            inUse.merge(pool, delta, Integer::sum);
        }

        void event(long at, SeatEvent.Type type, PoolKey pool, String user, String host, String sessionId, String seatId,
                   String reason, String detail, int inUseAfter) {
            events.add(new Object[] {at, type.name(), pool.product(), pool.feature(), user, host, sessionId, seatId, reason,
                    detail, inUseAfter});
        }

        /** A statement of the script, and how many rows it must change (-1: any). */
        private record Part(String sql, int expected) {}

        private final List<Part> parts = new ArrayList<>();
        private final List<Param> params = new ArrayList<>();

        /**
         * Adds a statement whose placeholders ({@code ?}, in order) take the columns of {@code rows} as arrays
         * of {@code types} (column {@code columns[j]} for the j-th placeholder; by default one each, in order).
         */
        private void part(String sql, int expected, List<Object[]> rows, String[] types, int... columns) {
            int[] cols = columns.length > 0 ? columns : java.util.stream.IntStream.range(0, types.length).toArray();
            for (int col : cols) {
                Object[] column = new Object[rows.size()];
                for (int r = 0; r < rows.size(); r++) {
                    column[r] = rows.get(r)[col];
                }
                params.add(new Param(types[col], column));
            }
            parts.add(new Part(sql, expected));
        }

        private static List<Object[]> column(List<String> values) {
            return values.stream().map(v -> new Object[] {v}).toList();
        }

        private static String[] types(String... t) {
            return t;
        }

        void run(Handle h) {
            if (!touchUsers.isEmpty()) {
                // As SqlSeatLedger's TOUCH_USER: a row another transaction holds is skipped, never waited for.
                part("""
                                UPDATE users SET last_seen_at = x.now FROM unnest(CAST(? AS bigint[]), CAST(? AS bigint[])) AS x(id, now)
                                WHERE users.id = x.id AND users.id IN (
                                  SELECT id FROM users WHERE id = ANY(CAST(? AS bigint[])) FOR NO KEY UPDATE SKIP LOCKED)""",
                        -1, touchUsers.entrySet().stream().map(e -> new Object[] {e.getKey(), e.getValue()}).toList(),
                        types("int8", "int8"), 0, 1, 0);
            }
            if (!deleteCheckouts.isEmpty()) {
                part("""
                                DELETE FROM checkouts c USING unnest(CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[])) AS x(s, p, f)
                                WHERE c.session_id = x.s AND c.product = x.p AND c.feature = x.f""",
                        deleteCheckouts.size(), deleteCheckouts, types("text", "text", "text"));
            }
            if (!lingers.isEmpty()) {
                part("""
                                UPDATE seats SET linger_until = x.u FROM unnest(CAST(? AS text[]), CAST(? AS bigint[])) AS x(id, u)
                                WHERE seats.id = x.id""",
                        lingers.size(), lingers, types("text", "int8"));
            }
            if (!deleteSeats.isEmpty()) {
                part("DELETE FROM seats WHERE id = ANY(CAST(? AS text[]))", deleteSeats.size(), column(deleteSeats), types("text"));
            }
            if (!deleteSessions.isEmpty()) {
                part("DELETE FROM sessions WHERE id = ANY(CAST(? AS text[]))", deleteSessions.size(), column(deleteSessions),
                        types("text"));
            }
            if (!renewSessions.isEmpty()) {
                part("""
                                UPDATE sessions SET last_heartbeat_at = x.now, lease_expires_at = GREATEST(sessions.lease_expires_at, x.exp)
                                FROM unnest(CAST(? AS text[]), CAST(? AS bigint[]), CAST(? AS bigint[])) AS x(id, now, exp)
                                WHERE sessions.id = x.id""",
                        renewSessions.size(), renewSessions, types("text", "int8", "int8"));
            }
            if (!insertSessions.isEmpty()) {
                part("""
                                INSERT INTO sessions (id, user_id, host, host_key, client, created_at, last_heartbeat_at, lease_expires_at)
                                SELECT id, u, host, hk, client, now, now, exp
                                FROM unnest(CAST(? AS text[]), CAST(? AS bigint[]), CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]),
                                            CAST(? AS bigint[]), CAST(? AS bigint[])) AS x(id, u, host, hk, client, now, exp)""",
                        insertSessions.size(), insertSessions, types("text", "int8", "text", "text", "text", "int8", "int8"));
            }
            if (!insertSeats.isEmpty()) {
                part("""
                                INSERT INTO seats (id, product, feature, seat_key, user_id, host_key, created_at, charge)
                                SELECT id, p, f, k, u, hk, now, 'shared'
                                FROM unnest(CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]), CAST(? AS bigint[]),
                                            CAST(? AS text[]), CAST(? AS bigint[])) AS x(id, p, f, k, u, hk, now)""",
                        insertSeats.size(), insertSeats, types("text", "text", "text", "text", "int8", "text", "int8"));
            }
            if (!unlingers.isEmpty()) {
                part("UPDATE seats SET linger_until = NULL WHERE id = ANY(CAST(? AS text[]))", unlingers.size(), column(unlingers),
                        types("text"));
            }
            if (!insertCheckouts.isEmpty()) {
                part("""
                                INSERT INTO checkouts (session_id, product, feature, seat_id, created_at)
                                SELECT s, p, f, seat, now FROM unnest(CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]),
                                                                      CAST(? AS text[]), CAST(? AS bigint[])) AS x(s, p, f, seat, now)""",
                        insertCheckouts.size(), insertCheckouts, types("text", "text", "text", "text", "int8"));
            }
            List<Object[]> more = new ArrayList<>();
            List<Object[]> fewer = new ArrayList<>();
            inUse.forEach((pool, d) -> {
                if (d > 0) {
                    more.add(new Object[] {pool.product(), pool.feature(), d});
                } else if (d < 0) {
                    fewer.add(new Object[] {pool.product(), pool.feature(), d});
                }
            });
            if (!more.isEmpty()) {
                part("""
                                INSERT INTO pool_counters (product, feature, in_use)
                                SELECT p, f, d FROM unnest(CAST(? AS text[]), CAST(? AS text[]), CAST(? AS integer[])) AS x(p, f, d)
                                ON CONFLICT (product, feature) DO UPDATE SET in_use = pool_counters.in_use + EXCLUDED.in_use""",
                        more.size(), more, types("text", "text", "int4"));
            }
            if (!fewer.isEmpty()) {
                // A plain update (as SqlSeatLedger): the seats being given back were counted in the row.
                part("""
                                UPDATE pool_counters SET in_use = in_use + x.d
                                FROM unnest(CAST(? AS text[]), CAST(? AS text[]), CAST(? AS integer[])) AS x(p, f, d)
                                WHERE pool_counters.product = x.p AND pool_counters.feature = x.f""",
                        fewer.size(), fewer, types("text", "text", "int4"));
            }
            if (!events.isEmpty()) {
                // In decision order (the events' ids are the timeline), each with the pool's count after it.
                part("""
                                INSERT INTO seat_events (at, type, product, feature, user_name, host, session_id, seat_id, reason, detail, in_use)
                                SELECT at, type, p, f, u, host, s, seat, reason, detail, in_use
                                FROM unnest(CAST(? AS bigint[]), CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]),
                                            CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]),
                                            CAST(? AS integer[]))
                                  WITH ORDINALITY AS x(at, type, p, f, u, host, s, seat, reason, detail, in_use, ord)
                                ORDER BY ord""",
                        events.size(), events,
                        types("int8", "text", "text", "text", "text", "text", "text", "text", "text", "text", "int4"));
            }
            if (parts.isEmpty()) {
                return;
            }
            // One text, one round trip.
            StringBuilder sql = new StringBuilder();
            for (Part part : parts) {
                sql.append(part.sql()).append(";\n");
            }
            int[] counts = new int[parts.size()];
            Connection c = h.getConnection();
            try (PreparedStatement st = c.prepareStatement(sql.toString())) {
                bind(c, st, params);
                st.execute();
                for (int i = 0; i < counts.length; i++) {
                    if (i > 0) {
                        st.getMoreResults();
                    }
                    counts[i] = st.getUpdateCount();
                }
            } catch (SQLException e) {
                throw new StoreException("the batched seat decisions could not be written: " + e.getMessage(), e);
            }
            for (int i = 0; i < counts.length; i++) {
                if (parts.get(i).expected() >= 0 && counts[i] != parts.get(i).expected()) {
                    // Rows changed under the group's locks: nothing of the batch may stay (the group decides again one by one).
                    throw new IllegalStateException("batched seat decisions changed " + counts[i] + " rows instead of "
                            + parts.get(i).expected() + " in: " + parts.get(i).sql().lines().findFirst().orElse(""));
                }
            }
        }
    }
}
