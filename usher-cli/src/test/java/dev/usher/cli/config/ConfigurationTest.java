package dev.usher.cli.config;

import dev.usher.cli.common.Environment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** usher.properties: precedence (default < file < environment < flag) and every error naming its key and line. */
class ConfigurationTest {

    @TempDir
    Path dir;

    private Path data() throws Exception {
        return Files.createDirectories(dir.resolve("data"));
    }

    private Configuration resolve(Map<String, String> env, Map<Setting, String> flags) throws Exception {
        Map<Setting, String> f = new EnumMap<>(Setting.class);
        f.put(Setting.DATA, data().toString());
        f.putAll(flags);
        return Configuration.resolve(f, null, new Environment(env));
    }

    private void file(String text) throws Exception {
        Files.writeString(data().resolve("usher.properties"), text);
    }

    @Test
    void fileOverDefaultEnvironmentOverFileFlagOverEnvironment() throws Exception {
        file("""
                # a comment
                port = 9001
                lease.ttl: 60
                host 127.0.0.1
                keep.domains = true
                """);
        Configuration fromFile = resolve(Map.of(), Map.of());
        assertThat(fromFile.problems()).isEmpty();
        assertThat(fromFile.number(Setting.PORT)).isEqualTo(9001);
        assertThat(fromFile.number(Setting.LEASE_TTL)).isEqualTo(60);
        assertThat(fromFile.text(Setting.HOST)).isEqualTo("127.0.0.1");
        assertThat(fromFile.flag(Setting.KEEP_DOMAINS)).isTrue();
        assertThat(fromFile.number(Setting.SWEEP_INTERVAL)).isEqualTo(5); // default
        assertThat(fromFile.value(Setting.PORT).origin()).isEqualTo("usher.properties line 2: port");
        assertThat(fromFile.value(Setting.SWEEP_INTERVAL).source()).isEqualTo(Configuration.Source.DEFAULT);

        Configuration fromEnv = resolve(Map.of("USHER_PORT", "9002", "USHER_KEEP_DOMAINS", "false"), Map.of());
        assertThat(fromEnv.number(Setting.PORT)).isEqualTo(9002);
        assertThat(fromEnv.flag(Setting.KEEP_DOMAINS)).isFalse();
        assertThat(fromEnv.number(Setting.LEASE_TTL)).isEqualTo(60); // still the file's

        Configuration fromFlag = resolve(Map.of("USHER_PORT", "9002"), Map.of(Setting.PORT, "9003"));
        assertThat(fromFlag.number(Setting.PORT)).isEqualTo(9003);
        assertThat(fromFlag.value(Setting.PORT).source()).isEqualTo(Configuration.Source.FLAG);
    }

    @Test
    void aBadValueNamesTheFileLineKeyAndWhatIsWrong() throws Exception {
        file("""
                # Usher
                host = 0.0.0.0

                lease.ttl = 120
                https.port = 9785
                demo = false
                port = abc
                """);
        assertThat(resolve(Map.of(), Map.of()).problems())
                .contains("usher.properties line 7: port: 'abc' is not a number (0-65535)");
    }

    @Test
    void everyKindOfMistakeHasItsOwnSentence() throws Exception {
        file("""
                prot = 9780
                lease.ttl = 2
                keep.domains = maybe
                auth.mode = kerberos
                sweep.interval = 5
                sweep.interval = 6
                data = /elsewhere
                admin.token = short
                colour = blue
                """);
        assertThat(resolve(Map.of(), Map.of()).problems()).containsExactlyInAnyOrder(
                "usher.properties line 1: prot: unknown key (did you mean port?); the keys are listed in docs/CONFIGURATION.md",
                "usher.properties line 2: lease.ttl: 2 is out of range (3-86400 seconds)",
                "usher.properties line 3: keep.domains: 'maybe' is not true or false",
                "usher.properties line 4: auth.mode: 'kerberos' is not one of open, session or token",
                "usher.properties line 6: sweep.interval: set twice (first on line 5)",
                "usher.properties line 7: data: cannot be set in the data directory's own usher.properties (use --data, USHER_DATA, or a file given with --config)",
                "usher.properties line 8: admin.token: must be at least 16 characters",
                "usher.properties line 9: colour: unknown key; the keys are listed in docs/CONFIGURATION.md");
    }

    @Test
    void theIdentityProviderIsSetInTheFileWithItsSecretInTheEnvironment() throws Exception {
        file("""
                oidc.issuer = https://login.corp.example/realms/corp
                oidc.client.id = usher
                oidc.admin.group = usher-admins
                oidc.name = Corp SSO
                """);
        Configuration c = resolve(Map.of("USHER_OIDC_CLIENT_SECRET", "from-the-environment"), Map.of());
        assertThat(c.problems()).isEmpty();
        assertThat(c.oidc()).isEqualTo(new dev.usher.server.auth.oidc.OidcSettings("Corp SSO", "https://login.corp.example/realms/corp",
                "usher", "from-the-environment", "openid profile email", "preferred_username", "groups", "usher-admins", null));
        assertThat(Setting.OIDC_CLIENT_SECRET.secret()).isTrue();

        file("");
        assertThat(resolve(Map.of(), Map.of()).oidc()).as("not set: the stored settings stay").isNull();
    }

    @Test
    void theIdentityProvidersMistakesNameTheirKeys() throws Exception {
        file("""
                oidc.client.id = usher
                """);
        assertThat(resolve(Map.of(), Map.of()).problems()).containsExactly("usher.properties line 1: oidc.client.id is set but"
                + " oidc.issuer is not: the identity provider needs its issuer URL");

        file("""
                oidc.issuer = http://login.corp.example/realms/corp
                oidc.scopes = profile
                """);
        assertThat(resolve(Map.of(), Map.of()).problems()).containsExactlyInAnyOrder(
                "usher.properties line 1: oidc.issuer must use https:// (the client secret and the tokens travel over it); http:// is"
                        + " accepted only for localhost",
                "oidc.client.id is required: the client registered for Usher at the provider",
                "usher.properties line 2: oidc.scopes must include openid (e.g. openid profile email)");
        assertThat(resolve(Map.of("USHER_OIDC_SCOPES", "openid profile"), Map.of()).problems())
                .doesNotContain("usher.properties line 2: oidc.scopes must include openid (e.g. openid profile email)");
    }

    @Test
    void misspellingsInEveryStyleFindTheKey() {
        assertThat(Setting.closest("lease-ttl")).hasValue("lease.ttl");
        assertThat(Setting.closest("LEASE_TTL")).hasValue("lease.ttl");
        assertThat(Setting.closest("tls.certificate")).isEmpty();
        assertThat(Setting.closest("tls.crt")).hasValue("tls.cert");
        assertThat(Setting.closest("https_port")).hasValue("https.port");
    }

    @Test
    void httpsSettingsGoTogether() throws Exception {
        file("tls.cert = cert.pem\n");
        assertThat(resolve(Map.of(), Map.of()).problems())
                .containsExactly("usher.properties line 1: tls.cert is set but tls.key is not: HTTPS needs both the certificate and its key");
        file("http.redirect = true\n");
        assertThat(resolve(Map.of(), Map.of()).problems())
                .containsExactly("usher.properties line 1: http.redirect: needs HTTPS, which is off: set tls.cert and tls.key");
        file("");
        assertThat(resolve(Map.of("USHER_TLS_KEY", "/k.pem"), Map.of()).problems())
                .containsExactly("USHER_TLS_KEY is set but tls.cert is not: HTTPS needs both the certificate and its key");
    }

    @Test
    void pathsInAFileAreRelativeToTheFile() throws Exception {
        file("tls.cert = tls/cert.pem\ntls.key = /etc/usher/key.pem\ntrusted.keys = keys, /opt/vendor-keys\n");
        Configuration c = resolve(Map.of(), Map.of());
        assertThat(c.path(Setting.TLS_CERT)).isEqualTo(data().toAbsolutePath().resolve("tls/cert.pem"));
        assertThat(c.path(Setting.TLS_KEY)).isEqualTo(Path.of("/etc/usher/key.pem"));
        assertThat(c.paths(Setting.TRUSTED_KEYS)).containsExactly(data().toAbsolutePath().resolve("keys"), Path.of("/opt/vendor-keys"));
        // from a flag or variable, relative to the working directory as usual
        assertThat(resolve(Map.of("USHER_TLS_CERT", "c.pem"), Map.of()).path(Setting.TLS_CERT)).isEqualTo(Path.of("c.pem"));
    }

    @Test
    void anExplicitFileMaySayWhereTheDataIs() throws Exception {
        Path conf = Files.writeString(dir.resolve("usher.properties"), "data = /var/lib/usher\nport = 9001\n");
        Configuration c = Configuration.resolve(Map.of(), conf, new Environment(Map.of()));
        assertThat(c.problems()).isEmpty();
        assertThat(c.path(Setting.DATA)).isEqualTo(Path.of("/var/lib/usher"));
        Configuration viaEnv = Configuration.resolve(Map.of(), null, new Environment(Map.of("USHER_CONFIG", conf.toString())));
        assertThat(viaEnv.number(Setting.PORT)).isEqualTo(9001);
        assertThat(Configuration.resolve(Map.of(), dir.resolve("missing.properties"), new Environment(Map.of())).problems())
                .containsExactly("the configuration file " + dir.resolve("missing.properties") + " does not exist");
    }

    @Test
    void continuationLinesAndEscapesFollowTheJdkRules() {
        ConfigFile f = ConfigFile.parse(Path.of("usher.properties"), "# x\ntrusted.keys = /a,\\\n    /b\nhost=\\u0031.2.3.4\n! bang comment\nport:1\n");
        assertThat(f.entries()).containsExactly(new ConfigFile.Entry("trusted.keys", "/a,/b", 2),
                new ConfigFile.Entry("host", "1.2.3.4", 4), new ConfigFile.Entry("port", "1", 6));
    }

    @Test
    void configCheckListsEveryProblemAndExitsOne() throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.properties"), "port = abc\nprot = 1\n");
        var out = new java.io.StringWriter();
        var err = new java.io.StringWriter();
        int code = dev.usher.cli.UsherCommand.run(new String[] {"config", "check", bad.toString()},
                new java.io.PrintWriter(out), new java.io.PrintWriter(err));
        assertThat(code).isEqualTo(1);
        assertThat(err.toString().lines()).containsExactly("bad.properties line 1: port: 'abc' is not a number (0-65535)",
                "bad.properties line 2: prot: unknown key (did you mean port?); the keys are listed in docs/CONFIGURATION.md");

        Path good = Files.writeString(dir.resolve("good.properties"), "port = 9001\n");
        out = new java.io.StringWriter();
        code = dev.usher.cli.UsherCommand.run(new String[] {"config", "check", good.toString()}, new java.io.PrintWriter(out),
                new java.io.PrintWriter(new java.io.StringWriter()));
        assertThat(code).isZero();
        assertThat(out.toString()).isEqualTo(good + ": ok (1 setting)\n");
    }

    @Test
    void configCheckReadsTheCertificateAndKey() throws Exception {
        var tls = dev.usher.server.tls.SelfSignedCertificate.generate(List.of("localhost"), java.time.Duration.ofDays(10),
                java.time.Instant.now());
        dev.usher.server.tls.SelfSignedCertificate.write(tls, dir.resolve("tls"));
        Path conf = Files.writeString(dir.resolve("https.properties"), "tls.cert = tls/cert.pem\ntls.key = tls/cert.pem\n");
        var err = new java.io.StringWriter();
        int code = dev.usher.cli.UsherCommand.run(new String[] {"config", "check", conf.toString()},
                new java.io.PrintWriter(new java.io.StringWriter()), new java.io.PrintWriter(err));
        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).startsWith("https.properties line 1: tls.cert: no private key in ");

        Files.writeString(conf, "tls.cert = tls/cert.pem\ntls.key = tls/key.pem\n");
        err = new java.io.StringWriter();
        code = dev.usher.cli.UsherCommand.run(new String[] {"config", "check", conf.toString()},
                new java.io.PrintWriter(new java.io.StringWriter()), new java.io.PrintWriter(err));
        assertThat(code).isZero();
        assertThat(err.toString()).startsWith("warning: https.properties line 1: tls.cert: the certificate expires on ");
    }

    @Test
    void theDocsAndTheShippedFileAreWrittenFromTheTable() throws Exception {
        Path root = Path.of("").toAbsolutePath();
        while (!Files.exists(root.resolve("mvnw"))) {
            root = root.getParent();
        }
        String docs = Files.readString(root.resolve("docs/CONFIGURATION.md"));
        assertThat(docs).as("docs/CONFIGURATION.md must contain `usher config docs` output").contains(ConfigurationDocs.table());
        assertThat(Files.readString(root.resolve("usher-dist/src/main/dist/conf/usher.properties")))
                .as("usher-dist/src/main/dist/conf/usher.properties must be `usher config template`").isEqualTo(ConfigurationDocs.template());
        // and the shipped file is itself valid: every key commented out, so all defaults
        ConfigFile shipped = ConfigFile.read(root.resolve("usher-dist/src/main/dist/conf/usher.properties"));
        assertThat(shipped.entries()).isEmpty();
        // uncommented, every default is a valid value
        String uncommented = ConfigurationDocs.template().lines().map(l -> l.matches("#[a-z.]+ = .*") ? l.substring(1) : l)
                .reduce("", (a, b) -> a + b + "\n");
        ConfigFile all = ConfigFile.parse(Path.of("usher.properties"), uncommented);
        assertThat(all.entries()).extracting(ConfigFile.Entry::key)
                .containsExactlyElementsOf(List.of(Setting.values()).stream().map(Setting::key).toList());
        Path conf = Files.writeString(dir.resolve("all.properties"), uncommented);
        assertThat(Configuration.resolve(Map.of(), conf, new Environment(Map.of())).problems()).isEmpty();
    }
}
