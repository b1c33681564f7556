package dev.usher.store.seat;

import dev.usher.core.lease.ClockSteps;
import dev.usher.core.lease.LeaseTable;
import dev.usher.core.seat.PoolKey;
import dev.usher.core.seat.PoolTermsSource;
import dev.usher.core.seat.SeatLedger;
import dev.usher.core.seat.decision.SeatMachine;
import dev.usher.core.seat.decision.SeatOp;
import dev.usher.core.seat.state.Effect;
import dev.usher.core.seat.state.HeldSeat;
import dev.usher.core.seat.state.SeatBook;
import dev.usher.store.Database;
import org.jdbi.v3.core.Handle;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * The seat engine of a store one process owns (SQLite: the data directory's lock says whose). The
 * whole seat state lives in a resident book, loaded at start; decisions read it, never the database,
 * and only their effects are written. All of it happens on the store's one writer thread, in groups:
 * every operation waiting when the writer is free is decided in order against the book as the one
 * before left it, their rows are written, and the group commits once (with {@code synchronous=FULL});
 * each caller is answered after that. A group whose commit fails is taken back in the book too.
 */
final class ResidentSeatEngine implements SeatEngine, Database.Group<SeatOp<?>, Object> {

    private final Database db;
    private final PoolTermsSource terms;
    private final LeaseTable leases;
    private final CommittedEffects committed;
    private final PeopleReader people = new PeopleReader();
    private final ScriptWriter writer = new ScriptWriter();
    private final Clock clock;
    private final SeatBook book;
    private final SeatMachine machine;

    ResidentSeatEngine(Database db, PoolTermsSource terms, LeaseTable leases, Consumer<PoolKey> seatFreed, Clock clock) {
        this.db = db;
        this.terms = terms;
        this.leases = leases;
        this.clock = clock;
        this.committed = new CommittedEffects(leases, seatFreed);
        this.book = db.write((h, after) -> ResidentBookLoader.load(h, terms, clock.instant()));
        this.machine = new SeatMachine(book, terms, this::leaseEnd);
    }

    private long leaseEnd(String sessionId) {
        return leases.get(sessionId).map(l -> l.expiresAt().toEpochMilli()).orElse(0L);
    }

    /** The book, for reads from memory (status, console). */
    SeatBook book() {
        return book;
    }

    @Override
    public Database database() {
        return db;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <O> O run(SeatOp<O> op) {
        return (O) db.writeGrouped(Database.Locks.NONE, this, op, () -> {
            throw new IllegalStateException("the embedded store never runs a decision alone");
        });
    }


    @Override
    @SuppressWarnings("unchecked")
    public <O, T> T runThen(SeatOp<O> op, BiFunction<O, Handle, T> then) {
        // A group of its own, so that a failed commit takes the book back as for any group.
        Database.Group<SeatOp<O>, T> alone = new Database.Group<>() {
            @Override
            public List<T> run(Handle h, List<SeatOp<O>> ops, List<Database.AfterCommit> afters) {
                return book.write(() -> {
                    book.begin();
                    SeatMachine.Run<O> run = (SeatMachine.Run<O>) decide(h, ops).getFirst();
                    writer.write(h.getConnection(), RowChanges.of(run.effects(), book));
                    committed.schedule(run.effects(), afters.getFirst());
                    return List.of(then.apply(run.outcome(), h));
                });
            }

            @Override
            public void committed() {
                book.commit();
            }

            @Override
            public void rolledBack() {
                book.write(() -> {
                    book.rollback();
                    return null;
                });
            }
        };
        return db.writeGrouped(Database.Locks.NONE, alone, op, () -> {
            throw new IllegalStateException("the embedded store never runs a decision alone");
        });
    }

    /** On the writer thread, inside the group's transaction; readers of the book wait meanwhile (they see whole groups). */
    @Override
    public List<Object> run(Handle h, List<SeatOp<?>> ops, List<Database.AfterCommit> afters) {
        return book.write(() -> decideAndWrite(h, ops, afters));
    }

    private List<Object> decideAndWrite(Handle h, List<SeatOp<?>> ops, List<Database.AfterCommit> afters) {
        book.begin();
        List<SeatMachine.Run<Object>> runs = decide(h, ops);
        List<Effect> all = new ArrayList<>();
        List<Object> out = new ArrayList<>(runs.size());
        for (int i = 0; i < runs.size(); i++) {
            all.addAll(runs.get(i).effects());
            committed.schedule(runs.get(i).effects(), afters.get(i));
            out.add(runs.get(i).outcome());
        }
        writer.write(h.getConnection(), RowChanges.of(all, book));
        return out;
    }

    @SuppressWarnings("unchecked")
    private <O> List<SeatMachine.Run<O>> decide(Handle h, List<? extends SeatOp<?>> ops) {
        // People are read for every group: the directory changes them, and decisions must see that at once.
        book.forgetPeople();
        Set<Long> ids = new HashSet<>();
        Set<String> keys = new LinkedHashSet<>();
        Set<String> mayBeNew = new LinkedHashSet<>();
        for (SeatOp<?> op : ops) {
            switch (op) {
                case SeatOp.Checkout c when c.request().userId() != null -> ids.add(c.request().userId());
                case SeatOp.Checkout c -> {
                    keys.add(c.request().userKey());
                    if (c.request().autoCreate()) {
                        mayBeNew.add(c.request().userKey());
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
        List<SeatMachine.Run<O>> runs = new ArrayList<>(ops.size());
        for (SeatOp<?> op : ops) {
            runs.add((SeatMachine.Run<O>) machine.run(op));
        }
        return runs;
    }

    @Override
    public void committed() {
        book.commit();
    }

    @Override
    public void rolledBack() {
        book.write(() -> {
            book.rollback();
            return null;
        });
    }

    @Override
    public SeatLedger.Explanation explain(long userId, PoolKey pool, Instant now) {
        // On the writer thread: it reads the person as the decisions do.
        return db.write((h, after) -> {
            book.forgetPeople();
            people.read(h, book, List.of(userId), List.of(), List.of());
            return machine.explain(userId, pool, now);
        });
    }

    @Override
    public void rulesChanged() {
        db.write((h, after) -> {
            Instant now = clock.instant();
            // The pools that have limit rules now, or seats that counted against limits before.
            java.util.Map<PoolKey, List<HeldSeat>> byPool = new java.util.HashMap<>();
            java.util.Map<PoolKey, Boolean> limited = new java.util.HashMap<>();
            for (HeldSeat s : book.seats()) {
                boolean rules = limited.computeIfAbsent(s.pool(), p -> ResidentBookLoader.hasLimits(terms.terms(p, now).assignments()));
                if (rules || !s.limits().isEmpty()) {
                    byPool.computeIfAbsent(s.pool(), k -> new ArrayList<>()).add(s);
                }
            }
            if (!byPool.isEmpty()) {
                java.util.Map<Long, Set<Long>> roles = ResidentBookLoader.roles(h);
                book.write(() -> {
                    byPool.forEach((pool, seats) -> book.recountLimits(pool,
                            ResidentBookLoader.limitsBySeat(terms.terms(pool, now).assignments(), seats, roles)));
                    return null;
                });
            }
            return null;
        });
    }

    /**
     * On the writer thread, after the commit that moved the stored leases: no group is open, so nothing journals
     * this, and the book moves only when the store did (a failed commit moves neither).
     */
    @Override
    public void leasesShifted(ClockSteps.LeaseShift shift) {
        book.write(() -> book.shiftLeases(shift.by().toMillis(), shift::covers));
    }

    @Override
    public Due due(Instant now, int max) {
        long at = now.toEpochMilli();
        // A loan with no session on it ends at its date (EndLoanDate); one lingering (written by older versions) as a linger.
        return book.read(() -> new Due(book.lingerEnded(at, max).stream().map(HeldSeat::id).toList(),
                book.loansEnded(at).stream().filter(s -> s.lingerUntil() == null).limit(max).map(HeldSeat::id).toList()));
    }

    @Override
    public void close() {
        // The store closes the connection the writer's statements were prepared on.
    }
}
