package dev.usher.core.model;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static dev.usher.core.model.World.CAL;
import static org.assertj.core.api.Assertions.assertThat;

/** The model answers the spec's own examples (README, docs/ASSIGNMENTS.md) as the spec says. */
class ReferenceModelTest {

    private final SeatModel model = new SeatModel();

    private Outcome checkout(String session, String user) {
        return model.apply(new Op.Checkout(session, CAL, user, "ws1", "test"));
    }

    @Test
    void onePersonUnderEverySpellingHoldsOneSeat() {
        assertThat(checkout("a1", "alice").kind()).isEqualTo("new");
        for (String spelling : World.person("alice").spellings()) {
            Outcome o = checkout("a-" + Math.abs(spelling.hashCode()), spelling);
            assertThat(o.status()).as(spelling).isEqualTo(200);
            assertThat(o.kind()).isEqualTo("joined");
            assertThat(o.seat()).isEqualTo("m1");
        }
        assertThat(model.observe().seats()).hasSize(1);
        assertThat(checkout("a1", "ALICE").kind()).isEqualTo("kept");
    }

    @Test
    void aFullPoolRefusesWithItsNumbersAndARetryKeepsTheSeat() {
        checkout("a1", "alice");
        checkout("b1", "bob");
        Outcome refused = checkout("c1", "carol");
        assertThat(refused).isEqualTo(Outcome.noSeats(2, 2, refused.detail()));
        assertThat(refused.detail()).contains("2 seats");
        assertThat(checkout("b1", "CORP\\bob").kind()).isEqualTo("kept");
        assertThat(checkout("b1", "carol").kind()).isEqualTo("session-conflict");
    }

    @Test
    void aReserveKeepsItsSeatsForItsMembersAndALimitRefusesOnTop() {
        assertThat(model.apply(new Op.SetRules(CAL, List.of(RuleSpec.reserve("Contractors", null, 1)))).status()).isEqualTo(200);
        assertThat(checkout("a1", "alice").status()).isEqualTo(201);            // the shared part (1)
        Outcome bob = checkout("b1", "bob");
        assertThat(bob.kind()).isEqualTo("no-seats-available");                 // shared: 1 of 1 in use
        assertThat(bob.detail()).contains("shared: 1 of 1");
        assertThat(checkout("c1", "carol").status()).isEqualTo(201);            // the reserve

        model.apply(new Op.AddLicense("extra"));                                  // capacity 4
        model.apply(new Op.SetRules(CAL, List.of(RuleSpec.limit("Interns", null, 1))));
        assertThat(checkout("d1", "dave").status()).isEqualTo(201);
        Outcome second = checkout("b1", "bob");                                   // Interns: 1 of 1 although a seat is free
        assertThat(second.kind()).isEqualTo("no-seats-available");
        assertThat(second.detail()).contains("limit");
        assertThat(model.apply(new Op.SetRules(CAL, List.of(RuleSpec.reserve("Interns", null, 5)))).kind()).isEqualTo("validation-failed");
    }

    @Test
    void aLapsedLeaseIsRefusedAHeartbeatAndFreedByTheNextSweep() {
        Instant start = model.now();
        assertThat(checkout("a1", "alice").leaseExpiresAt()).isEqualTo(start.plusSeconds(120));
        model.apply(new Op.Advance(119));
        assertThat(model.apply(new Op.Heartbeat("a1")).leaseExpiresAt()).isEqualTo(start.plusSeconds(239));
        model.apply(new Op.Advance(120));
        assertThat(model.apply(new Op.Heartbeat("a1")).status()).isEqualTo(410);
        assertThat(model.observe().seats()).hasSize(1);                           // until the sweep
        model.apply(new Op.Sweep());
        assertThat(model.observe().seats()).isEmpty();
    }

    @Test
    void aLingeringSeatComesBackToItsPersonAndEndsAtItsTime() {
        model.apply(new Op.SetPolicy(CAL, "user", 30, 0));
        checkout("a1", "alice");
        model.apply(new Op.Checkin("a1", CAL));
        assertThat(model.observe().seats().getFirst().lingerUntil()).isEqualTo(model.now().plusSeconds(30));
        assertThat(checkout("a2", "a.smith")).satisfies(o -> {
            assertThat(o.kind()).isEqualTo("joined");
            assertThat(o.seat()).isEqualTo("m1");
        });
        model.apply(new Op.EndSession("a2"));
        model.apply(new Op.Advance(30));
        model.apply(new Op.Sweep());
        assertThat(model.observe().seats()).isEmpty();
    }

    @Test
    void removingAndReaddingALicenseKeepsEverySeat() {
        model.apply(new Op.AddLicense("extra"));
        checkout("a1", "alice");
        checkout("b1", "bob");
        checkout("c1", "carol");
        model.apply(new Op.RemoveLicense("extra"));
        assertThat(model.observe().pool(CAL).inUse()).isEqualTo(3);
        assertThat(model.observe().pool(CAL).capacity()).isEqualTo(2);
        assertThat(checkout("d1", "dave").kind()).isEqualTo("no-seats-available");
        assertThat(model.apply(new Op.AddLicense("extra")).status()).isEqualTo(201);
        assertThat(model.observe().seats()).hasSize(3);
    }

    @Test
    void aRestartGivesLapsedLeasesOneTtlOfGrace() {
        checkout("a1", "alice");
        model.apply(new Op.Restart(130));
        assertThat(model.observe().seats().getFirst().sessions().getFirst().leaseExpiresAt()).isEqualTo(model.now().plusSeconds(120));
        assertThat(model.apply(new Op.Heartbeat("a1")).status()).isEqualTo(200);
    }

    @Test
    void aBorrowedSeatOutlivesItsSessionAndIsJoinedBack() {
        checkout("a1", "alice");
        assertThat(model.apply(new Op.Borrow("a1", CAL, 86_400)).renewed()).isFalse();
        assertThat(model.apply(new Op.Borrow("a1", CAL, 3600)).renewed()).isTrue();
        assertThat(model.apply(new Op.Borrow("a1", CAL, 8 * 86_400)).kind()).isEqualTo("borrow-too-long");
        model.apply(new Op.Advance(121));
        model.apply(new Op.Sweep());
        assertThat(model.observe().seats()).hasSize(1);
        assertThat(checkout("a2", "alice").kind()).isEqualTo("joined");
        assertThat(model.apply(new Op.ReturnLoan("alice", CAL)).kind()).isEqualTo("returned");
        assertThat(model.observe().seats()).hasSize(1);                           // a2 keeps it as an ordinary seat
    }
}
