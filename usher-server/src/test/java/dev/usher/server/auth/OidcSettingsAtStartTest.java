package dev.usher.server.auth;

import dev.usher.server.auth.oidc.OidcSettings;
import dev.usher.server.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The identity provider from the configuration file (oidc.*): stored at start, a restart changes nothing, a bad one stops the start. */
class OidcSettingsAtStartTest {

    @TempDir
    Path dir;

    private static final OidcSettings FROM_FILE = new OidcSettings("Corp SSO", "https://login.corp.example/realms/corp", "usher",
            "from-the-file", null, null, null, "usher-admins", null);

    @Test
    void theFilesProviderIsStoredAtStartAndARestartRecordsNothing() {
        try (TestServer server = TestServer.start(dir, c -> c.withOidc(FROM_FILE))) {
            JsonNode shown = server.admin().get("/api/v1/settings/oidc").json();
            assertThat(shown.get("issuer").asString()).isEqualTo("https://login.corp.example/realms/corp");
            assertThat(shown.get("adminGroup").asString()).isEqualTo("usher-admins");
            assertThat(shown.get("clientSecretSet").asBoolean()).isTrue();
            assertThat(changes(server)).isEqualTo(1);
            assertThat(server.client().get("/login").text()).contains("Sign in with Corp SSO");

            server.restart();
            assertThat(changes(server)).as("the same settings again are not a change").isEqualTo(1);
        }
    }

    @Test
    void aBadProviderInTheFileStopsTheStartWithOneSentence() {
        OidcSettings plainHttp = new OidcSettings(null, "http://login.corp.example/realms/corp", "usher", null, null, null, null, null, null);
        assertThatThrownBy(() -> TestServer.start(dir, c -> c.withOidc(plainHttp))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("oidc.issuer must use https:// (the client secret and the tokens travel over it); http:// is accepted only"
                        + " for localhost");
    }

    private static long changes(TestServer server) {
        return server.server().identity().users().adminEvents(100).stream().filter(e -> e.type().equals("oidc-settings")).count();
    }
}
