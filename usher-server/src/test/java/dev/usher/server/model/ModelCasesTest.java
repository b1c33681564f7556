package dev.usher.server.model;

import dev.usher.core.model.Lockstep;
import dev.usher.core.model.Op;
import dev.usher.core.model.RuleSpec;
import dev.usher.core.model.SeatModel;
import dev.usher.core.model.World;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static dev.usher.core.model.World.CAL;

/**
 * The cases where the model tests once found the server and the reference model disagreeing, each as
 * the shortest run that showed it (the shrunk counterexample, tidied): now they agree, and these keep it so.
 */
class ModelCasesTest {

    @TempDir
    Path dir;

    private void run(Op... ops) {
        try (HttpSystem server = HttpSystem.start(dir)) {
            new Lockstep(new SeatModel(), server).run(List.of(ops));
        }
    }

    @Test
    void aTooLongBorrowIsRefusedAsTooLongFirst() {
        run(new Op.Borrow("alice-1", CAL, 8 * 86_400));
    }

    @Test
    void twoAllowOnlyRulesAreRefusedAsOneRuleListingEveryoneAllowed() {
        run(new Op.SetRules(CAL, List.of(RuleSpec.allowOnly(List.of("All Users"), List.of()),
                RuleSpec.allowOnly(List.of("Engineers"), List.of("carol")))),
                new Op.Checkout("dave-1", CAL, "dave", "ws1", "cad"));
    }

    @Test
    void aShortRestartLeavesLiveLeasesAsTheyWere() {
        run(new Op.Checkout("alice-1", CAL, "alice", "ws1", "cad"),
                new Op.Restart(30));
    }

    @Test
    void aLapsedSeatLingersFromItsLeasesEnd() {
        run(new Op.SetPolicy(CAL, "user", 90, 0),
                new Op.Checkout("bob-1", CAL, "bob", "ws1", "cad"),
                new Op.Advance(3600),
                new Op.Checkout("bob-1", World.CAD, "bob", "ws1", "cad"));
    }

    @Test
    void aSweptLapsedSeatLingersFromItsLeasesEnd() {
        run(new Op.SetPolicy(CAL, "user", 30, 0),
                new Op.Checkout("dave-1", CAL, "dave", "ws1", "cad"),
                new Op.Advance(3600),
                new Op.Sweep());
    }

    @Test
    void aDeniedPersonIsToldSoEvenWhenThePoolIsFull() {
        run(new Op.Checkout("alice-1", CAL, "alice", "ws1", "cad"),
                new Op.Checkout("carol-1", CAL, "carol", "ws1", "cad"),
                new Op.SetRules(CAL, List.of(RuleSpec.deny("Interns", null))),
                new Op.Checkout("dave-1", CAL, "dave", "ws1", "cad"));
    }

    /** Found by core's model test: the seat remembers the session it was granted to, stored (a restart between). */
    @Test
    void aSessionComingBackAfterASwitchToSessionKeysRejoinsTheSeatItWasGranted() {
        run(new Op.SetPolicy(CAL, "user", 30, 0),
                new Op.Checkout("alice-3", CAL, "alice", "ws1", "cad"),
                new Op.SetPolicy(CAL, "session", 30, 0),
                new Op.Checkin("alice-3", CAL),
                new Op.Restart(5),
                new Op.Checkout("alice-3", CAL, "alice", "ws1", "cad"));
    }

    @Test
    void aLentSeatWhoseHolderLeavesIsOnLoanOnly() {
        run(new Op.Checkout("alice-1", CAL, "alice", "laptop", "cad"),
                new Op.Borrow("alice-1", CAL, 3600),
                new Op.EndSession("alice-1"));
    }
}
