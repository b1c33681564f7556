package dev.usher.server.notify;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.Date;
import java.util.Properties;

/**
 * Sends one e-mail through the configured SMTP server with Jakarta Mail (Angus Mail): STARTTLS
 * required (not merely tried) or implicit TLS, the server's name checked against its certificate,
 * and authentication when a user is set. A failure becomes one sentence that says what to check.
 */
final class Mailer {

    /** Connect, read and write time limits: a hung relay must not hold the notifier. */
    static final int TIMEOUT_MILLIS = 15_000;

    private Mailer() {
    }

    static void send(NotificationSettings.Email e, String subject, String body, Instant date) {
        boolean implicitTls = "tls".equals(e.security());
        String protocol = implicitTls ? "smtps" : "smtp";
        String p = "mail." + protocol + ".";
        Properties props = new Properties();
        props.put(p + "host", e.host());
        props.put(p + "port", String.valueOf(e.port()));
        props.put(p + "connectiontimeout", String.valueOf(TIMEOUT_MILLIS));
        props.put(p + "timeout", String.valueOf(TIMEOUT_MILLIS));
        props.put(p + "writetimeout", String.valueOf(TIMEOUT_MILLIS));
        props.put(p + "auth", String.valueOf(e.username() != null));
        if ("starttls".equals(e.security())) {
            // Required: a relay that does not offer STARTTLS (or a man in the middle who strips it) gets nothing.
            props.put(p + "starttls.enable", "true");
            props.put(p + "starttls.required", "true");
        }
        if (!"none".equals(e.security())) {
            props.put(p + "ssl.checkserveridentity", "true");
            if (e.trustedCertificate() != null) {
                props.put(p + "ssl.socketFactory", Certificates.trusting(e.trustedCertificate()));
            }
        }
        Session session = Session.getInstance(props);
        try {
            MimeMessage m = new MimeMessage(session);
            m.setFrom(new InternetAddress(e.from(), true));
            m.setRecipients(Message.RecipientType.TO, InternetAddress.parse(String.join(",", e.to()), true));
            m.setSubject(subject, "UTF-8");
            m.setText(body, "UTF-8");
            m.setSentDate(Date.from(date));
            m.setHeader("Auto-Submitted", "auto-generated"); // RFC 3834: no out-of-office replies to a robot
            try (Transport t = session.getTransport(protocol)) {
                t.connect(e.host(), e.port(), e.username(), e.password());
                t.sendMessage(m, m.getAllRecipients());
            }
        } catch (MessagingException x) {
            throw new DeliveryException(sentence(e, x));
        }
    }

    /** What went wrong, for the delivery log: the cause a person can act on, never the password. */
    static String sentence(NotificationSettings.Email e, MessagingException x) {
        Throwable root = x;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String where = "the SMTP server " + e.host() + ":" + e.port();
        if (x instanceof jakarta.mail.AuthenticationFailedException) {
            return where + " refused the user name or password (" + oneLine(x.getMessage()) + ")";
        }
        if (root instanceof UnknownHostException) {
            return where + " cannot be found: check the host name";
        }
        if (root instanceof ConnectException) {
            return where + " refused the connection: check the host, the port and the firewall";
        }
        if (root instanceof SocketTimeoutException) {
            return where + " did not answer within " + TIMEOUT_MILLIS / 1000 + " seconds";
        }
        if (root instanceof javax.net.ssl.SSLException || root instanceof java.security.cert.CertificateException
                || root instanceof java.security.GeneralSecurityException) {
            return where + ": TLS failed (" + oneLine(root.getMessage()) + "); if it uses a self-signed or company certificate, paste"
                    + " it as the trusted certificate";
        }
        String msg = oneLine(x.getMessage());
        if (msg.contains("STARTTLS")) {
            return where + " does not offer STARTTLS (" + msg + "): choose tls for port 465, or a server that supports it";
        }
        return where + ": " + msg;
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s+", " ").strip();
    }
}
