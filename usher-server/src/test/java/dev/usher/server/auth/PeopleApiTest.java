package dev.usher.server.auth;

import dev.usher.server.testing.Http;
import dev.usher.server.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;

/** Users, aliases, merges, roles, the doctor and sign-in throttling over HTTP. */
class PeopleApiTest {

    @TempDir
    Path dir;

    private TestServer server;
    private Http admin;
    private Http anon;

    @BeforeEach
    void start() {
        server = TestServer.start(dir);
        server.license("demo", "cal", 10);
        server.license("demo", "designer", 10);
        admin = server.admin();
        anon = server.client();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private JsonNode userNamed(String name) {
        Http.Response list = admin.get("/api/v1/users?limit=1000");
        assertThat(list.status()).as(list.text()).isEqualTo(200);
        for (JsonNode u : list.json().get("items")) {
            if (u.get("name").asString().equals(name)) {
                return u;
            }
        }
        throw new AssertionError("no user " + name);
    }

    private Map<String, Integer> seatsPerUser(String feature) {
        Map<String, Integer> out = new HashMap<>();
        for (JsonNode s : admin.get("/api/v1/seats").json()) {
            if (s.get("feature").asString().equals(feature)) {
                out.merge(s.get("user").asString(), 1, Integer::sum);
            }
        }
        return out;
    }

    @Test
    void anAliasMakesAnotherSpellingThePerson() {
        anon.checkout("s1", "demo", "cal", "alice", "ws1");
        long alice = userNamed("alice").get("id").asLong();
        Http.Response added = admin.post("/api/v1/users/" + alice + "/aliases", "{\"alias\":\"a.smith\"}");
        assertThat(added.status()).isEqualTo(201);
        assertThat(added.json().get("aliases").toString()).contains("a.smith");
        Http.Response joined = anon.checkout("s2", "demo", "cal", "A.Smith@corp.example", "laptop");
        assertThat(joined.status()).isEqualTo(200);
        assertThat(joined.json().get("user").asString()).isEqualTo("alice");
        // A spelling that already means someone else is refused: merge instead.
        anon.checkout("s3", "demo", "cal", "bob", "ws2");
        Http.Response taken = admin.post("/api/v1/users/" + alice + "/aliases", "{\"alias\":\"bob\"}");
        assertThat(taken.status()).isEqualTo(409);
        assertThat(taken.problemType()).isEqualTo("name-taken");
        assertThat(admin.delete("/api/v1/users/" + alice + "/aliases/a.smith").status()).isEqualTo(200);
        assertThat(admin.delete("/api/v1/users/" + alice + "/aliases/alice").status()).isEqualTo(403);
    }

    /** Many threads, one person under many spellings (some via aliases): one seat. */
    @Test
    void aliasResolutionUnderConcurrencyKeepsOneSeatPerPerson() throws Exception {
        anon.checkout("seed", "demo", "cal", "jdoe", "ws0");
        long jdoe = userNamed("jdoe").get("id").asLong();
        admin.post("/api/v1/users/" + jdoe + "/aliases", "{\"alias\":\"john.doe\"}");
        admin.post("/api/v1/users/" + jdoe + "/aliases", "{\"alias\":\"JD\"}");
        anon.delete("/api/v1/sessions/seed");
        String[] spellings = {"jdoe", "CORP\\JDOE", "john.doe@corp.example", "John.Doe", "jd", "CORP\\jd"};
        Set<String> seatIds = ConcurrentHashMap.newKeySet();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 12; t++) {
            int n = t;
            threads.add(Thread.ofVirtual().start(() -> {
                for (int i = 0; i < 10; i++) {
                    Http.Response r = anon.checkout("t" + n + "-" + i, "demo", "cal", spellings[(n + i) % spellings.length], "ws" + n);
                    assertThat(r.status()).isIn(200, 201);
                    seatIds.add(r.json().get("seatId").asString());
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(seatIds).hasSize(1);
        assertThat(seatsPerUser("cal")).containsExactly(Map.entry("jdoe", 1));
        assertThat(admin.get("/api/v1/users?search=doe").json().get("total").asInt()).isEqualTo(1);
    }

    @Test
    void mergeWithLiveSeatsOnBothSidesLeavesOneSeatPerPoolAndKeepsEverySession() {
        anon.checkout("a1", "demo", "cal", "alice", "ws1");
        anon.checkout("a2", "demo", "designer", "alice", "ws1");
        anon.checkout("d1", "demo", "cal", "alice-ws2", "ws2");      // the duplicate, also in cal
        anon.checkout("d2", "demo", "cal", "alice-ws2", "ws2b");
        long alice = userNamed("alice").get("id").asLong();
        long dup = userNamed("alice-ws2").get("id").asLong();
        JsonNode preview = admin.get("/api/v1/users/" + alice + "/merge?from=" + dup).json();
        assertThat(preview.get("seatsOfFrom").asInt()).isEqualTo(1);
        assertThat(preview.get("aliasesMoving").toString()).contains("alice-ws2");
        assertThat(seatsPerUser("cal")).hasSize(2); // nothing changed by the preview

        Http.Response merged = admin.post("/api/v1/users/" + alice + "/merge", "{\"from\":" + dup + "}");
        assertThat(merged.status()).isEqualTo(200);
        assertThat(merged.json().get("seatsReleased").asInt()).isEqualTo(1);
        assertThat(seatsPerUser("cal")).containsExactly(Map.entry("alice", 1));
        assertThat(seatsPerUser("designer")).containsExactly(Map.entry("alice", 1));
        JsonNode calSeat = null;
        for (JsonNode s : admin.get("/api/v1/seats").json()) {
            if (s.get("feature").asString().equals("cal")) {
                calSeat = s;
            }
        }
        assertThat(calSeat.get("sessions")).hasSize(3); // a1, d1, d2 all on alice's seat
        for (String s : List.of("a1", "a2", "d1", "d2")) {
            assertThat(anon.heartbeat(s).status()).as(s).isEqualTo(200);
        }
        // The duplicate's name now means alice.
        assertThat(anon.checkout("d3", "demo", "cal", "alice-ws2", "ws3").json().get("user").asString()).isEqualTo("alice");
        assertThat(admin.get("/api/v1/users/" + dup).status()).isEqualTo(404);
        JsonNode pool = admin.get("/api/v1/pools").json().get(0);
        assertThat(pool.get("inUse").asInt()).isEqualTo(1);
    }

    @Test
    void theDoctorFindsMachineNameDuplicatesAndTheFixLeavesOnePersonWithOneSeat() {
        anon.checkout("s1", "demo", "cal", "alice", "ws1");
        anon.checkout("s2", "demo", "cal", "alice-ws1", "ws1");
        anon.checkout("s3", "demo", "cal", "ws2_alice", "ws2");
        anon.checkout("s4", "demo", "cal", "alice (ws3)", "ws3");
        anon.checkout("s5", "demo", "cal", "bob", "ws4");
        assertThat(seatsPerUser("cal")).hasSize(5);

        JsonNode findings = admin.get("/api/v1/doctor").json();
        assertThat(findings).hasSize(1);
        JsonNode f = findings.get(0);
        assertThat(f.get("kind").asString()).isEqualTo("duplicate-user");
        assertThat(f.get("fix").asString()).contains("'alice'");
        assertThat(f.get("commands").toString()).contains("usher user merge alice alice-ws1").contains("ws2_alice").contains("alice (ws3)");

        JsonNode done = admin.post("/api/v1/doctor/fix", "").json().get("done");
        assertThat(done).hasSize(3);
        assertThat(seatsPerUser("cal")).containsOnly(Map.entry("alice", 1), Map.entry("bob", 1));
        assertThat(admin.get("/api/v1/users?search=alice").json().get("total").asInt()).isEqualTo(1);
        assertThat(admin.get("/api/v1/doctor").json()).isEmpty();
        for (String s : List.of("s1", "s2", "s3", "s4")) {
            assertThat(anon.heartbeat(s).status()).isEqualTo(200);
        }
    }

    @Test
    void theDoctorReportsUsersNamedLikeAHost() {
        admin.put("/api/v1/settings", "{\"refuseMachineNames\": false}"); // plays an installation from before the machine-name rule (user-is-a-machine)
        anon.checkout("s1", "demo", "cal", "alice", "build-07");
        anon.checkout("s2", "demo", "cal", "build-07", "build-07");
        JsonNode findings = admin.get("/api/v1/doctor").json();
        assertThat(findings).hasSize(1);
        assertThat(findings.get(0).get("kind").asString()).isEqualTo("host-named-user");
        assertThat(findings.get(0).get("commands").get(0).asString()).isEqualTo("usher user disable build-07");
    }

    @Test
    void bruteForceIsSlowedDownAndAudited() {
        admin.post("/api/v1/users", "{\"name\":\"carol\",\"password\":\"carol-password-1\"}");
        String wrong = "{\"user\":\"carol\",\"password\":\"guess-guess-1\"}";
        assertThat(anon.post("/api/v1/auth/sign-in", wrong).status()).isEqualTo(401);
        // Immediately again: must wait (1 s after one failure, doubling after each further one).
        Http.Response throttled = anon.post("/api/v1/auth/sign-in", wrong);
        assertThat(throttled.status()).isEqualTo(429);
        assertThat(throttled.headers().firstValue("Retry-After")).contains("1");
        long[] waits = {1, 2, 4, 8, 16};
        for (int i = 1; i < waits.length; i++) {
            server.clock().advance(Duration.ofSeconds(waits[i - 1]));
            assertThat(anon.post("/api/v1/auth/sign-in", wrong).status()).isEqualTo(401);
            assertThat(anon.post("/api/v1/auth/sign-in", wrong).status()).as("attempt right after failure " + (i + 1)).isEqualTo(429);
        }
        // Even the right password waits its turn...
        Http.Response right = anon.post("/api/v1/auth/sign-in", "{\"user\":\"carol\",\"password\":\"carol-password-1\"}");
        assertThat(right.status()).isEqualTo(429);
        server.clock().advance(Duration.ofSeconds(16));
        assertThat(anon.post("/api/v1/auth/sign-in", "{\"user\":\"carol\",\"password\":\"carol-password-1\"}").status()).isEqualTo(200);
        // ...and everything was recorded, including the lockout after five failures.
        List<String> types = server.server().identity().users().adminEvents(100).stream().map(e -> e.type()).toList();
        assertThat(types.stream().filter("sign-in-failed"::equals).count()).isEqualTo(5);
        assertThat(types).contains("sign-in-lockout", "sign-in-throttled", "sign-in");
    }

    @Test
    void disabledUsersCannotTakeSeatsOrSignIn() {
        admin.post("/api/v1/users", "{\"name\":\"dave\",\"password\":\"dave-password-1\"}");
        long dave = userNamed("dave").get("id").asLong();
        assertThat(admin.patch("/api/v1/users/" + dave, "{\"enabled\":false}").json().get("enabled").asBoolean()).isFalse();
        Http.Response r = anon.checkout("s1", "demo", "cal", "dave", "ws1");
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.json().get("detail").asString()).contains("disabled");
        assertThat(anon.post("/api/v1/auth/sign-in", "{\"user\":\"dave\",\"password\":\"dave-password-1\"}").status()).isEqualTo(401);
    }

    @Test
    void aUserIsDeletedOnlyWithoutSeatsAndTheLastAdministratorStays() {
        anon.checkout("s1", "demo", "cal", "frank", "ws1");
        long frank = userNamed("frank").get("id").asLong();
        Http.Response busy = admin.delete("/api/v1/users/" + frank);
        assertThat(busy.status()).isEqualTo(403);
        assertThat(busy.json().get("detail").asString()).contains("release them first");
        anon.delete("/api/v1/sessions/s1");
        assertThat(admin.delete("/api/v1/users/" + frank).status()).isEqualTo(204);
        assertThat(admin.get("/api/v1/users/" + frank).status()).isEqualTo(404);
        // The name is free again: a new checkout makes a new user.
        assertThat(anon.checkout("s2", "demo", "cal", "frank", "ws1").status()).isEqualTo(201);
        assertThat(admin.delete("/api/v1/users/" + userNamed("admin").get("id").asLong()).status()).isEqualTo(403);
    }

    @Test
    void searchTreatsWildcardCharactersAsText() {
        anon.checkout("s1", "demo", "cal", "alice_ws2", "h");
        anon.checkout("s2", "demo", "cal", "aliceXws2", "h");
        JsonNode found = admin.get("/api/v1/users?search=alice_ws2").json();
        assertThat(found.get("total").asInt()).isEqualTo(1);
        assertThat(found.get("items").get(0).get("name").asString()).isEqualTo("alice_ws2");
        assertThat(admin.get("/api/v1/users?search=100%25").json().get("total").asInt()).isZero();
    }

    @Test
    void aPasswordTurnsAnAutomaticallyCreatedUserIntoALocalAccountThatCanSignIn() {
        anon.checkout("s1", "demo", "cal", "gina", "h");
        long gina = userNamed("gina").get("id").asLong();
        assertThat(admin.patch("/api/v1/users/" + gina, "{\"password\":\"gina-password-1\"}").status()).isEqualTo(200);
        assertThat(admin.get("/api/v1/users/" + gina).json().get("source").asString()).isEqualTo("local");
        assertThat(anon.post("/api/v1/auth/sign-in", "{\"user\":\"gina\",\"password\":\"gina-password-1\"}").status()).isEqualTo(200);
        assertThat(admin.delete("/api/v1/users/" + gina + "/aliases/not-an-alias").status()).isEqualTo(404);
        Http.Response token = admin.post("/api/v1/users/" + gina + "/tokens", "{\"name\":\"ci\"}");
        assertThat(token.json().get("id").asString()).isEqualTo(admin.get("/api/v1/users/" + gina + "/tokens").json().get(0).get("id").asString());
    }

    @Test
    void oversizedOrControlCharacterFieldsAreRefusedAndNothingIsStored() {
        String huge = "x".repeat(300);
        Http.Response r = admin.post("/api/v1/users", "{\"name\":\"hal\",\"password\":\"hal-password-1\",\"displayName\":\"" + huge + "\"}");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("detail").asString()).isEqualTo("displayName must be at most 200 printable characters");
        assertThat(admin.get("/api/v1/users?search=hal").json().get("total").asInt()).isZero();
        assertThat(admin.post("/api/v1/users", "{\"name\":\"hal\",\"password\":\"hal-password-1\",\"email\":\"a\\u0000b\"}").status()).isEqualTo(400);
        assertThat(admin.post("/api/v1/roles", "{\"name\":\"R\",\"ldapGroup\":\"" + "g".repeat(300) + "\"}").status()).isEqualTo(400);
        assertThat(admin.get("/api/v1/roles").json()).hasSize(2);
    }

    @Test
    void rolesAndMembership() {
        admin.post("/api/v1/users", "{\"name\":\"erin\",\"password\":\"erin-password-1\"}");
        long erin = userNamed("erin").get("id").asLong();
        Http.Response role = admin.post("/api/v1/roles", "{\"name\":\"Contractors\"}");
        assertThat(role.status()).isEqualTo(201);
        long id = role.json().get("id").asLong();
        assertThat(admin.post("/api/v1/roles", "{\"name\":\"contractors\"}").status()).isEqualTo(409);
        assertThat(admin.put("/api/v1/roles/" + id + "/members/" + erin, "").status()).isEqualTo(204);
        assertThat(admin.get("/api/v1/users/" + erin).json().get("roles").toString()).contains("Contractors").contains("All Users");
        assertThat(admin.get("/api/v1/roles/" + id + "/members").json()).hasSize(1);
        assertThat(admin.delete("/api/v1/roles/" + id + "/members/" + erin).status()).isEqualTo(204);
        assertThat(admin.delete("/api/v1/roles/" + id).status()).isEqualTo(204);
        // The last administrator cannot be removed from Administrators.
        long admins = admin.get("/api/v1/roles").json().get(1).get("id").asLong();
        long adminUser = userNamed("admin").get("id").asLong();
        assertThat(admin.delete("/api/v1/roles/" + admins + "/members/" + adminUser).status()).isEqualTo(403);
    }
}
