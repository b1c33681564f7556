package dev.usher.server.http;

import dev.usher.server.testing.Http;
import dev.usher.server.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** JSON bodies are read strictly: no coerced scalars, no duplicate members, no unknown members in admin writes (issue 17, 9-11). */
class StrictJsonTest {

    private static final String CHECKOUT = "/api/v1/sessions/s1/checkouts/demo/cal";

    @TempDir
    Path dir;

    private TestServer server;
    private Http admin;
    private Http client;

    @BeforeEach
    void start() {
        server = TestServer.start(dir);
        server.license("demo", "cal", 5);
        admin = server.admin();
        client = server.client();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static void assert400(Http.Response r, String... detail) {
        assertThat(r.status()).as(r.text()).isEqualTo(400);
        assertThat(r.problemType()).isEqualTo("validation-failed");
        assertThat(r.json().get("detail").asString()).contains(detail);
    }

    @Test
    void scalarsAreNotCoerced() {
        assert400(admin.put("/api/v1/audit/recording", "{\"enabled\":0}"), "member 'enabled' must be true or false, not the number 0");
        assert400(admin.put("/api/v1/audit/recording", "{\"enabled\":\"false\"}"), "member 'enabled' must be true or false, not the string 'false'");
        assertThat(admin.get("/api/v1/audit/recording").json().get("enabled").asBoolean()).isTrue();

        int roles = admin.get("/api/v1/roles").json().size();
        assert400(admin.post("/api/v1/roles", "{\"name\":false}"), "member 'name' must be a string, not false");
        assertThat(admin.get("/api/v1/roles").json()).hasSize(roles);

        assertThat(client.checkout("s0", "demo", "cal", "alice", "ws0").status()).isEqualTo(201);
        long alice = admin.get("/api/v1/users?search=alice").json().get("items").get(0).get("id").asLong();
        assert400(admin.post("/api/v1/users/" + alice + "/aliases", "{\"alias\":12345}"), "member 'alias' must be a string");
        assert400(admin.post("/api/v1/users/" + alice + "/tokens", "{\"name\":7}"), "member 'name' must be a string");
        assertThat(admin.get("/api/v1/users/" + alice).json().get("aliases")).isEmpty();
        assertThat(admin.get("/api/v1/users/" + alice + "/tokens").json()).isEmpty();

        assert400(client.put(CHECKOUT, "{\"user\":12345,\"host\":true}"), "member 'user' must be a string");
        assert400(admin.put("/api/v1/pools/demo/cal/policy", "{\"lingerSeconds\":\"60\"}"), "member 'lingerSeconds' must be a whole number");
        assert400(admin.put("/api/v1/pools/demo/cal/policy", "{\"lingerSeconds\":1.5}"), "member 'lingerSeconds' must be a whole number");
        assertThat(admin.get("/api/v1/pools/demo/cal/policy").json().get("lingerSeconds").asLong()).isZero();
        assertThat(admin.get("/api/v1/sessions").json()).hasSize(1);
    }

    @Test
    void aMemberGivenTwiceIsRefused() {
        assert400(client.put(CHECKOUT, "{\"user\":\"alice\",\"user\":\"mallory\",\"host\":\"ws1\"}"),
                "member \"user\"", "is given twice");
        assert400(admin.post("/api/v1/roles", "{\"name\":\"a\",\"name\":\"b\"}"), "given twice");
        assertThat(admin.get("/api/v1/seats").json()).isEmpty();
        assertThat(admin.get("/api/v1/users?search=mallory").json().get("total").asInt()).isZero();
    }

    @Test
    void adminWritesRefuseUnknownMembersSayingWhichWasMeant() {
        Http.Response role = admin.post("/api/v1/roles", "{\"name\":\"Contractors\"}");
        assertThat(role.status()).isEqualTo(201);
        Http.Response rules = admin.put("/api/v1/pools/demo/cal/rules",
                "{\"rules\":[{\"kind\":\"reserve\",\"role\":\"Contractors\",\"seat\":3}]}");
        assert400(rules, "'seat' is not a member of rules[0]; did you mean 'seats'?");
        assertThat(admin.get("/api/v1/pools/demo/cal/rules").json().get("rules")).isEmpty();

        assert400(admin.put("/api/v1/pools/demo/cal/policy", "{\"lingerSecond\":60}"),
                "'lingerSecond' is not a member of this request; did you mean 'lingerSeconds'?");
        assert400(admin.put("/api/v1/settings", "{\"authMod\":\"token\"}"), "did you mean 'authMode'?");
        assertThat(admin.get("/api/v1/settings").json().get("authMode").asString()).isEqualTo("open");
        assert400(admin.post("/api/v1/users", "{\"name\":\"zed\",\"pasword\":\"zed-password-1\"}"), "did you mean 'password'?");
        assertThat(admin.get("/api/v1/users?search=zed").json().get("total").asInt()).isZero();
        // Far from every member: no guess, the list of members.
        assert400(admin.post("/api/v1/roles", "{\"name\":\"x\",\"colour\":\"red\"}"), "'colour' is not a member", "The members are: ldapGroup, name");
    }

    @Test
    void theClientProtocolIgnoresMembersANewerClientMayAdd() {
        Http.Response r = client.put(CHECKOUT, "{\"user\":\"alice\",\"host\":\"ws1\",\"client\":\"t\",\"locale\":\"de-CH\"}");
        assertThat(r.status()).as(r.text()).isEqualTo(201);
    }

    @Test
    void ldapSettingsShownByGetCanBeSentBack() {
        String settings = "{\"url\":\"ldap://127.0.0.1:1\",\"userSearchBase\":\"dc=example\",\"upnPattern\":\"{0}@example\",\"syncMinutes\":0}";
        Http.Response saved = admin.put("/api/v1/settings/ldap", settings);
        assertThat(saved.status()).as(saved.text()).isEqualTo(200);
        String shown = admin.get("/api/v1/settings/ldap").text();
        assertThat(shown).contains("bindPasswordSet");
        assertThat(admin.put("/api/v1/settings/ldap", shown).status()).isEqualTo(200);
        assert400(admin.put("/api/v1/settings/ldap", "{\"url\":\"ldap://127.0.0.1:1\",\"userSearchBse\":\"dc=example\"}"),
                "did you mean 'userSearchBase'?");
        for (String bad : List.of("{\"url\":\"ldap://127.0.0.1:1\",\"userSearchBase\":\"dc=example\",\"syncMinutes\":\"5\"}",
                "{\"url\":\"ldap://127.0.0.1:1\",\"userSearchBase\":\"dc=example\",\"startTls\":1}")) {
            assertThat(admin.put("/api/v1/settings/ldap", bad).status()).as(bad).isEqualTo(400);
        }
    }
}
