package dev.usher.core.notify;

import dev.usher.core.inventory.InstalledLicense;
import dev.usher.core.inventory.LicenseInventory;
import dev.usher.core.license.Entitlement;
import dev.usher.core.license.LicensePayload;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** One message per threshold crossed, whatever the number of checks, and what the message says. */
class ExpiryAlertsTest {

    static final Instant T0 = Instant.parse("2026-06-01T12:00:00Z");
    static final UUID CAD = UUID.fromString("00000000-0000-0000-0000-00000000c0de");

    private static LicenseInventory inventory(Instant cadExpires) {
        LicensePayload base = new LicensePayload(UUID.randomUUID(), T0.minus(Duration.ofDays(10)), "ACME", List.of(
                Entitlement.server("cad", T0.minus(Duration.ofDays(10)), null, null),
                Entitlement.seats("cad", "modeler", 20, T0.minus(Duration.ofDays(10)), T0.plus(Duration.ofDays(365)))));
        LicensePayload extra = new LicensePayload(CAD, T0.minus(Duration.ofDays(10)), "ACME", List.of(
                Entitlement.seats("cad", "modeler", 5, T0.minus(Duration.ofDays(10)), cadExpires)));
        return new LicenseInventory(List.of(new InstalledLicense(UUID.randomUUID(), "", base, T0, "test-key"),
                new InstalledLicense(CAD, "", extra, T0, "test-key")), "inst-1");
    }

    @Test
    void a_license_is_announced_once_at_each_threshold_however_often_it_is_checked() {
        Instant expires = T0.plus(Duration.ofDays(40));
        LicenseInventory inv = inventory(expires);
        Set<String> keys = new LinkedHashSet<>();
        List<Alert> all = new ArrayList<>();
        // Every hour for 41 days: the keys seen are one per threshold.
        for (Instant now = T0; now.isBefore(T0.plus(Duration.ofDays(41))); now = now.plus(Duration.ofHours(1))) {
            for (Alert a : ExpiryAlerts.of(inv, now, ExpiryAlerts.DEFAULT_DAYS)) {
                if (keys.add(a.key())) {
                    all.add(a);
                }
            }
        }
        assertThat(keys).containsExactly("license-expiring:" + CAD + ":" + expires.getEpochSecond() + ":30d",
                "license-expiring:" + CAD + ":" + expires.getEpochSecond() + ":7d",
                "license-expiring:" + CAD + ":" + expires.getEpochSecond() + ":1d");
        assertThat(all.get(0).at()).isEqualTo(T0.plus(Duration.ofDays(10)));
        assertThat(all.get(1).at()).isEqualTo(T0.plus(Duration.ofDays(33)));
        assertThat(all.get(2).at()).isEqualTo(T0.plus(Duration.ofDays(39)));
        assertThat(all).allMatch(a -> a.kind() == AlertKind.LICENSE_EXPIRING && a.quiet() == null);
    }

    @Test
    void a_license_added_close_to_its_end_is_announced_at_the_smallest_threshold_crossed_only() {
        Instant expires = T0.plus(Duration.ofHours(39));
        List<Alert> alerts = ExpiryAlerts.of(inventory(expires), T0, ExpiryAlerts.DEFAULT_DAYS);
        assertThat(alerts).singleElement().satisfies(a -> {
            assertThat(a.key()).endsWith(":7d");
            assertThat(a.subject()).isEqualTo("5 seats of cad/modeler expire in 39 hours (2026-06-03 03:00 UTC)");
            assertThat(a.text()).contains("License " + CAD + " (customer 'ACME') expires on 2026-06-03 03:00 UTC, in 39 hours.",
                    "- 5 seats of cad/modeler: the pool then has 20 (25 now).");
            assertThat(a.facts()).containsEntry("thresholdDays", "7").containsEntry("pools", "cad/modeler");
        });
        assertThat(ExpiryAlerts.of(inventory(expires), expires, ExpiryAlerts.DEFAULT_DAYS)).as("expired: no longer announced").isEmpty();
        assertThat(ExpiryAlerts.of(inventory(T0.plus(Duration.ofDays(31))), T0, ExpiryAlerts.DEFAULT_DAYS)).isEmpty();
    }

    @Test
    void a_server_entitlement_ending_says_what_it_means_for_the_product() {
        LicensePayload p = new LicensePayload(CAD, T0, "Sim Co", List.of(
                Entitlement.server("sim", T0.minus(Duration.ofDays(1)), T0.plus(Duration.ofDays(5)), "inst-1"),
                Entitlement.seats("sim", "solver", 3, T0.minus(Duration.ofDays(1)), T0.plus(Duration.ofDays(5)))));
        LicenseInventory inv = new LicenseInventory(List.of(new InstalledLicense(CAD, "", p, T0, "test-key")), "inst-1");
        Alert a = ExpiryAlerts.of(inv, T0, List.of(30, 7, 1)).getFirst();
        assertThat(a.subject()).isEqualTo("License 'Sim Co' expires in 5 days (2026-06-06 12:00 UTC)");
        assertThat(a.text()).contains("- the server entitlement of sim: after that no pool of sim grants seats.",
                "- 3 seats of sim/solver: the pool then has 0 (3 now).");
        assertThat(ExpiryAlerts.of(inv, T0, List.of(3))).as("custom thresholds").isEmpty();
    }
}
