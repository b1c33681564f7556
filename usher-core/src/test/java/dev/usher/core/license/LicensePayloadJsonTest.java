package dev.usher.core.license;

import static dev.usher.core.license.LicenseFixtures.EXPIRES;
import static dev.usher.core.license.LicenseFixtures.STARTS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

class LicensePayloadJsonTest {

    private static final String ENTITLEMENT =
            "{\"product\":\"cad\",\"feature\":\"cal\",\"kind\":\"seats\",\"seats\":25,"
                    + "\"starts\":\"2026-01-01T00:00:00Z\",\"expires\":null}";

    private static String payloadWith(String entitlements) {
        return "{\"format\":1,\"id\":\"0b6e7a3c-1f2d-4e5a-8b9c-0d1e2f3a4b5c\",\"issued\":\"2026-01-01T00:00:00Z\","
                + "\"customer\":\"ACME\",\"entitlements\":[" + entitlements + "]}";
    }

    @Test
    void writesTheFieldsInTheDocumentedOrderAndOmitsAnUnboundInstallation() {
        String json = new String(LicenseFixtures.payload().toJson(), StandardCharsets.UTF_8);

        assertThat(json).isEqualTo("{\"format\":1,\"id\":\"0b6e7a3c-1f2d-4e5a-8b9c-0d1e2f3a4b5c\","
                + "\"issued\":\"2026-01-01T00:00:00Z\",\"customer\":\"ACME Engineering GmbH\",\"entitlements\":["
                + "{\"product\":\"cad\",\"feature\":\"server\",\"kind\":\"server\",\"seats\":0,"
                + "\"starts\":\"2026-01-01T00:00:00Z\",\"expires\":\"2027-01-01T00:00:00Z\","
                + "\"installationId\":\"5f0c7a52-3d1e-4a8b-9c6f-2b7e1d0a4c33\"},"
                + "{\"product\":\"cad\",\"feature\":\"cal\",\"kind\":\"seats\",\"seats\":25,"
                + "\"starts\":\"2026-01-01T00:00:00Z\",\"expires\":\"2027-01-01T00:00:00Z\"}]}");
    }

    @Test
    void roundTripsIncludingNeverExpiringAndNonAsciiCustomers() {
        LicensePayload payload = new LicensePayload(LicenseFixtures.LICENSE_ID, LicenseFixtures.ISSUED,
                "Müller & Söhne 工業", List.of(Entitlement.server("cad", STARTS, null, null),
                Entitlement.seats("cad", "designer", 5, STARTS, EXPIRES)));

        byte[] json = payload.toJson();

        assertThat(new String(json, StandardCharsets.UTF_8)).contains("\"expires\":null").doesNotContain("installationId");
        assertThat(LicensePayload.fromJson(json)).isEqualTo(payload);
    }

    @Test
    void readsAMinimalPayload() {
        LicensePayload payload = read(payloadWith(ENTITLEMENT));

        assertThat(payload.customer()).isEqualTo("ACME");
        assertThat(payload.entitlements()).containsExactly(Entitlement.seats("cad", "cal", 25, STARTS, null));
    }

    @Test
    void aRenewalIsFormat2WithItsSupersedesListAndRoundTrips() {
        java.util.UUID old = java.util.UUID.fromString("11111111-2222-4333-8444-555555555555");
        LicensePayload renewal = new LicensePayload(LicenseFixtures.LICENSE_ID, LicenseFixtures.ISSUED, "ACME",
                List.of(Entitlement.seats("cad", "cal", 10, STARTS, EXPIRES)), List.of(old));

        String json = new String(renewal.toJson(), StandardCharsets.UTF_8);

        assertThat(json).startsWith("{\"format\":2,").endsWith("],\"supersedes\":[\"" + old + "\"]}");
        assertThat(LicensePayload.fromJson(renewal.toJson())).isEqualTo(renewal);
        // Format 1 stays format 1 (older servers keep reading every license that renews nothing) and has no supersedes.
        assertThat(new String(LicenseFixtures.payload().toJson(), StandardCharsets.UTF_8)).startsWith("{\"format\":1,");
        assertMalformed(json.replace("\"format\":2", "\"format\":1"))
                .hasMessageStartingWith("payload field 'supersedes' is unknown");
        assertMalformed(json.replace("[\"" + old + "\"]", "[]"))
                .hasMessage("payload field 'supersedes' must be a non-empty array of license ids");
        assertMalformed(json.replace("[\"" + old + "\"]", "[\"" + LicenseFixtures.LICENSE_ID + "\"]"))
                .hasMessage("payload: supersedes names the license's own id " + LicenseFixtures.LICENSE_ID);
        assertMalformed(json.replace("[\"" + old + "\"]", "[\"" + old + "\",\"" + old + "\"]"))
                .hasMessage("payload: supersedes names a license twice");
        assertMalformed(json.replace("[\"" + old + "\"]", "[42]"))
                .hasMessage("payload field 'supersedes[0]' must be a string, not 42");
    }

    @Test
    void rejectsAnotherFormatWithAHintToUpdate() {
        assertMalformed(payloadWith(ENTITLEMENT).replace("\"format\":1", "\"format\":3"))
                .hasMessage("payload format 3 is not supported: this version of Usher reads formats 1 and 2;"
                        + " update Usher or ask the vendor for a format 1 license");
        assertMalformed(payloadWith(ENTITLEMENT).replace("\"format\":1", "\"format\":\"1\""))
                .hasMessageStartingWith("payload format \"1\" is not supported");
        assertMalformed(payloadWith(ENTITLEMENT).replace("\"format\":1,", ""))
                .hasMessage("payload field 'format' is missing");
    }

    @Test
    void rejectsUnknownFields() {
        assertMalformed(payloadWith(ENTITLEMENT).replace("\"customer\"", "\"note\":\"x\",\"customer\""))
                .hasMessageStartingWith("payload field 'note' is unknown");
        assertMalformed(payloadWith(ENTITLEMENT.replace("\"seats\":25", "\"seats\":25,\"seat\":1")))
                .hasMessageStartingWith("payload field 'entitlements[0].seat' is unknown");
    }

    @Test
    void rejectsMissingFields() {
        assertMalformed(payloadWith(ENTITLEMENT).replace("\"customer\":\"ACME\",", ""))
                .hasMessage("payload field 'customer' is missing");
        assertMalformed(payloadWith(ENTITLEMENT + "," + ENTITLEMENT.replace(",\"expires\":null", "")))
                .hasMessage("payload field 'entitlements[1].expires' is missing");
        assertMalformed(payloadWith(ENTITLEMENT.replace("\"kind\":\"seats\",", "")))
                .hasMessage("payload field 'entitlements[0].kind' is missing");
    }

    @Test
    void rejectsEmptyEntitlementsAndBadCustomers() {
        assertMalformed(payloadWith(""))
                .hasMessage("payload field 'entitlements' is empty: a license grants at least one entitlement");
        assertMalformed(payloadWith(ENTITLEMENT).replace("\"ACME\"", "\"  \""))
                .hasMessage("payload: customer is missing or blank");
        assertMalformed(payloadWith(ENTITLEMENT).replace("\"ACME\"", "\"" + "x".repeat(201) + "\""))
                .hasMessage("payload: customer is 201 characters long; at most 200 are allowed");
        assertThat(read(payloadWith(ENTITLEMENT).replace("\"ACME\"", "\"" + "x".repeat(200) + "\"")).customer())
                .hasSize(200);
        assertMalformed(payloadWith(ENTITLEMENT).replace("\"ACME\"", "\"AC\\nME\""))
                .hasMessageContaining("control character");
    }

    @Test
    void rejectsWrongTypesAndValues() {
        assertMalformed(payloadWith(ENTITLEMENT.replace("25", "\"25\"")))
                .hasMessage("payload field 'entitlements[0].seats' must be an integer, not \"25\"");
        assertMalformed(payloadWith(ENTITLEMENT.replace("25", "25.0")))
                .hasMessageStartingWith("payload field 'entitlements[0].seats' must be an integer");
        assertMalformed(payloadWith(ENTITLEMENT.replace("25", "0")))
                .hasMessage("payload field 'entitlements[0]': seats must be from 1 to 1000000, not 0");
        assertMalformed(payloadWith(ENTITLEMENT.replace("\"seats\",", "\"Seats\",")))
                .hasMessage("payload field 'entitlements[0].kind' must be \"server\" or \"seats\", not \"Seats\"");
        assertMalformed(payloadWith(ENTITLEMENT.replace("2026-01-01T00:00:00Z", "2026-01-01")))
                .hasMessage("payload field 'entitlements[0].starts' must be a UTC instant like 2027-01-01T00:00:00Z, not \"2026-01-01\"");
        assertMalformed(payloadWith(ENTITLEMENT).replace("0b6e7a3c-1f2d-4e5a-8b9c-0d1e2f3a4b5c", "0B6E7A3C-1F2D-4E5A-8B9C-0D1E2F3A4B5C"))
                .hasMessageStartingWith("payload field 'id' must be a lowercase UUID");
        assertMalformed(payloadWith(ENTITLEMENT).replace("0b6e7a3c-1f2d-4e5a-8b9c-0d1e2f3a4b5c", "1-2-3-4-5"))
                .hasMessageStartingWith("payload field 'id' must be a lowercase UUID");
    }

    @Test
    void rejectsBrokenJsonSayingWhere() {
        assertMalformed("{\"format\":1,}").hasMessageStartingWith("the payload is not valid JSON at JSON line 1, column ");
        assertMalformed(payloadWith(ENTITLEMENT) + " {}").hasMessageStartingWith("the payload is not valid JSON");
        assertMalformed("[1]").hasMessage("the payload is not a JSON object");
        assertMalformed("").hasMessageStartingWith("the payload is not");
    }

    @Test
    void rejectsDuplicateFields() {
        // With duplicates, different JSON readers could see different customers in the same signed bytes.
        assertMalformed(payloadWith(ENTITLEMENT).replace("\"customer\":\"ACME\"", "\"customer\":\"ACME\",\"customer\":\"Evil\""))
                .hasMessageContaining("customer");
    }

    private static LicensePayload read(String json) {
        return LicensePayload.fromJson(json.getBytes(StandardCharsets.UTF_8));
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> assertMalformed(String json) {
        return assertThatThrownBy(() -> read(json))
                .isInstanceOfSatisfying(LicenseRejection.class, e -> assertThat(e.reason()).isEqualTo(RejectionReason.MALFORMED));
    }
}
