package dev.usher.cli.admin;

import dev.usher.cli.common.Environment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Admin commands find the server's data directory where `usher serve` found it. */
class AdminOptionsTest {

    @Test
    void theDataDirectoryComesFromTheFlagTheVariableOrTheServersConfigurationFile(@TempDir Path dir) throws Exception {
        Path conf = Files.writeString(dir.resolve("usher.properties"), "data = /var/lib/usher\n");
        AdminOptions o = new AdminOptions();
        o.env = new Environment(Map.of("USHER_CONFIG", conf.toString()));
        assertThat(o.dataDir()).isEqualTo(Path.of("/var/lib/usher"));
        o.env = new Environment(Map.of("USHER_CONFIG", conf.toString(), "USHER_DATA", "/srv/usher"));
        assertThat(o.dataDir()).isEqualTo(Path.of("/srv/usher"));
        o.data = Path.of("mine");
        assertThat(o.dataDir()).isEqualTo(Path.of("mine"));
        o = new AdminOptions();
        o.env = new Environment(Map.of());
        assertThat(o.dataDir()).isEqualTo(Path.of("data"));
    }
}
