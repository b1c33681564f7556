package dev.usher.server.auth;

import dev.usher.server.testing.Http;
import dev.usher.server.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Names that display alike are one person (invisible characters), are refused (bidi controls, lone
 * surrogates, nothing visible), or are flagged by the doctor without being merged (confusable letters).
 */
class LookalikeNamesTest {

    private static final String CHECKOUT = "/api/v1/sessions/%s/checkouts/demo/cal";

    @TempDir
    Path dir;

    private TestServer server;
    private Http admin;
    private Http anon;

    @BeforeEach
    void start() {
        server = TestServer.start(dir);
        server.license("demo", "cal", 10);
        admin = server.admin();
        anon = server.client();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** A checkout whose user is written into the JSON as is (so {@code \\u} escapes reach the server untouched). */
    private Http.Response checkout(String session, String userJson) {
        return anon.put(CHECKOUT.formatted(session), "{\"user\":\"" + userJson + "\",\"host\":\"ws-" + session + "\",\"client\":\"test\"}");
    }

    @Test
    void invisibleCharactersInANameJoinThePersonsSeat() {
        Http.Response first = checkout("s0", "alice");
        assertThat(first.status()).isEqualTo(201);
        String[] spellings = {"al\\u200bice", "al\\u200dice", "al\\u200cice", "al\\u00adice", "\\ufeffalice", "a\\u2060lice"};
        for (int i = 0; i < spellings.length; i++) {
            Http.Response r = checkout("s" + (i + 1), spellings[i]);
            assertThat(r.status()).as(spellings[i] + ": " + r.text()).isEqualTo(200);
            assertThat(r.json().get("seatId").asString()).isEqualTo(first.json().get("seatId").asString());
            assertThat(r.json().get("user").asString()).isEqualTo("alice");
        }
        assertThat(admin.get("/api/v1/pools").json().get(0).get("inUse").asInt()).isEqualTo(1);
        assertThat(people()).isEqualTo(1);
    }

    @Test
    void bidiControlsLoneSurrogatesAndInvisibleOnlyNamesAre400SayingWhy() {
        assertRefused(checkout("r1", "\\u202eecila"), "bidirectional control U+202E");
        assertRefused(checkout("r2", "al\\ud800ice"), "lone surrogate");
        assertRefused(checkout("r3", "\\u200b"), "empty once its invisible characters");
        assertRefused(checkout("r4", "\\u200b\\u200d"), "empty once its invisible characters");
        assertThat(people()).isZero();
        assertThat(admin.get("/api/v1/seats").json()).isEmpty();
        // The lone surrogate is not stored as "al?ice" either: that name is nobody yet.
        assertThat(checkout("r5", "al?ice").status()).isEqualTo(201);
    }

    /** Users besides the administrator. */
    private int people() {
        return admin.get("/api/v1/users").json().get("total").asInt() - 1;
    }

    private static void assertRefused(Http.Response r, String why) {
        assertThat(r.status()).as(r.text()).isEqualTo(400);
        assertThat(r.problemType()).isEqualTo("validation-failed");
        assertThat(r.json().get("detail").asString()).contains("user").contains(why);
    }

    @Test
    void theDoctorFlagsConfusableNamesAndProposesAMergeItNeverAppliesItself() {
        assertThat(checkout("s1", "alice").status()).isEqualTo(201);
        assertThat(checkout("s2", "\\u0430lice").status()).isEqualTo(201); // Cyrillic a: maybe another person
        JsonNode findings = admin.get("/api/v1/doctor").json();
        assertThat(findings).hasSize(1);
        JsonNode f = findings.get(0);
        assertThat(f.get("kind").asString()).isEqualTo("lookalike-users");
        assertThat(f.get("problem").asString()).isEqualTo("'\u0430lice' looks like 'alice' but has U+0430 CYRILLIC SMALL LETTER A");
        assertThat(f.get("commands").get(0).asString()).isEqualTo("usher user merge alice '\u0430lice'");

        assertThat(admin.post("/api/v1/doctor/fix", "").json().get("done")).isEmpty();
        assertThat(people()).isEqualTo(2);
        assertThat(admin.get("/api/v1/pools").json().get(0).get("inUse").asInt()).isEqualTo(2);
        assertThat(admin.get("/api/v1/doctor").json()).hasSize(1);
    }
}
