package dev.usher.cli.tls;

import dev.usher.cli.UsherCommand;
import dev.usher.server.tls.CertificateAndKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** usher tls self-signed: files the server accepts, for the names asked. */
class TlsCommandTest {

    @TempDir
    Path dir;

    private static int run(StringWriter out, StringWriter err, String... args) {
        return UsherCommand.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    @Test
    void writesACertificateAndAnOwnerOnlyKeyForTheGivenNames() throws Exception {
        StringWriter out = new StringWriter();
        int code = run(out, new StringWriter(), "tls", "self-signed", "--host", "usher.corp.example", "--host", "10.1.2.3",
                "--days", "7", "--out", dir.toString());
        assertThat(code).isZero();
        assertThat(out.toString()).contains("serve with: usher serve --tls-cert " + dir.resolve("cert.pem"));
        CertificateAndKey read = CertificateAndKey.read(dir.resolve("cert.pem"), dir.resolve("key.pem"));
        assertThat(read.certificate().getSubjectAlternativeNames().stream().map(n -> (Object) n.get(1)).toList())
                .containsExactly((Object) "usher.corp.example", "10.1.2.3");
        assertThat(read.notAfter()).isCloseTo(Instant.now().plus(Duration.ofDays(7)), within(Duration.ofMinutes(5)));
        assertThat(Files.getPosixFilePermissions(dir.resolve("key.pem")).toString()).isEqualTo("[OWNER_READ, OWNER_WRITE]");
        assertThat(read.certificate().getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1"); // serverAuth
        List<String> before = List.of(Files.readString(dir.resolve("key.pem")));

        StringWriter err = new StringWriter();
        assertThat(run(new StringWriter(), err, "tls", "self-signed", "--out", dir.toString())).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("usher: " + dir.resolve("cert.pem") + " or key.pem already exists: pass --force to replace them\n");
        assertThat(Files.readString(dir.resolve("key.pem"))).isEqualTo(before.getFirst());
        assertThat(run(new StringWriter(), new StringWriter(), "tls", "self-signed", "--out", dir.toString(), "--force")).isZero();
        assertThat(Files.readString(dir.resolve("key.pem"))).isNotEqualTo(before.getFirst());
    }

    @Test
    void refusesNonsense() {
        StringWriter err = new StringWriter();
        assertThat(run(new StringWriter(), err, "tls", "self-signed", "--days", "0", "--out", dir.toString())).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("usher: --days must be between 1 and 3650 (got 0)\n");
        err = new StringWriter();
        assertThat(run(new StringWriter(), err, "tls", "self-signed", "--host", "a b", "--out", dir.toString())).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("usher: --host 'a b' is not a host name or IP address\n");
        assertThat(dir.resolve("cert.pem")).doesNotExist();
    }
}
