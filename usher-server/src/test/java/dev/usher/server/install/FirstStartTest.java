package dev.usher.server.install;

import dev.usher.server.ServerConfig;
import dev.usher.server.UsherServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A refused first start leaves nothing behind: no database with a token nobody was shown, no administrator with a
 * password nobody was told. The next start generates them and says them.
 */
class FirstStartTest {

    @TempDir
    Path dir;

    private ServerConfig config(Path data) {
        return ServerConfig.defaults(data).withHost("127.0.0.1").withPort(0);
    }

    @Test
    void aWeakAdminPasswordIsRefusedBeforeAnythingIsWritten() {
        Path data = dir.resolve("data");

        assertThatThrownBy(() -> UsherServer.start(config(data).withAdminPassword("short")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("USHER_ADMIN_PASSWORD is refused (a password must have at least 10 characters); nothing was started or stored");
        assertThatThrownBy(() -> UsherServer.start(config(data).withAdminToken("short-token")))
                .hasMessage("USHER_ADMIN_TOKEN must be at least 16 characters long");

        assertThat(Files.exists(data)).as("no data directory, database or token left behind").isFalse();
        try (UsherServer server = UsherServer.start(config(data))) {
            assertThat(server.generatedAdminToken()).as("the token of this first start is printed").isPresent();
            assertThat(server.generatedAdminPassword()).isPresent();
        }
    }

    @Test
    void aFirstStartThatFailsLaterForgetsTheTokenAndPasswordItNeverPrinted() throws Exception {
        Path data = dir.resolve("data");
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            assertThatThrownBy(() -> UsherServer.start(config(data).withPort(taken.getLocalPort()))).isInstanceOf(RuntimeException.class);
        }
        assertThat(Files.exists(data.resolve("usher.db"))).isTrue();

        try (UsherServer server = UsherServer.start(config(data))) {
            assertThat(server.generatedAdminToken()).as("a new token, printed this time").isPresent();
            assertThat(server.generatedAdminPassword()).as("a new password for admin, printed this time").isPresent();
            assertThat(server.identity().signIn("admin", server.generatedAdminPassword().orElseThrow(), "127.0.0.1").admin()).isTrue();
        }
        try (UsherServer again = UsherServer.start(config(data))) {
            assertThat(again.generatedAdminToken()).isEmpty();
            assertThat(again.generatedAdminPassword()).isEmpty();
        }
    }
}
