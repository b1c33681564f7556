package dev.usher.cli.tls;

import dev.usher.cli.common.CliException;
import dev.usher.server.tls.CertificateAndKey;
import dev.usher.server.tls.SelfSignedCertificate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** {@code usher tls self-signed}: a certificate and key to try HTTPS with (production wants one from a CA). */
@Command(name = "tls", mixinStandardHelpOptions = true, description = "HTTPS helpers.", subcommands = TlsCommand.SelfSigned.class)
public final class TlsCommand {

    @Command(name = "self-signed", mixinStandardHelpOptions = true,
            description = "Write a self-signed certificate (cert.pem) and its private key (key.pem, owner-only) for HTTPS.")
    public static final class SelfSigned implements Runnable {
        @Spec
        CommandSpec spec;

        @Option(names = "--host", paramLabel = "NAME", description = "A host name or IP address clients use (repeatable;"
                + " default: localhost, 127.0.0.1, ::1 and this machine's name).")
        List<String> hosts = new ArrayList<>();

        @Option(names = "--days", defaultValue = "365", description = "Validity in days (default 365).")
        int days;

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory for cert.pem and key.pem.")
        Path out;

        @Option(names = "--force", description = "Replace an existing cert.pem / key.pem.")
        boolean force;

        @Override
        public void run() {
            if (days < 1 || days > 3650) {
                throw new CliException("--days must be between 1 and 3650 (got " + days + ")");
            }
            for (String h : hosts) {
                if (h.isBlank() || !h.matches("[A-Za-z0-9.*:_-]+")) {
                    throw new CliException("--host '" + h + "' is not a host name or IP address");
                }
            }
            if (!force && (Files.exists(out.resolve("cert.pem")) || Files.exists(out.resolve("key.pem")))) {
                throw new CliException(out.resolve("cert.pem") + " or key.pem already exists: pass --force to replace them");
            }
            List<String> names = hosts.isEmpty() ? SelfSignedCertificate.defaultHosts() : hosts;
            CertificateAndKey material = SelfSignedCertificate.generate(names, Duration.ofDays(days), Instant.now());
            SelfSignedCertificate.write(material, out);
            var o = spec.commandLine().getOut();
            o.println("wrote " + out.resolve("cert.pem") + " and " + out.resolve("key.pem") + " (EC P-256, for "
                    + String.join(", ", names) + ", valid until " + material.notAfter() + ")");
            o.println("serve with: usher serve --tls-cert " + out.resolve("cert.pem") + " --tls-key " + out.resolve("key.pem"));
            o.println("clients must be told to trust cert.pem (self-signed); production wants a certificate from your CA");
        }
    }
}
