package dev.usher.server.auth;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.InMemoryDirectoryServerConfig;
import com.unboundid.ldap.listener.InMemoryListenerConfig;
import com.unboundid.ldap.sdk.Modification;
import com.unboundid.ldap.sdk.ModificationType;
import dev.usher.server.testing.Http;
import dev.usher.server.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sign-in against a real directory (UnboundID's in-memory LDAP server) through the whole server:
 * configuration over the API, "test connection", bind, wrong password, groups to roles, an account
 * disabled in the directory, and the sync.
 */
class LdapSignInTest {

    @TempDir
    Path dir;

    private InMemoryDirectoryServer ldap;
    private TestServer server;
    private Http admin;
    private Http anon;

    @BeforeEach
    void start() throws Exception {
        InMemoryDirectoryServerConfig config = new InMemoryDirectoryServerConfig("dc=corp,dc=example");
        config.setListenerConfigs(InMemoryListenerConfig.createLDAPConfig("ldap", InetAddress.getLoopbackAddress(), 0, null));
        config.setSchema(null); // allow memberOf and userAccountControl on plain entries
        config.addAdditionalBindCredentials("cn=usher,dc=corp,dc=example", "service-pw");
        ldap = new InMemoryDirectoryServer(config);
        ldap.add("dn: dc=corp,dc=example", "objectClass: top", "objectClass: domain", "dc: corp");
        ldap.add("dn: ou=people,dc=corp,dc=example", "objectClass: organizationalUnit", "ou: people");
        ldap.add("dn: ou=groups,dc=corp,dc=example", "objectClass: organizationalUnit", "ou: groups");
        person("alice", "Alice Liddell", "alice-pw-123", "cn=cad-users,ou=groups,dc=corp,dc=example", "512");
        person("bob", "Bob Builder", "bob-pw-12345", "cn=other,ou=groups,dc=corp,dc=example", "512");
        person("carol", "Carol Disabled", "carol-pw-123", "cn=cad-users,ou=groups,dc=corp,dc=example", "514");
        ldap.startListening();

        server = TestServer.start(dir);
        server.license("demo", "cal", 5);
        admin = server.admin();
        anon = server.client();
    }

    private void person(String uid, String cn, String password, String group, String uac) throws Exception {
        ldap.add("dn: uid=" + uid + ",ou=people,dc=corp,dc=example", "objectClass: person", "objectClass: inetOrgPerson",
                "uid: " + uid, "cn: " + cn, "sn: " + uid, "mail: " + uid + "@corp.example", "userPassword: " + password,
                "memberOf: " + group, "userAccountControl: " + uac);
    }

    @AfterEach
    void stop() {
        server.close();
        ldap.shutDown(true);
    }

    private String settings(String servicePassword) {
        return """
                {"url":"ldap://127.0.0.1:%d","bindDn":"cn=usher,dc=corp,dc=example","bindPassword":"%s",
                 "userSearchBase":"ou=people,dc=corp,dc=example","userFilter":"(&(objectClass=person)(uid={0}))"}"""
                .formatted(ldap.getListenPort(), servicePassword);
    }

    private Http.Response signIn(String user, String password) {
        server.clock().advance(Duration.ofMinutes(20)); // never throttled by an earlier attempt in this test
        return anon.post("/api/v1/auth/sign-in", "{\"user\":\"" + user + "\",\"password\":\"" + password + "\"}");
    }

    @Test
    void peopleSignInWithTheirDirectoryPasswordAndGroupsBecomeRoles() {
        assertThat(admin.post("/api/v1/settings/ldap/test", settings("wrong")).json().get("ok").asBoolean()).isFalse();
        JsonNode test = admin.post("/api/v1/settings/ldap/test", settings("service-pw")).json();
        assertThat(test.get("ok").asBoolean()).as(test.toString()).isTrue();
        Http.Response saved = admin.put("/api/v1/settings/ldap", settings("service-pw"));
        assertThat(saved.status()).as(saved.text()).isEqualTo(200);
        assertThat(saved.text()).doesNotContain("service-pw");
        assertThat(admin.get("/api/v1/settings/ldap").json().get("bindPasswordSet").asBoolean()).isTrue();
        assertThat(admin.post("/api/v1/roles", "{\"name\":\"CAD users\",\"ldapGroup\":\"cad-users\"}").status()).isEqualTo(201);
        admin.put("/api/v1/settings", "{\"authMode\":\"session\"}");

        Http.Response ok = signIn("alice", "alice-pw-123");
        assertThat(ok.status()).as(ok.text()).isEqualTo(200);
        Http alice = anon.withToken(ok.json().get("token").asString());
        Http.Response seat = alice.checkout("s1", "demo", "cal", "ignored", "ws1");
        assertThat(seat.status()).isEqualTo(201);
        assertThat(seat.json().get("user").asString()).isEqualTo("alice");
        JsonNode user = admin.get("/api/v1/users?search=alice").json().get("items").get(0);
        assertThat(user.get("source").asString()).isEqualTo("ldap");
        assertThat(user.get("displayName").asString()).isEqualTo("Alice Liddell");
        assertThat(user.get("roles").toString()).contains("CAD users");

        assertThat(signIn("alice", "wrong-password").status()).isEqualTo(401);
        assertThat(signIn("nobody", "alice-pw-123").status()).isEqualTo(401);
        assertThat(signIn("carol", "carol-pw-123").status()).as("disabled in the directory").isEqualTo(401);
    }

    @Test
    void theSyncFollowsTheDirectory() throws Exception {
        admin.put("/api/v1/settings/ldap", settings("service-pw"));
        admin.post("/api/v1/roles", "{\"name\":\"CAD users\",\"ldapGroup\":\"cad-users\"}");
        JsonNode sync = admin.post("/api/v1/settings/ldap/sync", "").json();
        assertThat(sync.get("summary").asString()).contains("3 accounts");
        assertThat(admin.get("/api/v1/users?search=bob").json().get("items").get(0).get("enabled").asBoolean()).isTrue();
        assertThat(admin.get("/api/v1/users?search=carol").json().get("items").get(0).get("enabled").asBoolean()).isFalse();
        long cadRole = admin.get("/api/v1/roles").json().get(2).get("id").asLong();
        assertThat(admin.get("/api/v1/roles/" + cadRole + "/members").json()).extracting(n -> n.get("name").asString())
                .containsExactlyInAnyOrder("alice", "carol");

        // Bob leaves the company; alice leaves the CAD group.
        ldap.delete("uid=bob,ou=people,dc=corp,dc=example");
        ldap.modify("uid=alice,ou=people,dc=corp,dc=example",
                new Modification(ModificationType.REPLACE, "memberOf", "cn=other,ou=groups,dc=corp,dc=example"));
        admin.post("/api/v1/settings/ldap/sync", "");
        assertThat(admin.get("/api/v1/users?search=bob").json().get("items").get(0).get("enabled").asBoolean()).isFalse();
        assertThat(admin.get("/api/v1/roles/" + cadRole + "/members").json()).extracting(n -> n.get("name").asString())
                .containsExactly("carol");
    }

    @Test
    void anUnreachableDirectoryIsReportedNotMistakenForAWrongPassword() {
        admin.put("/api/v1/settings/ldap", settings("service-pw"));
        admin.put("/api/v1/settings", "{\"authMode\":\"session\"}");
        ldap.shutDown(true);
        Http.Response r = signIn("alice", "alice-pw-123");
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.problemType()).isEqualTo("directory-unavailable");
    }
}
