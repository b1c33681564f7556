package dev.usher.core.license;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.api.Test;

class LicenseDatesTest {

    @Test
    void showsTheLastDayTheVendorWroteNotTheExclusiveEnd() {
        // usher vendor issue --expires 2027-12-31 stores the first moment of 2028-01-01.
        assertThat(LicenseDates.validThrough(Instant.parse("2028-01-01T00:00:00Z"))).isEqualTo("2027-12-31");
        assertThat(LicenseDates.phrase(Instant.parse("2028-01-01T00:00:00Z"))).isEqualTo("through 2027-12-31");
        assertThat(LicenseDates.validFrom(Instant.parse("2027-01-01T00:00:00Z"))).isEqualTo("2027-01-01");
    }

    @Test
    void anExactInstantIsShownAsItIsAndNoEndAsNever() {
        assertThat(LicenseDates.validThrough(Instant.parse("2027-12-31T15:30:00Z"))).isEqualTo("2027-12-31T15:30:00Z");
        assertThat(LicenseDates.phrase(Instant.parse("2027-12-31T15:30:00Z"))).isEqualTo("until 2027-12-31T15:30:00Z");
        assertThat(LicenseDates.validFrom(Instant.parse("2027-01-01T00:00:01Z"))).isEqualTo("2027-01-01T00:00:01Z");
        assertThat(LicenseDates.validThrough(null)).isEqualTo("never");
        assertThat(LicenseDates.phrase(null)).isEqualTo("never expires");
    }
}
