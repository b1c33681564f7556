package dev.usher.store;

import dev.usher.core.assignment.Assignments;
import dev.usher.core.assignment.Charge;
import dev.usher.core.assignment.Rule;
import dev.usher.core.assignment.Target;
import dev.usher.core.identity.IdentityException;
import dev.usher.core.lease.LeaseTable;
import dev.usher.core.seat.BorrowOutcome;
import dev.usher.core.seat.BorrowPolicy;
import dev.usher.core.seat.CheckoutDecision;
import dev.usher.core.seat.CheckoutOutcome;
import dev.usher.core.seat.CheckoutRequest;
import dev.usher.core.seat.DenyReason;
import dev.usher.core.seat.PoolKey;
import dev.usher.core.seat.PoolTerms;
import dev.usher.core.seat.PoolTermsSource;
import dev.usher.core.seat.SeatAllocator;
import dev.usher.core.seat.SeatEvent;
import dev.usher.core.seat.SeatKeyPolicy;
import dev.usher.core.seat.SeatLedger;
import dev.usher.core.seat.SeatRecord;
import dev.usher.core.seat.SessionConflictException;
import dev.usher.core.seat.SessionRecord;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Seats, sessions and checkouts in portable SQL (SQLite and PostgreSQL share upsert and
 * {@code RETURNING}). Every change and the event that records it happen in one transaction.
 *
 * <p>The lease of a session lives in two places: the {@code sessions} row (durable, possibly a
 * little behind) and the {@link LeaseTable} (in memory, extended by heartbeats). A session is live
 * while the later of the two is in the future.
 */
public final class SqlSeatLedger implements SeatLedger {

    private final Database db;
    private final Dialect dialect;
    private final PoolTermsSource terms;
    private final LeaseTable leases;
    private final Consumer<PoolKey> seatFreed;
    /** Where the store groups decisions (PostgreSQL), the common ones of a group are decided together. */
    private final GroupedSeatDecisions batch;

    public SqlSeatLedger(Database db, PoolTermsSource terms, LeaseTable leases) {
        this(db, terms, leases, pool -> {});
    }

    /**
     * @param seatFreed told (after commit, on the store's thread: it must only hand the news on) whenever a
     *                  seat goes back to a pool, so that whoever waits for one can be served at once
     */
    public SqlSeatLedger(Database db, PoolTermsSource terms, LeaseTable leases, Consumer<PoolKey> seatFreed) {
        this.db = db;
        this.dialect = db.dialect();
        this.terms = terms;
        this.leases = leases;
        this.seatFreed = seatFreed;
        this.batch = new GroupedSeatDecisions(terms, leases, seatFreed);
    }

    private record SessionRow(String id, long userId, String userName, String host, String hostKey,
                              long leaseExpiresAt) {}

    private record CheckoutRow(String sessionId, PoolKey pool, String seatId) {}

    @Override
    public CheckoutOutcome checkout(CheckoutRequest r) {
        // Grouped with other decisions where the store can (PostgreSQL: one commit for many).
        return db.writeGrouped(new Database.Locks(List.of(r.sessionId()), List.of(r.pool())), (Database.Work<CheckoutOutcome>) (h, after) -> {
            long now = r.now().toEpochMilli();
            dialect.lockSessions(h, List.of(r.sessionId()));
            // The session (if it exists) and the person asking, in one round trip.
            record Found(SessionRow session, UserRow user) {}
            Found found = h.createQuery("""
                            SELECT s.id, s.user_id, su.name, s.host, s.host_key, s.lease_expires_at, u.id, u.name, u.enabled
                            FROM (SELECT 1 AS one) x
                            LEFT JOIN sessions s ON s.id = :sid
                            LEFT JOIN users su ON su.id = s.user_id
                            """ + (r.userId() != null ? "LEFT JOIN users u ON u.id = :uid" : """
                            LEFT JOIN user_aliases a ON a.alias_key = :key
                            LEFT JOIN users u ON u.id = a.user_id"""))
                    .bind("sid", r.sessionId())
                    .bind(r.userId() != null ? "uid" : "key", r.userId() != null ? (Object) r.userId() : r.userKey())
                    .map((rs, ctx) -> new Found(
                            rs.getString(1) == null ? null : new SessionRow(rs.getString(1), rs.getLong(2), rs.getString(3),
                                    rs.getString(4), rs.getString(5), rs.getLong(6)),
                            rs.getString(8) == null ? null : new UserRow(rs.getLong(7), rs.getString(8), rs.getInt(9) == 1)))
                    .one();
            SessionRow session = found.session();
            // This pool, and the pools of the session's other checkouts (ending a lapsed session returns those).
            // Locks before rows (the user's row is updated below): every transaction takes them in that order.
            lockPools(h, r.pool(), session == null ? List.of() : List.of(r.sessionId()));
            // The decision's writes, sent together at the end (one round trip on PostgreSQL).
            WriteScript writes = new WriteScript(dialect.shared());
            var user = resolveUser(h, r, now, writes, Optional.ofNullable(found.user()), dialect.shared());
            long userId = user.getKey();
            String userName = user.getValue();
            if (session != null && session.userId() != userId) {
                throw new SessionConflictException(r.sessionId(), session.userName());
            }
            if (session != null && !isLive(session, r.now()) && claimLapsed(h, session.id(), now)) {
                // The client came back after its lease lapsed but before the sweeper ran: end the old
                // session properly (recorded as an expiry) and start afresh under the same id.
                endSession(h, after, session, now, SeatEvent.Type.EXPIRY, "lease lapsed");
                session = null;
            }
            String hostKey = session != null ? session.hostKey() : r.hostKey();
            String host = session != null ? session.host() : r.host();

            PoolKey pool = r.pool();
            PoolTerms t = terms.terms(pool, r.now());
            String sessionSeat = session == null ? null : h.createQuery(
                            "SELECT seat_id FROM checkouts WHERE session_id = :s AND product = :p AND feature = :f")
                    .bind("s", r.sessionId()).bind("p", pool.product()).bind("f", pool.feature())
                    .mapTo(String.class).findOne().orElse(null);
            SeatKeyPolicy policy = t.settings().policy();
            // The seat of the person's key and the pool's count, in one round trip.
            String[] keySeatAndInUse = findSeatOfKeyAndInUse(h, pool, policy, userId, hostKey, r.sessionId());
            String keySeat = keySeatAndInUse[0];
            int inUse = Integer.parseInt(keySeatAndInUse[1]);

            CheckoutDecision decision = SeatAllocator.decide(t, new SeatAllocator.Held(sessionSeat, keySeat, inUse));
            Charge charge = Charge.SHARED;
            if (decision instanceof CheckoutDecision.Deny deny && deny.reason() == DenyReason.NO_SEATS_AVAILABLE
                    && !t.assignments().rules().isEmpty()
                    && t.assignments().decide(t.capacity(), usage(h, pool, t.assignments(), inUse), userId, roleIds(h, userId))
                    instanceof Assignments.Outcome.Refused refused) {
                // Full under rules: say which rule decided, with its numbers.
                decision = new CheckoutDecision.Deny(DenyReason.NO_SEATS_AVAILABLE, deny.capacity(), deny.inUse(), refusal(refused, pool));
            }
            if (decision instanceof CheckoutDecision.Grant && !t.assignments().rules().isEmpty()) {
                // A new seat under assignment rules: which reserve (or the shared part) it is charged to, or why not.
                switch (t.assignments().decide(t.capacity(), usage(h, pool, t.assignments(), inUse), userId, roleIds(h, userId))) {
                    case Assignments.Outcome.Granted g -> charge = g.charge();
                    case Assignments.Outcome.Refused refused -> decision = new CheckoutDecision.Deny(
                            refused.code().equals("not-entitled") ? DenyReason.NOT_ENTITLED : DenyReason.NO_SEATS_AVAILABLE,
                            t.capacity(), inUse, refusal(refused, pool));
                }
            }
            long expires = now + r.leaseTtl().toMillis();
            CheckoutOutcome.How how;
            String seatId;
            switch (decision) {
                case CheckoutDecision.Deny deny -> {
                    if (r.recordDenial()) {
                        event(writes, now, SeatEvent.Type.DENY, pool, userName, host, r.sessionId(), null, deny.reason().code(),
                                "capacity " + deny.capacity() + ", in use " + deny.inUse());
                    }
                    writes.run(h);
                    return new CheckoutOutcome.Denied(deny);
                }
                case CheckoutDecision.Keep keep -> {
                    how = CheckoutOutcome.How.KEPT;
                    seatId = keep.seatId();
                    renewSession(writes, r.sessionId(), now, expires);
                }
                case CheckoutDecision.Join join -> {
                    how = CheckoutOutcome.How.JOINED;
                    seatId = join.seatId();
                    upsertSession(writes, session, r, userId, host, hostKey, now, expires);
                    writes.add("UPDATE seats SET linger_until = NULL WHERE id = :id", "id", seatId);
                    insertCheckout(writes, r.sessionId(), pool, seatId, now);
                    event(writes, now, SeatEvent.Type.JOIN, pool, userName, host, r.sessionId(), seatId, null, null);
                }
                case CheckoutDecision.Grant ignored -> {
                    how = CheckoutOutcome.How.NEW;
                    seatId = UUID.randomUUID().toString();
                    upsertSession(writes, session, r, userId, host, hostKey, now, expires);
                    writes.add("""
                                    INSERT INTO seats (id, product, feature, seat_key, user_id, host_key, created_at, charge)
                                    VALUES (:id, :p, :f, :key, :u, :hk, :now, :charge)""",
                            "charge", charge.code(), "id", seatId, "p", pool.product(), "f", pool.feature(),
                            "key", policy.seatKey(userId, hostKey, r.sessionId()), "u", userId, "hk", hostKey, "now", now);
                    adjustInUse(writes, pool, +1);
                    insertCheckout(writes, r.sessionId(), pool, seatId, now);
                    event(writes, now, SeatEvent.Type.GRANT, pool, userName, host, r.sessionId(), seatId, null, null);
                }
            }
            writes.run(h);
            // A new seat has no other sessions yet; a kept or joined one is counted.
            int shared = how == CheckoutOutcome.How.NEW ? 0 : h.createQuery(
                            "SELECT COUNT(*) FROM checkouts WHERE seat_id = :seat AND session_id <> :s")
                    .bind("seat", seatId).bind("s", r.sessionId()).mapTo(Integer.class).one();
            Instant leaseEnd = Instant.ofEpochMilli(expires);
            String sessionId = r.sessionId();
            after.then(() -> leases.put(sessionId, leaseEnd, r.now()));
            return new CheckoutOutcome.Held(how, seatId, sessionId, pool, userName, leaseEnd, shared);
        }, batch, new GroupedSeatDecisions.Checkout(r));
    }

    private static String refusal(Assignments.Outcome.Refused r, PoolKey pool) {
        return (r.code().equals("not-entitled") ? "You may not use " : "No seat of ") + pool.product() + " " + pool.feature()
                + " is available to you (" + r.explanation() + "). Ask your administrator.";
    }

    /** The roles a person is in, the built-in All Users included (so rules can name everyone). */
    private static Set<Long> roleIds(Handle h, long userId) {
        Set<Long> ids = new HashSet<>(h.createQuery("SELECT role_id FROM role_members WHERE user_id = :u").bind("u", userId)
                .mapTo(Long.class).list());
        ids.addAll(h.createQuery("SELECT id FROM roles WHERE built_in = 'all-users'").mapTo(Long.class).list());
        return ids;
    }

    /** Seats of the pool per charge and per limited target, counted inside the checkout's transaction. */
    private static Assignments.Usage usage(Handle h, PoolKey pool, Assignments a, int inUse) {
        Map<Integer, Integer> perReserve = new HashMap<>();
        int[] shared = {0};
        h.createQuery("SELECT charge, COUNT(*) FROM seats WHERE product = :p AND feature = :f GROUP BY charge")
                .bind("p", pool.product()).bind("f", pool.feature())
                .map((rs, ctx) -> {
                    Charge c = Charge.fromCode(rs.getString(1));
                    if (c instanceof Charge.Reserve r) {
                        perReserve.put(r.ruleIndex(), rs.getInt(2));
                    } else {
                        shared[0] += rs.getInt(2);
                    }
                    return 0;
                }).list();
        Map<Integer, Integer> perLimit = new HashMap<>();
        for (int i = 0; i < a.rules().size(); i++) {
            if (a.rules().get(i) instanceof Rule.Limit l) {
                int n = switch (l.target()) {
                    case Target.User u -> h.createQuery("SELECT COUNT(*) FROM seats WHERE product = :p AND feature = :f AND user_id = :u")
                            .bind("p", pool.product()).bind("f", pool.feature()).bind("u", u.userId()).mapTo(Integer.class).one();
                    case Target.Role r -> h.createQuery("""
                                    SELECT COUNT(*) FROM seats s WHERE s.product = :p AND s.feature = :f
                                      AND (EXISTS (SELECT 1 FROM roles x WHERE x.id = :r AND x.built_in = 'all-users')
                                           OR EXISTS (SELECT 1 FROM role_members m WHERE m.role_id = :r AND m.user_id = s.user_id))""")
                            .bind("p", pool.product()).bind("f", pool.feature()).bind("r", r.roleId()).mapTo(Integer.class).one();
                };
                perLimit.put(i, n);
            }
        }
        return new Assignments.Usage(inUse, perReserve, shared[0], perLimit);
    }

    /**
     * The person a checkout is for: the authenticated user, or the owner of the alias the name
     * normalizes to; an unknown name becomes an {@code auto} user only when allowed.
     */
    private record UserRow(long id, String name, boolean enabled) {}

    /**
     * @param found the user of {@code r} as read with the session: by id, or the owner of the alias
     *              its name normalizes to
     */
    /**
     * The last-seen time of a person who checks out. On PostgreSQL a row another transaction holds is
     * skipped rather than waited for: that transaction is setting about the same time (or an admin is
     * editing the person), and waiting would let two nodes' groups, each deciding for the same people
     * in another pool, lock those rows in opposite orders and deadlock. People are the only rows two
     * pools' decisions share.
     */
    private static final Map<Boolean, String> TOUCH_USER = Map.of(
            false, "UPDATE users SET last_seen_at = :now WHERE id = :id",
            true, "UPDATE users SET last_seen_at = :now WHERE id = (SELECT id FROM users WHERE id = :id FOR NO KEY UPDATE SKIP LOCKED)");

    private static Map.Entry<Long, String> resolveUser(Handle h, CheckoutRequest r, long now, WriteScript writes,
                                                       Optional<UserRow> found, boolean shared) {
        if (found.isEmpty()) {
            if (r.userId() != null || !r.autoCreate()) {
                throw IdentityException.unknownUser(r.userName());
            }
            long id = h.createQuery("""
                            INSERT INTO users (name, name_key, created_at, last_seen_at, source, enabled)
                            VALUES (:name, :key, :now, :now, 'auto', 1) RETURNING id""")
                    .bind("name", r.userName()).bind("key", r.userKey()).bind("now", now)
                    .mapTo(Long.class).one();
            h.createUpdate("INSERT INTO user_aliases (alias_key, user_id, alias, created_at) VALUES (:key, :id, :name, :now)")
                    .bind("key", r.userKey()).bind("id", id).bind("name", r.userName()).bind("now", now).execute();
            return Map.entry(id, r.userName());
        }
        UserRow f = found.get();
        if (!f.enabled()) {
            throw new IdentityException(IdentityException.Kind.USER_DISABLED,
                    "the account of " + f.name() + " is disabled: ask your administrator to enable it");
        }
        writes.add(TOUCH_USER.get(shared), "now", now, "id", f.id());
        return Map.entry(f.id(), f.name());
    }

    @Override
    public boolean checkin(String sessionId, PoolKey pool, Instant at) {
        return db.writeGrouped(new Database.Locks(List.of(sessionId), List.of(pool)), (Database.Work<Boolean>) (h, after) -> {
            long now = at.toEpochMilli();
            dialect.lockSessions(h, List.of(sessionId));
            dialect.lockPools(h, List.of(pool));
            // What the check-in decides on, read at once: the checkout's seat, who else is on it, its loan,
            // whether the session keeps other checkouts, and who the session is. No row: nothing to check in.
            record Held(String seatId, int othersOnSeat, long loanEnd, int sessionLeft, String userName, String host) {}
            Optional<Held> held = h.createQuery("""
                            SELECT c.seat_id,
                              (SELECT COUNT(*) FROM checkouts o WHERE o.seat_id = c.seat_id AND o.session_id <> c.session_id),
                              (SELECT COALESCE(borrowed_until, 0) FROM seats WHERE id = c.seat_id),
                              (SELECT COUNT(*) FROM checkouts o WHERE o.session_id = c.session_id
                                 AND (o.product <> c.product OR o.feature <> c.feature)),
                              u.name, s.host
                            FROM checkouts c JOIN sessions s ON s.id = c.session_id JOIN users u ON u.id = s.user_id
                            WHERE c.session_id = :s AND c.product = :p AND c.feature = :f""")
                    .bind("s", sessionId).bind("p", pool.product()).bind("f", pool.feature())
                    .map((rs, ctx) -> new Held(rs.getString(1), rs.getInt(2), rs.getLong(3), rs.getInt(4), rs.getString(5),
                            rs.getString(6)))
                    .findOne();
            if (held.isEmpty()) {
                return false;
            }
            String seatId = held.get().seatId();
            WriteScript writes = new WriteScript(dialect.shared());
            writes.add("DELETE FROM checkouts WHERE session_id = :s AND product = :p AND feature = :f",
                    "s", sessionId, "p", pool.product(), "f", pool.feature());
            // As releaseIfUnused: the last session gone, the seat lingers, or goes back to the pool.
            boolean freed = false;
            if (held.get().othersOnSeat() == 0) {
                long lingerEnd = now + terms.terms(pool, at).settings().linger().toMillis();
                long until = Math.max(lingerEnd, held.get().loanEnd());
                if (until > now) {
                    writes.add("UPDATE seats SET linger_until = :until WHERE id = :id", "until", until, "id", seatId);
                } else {
                    // The checkout just deleted referenced the seat (a foreign key), so the seat is there to delete.
                    writes.add("DELETE FROM seats WHERE id = :id", "id", seatId);
                    adjustInUse(writes, pool, -1);
                    freed = true;
                }
            }
            event(writes, now, SeatEvent.Type.RELEASE, pool, held.get().userName(), held.get().host(), sessionId,
                    seatId, "check-in", null);
            boolean ends = held.get().sessionLeft() == 0;
            if (ends) {
                // A session exists to hold checkouts; with none left it ends, and its next heartbeat says so.
                writes.add("DELETE FROM sessions WHERE id = :s", "s", sessionId);
            }
            int[] counts = writes.run(h);
            if (counts[0] != 1 || (freed && counts[1] != 1)) {
                throw new IllegalStateException("check-in of " + sessionId + " found its rows changed under its locks");
            }
            if (freed) {
                after.then(() -> seatFreed.accept(pool));
            }
            if (ends) {
                after.then(() -> leases.remove(sessionId));
            }
            return true;
        }, batch, new GroupedSeatDecisions.Checkin(sessionId, pool, at));
    }

    @Override
    public boolean endSession(String sessionId, Instant at) {
        return db.write((h, after) -> {
            dialect.lockSessions(h, List.of(sessionId));
            lockPools(h, null, List.of(sessionId));
            return findSession(h, sessionId)
                .map(s -> {
                    endSession(h, after, s, at.toEpochMilli(), SeatEvent.Type.RELEASE, "session ended");
                    return true;
                })
                .orElse(false);
        });
    }

    @Override
    public int expire(Collection<String> sessionIds, Instant at) {
        if (sessionIds.isEmpty()) {
            return 0;
        }
        List<String> ids = sessionIds.stream().distinct().sorted().toList();
        return db.write((h, after) -> {
            dialect.lockSessions(h, ids);
            lockPools(h, null, ids);
            int n = 0;
            for (String id : ids) {
                Optional<SessionRow> s = findSession(h, id);
                // The conditional claim is what makes an expiry happen once and never after a heartbeat
                // another node committed meanwhile (it waits for that row and then sees the new lease).
                if (s.isPresent() && !isLive(s.get(), at) && claimLapsed(h, id, at.toEpochMilli())) {
                    endSession(h, after, s.get(), at.toEpochMilli(), SeatEvent.Type.EXPIRY, "lease lapsed");
                    n++;
                } else if (s.isEmpty()) {
                    after.then(() -> leases.remove(id));
                }
            }
            return n;
        });
    }

    @Override
    public int endLingering(Instant at) {
        long now = at.toEpochMilli();
        boolean any = db.read(h -> h.createQuery("""
                        SELECT COUNT(*) FROM seats WHERE (linger_until IS NOT NULL AND linger_until <= :now)
                          OR (borrowed_until IS NOT NULL AND borrowed_until <= :now)""")
                .bind("now", now).mapTo(Integer.class).one()) > 0;
        if (!any) {
            return 0; // the common case costs one indexed read and no write transaction
        }
        return db.write((h, after) -> {
            if (dialect.shared()) {
                dialect.lockPools(h, h.createQuery("""
                                SELECT DISTINCT product, feature FROM seats WHERE linger_until IS NOT NULL AND linger_until <= :now""")
                        .bind("now", now).map((rs, ctx) -> new PoolKey(rs.getString(1), rs.getString(2))).list());
            }
            var due = h.createQuery("""
                            SELECT s.id, s.product, s.feature, u.name, s.borrowed_until FROM seats s JOIN users u ON u.id = s.user_id
                            WHERE s.linger_until IS NOT NULL AND s.linger_until <= :now""")
                    .bind("now", now)
                    .map((rs, ctx) -> new String[] {rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5)})
                    .list();
            for (String[] s : due) {
                PoolKey pool = new PoolKey(s[1], s[2]);
                deleteSeat(h, after, s[0], pool);
                // A loan whose holder is offline waits out its date as a linger (see releaseIfUnused).
                boolean loan = s[4] != null;
                event(h, now, loan ? SeatEvent.Type.BORROW_END : SeatEvent.Type.LINGER_END, pool, s[3], null, null, s[0],
                        loan ? "loan ended" : "linger ended", null);
            }
            // Loans that ended while their holder is back online: the seat stays with its sessions, as an ordinary seat.
            var ended = h.createQuery("""
                            SELECT s.id, s.product, s.feature, u.name FROM seats s JOIN users u ON u.id = s.user_id
                            WHERE s.borrowed_until IS NOT NULL AND s.borrowed_until <= :now""")
                    .bind("now", now)
                    .map((rs, ctx) -> new String[] {rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)})
                    .list();
            for (String[] s : ended) {
                h.createUpdate("UPDATE seats SET borrowed_until = NULL WHERE id = :id").bind("id", s[0]).execute();
                event(h, now, SeatEvent.Type.BORROW_END, new PoolKey(s[1], s[2]), s[3], null, null, s[0],
                        "loan ended", "still held by a live session");
            }
            return due.size();
        });
    }

    @Override
    public Optional<List<String>> forceRelease(String seatId, Instant at, String reason) {
        return db.write((h, after) -> {
            lockForSeats(h, List.of(seatId));
            return forceRelease(h, after, seatId, at.toEpochMilli(), reason);
        });
    }

    @Override
    public List<String> releaseUser(String userKey, PoolKey poolOrNull, Instant at, String reason) {
        return db.write((h, after) -> {
            List<String> seatIds = h.createQuery("""
                            SELECT s.id FROM seats s JOIN user_aliases a ON a.user_id = s.user_id
                            WHERE a.alias_key = :key AND (:p IS NULL OR (s.product = :p AND s.feature = :f))""")
                    .bind("key", userKey)
                    .bind("p", poolOrNull == null ? null : poolOrNull.product())
                    .bind("f", poolOrNull == null ? null : poolOrNull.feature())
                    .mapTo(String.class).list();
            lockForSeats(h, seatIds);
            List<String> released = new ArrayList<>();
            for (String seatId : seatIds) {
                if (forceRelease(h, after, seatId, at.toEpochMilli(), reason).isPresent()) {
                    released.add(seatId);
                }
            }
            return released;
        });
    }

    private Optional<List<String>> forceRelease(Handle h, Database.AfterCommit after, String seatId, long now, String reason) {
        var seat = h.createQuery("""
                        SELECT s.product, s.feature, u.name FROM seats s JOIN users u ON u.id = s.user_id WHERE s.id = :id""")
                .bind("id", seatId)
                .map((rs, ctx) -> new String[] {rs.getString(1), rs.getString(2), rs.getString(3)})
                .findOne();
        if (seat.isEmpty()) {
            return Optional.empty();
        }
        PoolKey pool = new PoolKey(seat.get()[0], seat.get()[1]);
        List<String> sessionIds = h.createQuery("SELECT session_id FROM checkouts WHERE seat_id = :id")
                .bind("id", seatId).mapTo(String.class).list();
        for (String sid : sessionIds) {
            findSession(h, sid).ifPresent(s -> endSession(h, after, s, now, SeatEvent.Type.FORCE_RELEASE, reason));
        }
        // The seat may still exist: it was lingering, or ending its sessions just started a linger.
        if (h.createQuery("SELECT COUNT(*) FROM seats WHERE id = :id").bind("id", seatId).mapTo(Integer.class).one() > 0) {
            deleteSeat(h, after, seatId, pool);
        }
        event(h, now, SeatEvent.Type.FORCE_RELEASE, pool, seat.get()[2], null, null, seatId, reason,
                sessionIds.size() + " session(s) ended");
        return Optional.of(sessionIds);
    }

    @Override
    public BorrowOutcome borrow(String sessionId, PoolKey pool, Instant until, Instant at) {
        return db.write((h, after) -> {
            long now = at.toEpochMilli();
            Optional<SessionRow> session = findSession(h, sessionId).filter(s -> isLive(s, at));
            Optional<String> seatId = session.isEmpty() ? Optional.empty() : h.createQuery(
                            "SELECT seat_id FROM checkouts WHERE session_id = :s AND product = :p AND feature = :f")
                    .bind("s", sessionId).bind("p", pool.product()).bind("f", pool.feature())
                    .mapTo(String.class).findOne();
            if (seatId.isEmpty()) {
                return new BorrowOutcome.Refused("not-checked-out", 409, "session " + sessionId + " holds no seat of "
                        + pool.product() + " " + pool.feature() + ": check out first, then borrow the seat you hold");
            }
            SessionRow s = session.get();
            boolean renewal = h.createQuery("SELECT COUNT(*) FROM seats WHERE id = :id AND borrowed_until > :now")
                    .bind("id", seatId.get()).bind("now", now).mapTo(Integer.class).one() > 0;
            int others = h.createQuery("""
                            SELECT COUNT(*) FROM seats WHERE product = :p AND feature = :f AND borrowed_until > :now AND id <> :id""")
                    .bind("p", pool.product()).bind("f", pool.feature()).bind("now", now).bind("id", seatId.get())
                    .mapTo(Integer.class).one();
            PoolTerms t = terms.terms(pool, at);
            switch (t.settings().borrow().decide(t.capacity(), others, at, until)) {
                case BorrowPolicy.Decision.Refuse no -> {
                    return new BorrowOutcome.Refused(no.code(), no.status(), no.message());
                }
                case BorrowPolicy.Decision.Lend lend -> {
                    h.createUpdate("UPDATE seats SET borrowed_until = :until WHERE id = :id")
                            .bind("until", lend.until().toEpochMilli()).bind("id", seatId.get()).execute();
                    event(h, now, SeatEvent.Type.BORROW, pool, s.userName(), s.host(), sessionId, seatId.get(),
                            renewal ? "renewed" : "borrowed", "until " + lend.until());
                    return new BorrowOutcome.Lent(seatId.get(), pool, s.userId(), s.userName(), s.host(), sessionId,
                            lend.until(), renewal);
                }
            }
        });
    }

    @Override
    public Optional<Loan> loan(String seatId, Instant at) {
        return db.read(h -> findLoan(h, seatId, at.toEpochMilli()));
    }

    private static Optional<Loan> findLoan(Handle h, String seatId, long now) {
        return h.createQuery("""
                        SELECT s.product, s.feature, s.user_id, u.name, s.borrowed_until FROM seats s JOIN users u ON u.id = s.user_id
                        WHERE s.id = :id AND s.borrowed_until > :now""")
                .bind("id", seatId).bind("now", now)
                .map((rs, ctx) -> new Loan(seatId, new PoolKey(rs.getString(1), rs.getString(2)), rs.getLong(3),
                        rs.getString(4), Instant.ofEpochMilli(rs.getLong(5))))
                .findOne();
    }

    @Override
    public Optional<Loan> endLoan(String seatId, Instant at, boolean forced, String reason) {
        return db.write((h, after) -> {
            long now = at.toEpochMilli();
            Optional<Loan> loan = findLoan(h, seatId, now);
            if (loan.isEmpty()) {
                return loan;
            }
            PoolKey pool = loan.get().pool();
            h.createUpdate("UPDATE seats SET borrowed_until = NULL WHERE id = :id").bind("id", seatId).execute();
            event(h, now, forced ? SeatEvent.Type.FORCE_RETURN : SeatEvent.Type.RETURN, pool, loan.get().user(), null, null,
                    seatId, reason, "was on loan until " + loan.get().until());
            List<String> sessionIds = h.createQuery("SELECT session_id FROM checkouts WHERE seat_id = :id")
                    .bind("id", seatId).mapTo(String.class).list();
            if (forced) {
                for (String sid : sessionIds) {
                    findSession(h, sid).ifPresent(s -> endSession(h, after, s, now, SeatEvent.Type.FORCE_RELEASE, reason));
                }
            }
            if (forced || sessionIds.isEmpty()) {
                // Given back: no linger, the point of returning early is that someone else can have it now.
                deleteSeat(h, after, seatId, pool);
            }
            return loan;
        });
    }

    @Override
    public void saveLeases(List<LeaseTable.Lease> list) {
        if (list.isEmpty()) {
            return;
        }
        db.write((h, after) -> {
            PreparedBatch batch = h.prepareBatch("""
                    UPDATE sessions SET
                      lease_expires_at = CASE WHEN lease_expires_at < :exp THEN :exp ELSE lease_expires_at END,
                      last_heartbeat_at = CASE WHEN last_heartbeat_at < :hb THEN :hb ELSE last_heartbeat_at END
                    WHERE id = :id""");
            for (LeaseTable.Lease l : list) {
                batch.bind("exp", l.expiresAt().toEpochMilli()).bind("hb", l.lastHeartbeat().toEpochMilli())
                        .bind("id", l.sessionId()).add();
            }
            batch.execute();
            return null;
        });
    }

    @Override
    public Set<String> extendLeases(List<LeaseTable.Lease> list) {
        if (list.isEmpty()) {
            return Set.of();
        }
        // Sorted: two nodes writing overlapping batches lock the rows in the same order.
        List<LeaseTable.Lease> sorted = list.stream().sorted(java.util.Comparator.comparing(LeaseTable.Lease::sessionId)).toList();
        return db.write((h, after) -> {
            PreparedBatch batch = h.prepareBatch("""
                    UPDATE sessions SET
                      lease_expires_at = CASE WHEN lease_expires_at < :exp THEN :exp ELSE lease_expires_at END,
                      last_heartbeat_at = CASE WHEN last_heartbeat_at < :hb THEN :hb ELSE last_heartbeat_at END
                    WHERE id = :id""");
            for (LeaseTable.Lease l : sorted) {
                batch.bind("exp", l.expiresAt().toEpochMilli()).bind("hb", l.lastHeartbeat().toEpochMilli())
                        .bind("id", l.sessionId()).add();
            }
            int[] counts = batch.execute();
            Set<String> missing = new HashSet<>();
            for (int i = 0; i < counts.length; i++) {
                if (counts[i] == 0) {
                    missing.add(sorted.get(i).sessionId());
                }
            }
            return missing;
        });
    }

    @Override
    public Optional<LeaseTable.Lease> storedLease(String sessionId) {
        return db.read(h -> h.createQuery("SELECT id, lease_expires_at, last_heartbeat_at FROM sessions WHERE id = :id")
                .bind("id", sessionId)
                .map((rs, ctx) -> new LeaseTable.Lease(rs.getString(1), Instant.ofEpochMilli(rs.getLong(2)),
                        Instant.ofEpochMilli(rs.getLong(3))))
                .findOne());
    }

    @Override
    public List<String> lapsedInStore(Instant at, int max) {
        return db.read(h -> h.createQuery("SELECT id FROM sessions WHERE lease_expires_at <= :now ORDER BY lease_expires_at, id LIMIT :n")
                .bind("now", at.toEpochMilli()).bind("n", max).mapTo(String.class).list());
    }

    @Override
    public List<LeaseTable.Lease> loadLeasesWithGrace(Instant at, Duration ttl) {
        long graceEnd = at.plus(ttl).toEpochMilli();
        return db.write((h, after) -> {
            h.createUpdate("UPDATE sessions SET lease_expires_at = :g WHERE lease_expires_at < :g")
                    .bind("g", graceEnd).execute();
            return h.createQuery("SELECT id, lease_expires_at, last_heartbeat_at FROM sessions")
                    .map((rs, ctx) -> new LeaseTable.Lease(rs.getString(1), Instant.ofEpochMilli(rs.getLong(2)),
                            Instant.ofEpochMilli(rs.getLong(3))))
                    .list();
        });
    }

    @Override
    public Explanation explain(long userId, PoolKey pool, Instant at) {
        return db.read(h -> {
            var held = h.createQuery("SELECT id, created_at, charge FROM seats WHERE product = :p AND feature = :f AND user_id = :u ORDER BY created_at LIMIT 1")
                    .bind("p", pool.product()).bind("f", pool.feature()).bind("u", userId)
                    .map((rs, ctx) -> new Explanation("holds", rs.getString(3), "holds seat " + rs.getString(1) + ", charged to "
                            + rs.getString(3).replace("reserve:", "reserve rule #"), rs.getString(1), Instant.ofEpochMilli(rs.getLong(2))))
                    .findOne();
            if (held.isPresent()) {
                return held.get();
            }
            PoolTerms t = terms.terms(pool, at);
            int inUse = inUse(h, pool);
            CheckoutDecision d = SeatAllocator.decide(t, new SeatAllocator.Held(null, null, inUse));
            if (d instanceof CheckoutDecision.Deny deny && !(deny.reason() == DenyReason.NO_SEATS_AVAILABLE && !t.assignments().rules().isEmpty())) {
                return new Explanation("refused", deny.reason().code(), deny.message(), null, null);
            }
            if (t.assignments().rules().isEmpty()) {
                return new Explanation("would-get", "shared", "would get a seat: " + inUse + " of " + t.capacity() + " in use, no rules", null, null);
            }
            return switch (t.assignments().decide(t.capacity(), usage(h, pool, t.assignments(), inUse), userId, roleIds(h, userId))) {
                case Assignments.Outcome.Granted g -> new Explanation("would-get", g.charge().code(), "would get a seat " + g.explanation(), null, null);
                case Assignments.Outcome.Refused r -> new Explanation("refused", r.code(), refusal(r, pool), null, null);
            };
        });
    }

    @Override
    public Optional<Long> sessionOwner(String sessionId) {
        return db.read(h -> h.createQuery("SELECT user_id FROM sessions WHERE id = :id").bind("id", sessionId)
                .mapTo(Long.class).findOne());
    }

    @Override
    public List<SeatRecord> seats() {
        return seatsWhere("");
    }

    @Override
    public List<SeatRecord> seatsOnLoan() {
        // Read by the seats page on every view: only the few loans, not every seat of every pool.
        return seatsWhere("WHERE s.borrowed_until IS NOT NULL");
    }

    /** Seats (with their sessions) matching a fixed condition on the seat row {@code s}. */
    private List<SeatRecord> seatsWhere(String where) {
        return db.read(h -> {
            Map<String, List<SessionRecord>> bySeat = new LinkedHashMap<>();
            h.createQuery("""
                            SELECT c.seat_id, s.id, u.name, s.host, s.client, s.created_at, s.last_heartbeat_at, s.lease_expires_at
                            FROM checkouts c JOIN sessions s ON s.id = c.session_id JOIN users u ON u.id = s.user_id
                            """ + (where.isEmpty() ? "" : "WHERE c.seat_id IN (SELECT s.id FROM seats s " + where + ")\n") + """
                            ORDER BY s.created_at, s.id""")
                    .map((rs, ctx) -> {
                        bySeat.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(sessionRecord(rs.getString(2),
                                rs.getString(3), rs.getString(4), rs.getString(5), rs.getLong(6), rs.getLong(7), rs.getLong(8)));
                        return 0;
                    })
                    .list();
            return h.createQuery("""
                            SELECT s.id, s.product, s.feature, s.seat_key, u.name, s.created_at, s.linger_until, s.borrowed_until
                            FROM seats s JOIN users u ON u.id = s.user_id
                            """ + where + "\n" + """
                            ORDER BY s.product, s.feature, s.created_at, s.id""")
                    .map((rs, ctx) -> {
                        long linger = rs.getLong(7);
                        Instant lingerUntil = rs.wasNull() ? null : Instant.ofEpochMilli(linger);
                        long loan = rs.getLong(8);
                        Instant borrowedUntil = rs.wasNull() ? null : Instant.ofEpochMilli(loan);
                        return new SeatRecord(rs.getString(1), new PoolKey(rs.getString(2), rs.getString(3)), rs.getString(4),
                                rs.getString(5), Instant.ofEpochMilli(rs.getLong(6)), lingerUntil,
                                List.copyOf(bySeat.getOrDefault(rs.getString(1), List.of())), borrowedUntil);
                    })
                    .list();
        });
    }

    @Override
    public List<SessionRecord> sessions() {
        return db.read(h -> h.createQuery("""
                        SELECT s.id, u.name, s.host, s.client, s.created_at, s.last_heartbeat_at, s.lease_expires_at
                        FROM sessions s JOIN users u ON u.id = s.user_id ORDER BY s.created_at, s.id""")
                .map((rs, ctx) -> sessionRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getLong(5), rs.getLong(6), rs.getLong(7)))
                .list());
    }

    private SessionRecord sessionRecord(String id, String user, String host, String client, long since, long hb, long exp) {
        // The in-memory lease is the newer truth between two flushes.
        Optional<LeaseTable.Lease> live = leases.get(id);
        Instant lastHeartbeat = Instant.ofEpochMilli(Math.max(hb, live.map(l -> l.lastHeartbeat().toEpochMilli()).orElse(0L)));
        Instant expires = Instant.ofEpochMilli(Math.max(exp, live.map(l -> l.expiresAt().toEpochMilli()).orElse(0L)));
        return new SessionRecord(id, user, host, client, Instant.ofEpochMilli(since), lastHeartbeat, expires);
    }

    @Override
    public Map<PoolKey, Integer> inUse() {
        return db.read(h -> {
            Map<PoolKey, Integer> out = new LinkedHashMap<>();
            h.createQuery("SELECT product, feature, in_use FROM pool_counters ORDER BY product, feature")
                    .map((rs, ctx) -> out.put(new PoolKey(rs.getString(1), rs.getString(2)), rs.getInt(3)))
                    .list();
            return out;
        });
    }

    @Override
    public Map<PoolKey, Integer> borrowed(Instant at) {
        return db.read(h -> {
            Map<PoolKey, Integer> out = new LinkedHashMap<>();
            h.createQuery("""
                            SELECT product, feature, COUNT(*) FROM seats WHERE borrowed_until > :now
                            GROUP BY product, feature ORDER BY product, feature""")
                    .bind("now", at.toEpochMilli())
                    .map((rs, ctx) -> out.put(new PoolKey(rs.getString(1), rs.getString(2)), rs.getInt(3)))
                    .list();
            return out;
        });
    }

    @Override
    public List<SeatEvent> events(int limit) {
        return db.read(h -> h.createQuery("""
                        SELECT at, type, product, feature, user_name, host, session_id, seat_id, reason, detail
                        FROM seat_events ORDER BY id DESC LIMIT :n""")
                .bind("n", limit)
                .map((rs, ctx) -> new SeatEvent(Instant.ofEpochMilli(rs.getLong(1)),
                        SeatEvent.Type.valueOf(rs.getString(2)), new PoolKey(rs.getString(3), rs.getString(4)),
                        rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9), rs.getString(10)))
                .list());
    }

    // ---- inside a transaction ------------------------------------------------------------------

    /** Locks {@code pool} (if given) and the pools of the given sessions' checkouts; a no-op on SQLite. */
    private void lockPools(Handle h, PoolKey pool, List<String> sessionIds) {
        if (!dialect.shared()) {
            return;
        }
        Set<PoolKey> pools = new HashSet<>();
        if (pool != null) {
            pools.add(pool);
        }
        if (!sessionIds.isEmpty()) {
            pools.addAll(h.createQuery("SELECT DISTINCT product, feature FROM checkouts WHERE session_id IN (<ids>)")
                    .bindList("ids", sessionIds)
                    .map((rs, ctx) -> new PoolKey(rs.getString(1), rs.getString(2))).list());
        }
        dialect.lockPools(h, pools);
    }

    /** Before an admin release: the sessions on these seats, then their pools (the usual order). */
    private void lockForSeats(Handle h, List<String> seatIds) {
        if (!dialect.shared() || seatIds.isEmpty()) {
            return;
        }
        List<String> sessionIds = h.createQuery("SELECT DISTINCT session_id FROM checkouts WHERE seat_id IN (<ids>)")
                .bindList("ids", seatIds).mapTo(String.class).list();
        dialect.lockSessions(h, sessionIds);
        Set<PoolKey> pools = new HashSet<>(h.createQuery("SELECT DISTINCT product, feature FROM seats WHERE id IN (<ids>)")
                .bindList("ids", seatIds).map((rs, ctx) -> new PoolKey(rs.getString(1), rs.getString(2))).list());
        if (!sessionIds.isEmpty()) {
            pools.addAll(h.createQuery("SELECT DISTINCT product, feature FROM checkouts WHERE session_id IN (<ids>)")
                    .bindList("ids", sessionIds)
                    .map((rs, ctx) -> new PoolKey(rs.getString(1), rs.getString(2))).list());
        }
        dialect.lockPools(h, pools);
    }

    /**
     * Takes a session whose stored lease lapsed at {@code now}, row-locked: false when its lease was
     * extended meanwhile (a heartbeat another node committed after this transaction looked), so the
     * session stays. One statement on both engines.
     */
    private static boolean claimLapsed(Handle h, String sessionId, long now) {
        return h.createUpdate("UPDATE sessions SET lease_expires_at = lease_expires_at WHERE id = :id AND lease_expires_at <= :now")
                .bind("id", sessionId).bind("now", now).execute() == 1;
    }

    private boolean isLive(SessionRow s, Instant now) {
        long memory = leases.get(s.id()).map(l -> l.expiresAt().toEpochMilli()).orElse(0L);
        return Math.max(s.leaseExpiresAt(), memory) > now.toEpochMilli();
    }

    private static Optional<SessionRow> findSession(Handle h, String sessionId) {
        return h.createQuery("""
                        SELECT s.id, s.user_id, u.name, s.host, s.host_key, s.lease_expires_at
                        FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = :id""")
                .bind("id", sessionId)
                .map((rs, ctx) -> new SessionRow(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getLong(6)))
                .findOne();
    }

    /**
     * The seat a checkout's key already holds (or null), and the pool's seats in use, in one query.
     * The seat is looked up by what the key means rather than by the key string, so that after an admin
     * switches a pool from user+host to user, a person's existing seat is found and joined.
     */
    private static String[] findSeatOfKeyAndInUse(Handle h, PoolKey pool, SeatKeyPolicy policy, long userId, String hostKey,
                                                  String sessionId) {
        String seat = switch (policy) {
            case USER -> "SELECT id FROM seats WHERE product = :p AND feature = :f AND user_id = :u ORDER BY created_at, id LIMIT 1";
            case USER_HOST -> """
                    SELECT id FROM seats WHERE product = :p AND feature = :f AND user_id = :u AND host_key = :hk
                    ORDER BY created_at, id LIMIT 1""";
            case SESSION -> "SELECT id FROM seats WHERE product = :p AND feature = :f AND seat_key = :k";
        };
        var q = h.createQuery("SELECT (" + seat + "), COALESCE((SELECT in_use FROM pool_counters WHERE product = :p AND feature = :f), 0)")
                .bind("p", pool.product()).bind("f", pool.feature());
        q = switch (policy) {
            case USER -> q.bind("u", userId);
            case USER_HOST -> q.bind("u", userId).bind("hk", hostKey);
            case SESSION -> q.bind("k", policy.seatKey(userId, hostKey, sessionId));
        };
        return q.map((rs, ctx) -> new String[] {rs.getString(1), Integer.toString(rs.getInt(2))}).one();
    }

    private static int inUse(Handle h, PoolKey pool) {
        return h.createQuery("SELECT in_use FROM pool_counters WHERE product = :p AND feature = :f")
                .bind("p", pool.product()).bind("f", pool.feature())
                .mapTo(Integer.class).findOne().orElse(0);
    }

    private static void adjustInUse(Handle h, PoolKey pool, int delta) {
        adjustInUse(new WriteScript(false), pool, delta).run(h);
    }

    private static WriteScript adjustInUse(WriteScript w, PoolKey pool, int delta) {
        if (delta < 0) {
            // A plain update: the upsert's insert row would trip the CHECK before the conflict resolves.
            return w.add("UPDATE pool_counters SET in_use = in_use + :d WHERE product = :p AND feature = :f",
                    "p", pool.product(), "f", pool.feature(), "d", delta);
        }
        return w.add("""
                        INSERT INTO pool_counters (product, feature, in_use) VALUES (:p, :f, :d)
                        ON CONFLICT (product, feature) DO UPDATE SET in_use = pool_counters.in_use + :d""",
                "p", pool.product(), "f", pool.feature(), "d", delta);
    }

    private static void upsertSession(WriteScript w, SessionRow existing, CheckoutRequest r, long userId, String host,
                                      String hostKey, long now, long expires) {
        if (existing != null) {
            renewSession(w, r.sessionId(), now, expires);
            return;
        }
        w.add("""
                        INSERT INTO sessions (id, user_id, host, host_key, client, created_at, last_heartbeat_at, lease_expires_at)
                        VALUES (:id, :u, :host, :hk, :client, :now, :now, :exp)""",
                "id", r.sessionId(), "u", userId, "host", host, "hk", hostKey, "client", r.client(), "now", now, "exp", expires);
    }

    private static void renewSession(WriteScript w, String sessionId, long now, long expires) {
        w.add("""
                        UPDATE sessions SET last_heartbeat_at = :now,
                          lease_expires_at = CASE WHEN lease_expires_at < :exp THEN :exp ELSE lease_expires_at END
                        WHERE id = :id""",
                "id", sessionId, "now", now, "exp", expires);
    }

    private static void insertCheckout(WriteScript w, String sessionId, PoolKey pool, String seatId, long now) {
        w.add("""
                        INSERT INTO checkouts (session_id, product, feature, seat_id, created_at)
                        VALUES (:s, :p, :f, :seat, :now)""",
                "s", sessionId, "p", pool.product(), "f", pool.feature(), "seat", seatId, "now", now);
    }

    private void endSession(Handle h, Database.AfterCommit after, SessionRow s, long now, SeatEvent.Type type, String reason) {
        List<CheckoutRow> checkouts = h.createQuery("SELECT session_id, product, feature, seat_id FROM checkouts WHERE session_id = :s")
                .bind("s", s.id())
                .map((rs, ctx) -> new CheckoutRow(rs.getString(1), new PoolKey(rs.getString(2), rs.getString(3)), rs.getString(4)))
                .list();
        h.createUpdate("DELETE FROM checkouts WHERE session_id = :s").bind("s", s.id()).execute();
        for (CheckoutRow c : checkouts) {
            releaseIfUnused(h, after, c.seatId(), c.pool(), now);
            event(h, now, type, c.pool(), s.userName(), s.host(), s.id(), c.seatId(), reason, null);
        }
        h.createUpdate("DELETE FROM sessions WHERE id = :s").bind("s", s.id()).execute();
        String id = s.id();
        after.then(() -> leases.remove(id));
    }

    /**
     * Returns the seat to the pool when its last session is gone, or starts its linger. A seat on loan
     * lingers until the loan's date: that is what lets its holder work offline without heartbeats.
     */
    private void releaseIfUnused(Handle h, Database.AfterCommit after, String seatId, PoolKey pool, long now) {
        int attached = h.createQuery("SELECT COUNT(*) FROM checkouts WHERE seat_id = :id")
                .bind("id", seatId).mapTo(Integer.class).one();
        if (attached > 0) {
            return;
        }
        long lingerEnd = now + terms.terms(pool, Instant.ofEpochMilli(now)).settings().linger().toMillis();
        long loanEnd = h.createQuery("SELECT COALESCE(borrowed_until, 0) FROM seats WHERE id = :id")
                .bind("id", seatId).mapTo(Long.class).findOne().orElse(0L);
        long until = Math.max(lingerEnd, loanEnd);
        if (until > now) {
            h.createUpdate("UPDATE seats SET linger_until = :until WHERE id = :id")
                    .bind("until", until).bind("id", seatId).execute();
        } else {
            deleteSeat(h, after, seatId, pool);
        }
    }

    private void deleteSeat(Handle h, Database.AfterCommit after, String seatId, PoolKey pool) {
        int deleted = h.createUpdate("DELETE FROM seats WHERE id = :id").bind("id", seatId).execute();
        if (deleted > 0) {
            adjustInUse(h, pool, -deleted);
            after.then(() -> seatFreed.accept(pool));
        }
    }

    /**
     * Records an event with the pool's seats in use after it (the usage history's timeline): callers
     * change {@code pool_counters} first, then record the event, in the same transaction.
     */
    private static void event(Handle h, long at, SeatEvent.Type type, PoolKey pool, String user, String host,
                              String sessionId, String seatId, String reason, String detail) {
        event(new WriteScript(false), at, type, pool, user, host, sessionId, seatId, reason, detail).run(h);
    }

    private static WriteScript event(WriteScript w, long at, SeatEvent.Type type, PoolKey pool, String user, String host,
                                     String sessionId, String seatId, String reason, String detail) {
        return w.add("""
                        INSERT INTO seat_events (at, type, product, feature, user_name, host, session_id, seat_id, reason, detail, in_use)
                        VALUES (:at, :type, :p, :f, :u, :host, :s, :seat, :reason, :detail,
                          (SELECT in_use FROM pool_counters WHERE product = :p AND feature = :f))""",
                "at", at, "type", type.name(), "p", pool.product(), "f", pool.feature(), "u", user, "host", host,
                "s", sessionId, "seat", seatId, "reason", reason, "detail", detail);
    }
}
