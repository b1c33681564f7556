package dev.usher.server.auth.ldap;

import com.unboundid.ldap.sdk.ExtendedResult;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPConnectionOptions;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.LDAPURL;
import com.unboundid.ldap.sdk.ResultCode;
import com.unboundid.ldap.sdk.extensions.StartTLSExtendedRequest;
import com.unboundid.util.ssl.HostNameSSLSocketVerifier;
import com.unboundid.util.ssl.JVMDefaultTrustManager;
import com.unboundid.util.ssl.SSLUtil;
import com.unboundid.util.ssl.TrustAllTrustManager;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.X509TrustManager;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;

/**
 * Opens connections exactly as the settings say (LDAPS or StartTLS, trust, timeouts) and turns LDAP SDK
 * errors into short reasons a person can act on.
 */
final class LdapConnector {

    private final LdapSettings settings;
    private final String host;
    private final int port;
    private final boolean ldaps;
    private final X509TrustManager trustManager;

    /** @param trustManager replaces the JVM trust store (tests trust their own self-signed certificate); may be null */
    LdapConnector(LdapSettings settings, X509TrustManager trustManager) {
        this.settings = settings;
        try {
            LDAPURL url = new LDAPURL(settings.url());
            this.host = url.getHost();
            this.port = url.getPort();
            this.ldaps = "ldaps".equals(url.getScheme());
        } catch (LDAPException e) {
            throw new IllegalArgumentException("ldap.url is not a valid LDAP URL: " + e.getMessage(), e);
        }
        this.trustManager = trustManager != null ? trustManager
                : settings.trustAllCertificates() ? new TrustAllTrustManager() : JVMDefaultTrustManager.getInstance();
    }

    /** {@code ldap://host:389 with StartTLS}, for messages. */
    String where() {
        return (ldaps ? "ldaps://" : "ldap://") + host + ":" + port + (settings.startTls() ? " with StartTLS" : "");
    }

    int responseTimeoutMillis() {
        return 2 * settings.connectTimeoutMillis();
    }

    /** A connected, not yet bound connection; encrypted when the settings ask for it. */
    LDAPConnection open() throws LDAPException {
        LDAPConnectionOptions options = new LDAPConnectionOptions();
        options.setConnectTimeoutMillis(settings.connectTimeoutMillis());
        options.setResponseTimeoutMillis(responseTimeoutMillis());
        options.setAbandonOnTimeout(true);
        options.setFollowReferrals(false);
        // An empty password makes a "simple bind" anonymous on many servers; the SDK must refuse it too.
        options.setBindWithDNRequiresPassword(true);
        if (trustManager instanceof TrustAllTrustManager) {
            options.setSSLSocketVerifier(null);
        } else {
            options.setSSLSocketVerifier(new HostNameSSLSocketVerifier(true));
        }
        if (ldaps) {
            return new LDAPConnection(sslContext().getSocketFactory(), options, host, port);
        }
        LDAPConnection connection = new LDAPConnection(options, host, port);
        if (settings.startTls()) {
            try {
                ExtendedResult result = connection.processExtendedOperation(new StartTLSExtendedRequest(sslContext()));
                if (result.getResultCode() != ResultCode.SUCCESS) {
                    throw new LDAPException(result.getResultCode(), "StartTLS refused: " + result.getDiagnosticMessage());
                }
            } catch (LDAPException | RuntimeException e) {
                connection.close();
                throw e;
            }
        }
        return connection;
    }

    private SSLContext sslContext() throws LDAPException {
        try {
            return new SSLUtil(trustManager).createSSLContext();
        } catch (GeneralSecurityException e) {
            throw new LDAPException(ResultCode.LOCAL_ERROR, "cannot set up TLS: " + e.getMessage(), e);
        }
    }

    /** True when the failure says nothing about the credentials but about reaching the server. */
    static boolean isConnectionProblem(LDAPException e) {
        ResultCode code = e.getResultCode();
        return !code.isConnectionUsable() || code == ResultCode.BUSY || code == ResultCode.UNAVAILABLE
                || code == ResultCode.CONNECT_ERROR || code == ResultCode.TIMEOUT || code == ResultCode.SERVER_DOWN
                || code == ResultCode.LOCAL_ERROR;
    }

    /** One short clause: why it failed ("connection refused", "invalid credentials", …). */
    String describe(LDAPException e) {
        Throwable cert = find(e, CertificateException.class);
        if (cert != null) {
            String hint = trustManager instanceof TrustAllTrustManager ? ""
                    : " (is the server's certificate trusted by the JVM trust store and issued for " + host + "?)";
            return "TLS handshake failed: " + oneLine(cert.getMessage()) + hint;
        }
        Throwable tls = find(e, SSLException.class);
        if (tls != null) {
            return (tls instanceof SSLHandshakeException ? "TLS handshake failed: " : "TLS failed: ")
                    + oneLine(tls.getMessage())
                    + (ldaps ? " (is " + host + ":" + port + " an LDAPS port? Plain LDAP listens on 389: "
                            + "use an ldap:// url, with ldap.startTls for encryption)" : "");
        }
        if (find(e, UnknownHostException.class) != null) {
            return "unknown host " + host;
        }
        if (find(e, ConnectException.class) != null) {
            return "connection refused by " + host + ":" + port;
        }
        if (find(e, NoRouteToHostException.class) != null) {
            return "no route to host " + host;
        }
        if (find(e, SocketTimeoutException.class) != null) {
            return "no answer within " + settings.connectTimeoutMillis() + " ms";
        }
        ResultCode code = e.getResultCode();
        if (code == ResultCode.TIMEOUT) {
            return "no answer within " + responseTimeoutMillis() + " ms";
        }
        if (code == ResultCode.SERVER_DOWN) {
            return "the server closed the connection" + (ldaps ? "" : " (is it an LDAPS port? then use an ldaps:// url)");
        }
        if (code == ResultCode.DECODING_ERROR && !ldaps && !settings.startTls()) {
            return "the answer was not LDAP (is it an LDAPS port? then use an ldaps:// url)";
        }
        if (code == ResultCode.CONNECT_ERROR) {
            return "cannot connect to " + host + ":" + port + ": " + oneLine(deepest(e).getMessage());
        }
        if (code == ResultCode.INVALID_CREDENTIALS) {
            return "invalid credentials";
        }
        if (code == ResultCode.NO_SUCH_OBJECT) {
            return "no such entry";
        }
        if (code == ResultCode.CONFIDENTIALITY_REQUIRED || code == ResultCode.STRONG_AUTH_REQUIRED) {
            return "the server requires an encrypted connection (set ldap.startTls or use an ldaps:// url)";
        }
        String diagnostic = e.getDiagnosticMessage();
        return code.getName() + (diagnostic == null || diagnostic.isBlank() ? "" : ": " + oneLine(diagnostic));
    }

    private static <T extends Throwable> T find(Throwable t, Class<T> type) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
        }
        return null;
    }

    private static Throwable deepest(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c;
    }

    private static String oneLine(String s) {
        if (s == null) {
            return "unknown reason";
        }
        String line = s.replaceAll("\\s+", " ").strip();
        return line.length() > 300 ? line.substring(0, 300) + "…" : line;
    }
}
