package dev.usher.server.auth;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.usher.server.testing.Http;
import dev.usher.server.testing.TestIdentityProvider;
import dev.usher.server.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Console sign-in through a real OpenID Connect provider started by the test, browser-less: the HTTP
 * requests a browser makes (cookies kept, redirects followed by hand), against a real server. The
 * happy path, groups to roles, and every way the provider's answer can be wrong, each refused with a
 * sentence on the sign-in page and nothing stored.
 */
class OidcSignInTest {

    @TempDir
    Path dir;

    private TestServer server;
    private TestIdentityProvider provider;
    private Http admin;
    private Browser browser;

    @BeforeEach
    void start() {
        server = TestServer.start(dir);
        // The provider stamps its tokens with the real time; the server's clock starts there and moves on from it.
        server.clock().set(Instant.now());
        provider = TestIdentityProvider.start();
        admin = server.admin();
        browser = new Browser();
        Http.Response saved = admin.put("/api/v1/settings/oidc", provider.settingsJson("usher-admins"));
        assertThat(saved.status()).as(saved.text()).isEqualTo(200);
    }

    @AfterEach
    void stop() {
        provider.close();
        server.close();
    }

    @Test
    void anAdministratorSignsInThroughTheProviderAndGroupsBecomeRoles() {
        long cadRole = admin.post("/api/v1/roles", "{\"name\":\"CAD users\",\"ldapGroup\":\"cad-users\"}").json().get("id").asLong();
        Http.Response login = browser.get("/login");
        assertThat(login.text()).contains("Sign in with Corp SSO");

        provider.nextSignIn("alice", List.of("usher-admins", "CAD-Users"), 3600);
        Flow flow = browser.toProviderAndBack("/seats");
        assertThat(flow.authorize()).containsEntry("response_type", "code").containsEntry("client_id", "usher")
                .containsEntry("code_challenge_method", "S256").containsEntry("scope", "openid profile email")
                .containsEntry("redirect_uri", server.server().localUrl() + "/login/oidc/callback")
                .containsKeys("state", "nonce", "code_challenge");
        Http.Response back = browser.get(flow.callback());
        assertThat(back.status()).as(back.text()).isEqualTo(200);
        assertThat(back.text()).contains("<meta http-equiv=\"refresh\" content=\"0;url=/seats\">");
        assertThat(browser.cookie("usher_console")).isPresent();
        assertThat(browser.cookie("usher_oidc")).as("the pending sign-in is used once").isEmpty();
        Http.Response seats = browser.get("/seats");
        assertThat(seats.status()).isEqualTo(200);
        assertThat(seats.text()).contains("<span class=\"who\">alice</span>");

        JsonNode alice = user("alice").orElseThrow();
        assertThat(alice.get("source").asString()).isEqualTo("oidc");
        assertThat(alice.get("displayName").asString()).isEqualTo("ALICE");
        assertThat(alice.get("email").asString()).isEqualTo("alice@corp.example");
        assertThat(alice.get("roles").toString()).contains("Administrators", "CAD users");

        // She leaves the CAD group at the provider: the next sign-in takes the role away, as an LDAP sign-in does.
        provider.nextSignIn("alice", List.of("usher-admins"), 3600);
        assertThat(new Browser().signIn().status()).isEqualTo(200);
        assertThat(admin.get("/api/v1/roles/" + cadRole + "/members").json()).isEmpty();
        assertThat(events()).contains("sign-in alice oidc");
    }

    @Test
    void someoneOutsideTheAdministratorsGroupIsToldSoAndGetsNoConsoleSession() {
        provider.nextSignIn("bob", List.of("staff"), 3600);
        Http.Response r = browser.signIn();
        assertThat(r.status()).isEqualTo(403);
        assertThat(alert(r)).isEqualTo("bob is not an administrator: the console is for members of the Administrators role.");
        assertThat(browser.cookie("usher_console")).isEmpty();
    }

    @Test
    void aLocalAccountOfTheSameNameIsNotTakenOver() {
        int before = userCount();
        provider.nextSignIn("admin", List.of("usher-admins"), 3600);
        Http.Response r = browser.signIn();
        assertThat(r.status()).isEqualTo(403);
        assertThat(alert(r)).isEqualTo("Sign-in through the identity provider failed: admin is a local account of Usher: sign in"
                + " with its Usher password.");
        assertNothingStored(before);
    }

    @Test
    void aWrongStateIsRefused() {
        int before = userCount();
        provider.nextSignIn("alice", List.of("usher-admins"), 3600);
        Flow flow = browser.toProviderAndBack("/");
        Http.Response r = browser.get(flow.callback().replaceFirst("state=[^&]+", "state=forged-by-another-site"));
        assertThat(r.status()).isEqualTo(400);
        assertThat(alert(r)).isEqualTo("Sign-in through the identity provider failed: the answer does not belong to the sign-in"
                + " this browser started (its state does not match); it was refused. Start the sign-in again.");
        assertNothingStored(before);

        // Without the cookie of the browser that started it (another browser, or a second use), the same.
        Http.Response elsewhere = new Browser().get(flow.callback());
        assertThat(alert(elsewhere)).isEqualTo("Sign-in through the identity provider failed: this browser did not start this"
                + " sign-in, or it was finished already; start it again.");
        assertNothingStored(before);
    }

    @Test
    void aReplayedCodeIsRefused() {
        provider.nextSignIn("alice", List.of("usher-admins"), 3600);
        Flow flow = browser.toProviderAndBack("/");
        String pending = browser.cookie("usher_oidc").orElseThrow();
        assertThat(browser.get(flow.callback()).status()).isEqualTo(200);
        long alice = userId("alice");
        int before = userCount();
        int sessions = sessions(alice);

        // The whole answer again, with the very cookie it was sent with (someone who copied both).
        Browser replay = new Browser();
        replay.setCookie("usher_oidc", pending, "/login/oidc");
        Http.Response r = replay.get(flow.callback());
        assertThat(r.status()).isEqualTo(400);
        assertThat(alert(r)).startsWith("Sign-in through the identity provider failed: the identity provider refused the sign-in"
                + " code (invalid_grant").endsWith("a code works once and only for the sign-in that asked for it. Start the sign-in again.");
        assertThat(replay.cookie("usher_console")).isEmpty();
        assertThat(userCount()).isEqualTo(before);
        assertThat(sessions(alice)).isEqualTo(sessions);
    }

    @Test
    void aTokenWithABadSignatureIsRefused() {
        int before = userCount();
        Flow flow = browser.toProviderAndBack("/");
        // The token endpoint answers with a token that has every right claim, signed by another key under the provider's key id.
        provider.answerNextTokenRequestWith(provider.forged(rightClaims(flow).build()));
        Http.Response r = browser.get(flow.callback());
        assertThat(r.status()).isEqualTo(400);
        assertThat(alert(r)).isEqualTo("Sign-in through the identity provider failed: the ID token's signature does not verify"
                + " against the provider's published keys; it was refused.");
        assertNothingStored(before);
    }

    @Test
    void aTokenForAnotherClientIsRefused() {
        int before = userCount();
        Flow flow = browser.toProviderAndBack("/");
        // Signed by the provider itself, but for another application (a token substituted from elsewhere).
        provider.answerNextTokenRequestWith(provider.signedByProvider(rightClaims(flow).audience("another-app").claim("azp", "another-app").build()));
        Http.Response r = browser.get(flow.callback());
        assertThat(r.status()).isEqualTo(400);
        assertThat(alert(r)).isEqualTo("Sign-in through the identity provider failed: the ID token is meant for another-app, not"
                + " for Usher's client usher; it was refused.");
        assertNothingStored(before);
    }

    @Test
    void aTokenHandedToAnotherClientIsRefused() {
        int before = userCount();
        Flow flow = browser.toProviderAndBack("/");
        // Usher is among the audiences, but the provider handed the token to another client (azp).
        provider.answerNextTokenRequestWith(provider.signedByProvider(rightClaims(flow).audience(List.of("usher", "another-app"))
                .claim("azp", "another-app").build()));
        Http.Response r = browser.get(flow.callback());
        assertThat(r.status()).isEqualTo(400);
        assertThat(alert(r)).isEqualTo("Sign-in through the identity provider failed: the ID token was handed to another-app, not to"
                + " Usher's client usher.");
        assertNothingStored(before);
    }

    @Test
    void aTokenMadeForAnotherSignInIsRefused() {
        int before = userCount();
        Flow flow = browser.toProviderAndBack("/");
        // Signed by the provider for Usher, but for another sign-in (its nonce): one taken from elsewhere and replayed here.
        provider.answerNextTokenRequestWith(provider.signedByProvider(rightClaims(flow).claim("nonce", "nonce-of-another-sign-in").build()));
        Http.Response r = browser.get(flow.callback());
        assertThat(r.status()).isEqualTo(400);
        assertThat(alert(r)).isEqualTo("Sign-in through the identity provider failed: the ID token does not carry the nonce of this"
                + " sign-in (it was made for another one, or replayed); it was refused.");
        assertNothingStored(before);
    }

    @Test
    void aTokenMadeByTheProviderWithEveryRightClaimIsAccepted() {
        // The control for the two tests above: only what they change makes the difference.
        Flow flow = browser.toProviderAndBack("/");
        provider.answerNextTokenRequestWith(provider.signedByProvider(rightClaims(flow).build()));
        assertThat(browser.get(flow.callback()).status()).isEqualTo(200);
        assertThat(user("alice")).isPresent();
    }

    @Test
    void anExpiredTokenIsRefusedByTheServersClock() {
        int before = userCount();
        provider.nextSignIn("alice", List.of("usher-admins"), 30);
        Flow flow = browser.toProviderAndBack("/");
        server.clock().advance(Duration.ofMinutes(3)); // past the token's 30 s and the minute of tolerance, within the 10 min of a sign-in
        Http.Response r = browser.get(flow.callback());
        assertThat(r.status()).isEqualTo(400);
        assertThat(alert(r)).startsWith("Sign-in through the identity provider failed: the ID token expired at ");
        assertNothingStored(before);
    }

    @Test
    void aSignInThatTookTooLongIsRefused() {
        int before = userCount();
        provider.nextSignIn("alice", List.of("usher-admins"), 3600);
        Flow flow = browser.toProviderAndBack("/");
        server.clock().advance(Duration.ofMinutes(11));
        Http.Response r = browser.get(flow.callback());
        assertThat(alert(r)).isEqualTo("Sign-in through the identity provider failed: the sign-in took longer than 10 minutes;"
                + " start it again.");
        assertNothingStored(before);
    }

    @Test
    void theProvidersRefusalIsShown() {
        Http.Response started = browser.get("/login/oidc");
        Map<String, String> authorize = query(started.headers().firstValue("Location").orElseThrow());
        Http.Response r = browser.get("/login/oidc/callback?error=access_denied&error_description=The+user+cancelled&state="
                + authorize.get("state"));
        assertThat(r.status()).isEqualTo(400);
        assertThat(alert(r)).isEqualTo("Sign-in through the identity provider failed: the identity provider did not sign you in"
                + " (access_denied: The user cancelled).");
    }

    @Test
    void aProviderThatIsDownIsReportedAsSuch() {
        int before = userCount();
        provider.nextSignIn("alice", List.of("usher-admins"), 3600);
        Flow flow = browser.toProviderAndBack("/");
        provider.stop();
        Http.Response r = browser.get(flow.callback());
        assertThat(r.status()).isEqualTo(503);
        assertThat(alert(r)).startsWith("Sign-in through the identity provider failed: cannot reach the identity provider at 127.0.0.1:")
                .endsWith("(token endpoint): connection refused; try again later.");
        assertNothingStored(before);

        // Starting a sign-in asks the provider for its discovery document (once the one kept has aged out).
        server.clock().advance(Duration.ofMinutes(16));
        Http.Response start = browser.get("/login/oidc");
        assertThat(start.status()).isEqualTo(503);
        assertThat(alert(start)).startsWith("Sign-in through the identity provider is not possible now: cannot reach the identity"
                + " provider at 127.0.0.1:");
        assertThat(start.text()).as("the password form is still there").contains("id=\"password\"");
    }

    @Test
    void theSettingsAreCheckedAndTheSecretIsNeverShownBack() {
        JsonNode shown = admin.get("/api/v1/settings/oidc").json();
        assertThat(shown.get("issuer").asString()).isEqualTo(provider.issuer());
        assertThat(shown.get("clientSecret").isNull()).isTrue();
        assertThat(shown.get("clientSecretSet").asBoolean()).isTrue();
        assertThat(shown.toString()).doesNotContain(TestIdentityProvider.CLIENT_SECRET);

        // Sent back without the secret (as the console does), the stored one stays: sign-in still authenticates the client.
        admin.put("/api/v1/settings/oidc", "{\"issuer\":\"" + provider.issuer() + "\",\"clientId\":\"usher\",\"adminGroup\":\"usher-admins\"}");
        assertThat(admin.get("/api/v1/settings/oidc").json().get("clientSecretSet").asBoolean()).isTrue();

        JsonNode test = admin.post("/api/v1/settings/oidc/test", "").json();
        assertThat(test.get("ok").asBoolean()).as(test.toString()).isTrue();
        assertThat(test.get("message").asString()).startsWith("read the discovery document of " + provider.issuer() + " and its 1 signing key");

        Http.Response bad = admin.put("/api/v1/settings/oidc", "{\"issuer\":\"http://idp.corp.example/realms/corp\",\"clientId\":\"usher\","
                + "\"scopes\":\"profile email\"}");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.problemType()).isEqualTo("validation-failed");
        assertThat(bad.json().get("detail").asString()).isEqualTo("oidc.issuer must use https:// (the client secret and the tokens"
                + " travel over it); http:// is accepted only for localhost; oidc.scopes must include openid (e.g. openid profile email)");
        assertThat(admin.get("/api/v1/settings/oidc").json().get("issuer").asString()).as("nothing changed").isEqualTo(provider.issuer());

        JsonNode wrongIssuer = admin.post("/api/v1/settings/oidc/test", "{\"issuer\":\"" + provider.issuer() + "/\",\"clientId\":\"usher\"}").json();
        assertThat(wrongIssuer.get("ok").asBoolean()).isFalse();
        assertThat(wrongIssuer.get("message").asString()).isEqualTo("the provider says its issuer is " + provider.issuer() + ", not "
                + provider.issuer() + "/; set oidc.issuer to exactly " + provider.issuer());

        assertThat(admin.delete("/api/v1/settings/oidc").status()).isEqualTo(204);
        assertThat(admin.get("/api/v1/settings/oidc").json().get("configured").asBoolean()).isFalse();
        assertThat(browser.get("/login").text()).doesNotContain("Sign in with");
        assertThat(events()).contains("oidc-settings admin null", "oidc-settings admin removed");
    }

    // ---- helpers ---------------------------------------------------------------------------------

    /** The authorization request the server sent the browser to, and the provider's answer (our callback URL). */
    private record Flow(Map<String, String> authorize, String callback) {}

    private int userCount() {
        return admin.get("/api/v1/users").json().get("total").asInt();
    }

    private Optional<JsonNode> user(String name) {
        for (JsonNode u : admin.get("/api/v1/users?search=" + name).json().get("items")) {
            if (u.get("name").asString().equals(name)) {
                return Optional.of(u);
            }
        }
        return Optional.empty();
    }

    private long userId(String name) {
        return user(name).orElseThrow().get("id").asLong();
    }

    private int sessions(long userId) {
        return (int) server.server().identity().users().tokens(userId).stream().filter(t -> t.kind().equals("session")).count();
    }

    private List<String> events() {
        return server.server().identity().users().adminEvents(50).stream()
                .map(e -> e.type() + " " + e.actor() + " " + e.detail()).toList();
    }

    /** The claims a right ID token for this sign-in has. */
    private JWTClaimsSet.Builder rightClaims(Flow flow) {
        Instant now = server.now();
        return new JWTClaimsSet.Builder().issuer(provider.issuer()).audience("usher").subject("alice").claim("azp", "usher")
                .claim("preferred_username", "alice").claim("groups", List.of("usher-admins"))
                .claim("nonce", flow.authorize().get("nonce")).issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(3600)));
    }

    /** No new user, no console session for this browser. */
    private void assertNothingStored(int usersBefore) {
        assertThat(userCount()).isEqualTo(usersBefore);
        assertThat(browser.cookie("usher_console")).isEmpty();
        assertThat(user("alice")).isEmpty();
    }

    private static String alert(Http.Response r) {
        var m = java.util.regex.Pattern.compile("<p class=\"error\" role=\"alert\" id=\"signin-error\">([^<]*)</p>").matcher(r.text());
        assertThat(m.find()).as(r.text()).isTrue();
        return m.group(1).replace("&#39;", "'").replace("&quot;", "\"").replace("&amp;", "&");
    }

    private static Map<String, String> query(String url) {
        Map<String, String> out = new LinkedHashMap<>();
        String q = URI.create(url).getRawQuery();
        for (String pair : q.split("&")) {
            int eq = pair.indexOf('=');
            out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }

    /** What a browser does, by hand: keeps cookies, follows only the redirects it is told to. */
    private final class Browser {
        private final CookieManager cookies = new CookieManager();
        private final HttpClient client = HttpClient.newBuilder().cookieHandler(cookies).followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5)).build();

        Http.Response get(String pathOrUrl) {
            String url = pathOrUrl.startsWith("http") ? pathOrUrl : server.server().localUrl() + pathOrUrl;
            try {
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                return new Http.Response(r.statusCode(), r.headers(), r.body());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        /** "Sign in with …", through the provider (which signs the queued person in at once), back to our callback. */
        Flow toProviderAndBack(String next) {
            Http.Response start = get("/login/oidc?next=" + next);
            assertThat(start.status()).as(start.text()).isEqualTo(303);
            String authorize = start.headers().firstValue("Location").orElseThrow();
            assertThat(authorize).startsWith(provider.issuer() + "/authorize?");
            Http.Response atProvider = get(authorize);
            assertThat(atProvider.status()).as(atProvider.text()).isEqualTo(302);
            String callback = atProvider.headers().firstValue("Location").orElseThrow();
            assertThat(callback).startsWith(server.server().localUrl() + "/login/oidc/callback?");
            return new Flow(query(authorize), callback);
        }

        /** The whole sign-in; the response of our callback. */
        Http.Response signIn() {
            return get(toProviderAndBack("/").callback());
        }

        Optional<String> cookie(String name) {
            return cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals(name) && !c.getValue().isEmpty())
                    .map(HttpCookie::getValue).findFirst();
        }

        void setCookie(String name, String value, String path) {
            HttpCookie c = new HttpCookie(name, value);
            c.setPath(path);
            c.setVersion(0);
            cookies.getCookieStore().add(URI.create(server.server().localUrl()), c);
        }
    }
}
