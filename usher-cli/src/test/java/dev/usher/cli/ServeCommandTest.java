package dev.usher.cli;

import dev.usher.core.identity.AuthMode;
import dev.usher.server.ServerConfig;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** `usher serve` flags and the USHER_* variables that mirror them: flag over variable over default. */
class ServeCommandTest {

    private static ServerConfig config(Map<String, String> env, String... args) {
        ServeCommand cmd = new ServeCommand(new Environment(env));
        new CommandLine(cmd).parseArgs(args);
        return cmd.config();
    }

    @Test
    void defaults() {
        ServerConfig c = config(Map.of());
        assertThat(c.port()).isEqualTo(9780);
        assertThat(c.dataDir()).isEqualTo(Path.of("data"));
        assertThat(c.leaseTtl()).isEqualTo(Duration.ofSeconds(120));
        assertThat(c.heartbeatInterval()).isEqualTo(Duration.ofSeconds(40));
        assertThat(c.demo()).isFalse();
        assertThat(c.authMode()).isNull(); // the stored setting, or session for a new installation
    }

    @Test
    void variablesMirrorTheFlagsAndFlagsWin() {
        Map<String, String> env = Map.of("USHER_PORT", "9001", "USHER_DATA", "/srv/usher", "USHER_LEASE_TTL", "60",
                "USHER_ADMIN_TOKEN", "token-from-env-0123456789", "USHER_ADMIN_PASSWORD", "password-from-env");
        ServerConfig fromEnv = config(env);
        assertThat(fromEnv.port()).isEqualTo(9001);
        assertThat(fromEnv.dataDir()).isEqualTo(Path.of("/srv/usher"));
        assertThat(fromEnv.leaseTtl()).isEqualTo(Duration.ofSeconds(60));
        assertThat(fromEnv.adminToken()).isEqualTo("token-from-env-0123456789");
        assertThat(fromEnv.adminPassword()).isEqualTo("password-from-env");

        ServerConfig flags = config(env, "--port", "9002", "--data", "/tmp/other", "--lease-ttl", "30", "--demo",
                "--auth-mode", "token", "--keep-domains");
        assertThat(flags.port()).isEqualTo(9002);
        assertThat(flags.dataDir()).isEqualTo(Path.of("/tmp/other"));
        assertThat(flags.leaseTtl()).isEqualTo(Duration.ofSeconds(30));
        assertThat(flags.demo()).isTrue();
        assertThat(flags.authMode()).isEqualTo(AuthMode.TOKEN);
        assertThat(flags.stripDomain()).isFalse();
    }

    @Test
    void badValuesAreOneLineErrors() {
        assertThatThrownBy(() -> config(Map.of("USHER_PORT", "http"))).isInstanceOf(CliException.class)
                .hasMessage("USHER_PORT must be a port number (got 'http')");
        assertThatThrownBy(() -> config(Map.of(), "--port", "70000")).isInstanceOf(CliException.class)
                .hasMessageContaining("port must be between 0 and 65535");
        assertThatThrownBy(() -> config(Map.of(), "--lease-ttl", "1")).isInstanceOf(CliException.class)
                .hasMessageContaining("lease TTL must be between 3 and 86400 seconds");
        assertThatThrownBy(() -> config(Map.of("USHER_LEASE_TTL", "soon"))).isInstanceOf(CliException.class)
                .hasMessageContaining("USHER_LEASE_TTL");
        assertThatThrownBy(() -> config(Map.of(), "--auth-mode", "kerberos")).isInstanceOf(CliException.class)
                .hasMessageContaining("open, session or token");
    }

    private static String databaseUrl(Map<String, String> env, String... args) {
        ServeCommand cmd = new ServeCommand(new Environment(env));
        new CommandLine(cmd).parseArgs(args);
        return cmd.databaseUrl();
    }

    @Test
    void dbSelectsPostgresqlTheFlagWinsAndABadUrlIsAOneLineErrorThatHidesThePassword() {
        assertThat(databaseUrl(Map.of())).isNull(); // the embedded SQLite store
        Map<String, String> env = Map.of("USHER_DB_URL", "postgresql://db1:5432/usher?user=u&password=p");
        assertThat(databaseUrl(env)).isEqualTo("postgresql://db1:5432/usher?user=u&password=p");
        assertThat(databaseUrl(env, "--db", "jdbc:postgresql://db2/usher")).isEqualTo("jdbc:postgresql://db2/usher");
        assertThatThrownBy(() -> databaseUrl(Map.of(), "--db", "mysql://db/usher?password=secret")).isInstanceOf(CliException.class)
                .hasMessageStartingWith("--db: the database URL must start with postgresql://")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("secret"));
        assertThatThrownBy(() -> databaseUrl(Map.of("USHER_DB_URL", "postgresql://db1:5432/"))).isInstanceOf(CliException.class)
                .hasMessage("USHER_DB_URL: the database URL names no database (postgresql://HOST:PORT/DATABASE)");
    }

    @Test
    void theWholeCommandLineReportsErrorsOnOneLineWithoutAStackTrace() {
        var out = new java.io.StringWriter();
        var err = new java.io.StringWriter();
        int code = UsherCommand.run(new String[] {"serve", "--lease-ttl", "1"}, new java.io.PrintWriter(out), new java.io.PrintWriter(err));
        assertThat(code).isNotZero();
        assertThat(err.toString().strip().lines()).hasSize(1);
        assertThat(err.toString()).startsWith("usher: lease TTL must be between");
    }
}
