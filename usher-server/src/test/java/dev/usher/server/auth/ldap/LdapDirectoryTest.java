package dev.usher.server.auth.ldap;

import dev.usher.server.auth.DirectoryAccount;
import dev.usher.server.auth.PasswordDirectory.DirectoryUnavailableException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Sign-in, listing and connection checks against a real LDAP server (plain LDAP; TLS is in LdapTlsTest). */
class LdapDirectoryTest {

    private static LdapTestServer ldap;
    private static LdapDirectory directory;

    @BeforeAll
    static void start() throws Exception {
        ldap = LdapTestServer.start();
        directory = new LdapDirectory(ldap.settings().build());
    }

    @AfterAll
    static void stop() {
        ldap.close();
    }

    @Test
    void rightPasswordReturnsTheAccountWithGroupCns() {
        DirectoryAccount alice = directory.authenticate("alice", "alice-pw").orElseThrow();

        assertThat(alice).isEqualTo(new DirectoryAccount("alice", "Alice Liddell", "alice@corp.example",
                List.of("cad-users", "engineers"), true));
    }

    @Test
    void theDirectorysSpellingOfTheNameIsTheCanonicalOne() {
        assertThat(directory.authenticate("  ALICE ", "alice-pw")).map(DirectoryAccount::name).contains("alice");
    }

    @Test
    void wrongPasswordAndUnknownUserLookTheSame() {
        assertThat(directory.authenticate("alice", "bob-pw")).isEmpty();
        assertThat(directory.authenticate("alice", "ALICE-PW")).isEmpty();
        assertThat(directory.authenticate("mallory", "alice-pw")).isEmpty();
    }

    @Test
    void emptyPasswordIsRefusedAlthoughLdapWouldCallItAnAnonymousBind() {
        assertThat(directory.authenticate("alice", "")).isEmpty();
        assertThat(directory.authenticate("alice", null)).isEmpty();
        assertThat(directory.authenticate("", "alice-pw")).isEmpty();
        assertThat(directory.authenticate(null, "alice-pw")).isEmpty();
    }

    @Test
    void disabledAccountsDoNotSignInEvenWithTheRightPassword() {
        assertThat(directory.authenticate("carol", "carol-pw")).as("AD userAccountControl 514").isEmpty();
        assertThat(directory.authenticate("dave", "dave-pw")).as("nsAccountLock: true").isEmpty();
        assertThat(directory.authenticate("erin", "erin-pw")).as("AD userAccountControl 512 is enabled").isPresent();
    }

    @Test
    void ldapInjectionFindsNobodyAndThrowsNothing() {
        assertThat(directory.authenticate("*)(uid=*", "alice-pw")).isEmpty();
        assertThat(directory.authenticate("*", "alice-pw")).isEmpty();
        assertThat(directory.authenticate("al*", "alice-pw")).isEmpty();
        assertThat(directory.authenticate("alice)(|(uid=*", "alice-pw")).isEmpty();
        assertThat(directory.authenticate("alice\\", "alice-pw")).isEmpty();
        assertThat(directory.authenticate("alice\u0000", "alice-pw")).isEmpty();
        assertThat(directory.authenticate("x".repeat(10_000), "alice-pw")).isEmpty();
    }

    @Test
    void accountsListsEverybodyAcrossPagesWithDisabledOnesMarked() {
        var pagedSearchesBefore = ldap.pagedSearches();
        LdapDirectory smallPages = new LdapDirectory(ldap.settings().build(), 2, null);

        List<DirectoryAccount> accounts = smallPages.accounts();

        assertThat(accounts).extracting(DirectoryAccount::name).containsExactly("alice", "bob", "carol", "dave", "erin");
        assertThat(accounts).filteredOn(a -> !a.enabled()).extracting(DirectoryAccount::name)
                .containsExactly("carol", "dave");
        assertThat(accounts.getFirst().groups()).containsExactly("cad-users", "engineers");
        assertThat(ldap.pagedSearches() - pagedSearchesBefore).as("5 people in pages of 2").isEqualTo(3);
    }

    @Test
    void accountsNeedsAServiceAccount() {
        LdapDirectory direct = new LdapDirectory(ldap.settings().bind(null, null)
                .upnPattern("uid={0}," + LdapTestServer.PEOPLE).build());

        assertThatThrownBy(direct::accounts).isInstanceOf(DirectoryUnavailableException.class)
                .hasMessageContaining("ldap.bindDn");
    }

    @Test
    void testConnectionSaysWhatWorked() {
        LdapDirectory.ConnectionTest test = directory.checkConnection();

        assertThat(test.ok()).isTrue();
        assertThat(test.message()).isEqualTo("connected to " + ldap.url() + ", bound as " + LdapTestServer.SERVICE_DN
                + ", user search base " + LdapTestServer.PEOPLE + " has entries");
        assertThat(directory.testConnection()).isEqualTo(test.message());
    }

    @Test
    void wrongServicePasswordIsNamedInTheTestAndMakesSignInUnavailable() {
        LdapDirectory wrong = new LdapDirectory(ldap.settings().bindPassword("nope").build());

        assertThat(wrong.testConnection()).isEqualTo("connected to " + ldap.url()
                + ", but the directory refused the service account " + LdapTestServer.SERVICE_DN + ": invalid credentials");
        assertThatThrownBy(() -> wrong.authenticate("alice", "alice-pw"))
                .isInstanceOf(DirectoryUnavailableException.class)
                .hasMessage("LDAP directory " + ldap.url() + " refused the service account " + LdapTestServer.SERVICE_DN
                        + ": invalid credentials; check ldap.bindDn and ldap.bindPassword");
    }

    @Test
    void unreachablePortIsNamedInTheTestAndMakesSignInUnavailable() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            closedPort = socket.getLocalPort();
        }
        LdapDirectory unreachable = new LdapDirectory(ldap.settings().url("ldap://127.0.0.1:" + closedPort).build());

        assertThat(unreachable.checkConnection().ok()).isFalse();
        assertThat(unreachable.testConnection()).isEqualTo("cannot connect to ldap://127.0.0.1:" + closedPort
                + ": connection refused by 127.0.0.1:" + closedPort);
        assertThatThrownBy(() -> unreachable.authenticate("alice", "alice-pw"))
                .isInstanceOf(DirectoryUnavailableException.class)
                .hasMessage("cannot connect to LDAP directory ldap://127.0.0.1:" + closedPort
                        + ": connection refused by 127.0.0.1:" + closedPort);
        assertThatThrownBy(unreachable::accounts).isInstanceOf(DirectoryUnavailableException.class);
    }

    @Test
    void aServerThatNeverAnswersTimesOut() throws IOException {
        // Accepts the TCP connection (the backlog does) but never speaks LDAP.
        try (ServerSocket silent = new ServerSocket(0, 5, java.net.InetAddress.getByName("127.0.0.1"))) {
            LdapDirectory stuck = new LdapDirectory(ldap.settings()
                    .url("ldap://127.0.0.1:" + silent.getLocalPort()).connectTimeoutMillis(150).build());

            long start = System.nanoTime();
            String message = stuck.testConnection();
            long millis = (System.nanoTime() - start) / 1_000_000;

            assertThat(message).isEqualTo("connected to ldap://127.0.0.1:" + silent.getLocalPort()
                    + ", but binding as the service account failed: no answer within 300 ms");
            assertThat(millis).isLessThan(3000);
            assertThatThrownBy(() -> stuck.authenticate("alice", "alice-pw"))
                    .isInstanceOf(DirectoryUnavailableException.class)
                    .hasMessageContaining("no answer within 300 ms");
        }
    }

    @Test
    void missingSearchBaseIsNamed() {
        LdapDirectory noBase = new LdapDirectory(ldap.settings().userSearchBase("ou=nobody," + LdapTestServer.BASE).build());

        assertThat(noBase.testConnection()).isEqualTo("connected to " + ldap.url() + ", bound as "
                + LdapTestServer.SERVICE_DN + ", but the user search base ou=nobody," + LdapTestServer.BASE + " does not exist");
        assertThatThrownBy(() -> noBase.authenticate("alice", "alice-pw"))
                .isInstanceOf(DirectoryUnavailableException.class)
                .hasMessageContaining("the user search base ou=nobody," + LdapTestServer.BASE + " does not exist");
    }

    @Test
    void aSearchBaseWithoutPeopleIsNamed() {
        LdapDirectory empty = new LdapDirectory(ldap.settings().userSearchBase("ou=empty," + LdapTestServer.BASE).build());

        assertThat(empty.checkConnection().ok()).isFalse();
        assertThat(empty.testConnection()).endsWith(", but no entries under ou=empty," + LdapTestServer.BASE
                + " match the user filter (&(objectClass=person)(uid={0}))");
    }

    @Test
    void directBindWithADnPattern() {
        LdapDirectory direct = new LdapDirectory(ldap.settings().bind(null, null)
                .upnPattern("uid={0}," + LdapTestServer.PEOPLE).build());

        assertThat(direct.authenticate("alice", "alice-pw")).map(DirectoryAccount::groups)
                .contains(List.of("cad-users", "engineers"));
        assertThat(direct.authenticate("alice", "wrong")).isEmpty();
        assertThat(direct.authenticate("mallory", "alice-pw")).isEmpty();
        assertThat(direct.authenticate("alice", "")).isEmpty();
        assertThat(direct.authenticate("carol", "carol-pw")).as("disabled").isEmpty();
        assertThat(direct.authenticate("alice,ou=people", "alice-pw")).isEmpty();
        assertThat(direct.authenticate("*)(uid=*", "alice-pw")).isEmpty();
        assertThat(direct.testConnection()).startsWith("connected to " + ldap.url() + "; no service account is set");
    }

    @Test
    void directBindWithAnActiveDirectoryUpn() {
        LdapDirectory upn = new LdapDirectory(ldap.settings().upnPattern("{0}" + LdapTestServer.UPN_SUFFIX).build());

        assertThat(upn.authenticate("bob", "bob-pw")).contains(new DirectoryAccount("bob", "Bob Builder",
                "bob@corp.example", List.of("engineers"), true));
        assertThat(upn.authenticate("bob", "alice-pw")).isEmpty();
        assertThat(upn.authenticate("bob@corp.example", "bob-pw")).as("not a plain login name").isEmpty();
    }
}
