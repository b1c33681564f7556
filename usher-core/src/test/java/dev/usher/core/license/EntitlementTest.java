package dev.usher.core.license;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

class EntitlementTest {

    private static final Instant STARTS = Instant.parse("2026-03-01T00:00:00Z");
    private static final Instant EXPIRES = Instant.parse("2026-04-01T00:00:00Z");
    private static final Duration NANO = Duration.ofNanos(1);

    @Test
    void activeFromStartInclusiveToExpiryExclusive() {
        Entitlement seats = Entitlement.seats("cad", "cal", 5, STARTS, EXPIRES);

        assertThat(seats.activeAt(STARTS.minus(NANO))).isFalse();
        assertThat(seats.activeAt(STARTS)).isTrue();
        assertThat(seats.activeAt(EXPIRES.minus(NANO))).isTrue();
        assertThat(seats.activeAt(EXPIRES)).isFalse();

        assertThat(seats.startsAfter(STARTS.minus(NANO))).isTrue();
        assertThat(seats.startsAfter(STARTS)).isFalse();
        assertThat(seats.expiredAt(EXPIRES.minus(NANO))).isFalse();
        assertThat(seats.expiredAt(EXPIRES)).isTrue();
    }

    @Test
    void withoutExpiryItStaysActiveForever() {
        Entitlement server = Entitlement.server("cad", STARTS, null, null);

        assertThat(server.activeAt(STARTS.minus(NANO))).isFalse();
        assertThat(server.activeAt(STARTS)).isTrue();
        assertThat(server.activeAt(Instant.MAX)).isTrue();
        assertThat(server.expiredAt(Instant.MAX)).isFalse();
    }

    @Test
    void namesAreOneTo64CharactersOfALimitedAlphabet() {
        assertThat(Entitlement.isValidName("CAD-2026_pro.x")).isTrue();
        assertThat(Entitlement.isValidName("a".repeat(64))).isTrue();
        assertThat(Entitlement.isValidName("a".repeat(65))).isFalse();
        assertThat(Entitlement.isValidName("")).isFalse();
        assertThat(Entitlement.isValidName("with space")).isFalse();
        assertThat(Entitlement.isValidName("cad/cal")).isFalse();
        assertThat(Entitlement.isValidName("caf\u00e9")).isFalse();

        assertThatThrownBy(() -> Entitlement.seats("my cad", "cal", 1, STARTS, EXPIRES))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("product \"my cad\" is not a valid name: use 1-64 letters, digits, '.', '_' or '-'");
        assertThatThrownBy(() -> Entitlement.seats("cad", "", 1, STARTS, EXPIRES))
                .hasMessageStartingWith("feature \"\" is not a valid name");
    }

    @Test
    void namesAreCaseSensitive() {
        assertThat(Entitlement.seats("CAD", "cal", 1, STARTS, EXPIRES))
                .isNotEqualTo(Entitlement.seats("cad", "cal", 1, STARTS, EXPIRES));
    }

    @Test
    void seatsAreFromOneToAMillion() {
        assertThat(Entitlement.seats("cad", "cal", 1, STARTS, EXPIRES).seats()).isEqualTo(1);
        assertThat(Entitlement.seats("cad", "cal", 1_000_000, STARTS, EXPIRES).seats()).isEqualTo(1_000_000);
        assertThatThrownBy(() -> Entitlement.seats("cad", "cal", 0, STARTS, EXPIRES))
                .hasMessage("seats must be from 1 to 1000000, not 0");
        assertThatThrownBy(() -> Entitlement.seats("cad", "cal", 1_000_001, STARTS, EXPIRES))
                .hasMessage("seats must be from 1 to 1000000, not 1000001");
    }

    @Test
    void serverEntitlementsHaveFeatureServerAndNoSeats() {
        assertThat(Entitlement.server("cad", STARTS, EXPIRES, null).feature()).isEqualTo("server");
        assertThatThrownBy(() -> new Entitlement("cad", "cal", EntitlementKind.SERVER, 0, STARTS, EXPIRES, null))
                .hasMessage("a server entitlement has feature \"server\", not \"cal\"");
        assertThatThrownBy(() -> new Entitlement("cad", "server", EntitlementKind.SERVER, 3, STARTS, EXPIRES, null))
                .hasMessage("a server entitlement has seats 0, not 3");
        assertThatThrownBy(() -> Entitlement.seats("cad", "server", 3, STARTS, EXPIRES))
                .hasMessageStartingWith("feature \"server\" is reserved");
    }

    @Test
    void expiryMustComeAfterStart() {
        assertThatThrownBy(() -> Entitlement.seats("cad", "cal", 1, STARTS, STARTS))
                .hasMessage("expires (2026-03-01T00:00:00Z) must be after starts (2026-03-01T00:00:00Z)");
        assertThatThrownBy(() -> Entitlement.seats("cad", "cal", 1, null, EXPIRES)).hasMessage("starts is missing");
    }

    @Test
    void installationIdsArePrintable() {
        assertThatThrownBy(() -> Entitlement.server("cad", STARTS, EXPIRES, "abc\ndef"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("installationId");
        assertThat(Entitlement.server("cad", STARTS, EXPIRES, "abc").boundToOtherThan("abc")).isFalse();
        assertThat(Entitlement.server("cad", STARTS, EXPIRES, "abc").boundToOtherThan("abd")).isTrue();
        assertThat(Entitlement.server("cad", STARTS, EXPIRES, null).boundToOtherThan("abd")).isFalse();
    }

    @Test
    void kindsHaveLowercaseJsonNames() {
        assertThat(EntitlementKind.SERVER.json()).isEqualTo("server");
        assertThat(EntitlementKind.SEATS.json()).isEqualTo("seats");
        assertThat(EntitlementKind.fromJson("seats")).isEqualTo(EntitlementKind.SEATS);
        assertThat(EntitlementKind.fromJson("SEATS")).isNull();
    }
}
