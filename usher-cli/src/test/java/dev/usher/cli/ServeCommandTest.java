package dev.usher.cli;

import dev.usher.cli.common.CliException;
import dev.usher.cli.common.Environment;
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
                .hasMessage("USHER_PORT: 'http' is not a number (0-65535)");
        assertThatThrownBy(() -> config(Map.of(), "--port", "70000")).isInstanceOf(CliException.class)
                .hasMessage("--port: 70000 is out of range (0-65535)");
        assertThatThrownBy(() -> config(Map.of(), "--lease-ttl", "1")).isInstanceOf(CliException.class)
                .hasMessage("--lease-ttl: 1 is out of range (3-86400 seconds)");
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
    void theDataDirectorysUsherPropertiesIsReadUnderTheVariablesAndFlags(@org.junit.jupiter.api.io.TempDir Path data) throws Exception {
        java.nio.file.Files.writeString(data.resolve("usher.properties"), "port = 9001\nlease.ttl = 30\nauth.mode = token\nhttps.port = 9443\n"
                + "tls.cert = cert.pem\ntls.key = key.pem\n");
        ServeCommand cmd = new ServeCommand(new Environment(Map.of("USHER_LEASE_TTL", "45")));
        new CommandLine(cmd).parseArgs("--data", data.toString(), "--port", "9100");
        ServerConfig c = cmd.config();
        assertThat(c.port()).isEqualTo(9100);                 // flag over file
        assertThat(c.leaseTtl()).hasSeconds(45);              // variable over file
        assertThat(c.authMode()).isEqualTo(AuthMode.TOKEN);   // file over default
        assertThat(cmd.https()).isEqualTo(new dev.usher.server.tls.HttpsConfig(data.toAbsolutePath().resolve("cert.pem"),
                data.toAbsolutePath().resolve("key.pem"), 9443, false));
        assertThat(config(Map.of(), "--data", data.toString(), "--https-port", "9444").port()).isEqualTo(9001);
    }

    @Test
    void everyFlagOfServeIsASettingAndEverySettingsFlagExists() {
        // One table (Setting) drives the variables, the file keys and the docs: the flags must match it.
        var options = new CommandLine(new ServeCommand(new Environment(Map.of()))).getCommandSpec().options().stream()
                .map(o -> o.longestName()).filter(n -> !n.equals("--help") && !n.equals("--version") && !n.equals("--config"))
                .collect(java.util.stream.Collectors.toSet());
        var fromTable = java.util.Arrays.stream(dev.usher.cli.config.Setting.values()).flatMap(s -> s.flag().stream())
                .collect(java.util.stream.Collectors.toSet());
        assertThat(options).isEqualTo(fromTable);
    }

    @Test
    void monitoringFlagsAndVariables() {
        ServeCommand defaults = new ServeCommand(new Environment(Map.of()));
        new CommandLine(defaults).parseArgs();
        assertThat(defaults.logFormat()).isEqualTo(dev.usher.cli.logging.LogFormat.HUMAN);
        assertThat(defaults.monitoring().metricsToken()).isNull();
        assertThat(defaults.monitoring().accessLog()).isEqualTo(dev.usher.server.monitoring.MonitoringConfig.AccessLog.ERRORS);

        Map<String, String> env = Map.of("USHER_LOG_FORMAT", "json", "USHER_ACCESS_LOG", "all", "USHER_METRICS_TOKEN", "scrape-token-from-env-01");
        ServeCommand fromEnv = new ServeCommand(new Environment(env));
        new CommandLine(fromEnv).parseArgs();
        assertThat(fromEnv.logFormat()).isEqualTo(dev.usher.cli.logging.LogFormat.JSON);
        assertThat(fromEnv.monitoring().metricsToken()).isEqualTo("scrape-token-from-env-01");
        assertThat(fromEnv.monitoring().accessLog()).isEqualTo(dev.usher.server.monitoring.MonitoringConfig.AccessLog.ALL);

        ServeCommand flags = new ServeCommand(new Environment(env));
        new CommandLine(flags).parseArgs("--log-format", "human", "--access-log", "off");
        assertThat(flags.logFormat()).isEqualTo(dev.usher.cli.logging.LogFormat.HUMAN);
        assertThat(flags.monitoring().metricsToken()).isEqualTo("scrape-token-from-env-01");
        assertThat(flags.monitoring().accessLog()).isEqualTo(dev.usher.server.monitoring.MonitoringConfig.AccessLog.OFF);

        ServeCommand bad = new ServeCommand(new Environment(Map.of("USHER_LOG_FORMAT", "xml")));
        new CommandLine(bad).parseArgs();
        assertThatThrownBy(bad::logFormat).isInstanceOf(CliException.class).hasMessageContaining("USHER_LOG_FORMAT").hasMessageContaining("human or json");
        ServeCommand badAccess = new ServeCommand(new Environment(Map.of()));
        new CommandLine(badAccess).parseArgs("--access-log", "some");
        assertThatThrownBy(badAccess::monitoring).isInstanceOf(CliException.class).hasMessageContaining("all, errors or off");
        ServeCommand shortToken = new ServeCommand(new Environment(Map.of("USHER_METRICS_TOKEN", "short")));
        new CommandLine(shortToken).parseArgs();
        assertThatThrownBy(shortToken::monitoring).isInstanceOf(CliException.class).hasMessageContaining("USHER_METRICS_TOKEN").hasMessageContaining("16");
    }

    @Test
    void theWholeCommandLineReportsErrorsOnOneLineWithoutAStackTrace() {
        var out = new java.io.StringWriter();
        var err = new java.io.StringWriter();
        int code = UsherCommand.run(new String[] {"serve", "--lease-ttl", "1"}, new java.io.PrintWriter(out), new java.io.PrintWriter(err));
        assertThat(code).isNotZero();
        assertThat(err.toString().strip().lines()).hasSize(1);
        assertThat(err.toString()).startsWith("usher: --lease-ttl: 1 is out of range");
    }

    @Test
    void serveRunsUnderAOneCommandRootThatReadsAndPrintsTheSameAsTheWholeOne() {
        CommandLine whole = new CommandLine(new UsherCommand()).getSubcommands().get("serve");
        CommandLine lean = new CommandLine(new UsherCommand.ServeOnly()).getSubcommands().get("serve");
        assertThat(new CommandLine(new UsherCommand.ServeOnly()).getSubcommands()).containsOnlyKeys("serve");
        // Every option, the inherited --verbose included, and the help text word for word.
        assertThat(lean.getCommandSpec().optionsMap().keySet()).isEqualTo(whole.getCommandSpec().optionsMap().keySet());
        assertThat(lean.getUsageMessage()).isEqualTo(whole.getUsageMessage()).contains("--verbose", "usher serve");
    }

    @Test
    void verboseOnServeStillShowsTheStackTrace() {
        var err = new java.io.StringWriter();
        try {
            int code = UsherCommand.run(new String[] {"serve", "--verbose", "--lease-ttl", "1"}, new java.io.PrintWriter(new java.io.StringWriter()),
                    new java.io.PrintWriter(err));
            assertThat(code).isNotZero();
            assertThat(err.toString()).contains("at dev.usher.cli.").contains("usher: --lease-ttl: 1 is out of range");
        } finally {
            UsherCommand.verbose = false;
        }
    }
}
