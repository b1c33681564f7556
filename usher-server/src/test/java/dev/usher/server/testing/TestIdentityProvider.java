package dev.usher.server.testing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import no.nav.security.mock.oauth2.http.OAuth2HttpRequest;
import no.nav.security.mock.oauth2.http.OAuth2HttpResponse;
import no.nav.security.mock.oauth2.http.Route;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import okhttp3.Headers;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;

/**
 * A real OpenID Connect provider for tests (NAV's mock-oauth2-server): discovery, JWKS, authorization
 * and token endpoints with PKCE and single-use codes, RS256-signed ID tokens, on a random loopback port,
 * in this JVM. Each sign-in's ID token carries what {@link #nextSignIn} queued. The test knows the
 * provider's signing key, so it can also make the token endpoint hand out a token of its own making.
 */
public final class TestIdentityProvider implements AutoCloseable {

    public static final String ISSUER_ID = "corp";
    public static final String CLIENT_ID = "usher";
    public static final String CLIENT_SECRET = "usher-client-secret-42";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final MockOAuth2Server server;
    private final String host;
    private final RSAKey key;
    private final NextTokenAnswer nextTokenAnswer;
    private boolean running;

    private TestIdentityProvider(boolean interactive, String host) {
        try {
            this.key = new RSAKeyGenerator(2048).keyID(ISSUER_ID).generate(); // the provider names its key after the issuer
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        this.host = host;
        this.nextTokenAnswer = new NextTokenAnswer();
        String config = JSON.writeValueAsString(Map.of("interactiveLogin", interactive,
                "tokenProvider", Map.of("keyProvider", Map.of("initialKeys", key.toJSONString(), "algorithm", "RS256"))));
        this.server = new MockOAuth2Server(OAuth2Config.Companion.fromJson(config), nextTokenAnswer);
        try {
            server.start(InetAddress.getByName("127.0.0.1"), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        running = true;
    }

    /** Signs people in at once (no login page), as {@link #nextSignIn} says. */
    public static TestIdentityProvider start() {
        return new TestIdentityProvider(false, "127.0.0.1");
    }

    /**
     * Shows a login page where the person types a user name and the claims (a browser test), reached as
     * {@code localhost}: another site than a server on 127.0.0.1, as a real provider is.
     */
    public static TestIdentityProvider startInteractive() {
        return new TestIdentityProvider(true, "localhost");
    }

    /** The issuer URL, as Usher is configured with it. */
    public String issuer() {
        return "http://" + host + ":" + server.baseUrl().port() + "/" + ISSUER_ID;
    }

    /** Usher's settings for this provider (JSON for PUT /api/v1/settings/oidc). */
    public String settingsJson(String adminGroup) {
        return """
                {"name":"Corp SSO","issuer":"%s","clientId":"%s","clientSecret":"%s","adminGroup":%s}"""
                .formatted(issuer(), CLIENT_ID, CLIENT_SECRET, adminGroup == null ? "null" : "\"" + adminGroup + "\"");
    }

    /** The next ID token names this person, with these groups, valid for {@code seconds}. */
    public void nextSignIn(String user, List<String> groups, long seconds) {
        server.enqueueCallback(new DefaultOAuth2TokenCallback(ISSUER_ID, user, "JWT", List.of(CLIENT_ID),
                Map.of("preferred_username", user, "name", user.toUpperCase(java.util.Locale.ROOT), "email", user + "@corp.example",
                        "groups", groups), seconds));
    }

    /** The next token request is answered with this ID token instead of one the provider makes. */
    public void answerNextTokenRequestWith(String idToken) {
        nextTokenAnswer.idToken = idToken;
    }

    /** A token signed with the provider's own key (it verifies against the provider's JWKS). */
    public String signedByProvider(JWTClaimsSet claims) {
        return sign(claims, key);
    }

    /** A token signed with another key that claims the provider's key id. */
    public String forged(JWTClaimsSet claims) {
        try {
            return sign(claims, new RSAKeyGenerator(2048).keyID(key.getKeyID()).generate());
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The provider goes away (its port refuses connections). */
    public void stop() {
        if (running) {
            server.shutdown();
            running = false;
        }
    }

    @Override
    public void close() {
        stop();
    }

    private static String sign(JWTClaimsSet claims, RSAKey with) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(with.getKeyID()).build(), claims);
            jwt.sign(new RSASSASigner(with));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Answers one token request with a given ID token (ahead of the provider's own routes), when armed. */
    private static final class NextTokenAnswer implements Route {
        private volatile String idToken;

        @Override
        public boolean match(OAuth2HttpRequest request) {
            return idToken != null && request.getMethod().equals("POST") && request.getUrl().encodedPath().endsWith("/token");
        }

        @Override
        public OAuth2HttpResponse invoke(OAuth2HttpRequest request) {
            String body = JSON.writeValueAsString(Map.of("token_type", "Bearer", "access_token", "opaque", "id_token", idToken));
            idToken = null;
            return new OAuth2HttpResponse(Headers.of("Content-Type", "application/json"), 200, body, null);
        }
    }
}
