package dev.usher.core.model;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;

import java.util.List;

import static dev.usher.core.model.World.CAD;
import static dev.usher.core.model.World.CAL;

/**
 * Model-based test of core's seat decision itself ({@link CoreSystem}: {@code SeatMachine} over a resident
 * {@code SeatBook}, no server, no store): random runs of operations, each step compared with the reference
 * model (answers and states, seats matched one to one) and DESIGN §3's invariants checked after every step.
 * Fast (no server to start), so it runs more tries than the HTTP test and shrinks a failure.
 *
 * <p>The examples are usher-server's {@code ModelCasesTest}, replayed against core.
 */
class CoreAgreesWithModelTest {

    @Property(tries = 200, seed = "16005", shrinking = ShrinkingMode.BOUNDED)
    void theCoreDecisionAnswersAsTheModel(@ForAll("runs") List<Op> ops) {
        new Lockstep(new SeatModel(), new CoreSystem()).run(ops);
    }

    /**
     * Found by this test and fixed in core: a seat granted under the user or user+host policy has the key
     * {@code u:<id>} / {@code uh:<id>:<host>}; after the pool switches to the session policy, the session it was
     * granted for comes back while it lingers and rejoins it (a seat remembers the session it was granted for:
     * SeatModel's DECISION on seat keys), instead of taking a second seat (or being refused when the pool is full).
     */
    @Example
    void aSessionComingBackAfterASwitchToSessionKeysRejoinsTheSeatItWasGranted() {
        run(new Op.SetPolicy(CAL, "user", 30, 0),
                new Op.Checkout("alice-3", CAL, "alice", "ws1", "cad"),
                new Op.SetPolicy(CAL, "session", 30, 0),
                new Op.Checkin("alice-3", CAL),
                new Op.Checkout("alice-3", CAL, "alice", "ws1", "cad"));
    }

    /**
     * Found by this test as a disagreement, decided for core's (and the README's) rule: an administrator's release
     * in one pool ends the sessions on the seat whole (a session is what a client knows: it hears 410 at its next
     * heartbeat), so their checkout of another pool ends too and that seat lingers as at a session end.
     */
    @Example
    void aReleaseInOnePoolEndsTheSessionsOnTheSeatWhole() {
        run(new Op.SetPolicy(CAD, "user", 60, 0),
                new Op.Checkout("bob-1", CAL, "bob", "ws1", "cad"),
                new Op.Checkout("bob-1", CAD, "bob", "ws1", "cad"),
                new Op.Release("bob", CAL),
                new Op.Heartbeat("bob-1"),
                new Op.Advance(90),
                new Op.Sweep());
    }

    /** Found by this test and fixed in core: a lent seat whose holder left is on loan, not lingering until the loan's date. */
    @Example
    void aLentSeatWhoseHolderLeavesIsOnLoanOnly() {
        run(new Op.Checkout("alice-1", CAL, "alice", "laptop", "cad"),
                new Op.Borrow("alice-1", CAL, 3600),
                new Op.EndSession("alice-1"));
    }

    @Provide
    Arbitrary<List<Op>> runs() {
        return OpGenerators.sequences(60);
    }

    private static void run(Op... ops) {
        new Lockstep(new SeatModel(), new CoreSystem()).run(List.of(ops));
    }

    @Example
    void aTooLongBorrowIsRefusedAsTooLongFirst() {
        run(new Op.Borrow("alice-1", CAL, 8 * 86_400));
    }

    @Example
    void twoAllowOnlyRulesAreRefusedAsOneRuleListingEveryoneAllowed() {
        run(new Op.SetRules(CAL, List.of(RuleSpec.allowOnly(List.of("All Users"), List.of()),
                        RuleSpec.allowOnly(List.of("Engineers"), List.of("carol")))),
                new Op.Checkout("dave-1", CAL, "dave", "ws1", "cad"));
    }

    @Example
    void aShortRestartLeavesLiveLeasesAsTheyWere() {
        run(new Op.Checkout("alice-1", CAL, "alice", "ws1", "cad"),
                new Op.Restart(30));
    }

    @Example
    void aLapsedSeatLingersFromItsLeasesEnd() {
        run(new Op.SetPolicy(CAL, "user", 90, 0),
                new Op.Checkout("bob-1", CAL, "bob", "ws1", "cad"),
                new Op.Advance(3600),
                new Op.Checkout("bob-1", CAD, "bob", "ws1", "cad"));
    }

    @Example
    void aSweptLapsedSeatLingersFromItsLeasesEnd() {
        run(new Op.SetPolicy(CAL, "user", 30, 0),
                new Op.Checkout("dave-1", CAL, "dave", "ws1", "cad"),
                new Op.Advance(3600),
                new Op.Sweep());
    }

    @Example
    void aDeniedPersonIsToldSoEvenWhenThePoolIsFull() {
        run(new Op.Checkout("alice-1", CAL, "alice", "ws1", "cad"),
                new Op.Checkout("carol-1", CAL, "carol", "ws1", "cad"),
                new Op.SetRules(CAL, List.of(RuleSpec.deny("Interns", null))),
                new Op.Checkout("dave-1", CAL, "dave", "ws1", "cad"));
    }

    @Example
    void aLongRestartGivesLapsedLeasesOneTtlOfGrace() {
        run(new Op.Checkout("alice-1", CAL, "alice", "ws1", "cad"),
                new Op.Restart(3600),
                new Op.Sweep(),
                new Op.Heartbeat("alice-1"));
    }
}
