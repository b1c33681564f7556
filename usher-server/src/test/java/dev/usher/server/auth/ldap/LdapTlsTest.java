package dev.usher.server.auth.ldap;

import dev.usher.server.auth.DirectoryAccount;
import dev.usher.server.auth.PasswordDirectory.DirectoryUnavailableException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * StartTLS and LDAPS against the in-memory server with a self-signed certificate generated for this run.
 * "Trusted" means a trust manager holding exactly that certificate, with host name verification on, as the
 * JVM trust store would be used in production.
 */
class LdapTlsTest {

    private static LdapTestServer ldap;

    @BeforeAll
    static void start() throws Exception {
        ldap = LdapTestServer.startWithTls();
    }

    @AfterAll
    static void stop() {
        ldap.close();
    }

    @Test
    void startTlsWithATrustedCertificate() throws Exception {
        LdapDirectory directory = new LdapDirectory(ldap.settings().startTls(true).build(), LdapDirectory.PAGE_SIZE,
                LdapTestServer.trustingTestCertificate());

        assertThat(directory.authenticate("alice", "alice-pw")).map(DirectoryAccount::name).contains("alice");
        assertThat(directory.authenticate("alice", "wrong")).isEmpty();
        assertThat(directory.accounts()).hasSize(5);
        assertThat(directory.testConnection()).startsWith("connected to " + ldap.url() + " with StartTLS, bound as ");
    }

    @Test
    void startTlsWithTrustAllCertificates() {
        LdapDirectory directory = new LdapDirectory(ldap.settings().startTls(true).trustAllCertificates(true).build());

        assertThat(directory.authenticate("bob", "bob-pw")).isPresent();
    }

    @Test
    void startTlsWithAnUntrustedCertificateIsRefusedWithTheReason() {
        // The JVM trust store does not know the self-signed certificate.
        LdapDirectory directory = new LdapDirectory(ldap.settings().startTls(true).build());

        assertThat(directory.testConnection()).startsWith("cannot connect to " + ldap.url() + " with StartTLS: TLS handshake failed: ")
                .contains("trust store");
        assertThatThrownBy(() -> directory.authenticate("alice", "alice-pw"))
                .isInstanceOf(DirectoryUnavailableException.class)
                .hasMessageStartingWith("cannot connect to LDAP directory " + ldap.url() + " with StartTLS: TLS handshake failed");
    }

    @Test
    void ldapsWithATrustedCertificate() throws Exception {
        LdapDirectory directory = new LdapDirectory(ldap.settings().url(ldap.ldapsUrl()).build(), LdapDirectory.PAGE_SIZE,
                LdapTestServer.trustingTestCertificate());

        assertThat(directory.authenticate("alice", "alice-pw")).map(DirectoryAccount::groups)
                .hasValueSatisfying(groups -> assertThat(groups).containsExactly("cad-users", "engineers"));
        assertThat(directory.checkConnection().ok()).isTrue();
    }

    @Test
    void ldapsWithAnUntrustedCertificateIsRefused() {
        LdapDirectory directory = new LdapDirectory(ldap.settings().url(ldap.ldapsUrl()).build());

        assertThat(directory.checkConnection().ok()).isFalse();
        assertThat(directory.testConnection()).startsWith("cannot connect to " + ldap.ldapsUrl() + ": TLS handshake failed: ");
    }

    @Test
    void aTrustedCertificateForAnotherHostIsRefused() throws Exception {
        // The generated certificate names this machine's interface addresses, not "localhost". (UnboundID accepts
        // any certificate on a numeric loopback address, which is why the other tests may use 127.0.0.1.)
        assumeTrue(InetAddress.getByName("localhost").getHostAddress().equals("127.0.0.1"),
                "localhost must resolve to 127.0.0.1, where the test server listens");
        String url = ldap.ldapsUrl().replace("127.0.0.1", "localhost");
        LdapDirectory directory = new LdapDirectory(ldap.settings().url(url).build(), LdapDirectory.PAGE_SIZE,
                LdapTestServer.trustingTestCertificate());

        assertThat(directory.testConnection()).startsWith("cannot connect to " + url + ": ")
                .contains("Hostname verification failed");
        assertThatThrownBy(() -> directory.authenticate("alice", "alice-pw"))
                .isInstanceOf(DirectoryUnavailableException.class);
    }

    @Test
    void theWrongSchemeForAPortIsExplained() throws Exception {
        String ldapsToPlainPort = ldap.url().replace("ldap://", "ldaps://");
        String ldapToLdapsPort = ldap.ldapsUrl().replace("ldaps://", "ldap://");

        assertThat(new LdapDirectory(ldap.settings().url(ldapsToPlainPort).build(), LdapDirectory.PAGE_SIZE,
                LdapTestServer.trustingTestCertificate()).testConnection())
                .startsWith("cannot connect to " + ldapsToPlainPort + ": TLS failed: ")
                .contains("an LDAPS port?");
        assertThat(new LdapDirectory(ldap.settings().url(ldapToLdapsPort).build()).testConnection())
                .contains("then use an ldaps:// url");
    }
}
