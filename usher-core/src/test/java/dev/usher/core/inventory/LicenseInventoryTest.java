package dev.usher.core.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.usher.core.license.Entitlement;
import dev.usher.core.license.LicenseFile;
import dev.usher.core.license.LicensePayload;
import dev.usher.core.license.LicenseSigner;
import dev.usher.core.license.VendorKeys;
import dev.usher.core.seat.PoolKey;
import dev.usher.core.seat.PoolSettings;

import java.security.KeyPair;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

class LicenseInventoryTest {

    private static final KeyPair VENDOR = VendorKeys.generate();
    private static final KeyPair OTHER = VendorKeys.generate();
    private static final String INSTALLATION = "inst-1";
    private static final PoolKey CAD = new PoolKey("cad", "cal");
    private static final Instant Y2026 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Instant Y2027 = Instant.parse("2027-01-01T00:00:00Z");
    private static final Instant Y2028 = Instant.parse("2028-01-01T00:00:00Z");
    private static final Instant MID_2026 = Instant.parse("2026-06-01T00:00:00Z");
    private static final Instant MID_2027 = Instant.parse("2027-06-01T00:00:00Z");

    private final List<InstalledLicense> installed = new ArrayList<>();

    private InstalledLicense install(KeyPair key, String customer, int seats, Instant from, Instant to, UUID... supersedes) {
        LicensePayload p = LicensePayload.issue(customer, List.of(Entitlement.server("cad", from, to, INSTALLATION),
                Entitlement.seats("cad", "cal", seats, from, to)), from, List.of(supersedes));
        LicenseFile f = LicenseSigner.sign(p, key.getPrivate());
        InstalledLicense l = new InstalledLicense(p.id(), f.text(), p, from);
        installed.add(l);
        return l;
    }

    private LicenseInventory inventory() {
        return new LicenseInventory(installed, INSTALLATION);
    }

    private int capacity(Instant at) {
        return inventory().terms(CAD, at, PoolSettings.DEFAULT).capacity();
    }

    @Test
    void filesOfOnePoolAddUp() {
        install(VENDOR, "ACME", 10, Y2026, Y2027);
        install(VENDOR, "ACME", 15, Y2026, Y2028);

        assertThat(capacity(MID_2026)).isEqualTo(25);
        assertThat(capacity(MID_2027)).isEqualTo(15);
        assertThat(inventory().pools(MID_2026)).singleElement().extracting(PoolSummary::capacity).isEqualTo(25);
    }

    @Test
    void aRenewalRetiresTheFilesItSupersedesFromItsOwnStartSoRenewingNeverStacks() {
        InstalledLicense old = install(VENDOR, "ACME", 30, Y2026, Y2027);
        InstalledLicense renewal = install(VENDOR, "ACME", 10, MID_2026, Y2028, old.id());

        assertThat(capacity(MID_2026.minusSeconds(1))).as("before the renewal starts, the old file counts").isEqualTo(30);
        assertThat(capacity(MID_2026)).as("from its start only the renewal counts, not 40").isEqualTo(10);
        assertThat(capacity(MID_2027)).isEqualTo(10);
        assertThat(inventory().supersession(old.id())).contains(new Supersession(renewal.id(), MID_2026));
        assertThat(inventory().retiredAt(old.id(), MID_2026)).isTrue();
        assertThat(inventory().pools(MID_2026)).singleElement().extracting(PoolSummary::capacity).isEqualTo(10);
        assertThat(inventory().backing(CAD, MID_2026)).containsExactly(renewal);
        assertThat(inventory().backing(CAD, MID_2026.minusSeconds(1))).containsExactly(old);
    }

    @Test
    void aSupersededFilesServerEntitlementStopsCountingToo() {
        InstalledLicense old = install(VENDOR, "ACME", 30, Y2026, Y2028);
        LicensePayload seatsOnly = LicensePayload.issue("ACME", List.of(Entitlement.seats("cad", "cal", 5, MID_2026, Y2028)),
                MID_2026, List.of(old.id()));
        installed.add(new InstalledLicense(seatsOnly.id(), LicenseSigner.sign(seatsOnly, VENDOR.getPrivate()).text(), seatsOnly, MID_2026));

        assertThat(inventory().serverLicensed("cad", MID_2026.minusSeconds(1))).isTrue();
        assertThat(inventory().serverLicensed("cad", MID_2026)).isFalse();
    }

    @Test
    void onlyTheSameKeyCanSupersedeAFile() {
        InstalledLicense genuine = install(VENDOR, "ACME", 30, Y2026, Y2028);
        install(OTHER, "ACME", 1, Y2026, Y2028, genuine.id());

        assertThat(inventory().supersession(genuine.id())).isEmpty();
        assertThat(capacity(MID_2026)).isEqualTo(31);
    }

    @Test
    void aFileThatOnlyLooksLikeARenewalIsFoundWithTheNumbersItAdds() {
        InstalledLicense old = install(VENDOR, "ACME Corp", 30, Y2026, Y2027);
        install(VENDOR, "Someone else", 7, Y2026, Y2027);
        LicensePayload lookalike = LicensePayload.issue("acme corp ", List.of(Entitlement.seats("cad", "cal", 10, MID_2026, Y2028)), MID_2026);

        List<RenewalLookalike> found = inventory().renewalLookalikes(lookalike, Y2026);

        assertThat(found).containsExactly(new RenewalLookalike(CAD, 10, 37, List.of(old.id())));
        assertThat(found.getFirst().warning()).isEqualTo("cad/cal: this adds 10 seats to 37 (47 in all); if it renews license "
                + old.id() + ", ask the vendor for a file that supersedes it");
    }

    @Test
    void aRealRenewalOrAFileForAnotherPeriodOrPoolIsNoLookalike() {
        InstalledLicense old = install(VENDOR, "ACME", 30, Y2026, Y2027);
        LicensePayload renewal = LicensePayload.issue("ACME", List.of(Entitlement.seats("cad", "cal", 10, MID_2026, Y2028)),
                MID_2026, List.of(old.id()));
        LicensePayload nextYear = LicensePayload.issue("ACME", List.of(Entitlement.seats("cad", "cal", 10, Y2027, Y2028)), MID_2026);
        LicensePayload otherFeature = LicensePayload.issue("ACME", List.of(Entitlement.seats("cad", "designer", 10, Y2026, Y2027)), MID_2026);

        assertThat(inventory().renewalLookalikes(renewal, MID_2026)).isEmpty();
        assertThat(inventory().renewalLookalikes(nextYear, MID_2026)).isEmpty();
        assertThat(inventory().renewalLookalikes(otherFeature, MID_2026)).isEmpty();
    }

    @Test
    void backingListsTheFilesThatCountForThePoolAndItsServerEntitlement() {
        InstalledLicense both = install(VENDOR, "ACME", 10, Y2026, Y2027);
        LicensePayload server = LicensePayload.issue("ACME", List.of(Entitlement.server("cad", Y2026, Y2028, null)), Y2026);
        InstalledLicense serverOnly = new InstalledLicense(server.id(), LicenseSigner.sign(server, VENDOR.getPrivate()).text(), server, Y2026);
        installed.add(serverOnly);
        LicensePayload cam = LicensePayload.issue("ACME", List.of(Entitlement.seats("cam", "cal", 3, Y2026, Y2028)), Y2026);
        installed.add(new InstalledLicense(cam.id(), LicenseSigner.sign(cam, VENDOR.getPrivate()).text(), cam, Y2026));

        assertThat(inventory().backing(CAD, MID_2026)).containsExactly(both, serverOnly);
        assertThat(inventory().backing(CAD, MID_2027)).containsExactly(serverOnly);
        assertThat(both.keyId()).isEqualTo(VendorKeys.keyId(VENDOR.getPublic()));
    }
}
