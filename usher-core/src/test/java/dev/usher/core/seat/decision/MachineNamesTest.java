package dev.usher.core.seat.decision;

import dev.usher.core.seat.CheckoutOutcome;
import dev.usher.core.seat.DenyReason;
import dev.usher.core.seat.SeatEvent;
import dev.usher.core.seat.state.Effect;
import org.junit.jupiter.api.Test;

import static dev.usher.core.seat.decision.MachineFixture.POOL;
import static org.assertj.core.api.Assertions.assertThat;

/** A machine name is not a person: in open mode, a claimed user name that is a computer's is refused when the setting says so. */
class MachineNamesTest {

    private final MachineFixture f = new MachineFixture();

    private static CheckoutOutcome outcome(SeatMachine.Run<Checkouts.Outcome> run) {
        assertThat(run.outcome()).isInstanceOf(Checkouts.Outcome.Done.class);
        return ((Checkouts.Outcome.Done) run.outcome()).outcome();
    }

    @Test
    void aUserNamedLikeItsOwnHostIsRefusedAndNeverBecomesAPerson() {
        SeatMachine.Run<Checkouts.Outcome> run = f.checkout("s1", "DESKTOP-7F3K2", "DESKTOP-7F3K2", null, true, false);
        CheckoutOutcome.Denied no = (CheckoutOutcome.Denied) outcome(run);
        assertThat(no.deny().reason()).isEqualTo(DenyReason.USER_IS_A_MACHINE);
        assertThat(no.deny().reason().httpStatus()).isEqualTo(403);
        assertThat(no.deny().message()).isEqualTo("The user name DESKTOP-7F3K2 is this computer's name, not a person's: configure"
                + " the application to send the signed-in person's user name (the client's user setting), or turn off 'Refuse"
                + " machine names as users' in Settings.");
        assertThat(run.effects()).noneMatch(e -> e instanceof Effect.CreatePerson);
        assertThat(f.people).isEmpty();
        assertThat(f.book.sessions()).isEmpty();
        assertThat(f.book.tally(POOL).inUse()).isZero();
        // The refusal is history: the refusals report lists it.
        assertThat(run.effects()).filteredOn(e -> e instanceof Effect.RecordEvent).extracting(e -> ((Effect.RecordEvent) e).event())
                .singleElement().satisfies(e -> {
                    assertThat(e.type()).isEqualTo(SeatEvent.Type.DENY);
                    assertThat(e.reason()).isEqualTo("user-is-a-machine");
                    assertThat(e.user()).isEqualTo("DESKTOP-7F3K2");
                    assertThat(e.host()).isEqualTo("DESKTOP-7F3K2");
                });
    }

    @Test
    void aQualifiedHostNameSentAsTheUserIsTheMachinesNameToo() {
        CheckoutOutcome.Denied no = (CheckoutOutcome.Denied) outcome(
                f.checkout("s1", "ws1.corp.example", "ws1.corp.example", null, true, false));
        assertThat(no.deny().reason()).isEqualTo(DenyReason.USER_IS_A_MACHINE);
    }

    @Test
    void aNameThatIsAKnownHostIsRefusedFromAnyComputer() {
        f.person("ws9");
        CheckoutOutcome.Denied no = (CheckoutOutcome.Denied) outcome(f.checkout("s1", "WS9", "laptop", null, true, true));
        assertThat(no.deny().reason()).isEqualTo(DenyReason.USER_IS_A_MACHINE);
        assertThat(no.deny().message()).isEqualTo("The user name WS9 is the name of a computer that has checked out from this"
                + " server, not a person's: configure the application to send the signed-in person's user name (the client's"
                + " user setting), or turn off 'Refuse machine names as users' in Settings.");
        assertThat(f.book.sessions()).isEmpty();
    }

    @Test
    void aDeniedRetryOfAWaitingRequestIsNotRecordedTwice() {
        SeatMachine.Run<Checkouts.Outcome> run = f.run(new SeatOp.Checkout(new dev.usher.core.seat.CheckoutRequest("s1", POOL,
                "ws2", "ws2", "ws2", "ws2", "test", f.now, MachineFixture.TTL, null, true, true, false, false, "seat-x")));
        assertThat(outcome(run)).isInstanceOf(CheckoutOutcome.Denied.class);
        assertThat(run.effects()).isEmpty();
    }

    @Test
    void anAuthenticatedPersonIsNeverRefusedForTheirComputersName() {
        long id = f.person("ws9").id();
        CheckoutOutcome c = outcome(f.checkout("s1", "ws9", "ws9", id, true, true));
        assertThat(c).isInstanceOf(CheckoutOutcome.Held.class);
        assertThat(((CheckoutOutcome.Held) c).user()).isEqualTo("ws9");
    }

    @Test
    void withTheSettingOffAMachineNameGetsASeat() {
        CheckoutOutcome c = outcome(f.checkout("s1", "DESKTOP-7F3K2", "DESKTOP-7F3K2", null, false, true));
        assertThat(c).isInstanceOf(CheckoutOutcome.Held.class);
        assertThat(f.people).containsKey("DESKTOP-7F3K2");
    }

    @Test
    void aPersonOnTheirOwnComputerIsNotAMachine() {
        f.person("bob");
        assertThat(outcome(f.checkout("s1", "bob", "ws9", null, true, false))).isInstanceOf(CheckoutOutcome.Held.class);
    }
}
