package dev.usher.core.seat.decision;

import dev.usher.core.assignment.Assignments;
import dev.usher.core.assignment.Charge;
import dev.usher.core.assignment.RuleRefusal;
import dev.usher.core.seat.CheckoutOutcome;
import dev.usher.core.seat.CheckoutRequest;
import dev.usher.core.seat.Deny;
import dev.usher.core.seat.DenyReason;
import dev.usher.core.seat.PoolKey;
import dev.usher.core.seat.PoolTerms;
import dev.usher.core.seat.SeatEvent;
import dev.usher.core.seat.SeatKeyPolicy;
import dev.usher.core.seat.state.Effect;
import dev.usher.core.seat.state.HeldSeat;
import dev.usher.core.seat.state.LiveSession;
import dev.usher.core.seat.state.Person;
import dev.usher.core.seat.state.PoolTally;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Whether a session gets a seat, and which: the heart of Usher. In order:
 * <ol>
 *   <li>a machine name: in open mode, when the administrator refuses them, a claimed user name that is
 *       the computer's own name or a host seen before is refused before it could become a person;</li>
 *   <li>the person: known (by id or through an alias), new (created when allowed), disabled;</li>
 *   <li>the session: another person's session id is refused; a session whose lease lapsed is ended
 *       first (recorded as an expiry), and the checkout is then decided afresh;</li>
 *   <li>what is held: the session's own seat of the pool is kept (a retry); the seat its key holds
 *       is joined (the same person elsewhere). Neither is ever refused: a pool that is full or shrank
 *       must not take away what someone has;</li>
 *   <li>a new seat: the pool must be licensed to this server, the assignment rules must allow it
 *       (and say what it is charged to), and a seat must be free.</li>
 * </ol>
 */
public final class Checkouts {

    private Checkouts() {
    }

    /**
     * What a checkout decides on.
     *
     * @param person       the person asking, or null when the name is unknown
     * @param newPersonId  the id an unknown name would get (null: no new person may be created)
     * @param allUsersRole the built-in role every person is in
     * @param session      the session with this id, or null
     * @param sessionLive  whether that session's lease (stored or in memory) runs past now
     * @param lapsed       when the session lapsed: what ending it needs
     * @param sessionSeat  the seat that session holds in the pool, or null
     * @param keySeat      the seat the request's key holds in the pool, or null
     */
    public record Snapshot(PoolTerms terms, Person person, Long newPersonId, long allUsersRole, LiveSession session,
                           boolean sessionLive, SessionEnds.Snapshot lapsed, HeldSeat sessionSeat, HeldSeat keySeat,
                           PoolTally tally) {}

    /** How a checkout ended. */
    public sealed interface Outcome {
        /** Held or refused (the API's 200/201 and 4xx/5xx answers). */
        record Done(CheckoutOutcome outcome) implements Outcome {}

        /** The name is nobody's and new people are not created. */
        record UnknownPerson(String name) implements Outcome {}

        record PersonDisabled(String name) implements Outcome {}

        /** The session id belongs to another person. */
        record SessionTaken(String sessionId, String owner) implements Outcome {}

        /** The session lapsed: the effects end it; decide again on what they leave. */
        record EndedLapsedSession() implements Outcome {}
    }

    public static Decision<Outcome> decide(Snapshot s, CheckoutRequest r) {
        Deny machine = machineName(s, r);
        if (machine != null) {
            List<Effect> effects = new ArrayList<>();
            if (r.recordDenial()) { // so that the refusals report shows which application to configure
                effects.add(CheckoutEnd.event(r.now(), SeatEvent.Type.DENY, r.pool(), r.userName(), r.host(), r.sessionId(), null,
                        machine.reason().code(), r.userKey().equals(r.hostKey()) ? "user name is the host name"
                                : "user name is a known host name", machine.inUse()));
            }
            return new Decision<>(new Outcome.Done(new CheckoutOutcome.Denied(machine)), effects);
        }
        Person person = s.person();
        List<Effect> effects = new ArrayList<>();
        if (person == null) {
            if (r.userId() != null || s.newPersonId() == null) {
                return Decision.of(new Outcome.UnknownPerson(r.userName()));
            }
            person = new Person(s.newPersonId(), r.userName(), true, Set.of(s.allUsersRole()));
        } else if (!person.enabled()) {
            return Decision.of(new Outcome.PersonDisabled(person.name()));
        }
        LiveSession session = s.session();
        if (session != null && session.userId() != person.id()) {
            return Decision.of(new Outcome.SessionTaken(r.sessionId(), session.userName()));
        }
        if (session != null && !s.sessionLive()) {
            // The client came back after its lease lapsed but before the sweeper ran: the old session ends
            // properly (recorded as an expiry) and the checkout starts afresh under the same id.
            Decision<Boolean> ended = SessionEnds.decide(s.lapsed(), SessionEnds.Request.expiry(r.sessionId(), r.now()));
            return new Decision<>(new Outcome.EndedLapsedSession(), ended.effects());
        }
        if (s.person() == null) {
            effects.add(new Effect.CreatePerson(person.id(), r.userName(), r.userKey(), r.now()));
        } else {
            effects.add(new Effect.TouchPerson(person.id(), r.now()));
        }
        String host = session != null ? session.host() : r.host();
        String hostKey = session != null ? session.hostKey() : r.hostKey();
        PoolKey pool = r.pool();
        Instant leaseEnd = r.now().plus(r.leaseTtl());
        int inUse = s.tally().inUse();
        if (s.sessionSeat() != null) {
            effects.add(new Effect.RenewLease(r.sessionId(), r.now(), leaseEnd));
            return held(CheckoutOutcome.How.KEPT, s.sessionSeat(), r, person, leaseEnd, s.sessionSeat().attached() - 1, effects);
        }
        HeldSeat join = s.keySeat();
        if (join != null) {
            startOrRenew(session, r, person, host, hostKey, leaseEnd, effects);
            if (join.lingerUntil() != null) {
                effects.add(new Effect.SetLinger(join.id(), null));
            }
            effects.add(new Effect.AttachCheckout(r.sessionId(), pool, join.id(), r.now()));
            effects.add(CheckoutEnd.event(r.now(), SeatEvent.Type.JOIN, pool, person.name(), host, r.sessionId(), join.id(), null,
                    null, inUse));
            return held(CheckoutOutcome.How.JOINED, join, r, person, leaseEnd, join.attached(), effects);
        }
        switch (newSeat(s.terms(), s.tally(), person)) {
            case NewSeat.Refused no -> {
                if (r.recordDenial()) {
                    effects.add(CheckoutEnd.event(r.now(), SeatEvent.Type.DENY, pool, person.name(), host, r.sessionId(), null,
                            no.deny().reason().code(), "capacity " + no.deny().capacity() + ", in use " + no.deny().inUse(), inUse));
                }
                return new Decision<>(new Outcome.Done(new CheckoutOutcome.Denied(no.deny())), effects);
            }
            case NewSeat.Granted yes -> {
                startOrRenew(session, r, person, host, hostKey, leaseEnd, effects);
                SeatKeyPolicy policy = s.terms().settings().policy();
                effects.add(new Effect.InsertSeat(r.newSeatId(), pool, policy.seatKey(person.id(), hostKey, r.sessionId()),
                        person.id(), person.name(), hostKey, r.now(), yes.charge(), yes.limits(), r.sessionId()));
                effects.add(new Effect.AttachCheckout(r.sessionId(), pool, r.newSeatId(), r.now()));
                effects.add(CheckoutEnd.event(r.now(), SeatEvent.Type.GRANT, pool, person.name(), host, r.sessionId(),
                        r.newSeatId(), null, null, inUse + 1));
                return new Decision<>(new Outcome.Done(new CheckoutOutcome.Held(CheckoutOutcome.How.NEW, r.newSeatId(), r.sessionId(),
                        pool, person.name(), leaseEnd, 0)), effects);
            }
        }
    }

    /**
     * The refusal of a name that is a machine's, or null. Only names the client claims (open mode) are
     * checked: an authenticated person is who the credentials say, whatever their computer is called.
     * A client that sends its host name as the user turns every machine into a person and every person
     * into several seats.
     */
    private static Deny machineName(Snapshot s, CheckoutRequest r) {
        if (!r.refuseMachineNames() || r.userId() != null) {
            return null;
        }
        // The host key keeps only the first label of a qualified name: "ws1.corp.example" as the user is ws1's name too.
        boolean ownHost = r.userKey().equals(r.hostKey()) || r.userKey().equals(r.host().toLowerCase(java.util.Locale.ROOT));
        if (!ownHost && !r.nameIsAKnownHost()) {
            return null;
        }
        String whose = ownHost ? "this computer's name" : "the name of a computer that has checked out from this server";
        return new Deny(DenyReason.USER_IS_A_MACHINE, s.terms().capacity(), s.tally().inUse(),
                "The user name " + r.userName() + " is " + whose + ", not a person's: configure the application to send"
                        + " the signed-in person's user name (the client's user setting), or turn off 'Refuse machine names as"
                        + " users' in Settings.");
    }

    private static Decision<Outcome> held(CheckoutOutcome.How how, HeldSeat seat, CheckoutRequest r, Person person, Instant leaseEnd,
                                          int others, List<Effect> effects) {
        return new Decision<>(new Outcome.Done(new CheckoutOutcome.Held(how, seat.id(), r.sessionId(), r.pool(), person.name(),
                leaseEnd, others)), effects);
    }

    private static void startOrRenew(LiveSession session, CheckoutRequest r, Person person, String host, String hostKey,
                                     Instant leaseEnd, List<Effect> effects) {
        if (session != null) {
            effects.add(new Effect.RenewLease(r.sessionId(), r.now(), leaseEnd));
        } else {
            effects.add(new Effect.StartSession(r.sessionId(), person.id(), person.name(), host, hostKey, r.client(), r.now(), leaseEnd));
        }
    }

    /** Whether a person who holds no seat of the pool would get a new one now. */
    public sealed interface NewSeat {
        /** @param from what the seat is taken from ({@code null} when the pool has no rules) */
        record Granted(Charge charge, Set<Integer> limits, Assignments.Outcome.Granted from) implements NewSeat {}

        record Refused(Deny deny) implements NewSeat {}
    }

    /**
     * The rule for a new seat, which checkouts and explanations share: the pool must exist and be
     * licensed to this server; its assignment rules must let the person in (their refusal says which
     * rule and why); and a seat must be free.
     */
    public static NewSeat newSeat(PoolTerms terms, PoolTally tally, Person person) {
        PoolKey pool = terms.pool();
        int inUse = tally.inUse();
        if (!terms.known()) {
            return new NewSeat.Refused(new Deny(DenyReason.UNKNOWN_POOL, 0, inUse,
                    "This server has no license for " + pool.product() + " feature " + pool.feature()
                            + ". Ask your administrator to add the license file for it."));
        }
        if (!terms.serverLicensed()) {
            return new NewSeat.Refused(new Deny(DenyReason.SERVER_NOT_LICENSED, terms.capacity(), inUse,
                    "This server is not licensed to serve " + pool.product()
                            + ": it has no valid server license for installation " + terms.installationId()
                            + ". Ask your administrator to add one."));
        }
        Assignments rules = terms.assignments();
        if (rules.isEmpty()) {
            if (inUse >= terms.capacity()) {
                return new NewSeat.Refused(new Deny(DenyReason.NO_SEATS_AVAILABLE, terms.capacity(), inUse,
                        "All " + terms.capacity() + " seats of " + pool.product() + " " + pool.feature()
                                + " are in use (" + inUse + " held). Try again when someone signs out,"
                                + " or ask your administrator for more seats."));
            }
            return new NewSeat.Granted(Charge.SHARED, Set.of(), null);
        }
        return switch (rules.decide(terms.capacity(), tally.usage(), person.id(), person.roles())) {
            case Assignments.Outcome.Refused no -> new NewSeat.Refused(refusal(terms, inUse, no.refusal()));
            case Assignments.Outcome.Granted yes when inUse < terms.capacity() ->
                    new NewSeat.Granted(yes.charge(), rules.limitsCovering(person.id(), person.roles()), yes);
            // A reserve with room in a pool that is full all the same (capacity fell below what is held).
            case Assignments.Outcome.Granted yes -> new NewSeat.Refused(new Deny(DenyReason.NO_SEATS_AVAILABLE, terms.capacity(), inUse,
                    "All " + terms.capacity() + " seats of " + pool.product() + " " + pool.feature() + " are in use (" + inUse
                            + " held), the reserve for you included. Try again when someone signs out, or ask your administrator"
                            + " for more seats."));
        };
    }

    /** A rule's refusal as one sentence, with names. */
    static Deny refusal(PoolTerms terms, int inUse, RuleRefusal refusal) {
        PoolKey pool = terms.pool();
        String what = pool.product() + " " + pool.feature();
        if (refusal.code().equals(DenyReason.NOT_ENTITLED.code())) {
            return new Deny(DenyReason.NOT_ENTITLED, terms.capacity(), inUse,
                    "You may not use " + what + ": " + refusal.because() + ". Ask your administrator if you need it.");
        }
        return new Deny(DenyReason.NO_SEATS_AVAILABLE, terms.capacity(), inUse,
                "No seat of " + what + " is available to you: " + refusal.because()
                        + ". Try again when someone signs out, or ask your administrator for more seats.");
    }
}
