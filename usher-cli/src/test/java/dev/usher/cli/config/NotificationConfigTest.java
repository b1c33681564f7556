package dev.usher.cli.config;

import dev.usher.cli.common.CliException;
import dev.usher.cli.common.Environment;
import dev.usher.cli.ServeCommandAccess;
import dev.usher.server.ServerConfig;
import dev.usher.server.UsherServer;
import dev.usher.server.notify.NotificationSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Notifications from the configuration file and the environment (the notify.* keys of the one settings
 * table): a key given replaces the stored value at start, a key left out keeps what the console stored,
 * and a wrong one stops the start with one line.
 */
class NotificationConfigTest {

    /** A real certificate: the server checks the PEM it is given. */
    static final String PEM = pem();

    private static String pem() {
        try {
            var cert = dev.usher.server.tls.SelfSignedCertificate.generate(List.of("smtp.corp.example"), java.time.Duration.ofDays(1),
                    java.time.Instant.now());
            return dev.usher.server.tls.SelfSignedCertificate.pem("CERTIFICATE", cert.certificate().getEncoded());
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    @TempDir
    Path dir;

    @Test
    void keys_given_in_the_file_or_the_environment_replace_the_stored_values_and_the_others_stay() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        Files.writeString(dir.resolve("relay.pem"), PEM);
        Path file = dir.resolve("usher.properties");
        Files.writeString(file, """
                data = data
                host = 127.0.0.1
                port = 0
                notify.smtp.host = smtp.corp.example
                notify.smtp.user = usher
                notify.smtp.ca = relay.pem
                notify.email.from = usher@corp.example
                notify.email.to = it@corp.example, licenses@corp.example
                notify.webhook.url = https://chat.corp.example/hooks/usher
                notify.events = license-expiring, seats-refused
                notify.expiry.days = 14, 3
                """);
        Map<String, String> env = Map.of("USHER_NOTIFY_SMTP_PASSWORD", "relay-password", "USHER_NOTIFY_WEBHOOK_SECRET", "hook-secret-0123456789");
        ServerConfig config = ServeCommandAccess.config(new Environment(env), "--config", file.toString());
        var o = config.notifications();
        assertThat(o.smtpHost()).isEqualTo("smtp.corp.example");
        assertThat(o.smtpCertificate()).isEqualTo(PEM);
        assertThat(o.emailTo()).containsExactly("it@corp.example", "licenses@corp.example");
        assertThat(o.expiryDays()).containsExactly(14, 3);
        assertThat(o.busyPercent()).as("a default is not given: the console's value stands").isNull();
        assertThat(o.smtpPassword()).isEqualTo("relay-password");

        // What the console stored before this start: a busy share of 70%, which the file does not set.
        try (UsherServer first = UsherServer.start(ServeCommandAccess.config(new Environment(Map.of()), "--data", data.toString(),
                "--host", "127.0.0.1", "--port", "0"))) {
            first.notifications().save(new NotificationSettings(null, List.of(), null, null, 70, null, null));
        }
        try (UsherServer server = UsherServer.start(config)) {
            NotificationSettings s = server.notifications().settings();
            assertThat(s.email().host()).isEqualTo("smtp.corp.example");
            assertThat(s.email().port()).isEqualTo(587);
            assertThat(s.email().password()).isEqualTo("relay-password");
            assertThat(s.email().trustedCertificate()).isEqualTo(PEM.strip());
            assertThat(s.webhooks()).singleElement().satisfies(w -> {
                assertThat(w.url()).isEqualTo("https://chat.corp.example/hooks/usher");
                assertThat(w.secret()).isEqualTo("hook-secret-0123456789");
            });
            assertThat(s.events()).containsExactly("license-expiring", "seats-refused");
            assertThat(s.expiryDays()).containsExactly(14, 3);
            assertThat(s.busyPercent()).isEqualTo(70);
        }
    }

    @Test
    void a_wrong_value_stops_the_start_with_one_line() throws Exception {
        Path file = dir.resolve("usher.properties");
        Files.writeString(file, "notify.busy.percent = 120\n");
        assertThatThrownBy(() -> ServeCommandAccess.config(new Environment(Map.of()), "--config", file.toString()))
                .isInstanceOf(CliException.class).hasMessage(file.getFileName() + " line 1: notify.busy.percent: 120 is out of range (1-100 percent)");

        Files.writeString(file, "notify.smtp.host = smtp.corp.example\nnotify.smtp.security = none\nnotify.smtp.user = usher\n"
                + "notify.smtp.password = p\nnotify.email.from = a@corp.example\nnotify.email.to = b@corp.example\n");
        ServerConfig config = ServeCommandAccess.config(new Environment(Map.of()), "--config", file.toString(), "--data",
                dir.resolve("data2").toString(), "--host", "127.0.0.1", "--port", "0");
        assertThatThrownBy(() -> UsherServer.start(config)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("notification settings (notify.* in the configuration): email.security none cannot be combined with"
                        + " email.username: a password is never sent in clear (use starttls or tls)");
        assertThatThrownBy(() -> ServeCommandAccess.config(new Environment(Map.of("USHER_NOTIFY_SMTP_CA", dir.resolve("missing.pem").toString()))))
                .isInstanceOf(CliException.class).hasMessageStartingWith("USHER_NOTIFY_SMTP_CA: cannot read ");
    }
}
