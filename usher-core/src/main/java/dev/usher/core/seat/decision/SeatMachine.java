package dev.usher.core.seat.decision;

import dev.usher.core.seat.CheckoutRequest;
import dev.usher.core.seat.PoolKey;
import dev.usher.core.seat.PoolTerms;
import dev.usher.core.seat.PoolTermsSource;
import dev.usher.core.seat.SeatLedger;
import dev.usher.core.seat.state.Effect;
import dev.usher.core.seat.state.HeldSeat;
import dev.usher.core.seat.state.LiveSession;
import dev.usher.core.seat.state.Person;
import dev.usher.core.seat.state.SeatBook;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Runs seat operations against a {@link SeatBook}: for each step, reads the step's snapshot from the
 * book, asks the pure decision, and applies its effects to the book, so that the next step (and the
 * next operation of a group) decides on the state this one left. No I/O: the store loads the book
 * before and writes the effects after. Operations made of several decisions (a force release ends
 * each session, then the seat) are composed here, each step still one decision.
 */
public final class SeatMachine {

    /** The live lease of a session as this process knows it (heartbeats extend it in memory). */
    @FunctionalInterface
    public interface Leases {
        /** Epoch ms, or 0 when unknown. */
        long leaseEnd(String sessionId);
    }

    /** An operation's answer and every effect it made, in order. */
    public record Run<O>(O outcome, List<Effect> effects) {}

    private final SeatBook book;
    private final PoolTermsSource terms;
    private final Leases leases;

    public SeatMachine(SeatBook book, PoolTermsSource terms, Leases leases) {
        this.book = book;
        this.terms = terms;
        this.leases = leases;
    }

    public SeatBook book() {
        return book;
    }

    @SuppressWarnings("unchecked")
    public <O> Run<O> run(SeatOp<O> op) {
        List<Effect> effects = new ArrayList<>();
        Object outcome = switch (op) {
            case SeatOp.Checkout c -> checkout(c.request(), effects);
            case SeatOp.Checkin c -> step(Checkins.decide(checkinSnapshot(c), new Checkins.Request(c.sessionId(), c.pool(), c.now())), effects);
            case SeatOp.EndSession e -> step(SessionEnds.decide(sessionSnapshot(e.sessionId(), e.now()),
                    SessionEnds.Request.end(e.sessionId(), e.now())), effects);
            case SeatOp.Expire e -> step(SessionEnds.decide(sessionSnapshot(e.sessionId(), e.now()),
                    SessionEnds.Request.expiry(e.sessionId(), e.now())), effects);
            case SeatOp.ForceRelease f -> forceRelease(f.seatId(), f.now(), f.reason(), effects);
            case SeatOp.ReleasePerson r -> releasePerson(r, effects);
            case SeatOp.Borrow b -> step(Loans.borrow(borrowSnapshot(b), new Loans.Borrow(b.sessionId(), b.pool(), b.until(), b.now())), effects);
            case SeatOp.EndLoan e -> endLoan(e, effects);
            case SeatOp.EndLinger e -> book.seat(e.seatId())
                    .map(s -> step(Lingers.lingerEnded(s, book.tally(s.pool()).inUse(), e.now()), effects))
                    .orElse(false);
            case SeatOp.EndLoanDate e -> book.seat(e.seatId())
                    .map(s -> step(Lingers.loanEnded(s, book.tally(s.pool()).inUse(), e.now()), effects))
                    .orElse(false);
            case SeatOp.Merge m -> step(Merges.decide(mergeSnapshot(m), m.now()), effects);
        };
        return new Run<>((O) outcome, effects);
    }

    private <T> T step(Decision<T> d, List<Effect> effects) {
        book.apply(d.effects());
        effects.addAll(d.effects());
        return d.outcome();
    }

    // ---- checkout -----------------------------------------------------------------------------------

    private Checkouts.Outcome checkout(CheckoutRequest r, List<Effect> effects) {
        // At most twice: a lapsed session is ended first, then the checkout is decided on what that left.
        for (int attempt = 0; ; attempt++) {
            Checkouts.Outcome o = step(Checkouts.decide(checkoutSnapshot(r), r), effects);
            if (!(o instanceof Checkouts.Outcome.EndedLapsedSession) || attempt > 0) {
                return o;
            }
        }
    }

    /** What a checkout reads, from the book. */
    public Checkouts.Snapshot checkoutSnapshot(CheckoutRequest r) {
        PoolKey pool = r.pool();
        PoolTerms t = terms.terms(pool, r.now());
        Person person = (r.userId() != null ? book.person(r.userId()) : book.personByKey(r.userKey())).orElse(null);
        Long newId = person == null && r.userId() == null && r.autoCreate() ? book.reservedPersonId(r.userKey()).orElse(null) : null;
        LiveSession session = book.session(r.sessionId()).orElse(null);
        boolean live = session != null && isLive(session, r.now());
        boolean mine = session != null && person != null && session.userId() == person.id();
        SessionEnds.Snapshot lapsed = mine && !live ? sessionSnapshot(session, r.now()) : null;
        HeldSeat sessionSeat = mine && live ? seatIn(session, pool) : null;
        HeldSeat keySeat = person == null || (session != null && !mine) ? null
                : book.seatOfKey(pool, t.settings().policy(), person.id(), session != null ? session.hostKey() : r.hostKey(),
                r.sessionId()).orElse(null);
        return new Checkouts.Snapshot(t, person, newId, person == null && newId != null ? book.allUsersRole() : -1, session, live,
                lapsed, sessionSeat, keySeat, book.tally(pool));
    }

    private boolean isLive(LiveSession s, Instant now) {
        return Math.max(s.leaseEnd(), leases.leaseEnd(s.id())) > now.toEpochMilli();
    }

    private HeldSeat seatIn(LiveSession s, PoolKey pool) {
        String id = s.checkouts().get(pool);
        return id == null ? null : book.seat(id).orElseThrow(() -> new IllegalStateException(
                "session " + s.id() + " holds seat " + id + " of " + pool + ", which does not exist"));
    }

    /**
     * Would this person get a seat now, from where, or which rule refuses them; or what they hold. The
     * same rules as a checkout ({@link Checkouts#newSeat}), nothing applied.
     */
    public SeatLedger.Explanation explain(long userId, PoolKey pool, Instant now) {
        Person person = book.person(userId).orElseThrow(() -> new IllegalArgumentException("no user " + userId));
        PoolTerms t = terms.terms(pool, now);
        List<HeldSeat> held = book.seatsOf(pool, userId);
        if (!held.isEmpty()) {
            HeldSeat s = held.getFirst();
            return new SeatLedger.Explanation("holds", s.charge().code(), "holds seat " + s.id() + ", charged to "
                    + t.assignments().describe(s.charge()), s.id(), Instant.ofEpochMilli(s.createdAt()));
        }
        var tally = book.tally(pool);
        return switch (Checkouts.newSeat(t, tally, person)) {
            case Checkouts.NewSeat.Refused no -> new SeatLedger.Explanation("refused", no.deny().reason().code(), no.deny().message(), null, null);
            case Checkouts.NewSeat.Granted yes when yes.from() == null -> new SeatLedger.Explanation("would-get", yes.charge().code(),
                    "would get a seat: " + tally.inUse() + " of " + t.capacity() + " in use, no rules", null, null);
            case Checkouts.NewSeat.Granted yes -> new SeatLedger.Explanation("would-get", yes.charge().code(),
                    "would get a seat " + yes.from().explanation(), null, null);
        };
    }

    // ---- ending ------------------------------------------------------------------------------------

    private Checkins.Snapshot checkinSnapshot(SeatOp.Checkin c) {
        LiveSession s = book.session(c.sessionId()).orElse(null);
        HeldSeat seat = s == null ? null : seatIn(s, c.pool());
        return new Checkins.Snapshot(s, seat, terms.terms(c.pool(), c.now()).settings().linger(), book.tally(c.pool()).inUse());
    }

    /** What ending a session reads: the session and, pool by pool, the seat of each checkout. */
    public SessionEnds.Snapshot sessionSnapshot(String sessionId, Instant now) {
        return book.session(sessionId).map(s -> sessionSnapshot(s, now)).orElse(new SessionEnds.Snapshot(null, null, false, List.of()));
    }

    private SessionEnds.Snapshot sessionSnapshot(LiveSession s, Instant now) {
        List<SessionEnds.Held> held = new ArrayList<>();
        s.checkouts().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey()).forEach(e -> held.add(new SessionEnds.Held(
                e.getKey(), seatIn(s, e.getKey()), terms.terms(e.getKey(), now).settings().linger(), book.tally(e.getKey()).inUse())));
        long leaseEnd = Math.max(s.leaseEnd(), leases.leaseEnd(s.id()));
        return new SessionEnds.Snapshot(s, Instant.ofEpochMilli(leaseEnd), leaseEnd > now.toEpochMilli(), held);
    }

    private Optional<List<String>> forceRelease(String seatId, Instant now, String reason, List<Effect> effects) {
        Optional<HeldSeat> seat = book.seat(seatId);
        if (seat.isEmpty()) {
            return Optional.empty();
        }
        List<String> sessions = book.sessionsOn(seatId);
        for (String sessionId : sessions) {
            step(SessionEnds.decide(sessionSnapshot(sessionId, now), SessionEnds.Request.forced(sessionId, now, reason)), effects);
        }
        PoolKey pool = seat.get().pool();
        step(SeatReleases.decide(new SeatReleases.Snapshot(book.seat(seatId).orElse(null), book.tally(pool).inUse()),
                new SeatReleases.Request(seat.get(), now, reason, sessions.size())), effects);
        return Optional.of(sessions);
    }

    /**
     * Every seat of the person goes back with its sessions; a disabled person's seat on loan stays lent
     * until its date (an administrator may take it back), but their sessions on it end.
     */
    private SeatLedger.Released releasePerson(SeatOp.ReleasePerson r, List<Effect> effects) {
        Optional<Person> person = book.personByKey(r.userKey());
        if (person.isEmpty()) {
            return new SeatLedger.Released(List.of(), List.of());
        }
        List<String> released = new ArrayList<>();
        List<String> ended = new ArrayList<>();
        List<HeldSeat> seats = r.pool() == null ? book.seatsOf(person.get().id()) : book.seatsOf(r.pool(), person.get().id());
        for (HeldSeat s : seats) {
            if (r.keepLoans() && s.onLoanAt(r.now().toEpochMilli())) {
                for (String sessionId : book.sessionsOn(s.id())) {
                    if (step(SessionEnds.decide(sessionSnapshot(sessionId, r.now()), SessionEnds.Request.forced(sessionId, r.now(),
                            r.reason())), effects)) {
                        ended.add(sessionId);
                    }
                }
                continue;
            }
            forceRelease(s.id(), r.now(), r.reason(), effects).ifPresent(sessions -> {
                released.add(s.id());
                ended.addAll(sessions);
            });
        }
        return new SeatLedger.Released(released, ended);
    }

    // ---- loans -------------------------------------------------------------------------------------

    private Loans.BorrowSnapshot borrowSnapshot(SeatOp.Borrow b) {
        LiveSession s = book.session(b.sessionId()).orElse(null);
        boolean live = s != null && isLive(s, b.now());
        HeldSeat seat = live ? seatIn(s, b.pool()) : null;
        PoolTerms t = terms.terms(b.pool(), b.now());
        long others = book.loansIn(b.pool(), b.now().toEpochMilli()).stream().filter(l -> seat == null || !l.id().equals(seat.id())).count();
        return new Loans.BorrowSnapshot(s, live, seat, t.settings().borrow(), t.capacity(), (int) others, book.tally(b.pool()).inUse());
    }

    private Optional<SeatLedger.LoanEnded> endLoan(SeatOp.EndLoan e, List<Effect> effects) {
        HeldSeat seat = book.seat(e.seatId()).orElse(null);
        Loans.Return r = new Loans.Return(e.seatId(), e.now(), e.forced(), e.reason());
        Optional<HeldSeat> ended = step(Loans.endLoan(new Loans.ReturnSnapshot(seat, seat == null ? 0 : book.tally(seat.pool()).inUse()), r),
                effects);
        if (ended.isEmpty()) {
            return Optional.empty();
        }
        HeldSeat was = ended.get();
        List<String> sessions = e.forced() ? book.sessionsOn(e.seatId()) : List.of();
        for (String sessionId : sessions) {
            step(SessionEnds.decide(sessionSnapshot(sessionId, e.now()), SessionEnds.Request.forced(sessionId, e.now(), e.reason())),
                    effects);
        }
        step(Loans.giveBack(book.seat(e.seatId()).orElse(null), r), effects);
        return Optional.of(new SeatLedger.LoanEnded(new SeatLedger.Loan(was.id(), was.pool(), was.userId(), was.userName(),
                Instant.ofEpochMilli(was.borrowedUntil())), sessions));
    }

    // ---- people ------------------------------------------------------------------------------------

    private Merges.Snapshot mergeSnapshot(SeatOp.Merge m) {
        Person into = book.person(m.intoId()).orElseThrow(() -> new IllegalArgumentException("no user " + m.intoId()));
        Person from = book.person(m.fromId()).orElseThrow(() -> new IllegalArgumentException("no user " + m.fromId()));
        List<Merges.FromSeat> fromSeats = new ArrayList<>();
        java.util.Map<PoolKey, List<HeldSeat>> intoSeats = new java.util.HashMap<>();
        java.util.TreeSet<String> sessions = new java.util.TreeSet<>();
        for (HeldSeat s : book.seatsOf(from.id())) {
            List<String> on = book.sessionsOn(s.id());
            sessions.addAll(on);
            fromSeats.add(new Merges.FromSeat(s, on, book.tally(s.pool()).inUse()));
            intoSeats.computeIfAbsent(s.pool(), p -> book.seatsOf(p, into.id()));
        }
        fromSeats.sort(Comparator.comparing((Merges.FromSeat f) -> f.seat().createdAt()).thenComparing(f -> f.seat().id()));
        return new Merges.Snapshot(into, from, fromSeats, intoSeats, List.copyOf(sessions));
    }
}
