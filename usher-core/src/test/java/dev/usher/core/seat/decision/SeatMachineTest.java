package dev.usher.core.seat.decision;

import dev.usher.core.assignment.Assignments;
import dev.usher.core.assignment.Rule;
import dev.usher.core.assignment.Target;
import dev.usher.core.seat.BorrowOutcome;
import dev.usher.core.seat.CheckoutOutcome;
import dev.usher.core.seat.DenyReason;
import dev.usher.core.seat.PoolKey;
import dev.usher.core.seat.PoolSettings;
import dev.usher.core.seat.SeatEvent;
import dev.usher.core.seat.SeatKeyPolicy;
import dev.usher.core.seat.state.Effect;
import dev.usher.core.seat.state.HeldSeat;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static dev.usher.core.seat.decision.MachineFixture.POOL;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The seat decision, run by {@link SeatMachine} on a resident book: each test is a situation an
 * administrator or a client meets, with the answer and the sentence they get, word for word.
 */
class SeatMachineTest {

    private final MachineFixture f = new MachineFixture();

    private static CheckoutOutcome.Held held(Checkouts.Outcome o) {
        assertThat(o).isInstanceOf(Checkouts.Outcome.Done.class);
        CheckoutOutcome c = ((Checkouts.Outcome.Done) o).outcome();
        assertThat(c).isInstanceOf(CheckoutOutcome.Held.class);
        return (CheckoutOutcome.Held) c;
    }

    private static CheckoutOutcome.Denied denied(Checkouts.Outcome o) {
        assertThat(o).isInstanceOf(Checkouts.Outcome.Done.class);
        CheckoutOutcome c = ((Checkouts.Outcome.Done) o).outcome();
        assertThat(c).isInstanceOf(CheckoutOutcome.Denied.class);
        return (CheckoutOutcome.Denied) c;
    }

    @Test
    void aRetryKeepsTheSeatAndASecondSessionOfThePersonJoinsIt() {
        f.person("alice");
        CheckoutOutcome.Held first = held(f.checkout("s1", "alice", "ws1"));
        assertThat(first.how()).isEqualTo(CheckoutOutcome.How.NEW);
        CheckoutOutcome.Held again = held(f.checkout("s1", "alice", "ws1"));
        assertThat(again.how()).isEqualTo(CheckoutOutcome.How.KEPT);
        assertThat(again.seatId()).isEqualTo(first.seatId());
        CheckoutOutcome.Held other = held(f.checkout("s2", "alice", "laptop"));
        assertThat(other.how()).isEqualTo(CheckoutOutcome.How.JOINED);
        assertThat(other.seatId()).isEqualTo(first.seatId());
        assertThat(other.sharedWithSessions()).isEqualTo(1);
        assertThat(f.book.tally(POOL).inUse()).isEqualTo(1);
    }

    @Test
    void aFullPoolRefusesWithItsNumbersButNeverSomeoneWhoHoldsASeat() {
        f.capacity.put(POOL, 1);
        f.person("alice");
        f.person("bob");
        held(f.checkout("s1", "alice", "ws1"));
        CheckoutOutcome.Denied no = denied(f.checkout("s2", "bob", "ws2"));
        assertThat(no.deny().reason()).isEqualTo(DenyReason.NO_SEATS_AVAILABLE);
        assertThat(no.deny().message()).isEqualTo("All 1 seats of demo cal are in use (1 held). Try again when someone signs out,"
                + " or ask your administrator for more seats.");
        // The pool shrinks to nothing: alice's second machine still joins her seat.
        f.capacity.put(POOL, 0);
        assertThat(held(f.checkout("s3", "alice", "ws2")).how()).isEqualTo(CheckoutOutcome.How.JOINED);
    }

    @Test
    void anUnknownPoolAndAServerWithoutItsLicenseSaySo() {
        f.person("alice");
        assertThat(denied(f.checkout("s1", "alice", "ws", new PoolKey("cad", "cal"))).deny().message())
                .isEqualTo("This server has no license for cad feature cal. Ask your administrator to add the license file for it.");
        f.licensed.put(POOL, false);
        CheckoutOutcome.Denied no = denied(f.checkout("s1", "alice", "ws"));
        assertThat(no.deny().reason()).isEqualTo(DenyReason.SERVER_NOT_LICENSED);
        assertThat(no.deny().message()).isEqualTo("This server is not licensed to serve demo: it has no valid server license for"
                + " installation inst-1. Ask your administrator to add one.");
    }

    @Test
    void peopleAreCreatedOnlyWhenAllowedAndADisabledOneIsRefused() {
        assertThat(f.checkoutKnownOnly("s1", "zoe")).isEqualTo(new Checkouts.Outcome.UnknownPerson("zoe"));
        assertThat(f.book.sessions()).isEmpty();
        assertThat(held(f.checkout("s2", "zoe", "ws")).user()).isEqualTo("zoe");
        f.disable("zoe");
        assertThat(f.checkout("s3", "zoe", "ws")).isEqualTo(new Checkouts.Outcome.PersonDisabled("zoe"));
    }

    @Test
    void aSessionIdIsNeverTakenOverByAnotherPerson() {
        f.person("alice");
        f.person("bob");
        held(f.checkout("s1", "alice", "ws"));
        assertThat(f.checkout("s1", "bob", "ws")).isEqualTo(new Checkouts.Outcome.SessionTaken("s1", "alice"));
        assertThat(f.book.tally(POOL).inUse()).isEqualTo(1);
    }

    @Test
    void aLapsedSessionIsEndedAsAnExpiryBeforeItsIdStartsAfresh() {
        f.person("alice");
        String first = held(f.checkout("s1", "alice", "ws")).seatId();
        f.now = f.now.plus(Duration.ofSeconds(121));
        SeatMachine.Run<Checkouts.Outcome> run = f.run(new SeatOp.Checkout(new dev.usher.core.seat.CheckoutRequest("s1", POOL, "alice",
                "alice", "ws", "ws", "test", f.now, MachineFixture.TTL, null, true, true, "fresh")));
        CheckoutOutcome.Held again = held(run.outcome());
        assertThat(again.how()).isEqualTo(CheckoutOutcome.How.NEW);
        assertThat(again.seatId()).isEqualTo("fresh").isNotEqualTo(first);
        assertThat(run.effects()).filteredOn(e -> e instanceof Effect.RecordEvent).extracting(e -> ((Effect.RecordEvent) e).event().type())
                .containsExactly(SeatEvent.Type.EXPIRY, SeatEvent.Type.GRANT);
        assertThat(f.book.tally(POOL).inUse()).isEqualTo(1);
    }

    @Test
    void everyRuleKindRefusesInOneSentenceWithNames() {
        long contractors = 10;
        long interns = 20;
        f.capacity.put(POOL, 4);
        f.person("carl", contractors);
        f.person("ivan", interns);
        f.person("eve");
        f.person("dan");
        Target.Role contractorsRole = new Target.Role(contractors, "Contractors");
        Target.Role internsRole = new Target.Role(interns, "Interns");
        f.rules.put(POOL, new Assignments(List.of(new Rule.Deny(new Target.User(f.people.get("eve").id(), "eve")))));
        assertThat(denied(f.checkout("e", "eve", "ws")).deny()).satisfies(d -> {
            assertThat(d.reason()).isEqualTo(DenyReason.NOT_ENTITLED);
            assertThat(d.message()).isEqualTo("You may not use demo cal: a deny rule keeps eve out of this pool. Ask your administrator"
                    + " if you need it.");
        });
        f.rules.put(POOL, new Assignments(List.of(new Rule.Deny(contractorsRole))));
        assertThat(denied(f.checkout("c", "carl", "ws")).deny().message()).isEqualTo("You may not use demo cal: a deny rule keeps the"
                + " members of Contractors out of this pool. Ask your administrator if you need it.");
        f.rules.put(POOL, new Assignments(List.of(new Rule.AllowOnly(List.of(contractorsRole, new Target.User(f.people.get("dan").id(), "dan"))))));
        assertThat(denied(f.checkout("e", "eve", "ws")).deny().message()).isEqualTo("You may not use demo cal: only the members of"
                + " Contractors and dan may use this pool. Ask your administrator if you need it.");
        f.rules.put(POOL, new Assignments(List.of(new Rule.Limit(internsRole, 0))));
        assertThat(denied(f.checkout("i", "ivan", "ws")).deny()).satisfies(d -> {
            assertThat(d.reason()).isEqualTo(DenyReason.NO_SEATS_AVAILABLE);
            assertThat(d.message()).isEqualTo("No seat of demo cal is available to you: the members of Interns may hold at most 0 seats"
                    + " together, and 0 are in use. Try again when someone signs out, or ask your administrator for more seats.");
        });
        f.rules.put(POOL, new Assignments(List.of(new Rule.Limit(new Target.User(f.people.get("ivan").id(), "ivan"), 1))));
        held(f.checkout("i1", "ivan", "ws1"));
        f.rules.put(POOL, new Assignments(List.of(new Rule.Reserve(contractorsRole, 3))));
        CheckoutOutcome.Denied full = denied(f.checkout("e", "eve", "ws"));
        assertThat(full.deny().message()).isEqualTo("No seat of demo cal is available to you: every seat open to you is in use (shared"
                + " part: 1 of 1). Try again when someone signs out, or ask your administrator for more seats.");
        assertThat(f.machine.explain(f.people.get("eve").id(), POOL, f.now).detail()).isEqualTo(full.deny().message());
        assertThat(f.machine.explain(f.people.get("carl").id(), POOL, f.now).detail())
                .isEqualTo("would get a seat from the reserve for the members of Contractors (0 of 3 in use before)");
        CheckoutOutcome.Held carl = held(f.checkout("c", "carl", "ws"));
        assertThat(f.machine.explain(f.people.get("carl").id(), POOL, f.now).detail())
                .isEqualTo("holds seat " + carl.seatId() + ", charged to the reserve for the members of Contractors");
        assertThat(f.machine.explain(f.people.get("ivan").id(), POOL, f.now).detail()).endsWith(", charged to the shared part");
    }

    @Test
    void aCheckinReturnsTheSeatWithItsLastSessionOrLetsItLinger() {
        f.person("alice");
        f.settings.put(POOL, new PoolSettings(SeatKeyPolicy.USER, Duration.ofSeconds(300)));
        String seat = held(f.checkout("s1", "alice", "ws1")).seatId();
        held(f.checkout("s2", "alice", "ws2"));
        assertThat(f.run(new SeatOp.Checkin("s1", POOL, f.now)).outcome()).isTrue();
        assertThat(f.book.seat(seat)).get().extracting(HeldSeat::lingerUntil).isNull();
        assertThat(f.run(new SeatOp.Checkin("s2", POOL, f.now)).outcome()).isTrue();
        assertThat(f.book.seat(seat)).get().extracting(HeldSeat::lingerUntil).isEqualTo(f.now.plusSeconds(300).toEpochMilli());
        assertThat(f.run(new SeatOp.Checkin("s2", POOL, f.now)).outcome()).isFalse(); // again: nothing to give back
        assertThat(f.run(new SeatOp.EndLinger(seat, f.now.plusSeconds(299))).outcome()).isFalse();
        assertThat(f.run(new SeatOp.EndLinger(seat, f.now.plusSeconds(300))).outcome()).isTrue();
        assertThat(f.book.tally(POOL).inUse()).isZero();
    }

    @Test
    void afterASwitchToSessionKeysTheSessionASeatWasGrantedToRejoinsItAndOthersGetTheirOwn() {
        f.person("alice");
        f.capacity.put(POOL, 2);
        f.settings.put(POOL, new PoolSettings(SeatKeyPolicy.USER, Duration.ofSeconds(300)));
        String seat = held(f.checkout("s1", "alice", "ws1")).seatId();
        f.settings.put(POOL, new PoolSettings(SeatKeyPolicy.SESSION, Duration.ofSeconds(300)));
        assertThat(f.run(new SeatOp.Checkin("s1", POOL, f.now)).outcome()).isTrue();
        assertThat(f.book.seat(seat)).get().extracting(HeldSeat::lingerUntil).isNotNull();

        CheckoutOutcome.Held back = held(f.checkout("s1", "alice", "ws1"));
        assertThat(back.how()).isEqualTo(CheckoutOutcome.How.JOINED);
        assertThat(back.seatId()).isEqualTo(seat);
        assertThat(f.book.seat(seat)).get().extracting(HeldSeat::lingerUntil).isNull();
        assertThat(f.book.tally(POOL).inUse()).isEqualTo(1);
        // Another session of the same person is a new seat under session keys.
        CheckoutOutcome.Held other = held(f.checkout("s2", "alice", "ws1"));
        assertThat(other.how()).isEqualTo(CheckoutOutcome.How.NEW);
        assertThat(f.book.seat(other.seatId())).get().extracting(HeldSeat::grantSession).isEqualTo("s2");
        assertThat(f.book.tally(POOL).inUse()).isEqualTo(2);
    }

    @Test
    void aForceReleaseEndsEverySessionOnTheSeatEverywhereAndIsRecordedOnceForTheSeat() {
        f.person("alice");
        PoolKey other = new PoolKey("demo", "designer");
        f.capacity.put(other, 1);
        String seat = held(f.checkout("s1", "alice", "ws1")).seatId();
        held(f.checkout("s2", "alice", "ws2"));
        held(f.checkout("s1", "alice", "ws1", other));
        SeatMachine.Run<Optional<List<String>>> run = f.run(new SeatOp.ForceRelease(seat, f.now, "left the company"));
        assertThat(run.outcome()).contains(List.of("s1", "s2"));
        assertThat(f.book.sessions()).isEmpty();
        assertThat(f.book.seats()).isEmpty();
        assertThat(run.effects()).filteredOn(e -> e instanceof Effect.RecordEvent r && r.event().sessionId() == null)
                .singleElement().satisfies(e -> assertThat(((Effect.RecordEvent) e).event().detail()).isEqualTo("2 session(s) ended"));
        assertThat(f.run(new SeatOp.ForceRelease(seat, f.now, "again")).outcome()).isEmpty();
    }

    @Test
    void aLoanOutlivesItsSessionsUntilItsDateAndAnAdministratorCanTakeItBack() {
        f.person("alice");
        String seat = held(f.checkout("s1", "alice", "ws1")).seatId();
        BorrowOutcome lent = f.run(new SeatOp.Borrow("s1", POOL, f.now.plus(Duration.ofDays(2)), f.now)).outcome();
        assertThat(lent).isInstanceOf(BorrowOutcome.Lent.class);
        assertThat(f.run(new SeatOp.EndSession("s1", f.now)).outcome()).isTrue();
        assertThat(f.book.seat(seat)).isPresent(); // offline, on loan
        assertThat(f.run(new SeatOp.EndLoan(seat, f.now, true, "needed back")).outcome()).isPresent();
        assertThat(f.book.seat(seat)).isEmpty();
        assertThat(f.run(new SeatOp.Borrow("s9", POOL, f.now.plusSeconds(60), f.now)).outcome())
                .isEqualTo(new BorrowOutcome.Refused("not-checked-out", 409, "session s9 holds no seat of demo cal: check out first, then"
                        + " borrow the seat you hold"));
    }

    @Test
    void aMergeLeavesTheSurvivorOneSeatAndEverySession() {
        f.person("alice");
        f.person("alice-ws2");
        String keep = held(f.checkout("a1", "alice", "ws1")).seatId();
        String dup = held(f.checkout("d1", "alice-ws2", "ws2")).seatId();
        held(f.checkout("d2", "alice-ws2", "ws3"));
        Merges.Result r = f.run(new SeatOp.Merge(f.people.get("alice").id(), f.people.get("alice-ws2").id(), f.now)).outcome();
        assertThat(r).isEqualTo(new Merges.Result(0, 1, 2));
        assertThat(f.book.seats()).extracting(HeldSeat::id).containsExactly(keep);
        assertThat(f.book.sessionsOn(keep)).containsExactly("a1", "d1", "d2");
        assertThat(f.book.seat(dup)).isEmpty();
        assertThat(f.book.tally(POOL).inUse()).isEqualTo(1);
    }
}
