package dev.usher.store.seat;

import dev.usher.core.lease.LeaseTable;
import dev.usher.core.seat.PoolKey;
import dev.usher.core.seat.PoolTermsSource;
import dev.usher.core.seat.SeatLedger;
import dev.usher.core.seat.decision.SeatMachine;
import dev.usher.core.seat.decision.SeatOp;
import dev.usher.core.seat.state.Effect;
import dev.usher.core.seat.state.SeatBook;
import dev.usher.store.Database;
import org.jdbi.v3.core.Handle;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * The seat engine of a database several nodes share (PostgreSQL). No node owns the state, so each
 * group of decisions loads the partial book it needs ({@link SharedBookLoader}) under the locks that
 * serialize decisions about the same sessions and pools across the cluster, decides with the same
 * {@link SeatMachine} as a lone server, and writes set-based ({@link SetWriter}): a few round trips
 * for any number of decisions.
 *
 * <p>Locks: a group takes what its operations declare (their sessions and pools). What it finds it
 * needs beyond that (the pools of a session being ended, the sessions on a seat an administrator
 * takes back) is taken only if free at once; otherwise the group runs again holding it from the start
 * (in the global order), and only after that fails too does each operation run on its own.
 */
final class SharedSeatEngine implements SeatEngine {

    private final Database db;
    private final PoolTermsSource terms;
    private final LeaseTable leases;
    private final CommittedEffects committed;
    private final SharedBookLoader loader;
    private final SetWriter writer = new SetWriter();
    private final PhaseTimes times = new PhaseTimes();
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SharedSeatEngine.class);
    private final Database.Group<SeatOp<?>, Object> group = new Database.Group<>() {
        @Override
        public List<Object> run(Handle handle, List<SeatOp<?>> inputs, List<Database.AfterCommit> afterCommits) {
            return runGroup(handle, inputs, afterCommits);
        }

        @Override
        public boolean takesLocksWithFirstRead() {
            return true;
        }
    };

    SharedSeatEngine(Database db, PoolTermsSource terms, LeaseTable leases, Consumer<PoolKey> seatFreed) {
        this.db = db;
        this.terms = terms;
        this.leases = leases;
        this.committed = new CommittedEffects(leases, seatFreed);
        this.loader = new SharedBookLoader(terms);
    }

    private long leaseEnd(String sessionId) {
        return leases.get(sessionId).map(l -> l.expiresAt().toEpochMilli()).orElse(0L);
    }

    @Override
    public Database database() {
        return db;
    }

    /** What an operation declares it will lock; more may turn out to be needed once its rows are read. */
    private static Database.Locks declared(SeatOp<?> op) {
        return switch (op) {
            case SeatOp.Checkout c -> new Database.Locks(List.of(c.request().sessionId()), List.of(c.request().pool()));
            case SeatOp.Checkin c -> new Database.Locks(List.of(c.sessionId()), List.of(c.pool()));
            case SeatOp.Borrow b -> new Database.Locks(List.of(b.sessionId()), List.of(b.pool()));
            case SeatOp.EndSession e -> new Database.Locks(List.of(e.sessionId()), List.of());
            case SeatOp.Expire e -> new Database.Locks(List.of(e.sessionId()), List.of());
            default -> Database.Locks.NONE;
        };
    }

    @Override
    @SuppressWarnings("unchecked")
    public <O> O run(SeatOp<O> op) {
        return (O) db.writeGrouped(declared(op), group, op, () -> alone(op, (o, h) -> o));
    }


    @Override
    public <O, T> T runThen(SeatOp<O> op, BiFunction<O, Handle, T> then) {
        return alone(op, then);
    }

    /**
     * A group (several nodes' groups may run at once): everything it needs beyond its declared locks, or nothing. Its
     * declared locks are taken by its first read.
     */
    private List<Object> runGroup(Handle h, List<SeatOp<?>> ops, List<Database.AfterCommit> afters) {
        // The group commit holds every lock its operations declared (and perhaps more), taken by the first read below.
        Set<String> sessions = new TreeSet<>();
        Set<PoolKey> pools = new TreeSet<>();
        for (SeatOp<?> op : ops) {
            Database.Locks d = declared(op);
            sessions.addAll(d.sessionIds());
            pools.addAll(d.pools());
        }
        PhaseTimes.Clock clock = times.start();
        SharedBookLoader.Loading loading = loader.start(h, ops, this::leaseEnd, new SharedBookLoader.Locks(sessions, pools),
                db.dialect().locksToTakeWithFirstRead(h));
        SharedBookLoader.Locks needs = loading.needs();
        // Inside a group the dialect takes a lock only if it is free at once, else the group runs again holding it.
        db.dialect().lock(h, needs.sessions(), needs.pools());
        SeatBook book = loader.finish(loading);
        clock.end(PhaseTimes.Phase.READING);
        return decideAndWrite(h, book, ops, afters, clock);
    }

    private List<Object> decideAndWrite(Handle h, SeatBook book, List<? extends SeatOp<?>> ops, List<Database.AfterCommit> afters,
                                        PhaseTimes.Clock clock) {
        SeatMachine machine = new SeatMachine(book, terms, this::leaseEnd);
        List<Effect> all = new ArrayList<>();
        List<Object> out = new ArrayList<>(ops.size());
        for (int i = 0; i < ops.size(); i++) {
            SeatMachine.Run<?> run = machine.run(ops.get(i));
            all.addAll(run.effects());
            committed.schedule(run.effects(), afters.get(i));
            out.add(run.outcome());
        }
        RowChanges rows = RowChanges.of(all, book);
        if (clock != null) {
            clock.end(PhaseTimes.Phase.DECIDING);
        }
        // Inside a group commit the write may carry the COMMIT: one round trip less with the pools locked.
        writer.write(h.getConnection(), rows, () -> db.dialect().commitWithWrite(h));
        if (clock != null) {
            clock.end(PhaseTimes.Phase.WRITING);
        }
        return out;
    }

    /** More locks than the transaction holds: start again holding them from the first statement. */
    private static final class Relock extends RuntimeException {
        final SharedBookLoader.Locks needs;

        Relock(SharedBookLoader.Locks needs) {
            super("more locks needed", null, false, false);
            this.needs = needs;
        }
    }

    /**
     * One operation in a transaction of its own. Its locks are taken first, in the global order
     * (sessions, then pools, sorted), waiting for them; if its rows show it needs more (the sessions on a
     * seat, a lapsed session's other pools), it starts over holding those too. The database breaks any
     * deadlock and {@link Database#write} runs the loser again.
     */
    @SuppressWarnings("unchecked")
    private <O, T> T alone(SeatOp<O> op, BiFunction<O, Handle, T> then) {
        Database.Locks first = declared(op);
        Set<String> sessions = new TreeSet<>(first.sessionIds());
        Set<PoolKey> pools = new TreeSet<>(first.pools());
        for (int attempt = 1; ; attempt++) {
            SharedBookLoader.Locks held = new SharedBookLoader.Locks(Set.copyOf(sessions), Set.copyOf(pools));
            try {
                return db.write((h, after) -> {
                    db.dialect().lockSessions(h, held.sessions());
                    db.dialect().lockPools(h, held.pools());
                    SharedBookLoader.Loading loading = loader.start(h, List.of(op), this::leaseEnd, held, null);
                    SharedBookLoader.Locks needs = loading.needs();
                    if (!needs.within(held)) {
                        throw new Relock(needs);
                    }
                    O outcome = (O) decideAndWrite(h, loader.finish(loading), List.of(op), List.of(after), null).getFirst();
                    return then.apply(outcome, h);
                });
            } catch (Relock r) {
                if (attempt >= 10) {
                    throw new IllegalStateException("the rows of " + op + " kept changing while it took their locks");
                }
                sessions.addAll(r.needs.sessions());
                pools.addAll(r.needs.pools());
            }
        }
    }

    @Override
    public SeatLedger.Explanation explain(long userId, PoolKey pool, Instant now) {
        return db.read(h -> new SeatMachine(loader.forExplanation(h, pool, userId, now), terms, this::leaseEnd).explain(userId, pool, now));
    }

    @Override
    public void rulesChanged() {
        // Nothing kept: every group counts from the database.
    }

    @Override
    public Due due(Instant now, int max) {
        long at = now.toEpochMilli();
        return db.read(h -> new Due(
                h.createQuery("SELECT id FROM seats WHERE linger_until IS NOT NULL AND linger_until <= :now ORDER BY linger_until, id LIMIT :n")
                        .bind("now", at).bind("n", max).mapTo(String.class).list(),
                h.createQuery("""
                                SELECT id FROM seats WHERE borrowed_until IS NOT NULL AND borrowed_until <= :now AND linger_until IS NULL
                                ORDER BY borrowed_until, id LIMIT :n""")
                        .bind("now", at).bind("n", max).mapTo(String.class).list()));
    }

    /** Loads so far and how many needed a second round trip under the pools' locks (the rest read ahead). */
    SharedBookLoader.Counts loadCounts() {
        return loader.counts();
    }

    @Override
    public void close() {
        SharedBookLoader.Counts c = loader.counts();
        if (c.loads() > 0) {
            LOG.info("seat loads: {}, {} of them with a second round trip under the pools' locks", c.loads(), c.secondRoundTrips());
            // Reading includes the wait for the locks taken with the first read (the group commit's line says how much);
            // writing includes the COMMIT's WAL flush when it went with the write.
            LOG.info("seat groups, wall and CPU time of the writing thread: {}", times);
        }
    }
}
