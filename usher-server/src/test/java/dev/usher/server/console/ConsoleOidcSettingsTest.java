package dev.usher.server.console;

import dev.usher.server.testing.TestIdentityProvider;
import dev.usher.server.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Settings › Identity provider in the console: checked in place, tested against a real provider, secret never shown, removed. */
class ConsoleOidcSettingsTest {

    @TempDir
    Path dir;

    private TestServer server;
    private TestIdentityProvider provider;
    private ConsoleClient browser;

    @BeforeEach
    void start() {
        server = TestServer.start(dir);
        provider = TestIdentityProvider.start();
        browser = new ConsoleClient(server.server().localUrl());
        assertThat(browser.signIn("admin", TestServer.ADMIN_PASSWORD).status()).isEqualTo(303);
    }

    @AfterEach
    void stop() {
        provider.close();
        server.close();
    }

    @Test
    void anAdministratorSetsUpTheProviderInTheConsole() {
        assertThat(browser.get("/settings").html()).contains("<h2>Identity provider (OpenID Connect)</h2>",
                "Not configured: the sign-in page asks for a user name and password only.");

        ConsoleClient.Page bad = browser.post("/settings/oidc", Map.of("issuer", "http://idp.corp.example/realms/corp",
                "clientSecret", "s3cret"), true);
        assertThat(bad.status()).isEqualTo(422);
        assertThat(bad.html()).contains("id=\"oidc-issuer-error\">Issuer must use https:// (the client secret and the tokens travel"
                        + " over it); http:// is accepted only for localhost.",
                "id=\"oidc-clientId-error\">ClientId is required: the client registered for Usher at the provider.",
                "value=\"http://idp.corp.example/realms/corp\"");
        assertThat(bad.html()).as("a secret typed is not sent back").doesNotContain("s3cret");

        Map<String, String> form = Map.of("name", "Corp SSO", "issuer", provider.issuer(), "clientId", "usher",
                "clientSecret", TestIdentityProvider.CLIENT_SECRET, "adminGroup", "usher-admins");
        ConsoleClient.Page test = browser.post("/settings/oidc/test", form, null, Map.of("X-CSRF-Token", browser.csrf(), "HX-Request", "true"));
        assertThat(test.html()).startsWith("<div id=\"oidc-test-result\"").contains("Connection works: read the discovery document of "
                + provider.issuer() + " and its 1 signing key");

        ConsoleClient.Page saved = browser.post("/settings/oidc", form, true);
        assertThat(saved.status()).isEqualTo(303);
        String settings = browser.get("/settings").html();
        assertThat(settings).contains("Saved the identity provider settings. The sign-in page offers \"Sign in with Corp SSO\" from"
                + " now on.", "(stored; leave empty to keep it)", "value=\"usher-admins\"")
                .doesNotContain(TestIdentityProvider.CLIENT_SECRET);
        assertThat(server.server().identity().users().adminEvents(5).getFirst()).isEqualTo(new dev.usher.core.identity.UserDirectory.AdminEvent("oidc-settings", "admin",
                "127.0.0.1", provider.issuer(), null));

        // Saved again without typing the secret: the stored one stays.
        assertThat(browser.post("/settings/oidc", Map.of("name", "Corp SSO", "issuer", provider.issuer(), "clientId", "usher"), true)
                .status()).isEqualTo(303);
        assertThat(browser.get("/settings").html()).contains("(stored; leave empty to keep it)");

        ConsoleClient signedOut = new ConsoleClient(server.server().localUrl());
        assertThat(signedOut.get("/login").html()).contains("id=\"oidc-sign-in\" href=\"/login/oidc\">Sign in with Corp SSO</a>");
        assertThat(signedOut.get("/login?next=/seats").html()).contains("href=\"/login/oidc?next=%2Fseats\"");

        assertThat(browser.get("/settings/oidc/remove").html()).contains("Stop signing in through the identity provider?");
        assertThat(browser.post("/settings/oidc/remove", Map.of(), true).status()).isEqualTo(303);
        assertThat(browser.get("/settings").html()).contains("Removed the identity provider settings.", "Not configured");
        assertThat(signedOut.get("/login").html()).doesNotContain("Sign in with");
    }
}
