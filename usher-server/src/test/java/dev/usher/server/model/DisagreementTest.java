package dev.usher.server.model;

import dev.usher.core.model.Lockstep;
import dev.usher.core.model.Op;
import dev.usher.core.model.RuleSpec;
import dev.usher.core.model.SeatModel;
import dev.usher.core.model.World;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static dev.usher.core.model.World.CAL;

/**
 * Each disagreement the model tests found between today's server and the reference model, as the
 * shortest run that shows it (the shrunk counterexample, tidied). Disabled until the server (or the
 * spec and the model) is changed; the property tests let exactly these through meanwhile
 * ({@link Disagreements}). Enable one to see the reproduction in the failure message.
 */
class DisagreementTest {

    @TempDir
    Path dir;

    private void run(Op... ops) {
        try (HttpSystem server = HttpSystem.start(dir)) {
            new Lockstep(new SeatModel(), server).run(List.of(ops));
        }
    }

    @Test
    @Disabled("spec gap: a too long borrow by a session holding no seat is 409 not-checked-out on the server, 400 borrow-too-long in the model")
    void aTooLongBorrowIsRefusedAsTooLongFirst() {
        run(new Op.Borrow("alice-1", CAL, 8 * 86_400));
    }

    @Test
    @Disabled("spec gap: the server refuses two allow-only rules in one set (400); the model lets each narrow the pool")
    void twoAllowOnlyRulesEachNarrowThePool() {
        run(new Op.SetRules(CAL, List.of(RuleSpec.allowOnly(List.of("All Users"), List.of()),
                RuleSpec.allowOnly(List.of("Engineers"), List.of("carol")))),
                new Op.Checkout("dave-1", CAL, "dave", "ws1", "cad"));
    }

    @Test
    @Disabled("server: a restart extends every lease to a full TTL from the start; the README gives grace only to leases that would have lapsed while down")
    void aShortRestartLeavesLiveLeasesAsTheyWere() {
        run(new Op.Checkout("alice-1", CAL, "alice", "ws1", "cad"),
                new Op.Restart(30));
    }

    @Test
    @Disabled("server: a lapsed seat lingers from when the lapse is processed (its session's next checkout), not from its lease's end")
    void aLapsedSeatLingersFromItsLeasesEnd() {
        run(new Op.SetPolicy(CAL, "user", 90, 0),
                new Op.Checkout("bob-1", CAL, "bob", "ws1", "cad"),
                new Op.Advance(3600),
                new Op.Checkout("bob-1", World.CAD, "bob", "ws1", "cad"));
    }

    @Test
    @Disabled("server: a lapsed seat lingers from when the lapse is processed (the sweep), not from its lease's end")
    void aSweptLapsedSeatLingersFromItsLeasesEnd() {
        run(new Op.SetPolicy(CAL, "user", 30, 0),
                new Op.Checkout("dave-1", CAL, "dave", "ws1", "cad"),
                new Op.Advance(3600),
                new Op.Sweep());
    }

    @Test
    @Disabled("server bug (docs/ASSIGNMENTS.md order): a denied person at a full pool gets 409 no-seats-available, not 403 not-entitled")
    void aDeniedPersonIsToldSoEvenWhenThePoolIsFull() {
        run(new Op.Checkout("alice-1", CAL, "alice", "ws1", "cad"),
                new Op.Checkout("carol-1", CAL, "carol", "ws1", "cad"),
                new Op.SetRules(CAL, List.of(RuleSpec.deny("Interns", null))),
                new Op.Checkout("dave-1", CAL, "dave", "ws1", "cad"));
    }
}
