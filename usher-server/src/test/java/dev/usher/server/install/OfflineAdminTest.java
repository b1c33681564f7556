package dev.usher.server.install;

import dev.usher.server.testing.Http;
import dev.usher.server.testing.TestServer;
import dev.usher.store.sqlite.SqliteDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The offline password reset: only with the server stopped, and what it sets is what the next server checks. */
class OfflineAdminTest {

    @TempDir
    Path dir;

    private static Http.Response signIn(TestServer server, String user, String password) {
        return server.client().post("/api/v1/auth/sign-in", "{\"user\":\"" + user + "\",\"password\":\"" + password + "\"}");
    }

    @Test
    void aResetEndsTheUsersSignInsAndIsRefusedWhileAServerRuns() {
        String oldSession;
        try (TestServer server = TestServer.start(dir)) {
            Http.Response in = signIn(server, "admin", TestServer.ADMIN_PASSWORD);
            assertThat(in.status()).isEqualTo(200);
            oldSession = in.json().get("token").asString();
            assertThat(server.admin().post("/api/v1/users", "{\"name\":\"dave\",\"source\":\"ldap\"}").status()).isEqualTo(201);

            assertThatThrownBy(() -> OfflineAdmin.resetPassword(dir, "admin", "new-admin-password-1"))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("stop the server first").hasMessageContaining("in use");
            assertThat(server.client().withToken(oldSession).get("/api/v1/auth/me").status()).as("the server is undisturbed").isEqualTo(200);
        }

        OfflineAdmin.Reset reset = OfflineAdmin.resetPassword(dir, "CORP\\Admin", "new-admin-password-1");
        assertThat(reset.user()).isEqualTo("admin");
        assertThat(reset.generatedPassword()).isNull();
        assertThat(reset.created()).isFalse();
        assertThat(reset.administrator()).isTrue();
        assertThat(reset.signInsEnded()).isEqualTo(1);

        assertThatThrownBy(() -> OfflineAdmin.resetPassword(dir, "dave", "dave-password-1"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("directory");
        assertThatThrownBy(() -> OfflineAdmin.resetPassword(dir, "zoe", null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no user 'zoe'");
        assertThatThrownBy(() -> OfflineAdmin.resetPassword(dir, "admin", "short"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 10");

        try (TestServer server = TestServer.start(dir)) {
            assertThat(server.client().withToken(oldSession).get("/api/v1/auth/me").status()).isEqualTo(401);
            Http.Response in = signIn(server, "admin", "new-admin-password-1");
            assertThat(in.status()).as(in.text()).isEqualTo(200);
            assertThat(in.json().get("admin").asBoolean()).isTrue();
            List<dev.usher.core.identity.UserDirectory.AdminEvent> events = server.server().identity().users().adminEvents(100);
            assertThat(events).anySatisfy(e -> {
                assertThat(e.type()).isEqualTo("password-reset");
                assertThat(e.source()).isEqualTo("offline");
                assertThat(e.target()).isEqualTo("admin");
            });
        }
        // Once more, generated: shown to the caller, and the previous password stops working.
        String generated = OfflineAdmin.resetPassword(dir, "admin", null).generatedPassword();
        assertThat(generated).hasSize(20);
        try (TestServer server = TestServer.start(dir)) {
            assertThat(signIn(server, "admin", generated).status()).isEqualTo(200);
        }
    }

    @Test
    void aMissingAdminIsCreatedInAdministrators() {
        // A store with no users at all (as if admin had been merged away): only the schema.
        try (DataDirectory d = DataDirectory.open(dir); SqliteDatabase db = SqliteDatabase.open(d.database())) {
            assertThat(db.isReachable()).isTrue();
        }
        OfflineAdmin.Reset reset = OfflineAdmin.resetPassword(dir, "admin", "fresh-admin-password");
        assertThat(reset.created()).isTrue();
        assertThat(reset.administrator()).isTrue();

        try (TestServer server = TestServer.start(dir)) {
            // The server found an administrator, so it did not make its own with TestServer.ADMIN_PASSWORD.
            assertThat(signIn(server, "admin", TestServer.ADMIN_PASSWORD).status()).isEqualTo(401);
            server.clock().advance(java.time.Duration.ofMinutes(10));
            Http.Response in = signIn(server, "admin", "fresh-admin-password");
            assertThat(in.status()).as(in.text()).isEqualTo(200);
            assertThat(in.json().get("admin").asBoolean()).isTrue();
        }
        assertThatThrownBy(() -> OfflineAdmin.resetPassword(dir.resolve("nowhere"), "admin", null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no Usher data directory");
    }
}
