package dev.usher.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.usher.cli.common.CliException;

import java.util.Optional;

import org.junit.jupiter.api.Test;

class PlanTest {

    private static Optional<ServerApi.Pool> pool(int capacity, int inUse, String policy) {
        return Optional.of(new ServerApi.Pool("demo", "cal", capacity, inUse, policy));
    }

    @Test
    void underSeatKeyUserManySessionsOfFewUsersFitInFewSeats() {
        Plan plan = Plan.of(64, 10_000, 20, pool(200, 0, "user"), true, true);
        assertThat(plan.cycleUsers()).isEqualTo(64);
        assertThat(plan.notes()).isEmpty();
        assertThat(plan.freeSeats()).isEqualTo(200);
    }

    @Test
    void whenSeatsAreShortCyclesShareUsersAndSaySo() {
        Plan plan = Plan.of(64, 10_000, 20, pool(25, 0, "user"), true, true);
        assertThat(plan.cycleUsers()).isEqualTo(25);
        assertThat(plan.notes()).singleElement().asString().contains("25 users share them");
    }

    @Test
    void moreUsersThanFreeSeatsIsRefusedBeforeAnyLoad() {
        assertThatThrownBy(() -> Plan.of(64, 10_000, 30, pool(25, 0, "user"), true, true))
                .isInstanceOf(CliException.class)
                .hasMessageContaining("need 30 seats")
                .hasMessageContaining("has 25 free")
                .hasMessageContaining("--license");
        assertThatThrownBy(() -> Plan.of(64, 10_000, 20, pool(25, 10, "user+host"), false, true))
                .isInstanceOf(CliException.class).hasMessageContaining("has 15 free");
    }

    @Test
    void seatKeySessionNeedsASeatPerSession() {
        assertThatThrownBy(() -> Plan.of(8, 1_000, 20, pool(500, 0, "session"), false, true))
                .isInstanceOf(CliException.class).hasMessageContaining("need 1000 seats");
        assertThatThrownBy(() -> Plan.of(64, 10, 2, pool(20, 0, "session"), true, false))
                .isInstanceOf(CliException.class).hasMessageContaining("64 connections");
        assertThat(Plan.of(8, 100, 2, pool(500, 0, "session"), true, true).cycleUsers()).isEqualTo(8);
    }

    @Test
    void aFullPoolLeavesNoRoomForCycles() {
        assertThatThrownBy(() -> Plan.of(4, 10, 2, pool(25, 25, "user"), true, false))
                .isInstanceOf(CliException.class).hasMessageContaining("no free seat");
    }

    @Test
    void withoutATokenNothingIsCheckedButTheReportSaysSo() {
        Plan plan = Plan.of(64, 10_000, 20, Optional.empty(), true, true);
        assertThat(plan.cycleUsers()).isEqualTo(64);
        assertThat(plan.freeSeats()).isNull();
        assertThat(plan.notes()).singleElement().asString().contains("not checked");
    }

    @Test
    void countsAreBounded() {
        assertThatThrownBy(() -> Plan.of(0, 10, 1, Optional.empty(), true, true)).hasMessageContaining("--connections");
        assertThatThrownBy(() -> Plan.of(2000, 10, 1, Optional.empty(), true, true)).hasMessageContaining("--connections");
        assertThatThrownBy(() -> Plan.of(4, 0, 1, Optional.empty(), true, true)).hasMessageContaining("--sessions");
        assertThatThrownBy(() -> Plan.of(4, 2_000_000, 1, Optional.empty(), true, true)).hasMessageContaining("--sessions");
        assertThatThrownBy(() -> Plan.of(4, 10, 11, Optional.empty(), true, true))
                .hasMessage("--users (11) cannot exceed --sessions (10)");
    }
}
