package dev.usher.server.auth.ldap;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.InMemoryDirectoryServerConfig;
import com.unboundid.ldap.listener.InMemoryListenerConfig;
import com.unboundid.ldap.listener.SelfSignedCertificateGenerator;
import com.unboundid.ldap.listener.interceptor.InMemoryInterceptedSearchRequest;
import com.unboundid.ldap.listener.interceptor.InMemoryInterceptedSimpleBindRequest;
import com.unboundid.ldap.listener.interceptor.InMemoryOperationInterceptor;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.SimpleBindRequest;
import com.unboundid.ldap.sdk.controls.SimplePagedResultsControl;
import com.unboundid.util.ssl.KeyStoreKeyManager;
import com.unboundid.util.ssl.SSLUtil;
import com.unboundid.util.ssl.TrustAllTrustManager;
import com.unboundid.util.ssl.TrustStoreTrustManager;

import javax.net.ssl.X509TrustManager;
import java.io.File;
import java.net.InetAddress;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real LDAP server (UnboundID's in-memory directory) on a random port of 127.0.0.1, seeded with a small
 * company: alice (engineers, cad-users), bob (engineers), carol (disabled the Active Directory way),
 * dave (nsAccountLock), erin, a service account, and an AD-style {@code user@corp.example} bind name.
 */
final class LdapTestServer implements AutoCloseable {

    static final String BASE = "dc=corp,dc=example";
    static final String PEOPLE = "ou=people," + BASE;
    static final String GROUPS = "ou=groups," + BASE;
    static final String SERVICE_DN = "cn=usher-svc,ou=services," + BASE;
    static final String SERVICE_PASSWORD = "svc-pw";
    static final String UPN_SUFFIX = "@corp.example";

    private static TestCertificate certificate;

    final InMemoryDirectoryServer server;
    private final AtomicInteger pagedSearches = new AtomicInteger();
    private final boolean tls;

    private LdapTestServer(boolean tls) throws Exception {
        this.tls = tls;
        InMemoryDirectoryServerConfig config = new InMemoryDirectoryServerConfig(BASE);
        // memberOf and userAccountControl are not in the default schema; real AD has them.
        config.setSchema(null);
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        if (tls) {
            TestCertificate cert = certificate();
            SSLUtil serverSsl = new SSLUtil(
                    new KeyStoreKeyManager(cert.keystore(), cert.password(), "PKCS12", null), new TrustAllTrustManager());
            config.setListenerConfigs(
                    InMemoryListenerConfig.createLDAPConfig("ldap", loopback, 0, serverSsl.createSSLSocketFactory()),
                    InMemoryListenerConfig.createLDAPSConfig("ldaps", loopback, 0,
                            serverSsl.createSSLServerSocketFactory(), null));
        } else {
            config.setListenerConfigs(InMemoryListenerConfig.createLDAPConfig("ldap", loopback, 0, null));
        }
        config.addInMemoryOperationInterceptor(new InMemoryOperationInterceptor() {
            @Override
            public void processSimpleBindRequest(InMemoryInterceptedSimpleBindRequest request) {
                // Active Directory accepts user@domain as bind name; this server only DNs.
                SimpleBindRequest bind = request.getRequest();
                String name = bind.getBindDN();
                if (name.endsWith(UPN_SUFFIX)) {
                    String uid = name.substring(0, name.length() - UPN_SUFFIX.length());
                    request.setRequest(new SimpleBindRequest("uid=" + uid + "," + PEOPLE, bind.getPassword().getValue()));
                }
            }

            @Override
            public void processSearchRequest(InMemoryInterceptedSearchRequest request) {
                if (request.getRequest().hasControl(SimplePagedResultsControl.PAGED_RESULTS_OID)) {
                    pagedSearches.incrementAndGet();
                }
            }
        });
        server = new InMemoryDirectoryServer(config);
        seed();
        server.startListening();
    }

    static LdapTestServer start() throws Exception {
        return new LdapTestServer(false);
    }

    /** Also listens for LDAPS and accepts StartTLS, with a self-signed certificate made for this test run. */
    static LdapTestServer startWithTls() throws Exception {
        return new LdapTestServer(true);
    }

    String url() {
        return "ldap://127.0.0.1:" + server.getListenPort("ldap");
    }

    String ldapsUrl() {
        if (!tls) {
            throw new IllegalStateException("started without TLS");
        }
        return "ldaps://127.0.0.1:" + server.getListenPort("ldaps");
    }

    /** Search-then-bind with the service account, defaults otherwise. */
    LdapSettings.Builder settings() {
        return LdapSettings.builder(url(), PEOPLE).bind(SERVICE_DN, SERVICE_PASSWORD).connectTimeoutMillis(2000);
    }

    int pagedSearches() {
        return pagedSearches.get();
    }

    /** Trusts exactly the certificate of {@link #startWithTls()}. */
    static X509TrustManager trustingTestCertificate() throws Exception {
        TestCertificate cert = certificate();
        return new TrustStoreTrustManager(cert.keystore(), cert.password(), "PKCS12", true);
    }

    void person(String uid, String cn, String password, String... extraLines) throws Exception {
        String[] lines = new String[7 + extraLines.length];
        lines[0] = "dn: uid=" + uid + "," + PEOPLE;
        lines[1] = "objectClass: inetOrgPerson";
        lines[2] = "objectClass: person";
        lines[3] = "uid: " + uid;
        lines[4] = "cn: " + cn;
        lines[5] = "sn: " + cn.substring(cn.lastIndexOf(' ') + 1);
        lines[6] = "userPassword: " + password;
        System.arraycopy(extraLines, 0, lines, 7, extraLines.length);
        server.add(lines);
    }

    static String group(String cn) {
        return "memberOf: cn=" + cn + "," + GROUPS;
    }

    private void seed() throws Exception {
        server.add("dn: " + BASE, "objectClass: domain", "dc: corp");
        server.add("dn: " + PEOPLE, "objectClass: organizationalUnit", "ou: people");
        server.add("dn: " + GROUPS, "objectClass: organizationalUnit", "ou: groups");
        server.add("dn: ou=services," + BASE, "objectClass: organizationalUnit", "ou: services");
        server.add("dn: ou=empty," + BASE, "objectClass: organizationalUnit", "ou: empty");
        server.add("dn: " + SERVICE_DN, "objectClass: applicationProcess", "objectClass: simpleSecurityObject",
                "cn: usher-svc", "userPassword: " + SERVICE_PASSWORD);
        server.add("dn: cn=engineers," + GROUPS, "objectClass: groupOfNames", "cn: engineers",
                "member: uid=alice," + PEOPLE, "member: uid=bob," + PEOPLE);
        server.add("dn: cn=cad-users," + GROUPS, "objectClass: groupOfNames", "cn: cad-users",
                "member: uid=alice," + PEOPLE);
        person("alice", "Alice Liddell", "alice-pw", "mail: alice@corp.example",
                group("engineers"), group("cad-users"));
        person("bob", "Bob Builder", "bob-pw", "mail: bob@corp.example", group("engineers"));
        // 514 = NORMAL_ACCOUNT (512) + ACCOUNTDISABLE (2)
        person("carol", "Carol Danvers", "carol-pw", "userAccountControl: 514");
        person("dave", "Dave Lister", "dave-pw", "nsAccountLock: true");
        person("erin", "Erin Brockovich", "erin-pw", "userAccountControl: 512");
    }

    @Override
    public void close() {
        server.shutDown(true);
    }

    private record TestCertificate(File keystore, char[] password) {}

    private static synchronized TestCertificate certificate() throws Exception {
        if (certificate == null) {
            var generated = SelfSignedCertificateGenerator.generateTemporarySelfSignedCertificate("usher-ldap-test", "PKCS12");
            generated.getFirst().deleteOnExit();
            certificate = new TestCertificate(generated.getFirst(), generated.getSecond());
        }
        return certificate;
    }
}
