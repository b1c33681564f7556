package dev.usher.cli.admin;

import dev.usher.cli.common.CliException;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertPathBuilderException;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Which HTTPS servers an admin command believes, and what it says when it cannot reach one.
 *
 * <p>Trusted: the system's CAs, the certificates of {@code --cacert} (a CA or the server's own
 * certificate), and, pinned, the certificate the Usher on this machine serves (named in its
 * {@code server.json} or configuration). A pinned certificate is trusted by what it is, not by the
 * name it was reached under: the command reaches its own server as {@code 127.0.0.1}, which a
 * certificate made for {@code usher.corp.example} does not name.
 */
final class ServerTrust {

    private final List<X509Certificate> pinned;
    private final X509ExtendedTrustManager anchors;

    private ServerTrust(List<X509Certificate> pinned, X509ExtendedTrustManager anchors) {
        this.pinned = List.copyOf(pinned);
        this.anchors = anchors;
    }

    /** The system's CAs plus {@code extraAnchors}; {@code pinned} certificates trusted as they are. */
    static ServerTrust of(List<X509Certificate> extraAnchors, List<X509Certificate> pinned) {
        try {
            TrustManagerFactory system = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            system.init((KeyStore) null);
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            int n = 0;
            for (TrustManager tm : system.getTrustManagers()) {
                if (tm instanceof X509TrustManager x) {
                    for (X509Certificate c : x.getAcceptedIssuers()) {
                        store.setCertificateEntry("system-" + n++, c);
                    }
                }
            }
            for (X509Certificate c : extraAnchors) {
                store.setCertificateEntry("cacert-" + n++, c);
            }
            TrustManagerFactory all = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            all.init(store);
            for (TrustManager tm : all.getTrustManagers()) {
                if (tm instanceof X509ExtendedTrustManager x) {
                    return new ServerTrust(pinned, x);
                }
            }
            throw new IllegalStateException("this Java has no X.509 trust manager");
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot set up the HTTPS trust store: " + e.getMessage(), e);
        }
    }

    SSLContext sslContext() {
        try {
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, new TrustManager[] {new Pinning()}, null);
            return ssl;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    /**
     * The certificates of a PEM file (a chain or a bundle). {@code origin} names where the path came
     * from ({@code --cacert}) for the one-line error.
     */
    static List<X509Certificate> readPem(Path file, String origin) {
        try (InputStream in = Files.newInputStream(file)) {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
            List<X509Certificate> out = new ArrayList<>();
            for (Certificate c : certs) {
                out.add((X509Certificate) c);
            }
            if (out.isEmpty()) {
                throw new CliException(origin + " " + file + " holds no certificate (a PEM file with -----BEGIN CERTIFICATE----- is wanted)");
            }
            return out;
        } catch (NoSuchFileException e) {
            throw new CliException(origin + " " + file + ": no such file");
        } catch (IOException e) {
            throw new CliException(origin + " " + file + ": cannot read it (" + e.getMessage() + ")");
        } catch (CertificateException e) {
            throw new CliException(origin + " " + file + " is not a PEM certificate (-----BEGIN CERTIFICATE-----)");
        }
    }

    /**
     * One sentence for a call that failed before any answer: no stack trace, no "PKIX path building
     * failed", and what to do about it.
     */
    static String describe(String url, IOException e) {
        Throwable root = e;
        for (Throwable t = e; t != null; t = t.getCause()) {
            root = t;
            if (t instanceof CertPathBuilderException || t instanceof CertificateExpiredException) {
                break;
            }
        }
        if (root instanceof CertificateExpiredException) {
            return "the HTTPS certificate of " + url + " has expired: renew it on the server (see HTTPS in the README)";
        }
        if (root instanceof CertPathBuilderException || (e instanceof SSLHandshakeException && String.valueOf(root.getMessage()).contains("PKIX"))) {
            return "the HTTPS certificate of " + url + " is not signed by anyone this machine trusts: pass --cacert FILE"
                    + " (the server's certificate or its CA, PEM) or set USHER_CACERT";
        }
        if (root instanceof CertificateException && String.valueOf(root.getMessage()).startsWith("No ")) {
            return "the HTTPS certificate of " + url + " is not made out to that name (" + root.getMessage()
                    + "): use a name the certificate holds in --server";
        }
        if (e instanceof SSLException) {
            return "cannot speak HTTPS with " + url + " (" + firstLine(root.getMessage()) + "): is that the HTTPS port?";
        }
        if (e instanceof HttpConnectTimeoutException) {
            return "cannot reach Usher at " + url + ": no answer to the connection within 5 s (wrong address, or a firewall?)";
        }
        if (e instanceof HttpTimeoutException) {
            return "Usher at " + url + " did not answer in time";
        }
        if (root instanceof ConnectException || e instanceof ConnectException) {
            return "cannot reach Usher at " + url + ": nothing answers there (is the server running, on that address and port?)";
        }
        String detail = root.getMessage() == null ? root.getClass().getSimpleName() : firstLine(root.getMessage());
        return "cannot reach Usher at " + url + ": " + detail;
    }

    private static String firstLine(String s) {
        return s == null ? "" : s.lines().findFirst().orElse(s);
    }

    /** Trusts a pinned certificate as it is; anything else as the anchors do (with the host name checked). */
    private final class Pinning extends X509ExtendedTrustManager {

        private boolean isPinned(X509Certificate[] chain) {
            return chain != null && chain.length > 0 && pinned.contains(chain[0]);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            if (!isPinned(chain)) {
                anchors.checkServerTrusted(chain, authType, engine);
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            if (!isPinned(chain)) {
                anchors.checkServerTrusted(chain, authType, socket);
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            if (!isPinned(chain)) {
                anchors.checkServerTrusted(chain, authType);
            }
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            throw new CertificateException("an admin command is never a server");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            throw new CertificateException("an admin command is never a server");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("an admin command is never a server");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return anchors.getAcceptedIssuers();
        }
    }
}
