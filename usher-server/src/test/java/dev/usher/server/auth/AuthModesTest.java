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
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The three authentication modes end to end over HTTP, and switching between them. */
class AuthModesTest {

    @TempDir
    Path dir;

    private TestServer server;
    private Http admin;
    private Http anon;

    @BeforeEach
    void start() {
        server = TestServer.start(dir);
        server.license("demo", "cal", 5);
        admin = server.admin();
        anon = server.client();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private void mode(String mode) {
        assertThat(admin.put("/api/v1/settings", "{\"authMode\":\"" + mode + "\"}").status()).isEqualTo(200);
    }

    private long createLocalUser(String name, String password) {
        Http.Response r = admin.post("/api/v1/users", "{\"name\":\"" + name + "\",\"password\":\"" + password + "\"}");
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        return r.json().get("id").asLong();
    }

    private String signIn(String user, String password) {
        Http.Response r = anon.post("/api/v1/auth/sign-in", "{\"user\":\"" + user + "\",\"password\":\"" + password + "\"}");
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        return r.json().get("token").asString();
    }

    @Test
    void openModeCreatesUnknownPeopleUnlessTheAdministratorTurnsThatOff() {
        assertThat(anon.checkout("s1", "demo", "cal", "alice", "ws1").status()).isEqualTo(201);
        assertThat(admin.put("/api/v1/settings", "{\"autoCreateUsers\":false}").json().get("autoCreateUsers").asBoolean()).isFalse();
        Http.Response unknown = anon.checkout("s2", "demo", "cal", "mallory", "ws9");
        assertThat(unknown.status()).isEqualTo(403);
        assertThat(unknown.problemType()).isEqualTo("unknown-user");
        assertThat(unknown.json().get("detail").asString()).contains("ask your administrator");
        // Known people (by any spelling) still get their seat.
        assertThat(anon.checkout("s3", "demo", "cal", "CORP\\Alice", "ws2").status()).isEqualTo(200);
        assertThat(admin.get("/api/v1/users?search=mallory").json().get("total").asInt()).isZero();
    }

    @Test
    void sessionModeTheSeatBelongsToTheSignedInUserWhateverTheBodySays() {
        createLocalUser("bob", "bob-password-1");
        mode("session");
        Http.Response without = anon.checkout("s1", "demo", "cal", "bob", "ws1");
        assertThat(without.status()).isEqualTo(401);
        assertThat(without.problemType()).isEqualTo("unauthenticated");

        Http.Response wrong = anon.post("/api/v1/auth/sign-in", "{\"user\":\"bob\",\"password\":\"nope-nope-nope\"}");
        server.clock().advance(Duration.ofSeconds(2)); // the address must wait 1 s after a failure
        Http.Response unknown = anon.post("/api/v1/auth/sign-in", "{\"user\":\"nobody\",\"password\":\"nope-nope-nope\"}");
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(unknown.status()).isEqualTo(401);
        // No user enumeration: both failures read the same.
        assertThat(wrong.json().get("detail").asString()).isEqualTo(unknown.json().get("detail").asString());

        server.clock().advance(Duration.ofMinutes(20)); // past the throttle delay of the failures above
        Http bob = anon.withToken(signIn("bob", "bob-password-1"));
        Http.Response seat = bob.checkout("s1", "demo", "cal", "mallory", "ws1");
        assertThat(seat.status()).isEqualTo(201);
        assertThat(seat.json().get("user").asString()).isEqualTo("bob");
        assertThat(bob.heartbeat("s1").status()).isEqualTo(200);
        assertThat(anon.heartbeat("s1").status()).isEqualTo(401);

        assertThat(bob.post("/api/v1/auth/sign-out", "").status()).isEqualTo(204);
        assertThat(bob.heartbeat("s1").status()).isEqualTo(401);
        // A signed-in user who is not an administrator cannot use the admin API.
        Http bob2 = anon.withToken(signIn("bob", "bob-password-1"));
        assertThat(bob2.get("/api/v1/pools").status()).isEqualTo(403);
        // ...and cannot end someone else's session.
        createLocalUser("carol", "carol-password-1");
        Http carol = anon.withToken(signIn("carol", "carol-password-1"));
        assertThat(carol.delete("/api/v1/sessions/s1").status()).isEqualTo(403);
        assertThat(bob2.delete("/api/v1/sessions/s1").status()).isEqualTo(204);
    }

    @Test
    void aSignInEndsAfterItsIdleTimeoutAndItsLifetime() {
        createLocalUser("bob", "bob-password-1");
        mode("session");
        admin.put("/api/v1/settings", "{\"sessionLifetimeMinutes\":60,\"sessionIdleMinutes\":10}");
        Http bob = anon.withToken(signIn("bob", "bob-password-1"));
        assertThat(bob.get("/api/v1/auth/me").status()).isEqualTo(200);
        server.clock().advance(Duration.ofMinutes(12)); // idle 10 min (+ the 1 min granularity of last-use writes)
        assertThat(bob.get("/api/v1/auth/me").status()).isEqualTo(401);

        Http again = anon.withToken(signIn("bob", "bob-password-1"));
        for (int i = 0; i < 6; i++) { // active, but the lifetime of 60 minutes still ends it
            server.clock().advance(Duration.ofMinutes(9));
            assertThat(again.get("/api/v1/auth/me").status()).isEqualTo(200);
        }
        server.clock().advance(Duration.ofMinutes(9));
        assertThat(again.get("/api/v1/auth/me").status()).isEqualTo(401);
    }

    /** Checked credentials are remembered briefly, but an administrator's change counts at once. */
    @Test
    void disablingAUserEndsTheirSignInImmediately() {
        long bob = createLocalUser("bob", "bob-password-1");
        mode("session");
        Http signedIn = anon.withToken(signIn("bob", "bob-password-1"));
        assertThat(signedIn.get("/api/v1/auth/me").status()).isEqualTo(200);
        assertThat(admin.patch("/api/v1/users/" + bob, "{\"enabled\":false}").status()).isEqualTo(200);
        assertThat(signedIn.get("/api/v1/auth/me").status()).isEqualTo(401);
    }

    @Test
    void tokenModeAcceptsApiTokensOnlyAndARevokedTokenStopsWorking() {
        long ci = createLocalUser("ci-runner", "ci-password-123");
        Http.Response created = admin.post("/api/v1/users/" + ci + "/tokens", "{\"name\":\"build farm\"}");
        assertThat(created.status()).isEqualTo(201);
        String apiToken = created.json().get("token").asString();
        String sessionToken = signIn("ci-runner", "ci-password-123");
        mode("token");

        Http.Response bySession = anon.withToken(sessionToken).checkout("job-1", "demo", "cal", "x", "build1");
        assertThat(bySession.status()).isEqualTo(401);
        assertThat(bySession.json().get("detail").asString()).contains("API tokens only");
        Http.Response byToken = anon.withToken(apiToken).checkout("job-1", "demo", "cal", "x", "build1");
        assertThat(byToken.status()).isEqualTo(201);
        assertThat(byToken.json().get("user").asString()).isEqualTo("ci-runner");

        JsonNode tokens = admin.get("/api/v1/users/" + ci + "/tokens").json();
        assertThat(tokens).hasSize(1);
        assertThat(tokens.toString()).doesNotContain(apiToken);
        assertThat(admin.delete("/api/v1/tokens/" + tokens.get(0).get("id").asString()).status()).isEqualTo(204);
        assertThat(anon.withToken(apiToken).heartbeat("job-1").status()).isEqualTo(401);
    }

    @Test
    void switchingModesNeverDropsLiveSeats() {
        assertThat(anon.checkout("s1", "demo", "cal", "alice", "ws1").status()).isEqualTo(201);
        String seat = admin.get("/api/v1/seats").json().get(0).get("seatId").asString();
        mode("session");
        mode("token");
        mode("open");
        assertThat(admin.get("/api/v1/seats").json().get(0).get("seatId").asString()).isEqualTo(seat);
        assertThat(anon.heartbeat("s1").status()).isEqualTo(200);
        assertThat(admin.put("/api/v1/settings", "{\"authMode\":\"kerberos\"}").status()).isEqualTo(400);
    }

    /** Every registered route, called without credentials in session mode: only sign-in and health answer. */
    @Test
    void inSessionModeNothingButSignInAndHealthAnswersWithoutCredentials() {
        mode("session");
        List<String> open = List.of("GET /healthz", "GET /readyz", "POST /api/v1/auth/sign-in", "POST /api/v1/auth/sign-out",
                "GET /metrics", "GET /openapi.json");
        List<String> answered = new ArrayList<>();
        for (String route : server.server().routes()) {
            String method = route.substring(0, route.indexOf(' '));
            String path = route.substring(route.indexOf(' ') + 1).replaceAll("\\{[^}]+}", "1");
            var response = anon.method(method, path, "{}");
            int status = response.status();
            // The admin console (outside /api) sends browsers without a console session to its sign-in page.
            boolean toConsoleSignIn = !path.startsWith("/api/") && status == 302
                    && response.headers().firstValue("Location").orElse("").startsWith("/login");
            boolean consolePublic = route.equals("GET /login") || route.equals("POST /login") || route.startsWith("GET /static/")
                    || route.equals("GET /favicon.ico") // the icon browsers ask for before any page
                    || route.equals("GET /login/oidc") || route.equals("GET /login/oidc/callback"); // sign-in through the identity provider
            if (status != 401 && !toConsoleSignIn && !consolePublic) {
                answered.add(route + " -> " + status);
            }
        }
        assertThat(answered).allMatch(a -> open.stream().anyMatch(a::startsWith), "only " + open);
        assertThat(server.server().routes()).hasSizeGreaterThan(30);
    }

    @Test
    void theFirstStartCreatesAnAdministratorWhoCanSignIn() {
        String token = signIn("admin", TestServer.ADMIN_PASSWORD);
        Http asAdmin = anon.withToken(token);
        assertThat(asAdmin.get("/api/v1/pools").status()).isEqualTo(200);
        assertThat(asAdmin.get("/api/v1/auth/me").json().get("admin").asBoolean()).isTrue();
        JsonNode roles = admin.get("/api/v1/roles").json();
        assertThat(roles.get(0).get("name").asString()).isEqualTo("All Users");
        assertThat(roles.get(1).get("name").asString()).isEqualTo("Administrators");
        assertThat(roles.get(1).get("members").asInt()).isEqualTo(1);
        // Built-in roles stay as they are.
        assertThat(admin.delete("/api/v1/roles/" + roles.get(0).get("id").asLong()).status()).isEqualTo(403);
        assertThat(admin.patch("/api/v1/roles/" + roles.get(0).get("id").asLong(), "{\"name\":\"Everyone\"}").status()).isEqualTo(403);
    }
}
