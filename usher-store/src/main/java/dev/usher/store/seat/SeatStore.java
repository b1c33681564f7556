package dev.usher.store.seat;

import dev.usher.core.identity.IdentityException;
import dev.usher.core.lease.LeaseTable;
import dev.usher.core.seat.BorrowOutcome;
import dev.usher.core.seat.CheckoutOutcome;
import dev.usher.core.seat.CheckoutRequest;
import dev.usher.core.lease.LeaseRecords;
import dev.usher.core.seat.PoolKey;
import dev.usher.core.seat.PoolTermsSource;
import dev.usher.core.seat.SeatLedger;
import dev.usher.core.seat.SeatViews;
import dev.usher.core.seat.SessionConflictException;
import dev.usher.core.seat.decision.Checkouts;
import dev.usher.core.seat.decision.Merges;
import dev.usher.core.seat.decision.SeatOp;
import dev.usher.store.Database;
import dev.usher.store.PeopleSeats;
import org.jdbi.v3.core.Handle;

import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * Seats in a store: every operation becomes a {@link SeatOp} that the engine decides (with the one
 * decision in core) and stores; views and lease records are alongside. Which engine depends on who
 * owns the data: a lone server's embedded database keeps the state in memory
 * ({@link ResidentSeatEngine}); several nodes on one PostgreSQL load what each group needs
 * ({@link SharedSeatEngine}).
 */
public final class SeatStore implements SeatLedger, PeopleSeats, AutoCloseable {

    private static final int SWEEP_BATCH = 500;

    private final SeatEngine engine;
    private final SeatViews views;
    private final LeaseRecords leaseRecords;

    /** The engine deciding for this store (tests look at how it loads). */
    SeatEngine engine() {
        return engine;
    }

    private SeatStore(SeatEngine engine, SeatViews views, LeaseRecords leaseRecords) {
        this.engine = engine;
        this.views = views;
        this.leaseRecords = leaseRecords;
    }

    /**
     * @param seatFreed told (after commit, on the store's thread: it must only hand the news on) whenever a
     *                  seat goes back to a pool, so that whoever waits for one can be served at once
     */
    public static SeatStore open(Database db, PoolTermsSource terms, LeaseTable leases, Consumer<PoolKey> seatFreed, Clock clock) {
        SqlSeatViews sql = new SqlSeatViews(db, leases);
        if (db.dialect().shared()) {
            SharedSeatEngine shared = new SharedSeatEngine(db, terms, leases, seatFreed);
            return new SeatStore(shared, sql, new LeaseStore(db, shared::leasesShifted));
        }
        ResidentSeatEngine resident = new ResidentSeatEngine(db, terms, leases, seatFreed, clock);
        // The resident book keeps leases too: it moves with the stored ones when the wall clock stepped.
        return new SeatStore(resident, new ResidentSeatViews(resident.book(), leases, sql), new LeaseStore(db, resident::leasesShifted));
    }

    public SeatViews views() {
        return views;
    }

    public LeaseRecords leases() {
        return leaseRecords;
    }

    @Override
    public CheckoutOutcome checkout(CheckoutRequest request) {
        return switch (engine.run(new SeatOp.Checkout(request))) {
            case Checkouts.Outcome.Done done -> done.outcome();
            case Checkouts.Outcome.UnknownPerson u -> throw IdentityException.unknownUser(u.name());
            case Checkouts.Outcome.PersonDisabled d -> throw new IdentityException(IdentityException.Kind.USER_DISABLED,
                    "the account of " + d.name() + " is disabled: ask your administrator to enable it");
            case Checkouts.Outcome.SessionTaken t -> throw new SessionConflictException(t.sessionId(), t.owner());
            case Checkouts.Outcome.EndedLapsedSession e -> throw new IllegalStateException("a checkout ended with a lapsed session");
        };
    }

    @Override
    public boolean checkin(String sessionId, PoolKey pool, Instant now) {
        return engine.run(new SeatOp.Checkin(sessionId, pool, now));
    }

    @Override
    public boolean endSession(String sessionId, Instant now) {
        return engine.run(new SeatOp.EndSession(sessionId, now));
    }

    @Override
    public int expire(Collection<String> sessionIds, Instant now) {
        List<SeatOp.Expire> ops = sessionIds.stream().distinct().sorted().map(id -> new SeatOp.Expire(id, now)).toList();
        return (int) engine.runAll(ops).stream().filter(Boolean::booleanValue).count();
    }

    @Override
    public int endLingering(Instant now) {
        SeatEngine.Due due = engine.due(now, SWEEP_BATCH);
        int returned = (int) engine.runAll(due.lingerEnded().stream().map(id -> new SeatOp.EndLinger(id, now)).toList())
                .stream().filter(Boolean::booleanValue).count();
        engine.runAll(due.loanEnded().stream().map(id -> new SeatOp.EndLoanDate(id, now)).toList());
        return returned;
    }

    @Override
    public Optional<List<String>> forceRelease(String seatId, Instant now, String reason) {
        return engine.run(new SeatOp.ForceRelease(seatId, now, reason));
    }

    @Override
    public Released releaseUser(String userKey, PoolKey poolOrNull, Instant now, String reason, boolean keepLoans) {
        return engine.run(new SeatOp.ReleasePerson(userKey, poolOrNull, now, reason, keepLoans));
    }

    @Override
    public BorrowOutcome borrow(String sessionId, PoolKey pool, Instant until, Instant now) {
        return engine.run(new SeatOp.Borrow(sessionId, pool, until, now));
    }

    @Override
    public Optional<LoanEnded> endLoan(String seatId, Instant now, boolean forced, String reason) {
        return engine.run(new SeatOp.EndLoan(seatId, now, forced, reason));
    }

    @Override
    public Explanation explain(long userId, PoolKey pool, Instant now) {
        return engine.explain(userId, pool, now);
    }

    @Override
    public void rulesChanged() {
        engine.rulesChanged();
    }

    /**
     * Two records that are one person: the seats and sessions of {@code fromId} move to {@code intoId}
     * (the seat decision's {@link Merges}), then {@code directory} moves the rest (aliases, roles, tokens)
     * in the same transaction.
     */
    @Override
    public <T> T mergePeople(long intoId, long fromId, Instant now, BiFunction<Merges.Result, Handle, T> directory) {
        return engine.runThen(new SeatOp.Merge(intoId, fromId, now), directory);
    }

    @Override
    public void close() {
        engine.close();
    }
}
