package dev.usher.cli.admin;

import dev.usher.cli.common.Environment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Admin commands find the server's data directory where `usher serve` found it. */
class AdminOptionsTest {

    @Test
    void theDataDirectoryComesFromTheFlagTheVariableOrTheServersConfigurationFile(@TempDir Path dir) throws Exception {
        Path conf = Files.writeString(dir.resolve("usher.properties"), "data = /var/lib/usher\n");
        assertThat(options(Map.of("USHER_CONFIG", conf.toString()), null, null).dataDir()).isEqualTo(Path.of("/var/lib/usher"));
        assertThat(options(Map.of("USHER_CONFIG", conf.toString(), "USHER_DATA", "/srv/usher"), null, null).dataDir())
                .isEqualTo(Path.of("/srv/usher"));
        assertThat(options(Map.of("USHER_CONFIG", conf.toString(), "USHER_DATA", "/srv/usher"), Path.of("mine"), null).dataDir())
                .isEqualTo(Path.of("mine"));
        assertThat(options(Map.of(), null, null).dataDir()).isEqualTo(Path.of("data"));
        // --config, as usher serve takes it
        assertThat(options(Map.of(), null, conf).dataDir()).isEqualTo(Path.of("/var/lib/usher"));
    }

    @Test
    void aConfigurationWithAProblemIsOneLine(@TempDir Path dir) throws Exception {
        Path conf = Files.writeString(dir.resolve("usher.properties"), "dta = /var/lib/usher\n");
        assertThatThrownBy(() -> options(Map.of(), null, conf).dataDir()).isInstanceOf(dev.usher.cli.common.CliException.class)
                .hasMessageContaining("line 1: dta: unknown key (did you mean data?)");
    }

    private static AdminOptions options(Map<String, String> env, Path data, Path config) {
        AdminOptions o = new AdminOptions();
        o.env = new Environment(env);
        o.data = data;
        o.configFile = config;
        return o;
    }
}
