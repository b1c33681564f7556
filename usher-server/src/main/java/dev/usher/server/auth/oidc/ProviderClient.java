package dev.usher.server.auth.oidc;

import com.nimbusds.jose.jwk.JWKSet;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Usher's side of the conversation with the provider, over the JDK's HTTP client: the discovery
 * document, the signing keys (JWKS), and redeeming an authorization code at the token endpoint.
 * The document and the keys are kept for {@link #KEEP}, so a sign-in costs the provider one request;
 * an ID token signed with a key Usher has not seen makes it read the keys again (key rotation).
 */
final class ProviderClient {

    static final Duration KEEP = Duration.ofMinutes(15);
    private static final int MAX_BODY = 1024 * 1024;
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private record Kept<T>(String issuer, T value, Instant at) {}

    /** What the token endpoint gave for a code: the ID token (compact JWS). */
    record Tokens(String idToken) {}

    /**
     * Built on the first request to a provider, not with the server: an HttpClient loads the TLS and
     * elliptic-curve classes (a few hundred ms of start-up), which an installation without single
     * sign-on never needs.
     */
    private HttpClient http;
    private final JsonMapper json = JsonMapper.builder().build();
    private final Clock clock;
    private volatile Kept<ProviderMetadata> metadata;
    private volatile Kept<JWKSet> keys;

    ProviderClient(Clock clock) {
        this.clock = clock;
    }

    private synchronized HttpClient http() {
        if (http == null) {
            http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).followRedirects(HttpClient.Redirect.NEVER).build();
        }
        return http;
    }

    /** The provider's discovery document (kept a while). */
    ProviderMetadata metadata(String issuer) {
        Kept<ProviderMetadata> k = metadata;
        if (fresh(k, issuer)) {
            return k.value();
        }
        URI uri = URI.create(issuer.replaceAll("/+$", "") + "/.well-known/openid-configuration");
        JsonNode doc = parse(send(HttpRequest.newBuilder(uri).GET(), "discovery document"), uri, "discovery document");
        ProviderMetadata m = ProviderMetadata.from(doc, issuer);
        metadata = new Kept<>(issuer, m, clock.instant());
        return m;
    }

    /** The provider's signing keys; {@code reload} reads them again whatever was kept. */
    JWKSet keys(ProviderMetadata m, boolean reload) {
        Kept<JWKSet> k = keys;
        if (!reload && fresh(k, m.issuer())) {
            return k.value();
        }
        Answer a = send(HttpRequest.newBuilder(m.jwksUri()).GET(), "signing keys (JWKS)");
        if (a.status() != 200) {
            throw OidcFailure.misconfigured("the provider's signing keys at " + m.jwksUri() + " answered HTTP " + a.status());
        }
        try {
            JWKSet set = JWKSet.parse(a.body());
            keys = new Kept<>(m.issuer(), set, clock.instant());
            return set;
        } catch (ParseException e) {
            throw OidcFailure.misconfigured("the provider's signing keys at " + m.jwksUri() + " are not a JWK set: " + e.getMessage());
        }
    }

    /** Forgets what was kept (the settings changed). */
    void forget() {
        metadata = null;
        keys = null;
    }

    /**
     * Redeems the code at the token endpoint, proving with the PKCE verifier that this server started
     * the sign-in, and authenticating as the client when it has a secret.
     */
    Tokens redeem(ProviderMetadata m, OidcSettings s, String code, String verifier, String redirectUri) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "authorization_code");
        form.put("code", code);
        form.put("redirect_uri", redirectUri);
        form.put("code_verifier", verifier);
        HttpRequest.Builder request = HttpRequest.newBuilder(m.tokenEndpoint())
                .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "application/json");
        // client_secret_basic is the specification's default; client_secret_post only where it is all the provider takes.
        // A client authenticating in the header does not repeat its id in the body (RFC 6749, section 4.1.3).
        if (s.clientSecret() != null && (m.tokenAuthMethods().isEmpty() || m.tokenAuthMethods().contains("client_secret_basic"))) {
            String pair = formEncode(s.clientId()) + ":" + formEncode(s.clientSecret());
            request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
        } else {
            form.put("client_id", s.clientId());
            if (s.clientSecret() != null) {
                form.put("client_secret", s.clientSecret());
            }
        }
        String body = form.entrySet().stream().map(e -> formEncode(e.getKey()) + "=" + formEncode(e.getValue()))
                .collect(Collectors.joining("&"));
        Answer a = send(request.POST(HttpRequest.BodyPublishers.ofString(body)), "token endpoint");
        JsonNode answer = parse(a, m.tokenEndpoint(), "token endpoint");
        if (a.status() != 200) {
            String error = answer.path("error").asString("");
            String description = answer.path("error_description").asString("");
            String said = error.isEmpty() ? "HTTP " + a.status() : error + (description.isEmpty() ? "" : ": " + description);
            if (error.equals("invalid_client") || a.status() == 401) {
                throw OidcFailure.misconfigured("the identity provider refused Usher's client credentials (" + said
                        + "); check oidc.clientId and the client secret");
            }
            throw OidcFailure.rejected("the identity provider refused the sign-in code (" + said + "): a code works once and"
                    + " only for the sign-in that asked for it. Start the sign-in again");
        }
        String idToken = answer.path("id_token").asString(null);
        if (idToken == null || idToken.isBlank()) {
            throw OidcFailure.misconfigured("the identity provider answered without an ID token; check that oidc.scopes includes openid");
        }
        return new Tokens(idToken);
    }

    private record Answer(int status, String body) {}

    private Answer send(HttpRequest.Builder request, String what) {
        URI uri = request.build().uri();
        try {
            HttpResponse<InputStream> r = http().send(request.timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofInputStream());
            byte[] body;
            try (InputStream in = r.body()) {
                body = in.readNBytes(MAX_BODY + 1);
            }
            if (body.length > MAX_BODY) {
                throw OidcFailure.misconfigured("the provider's " + what + " at " + uri + " is larger than 1 MiB");
            }
            if (r.statusCode() >= 500) {
                throw OidcFailure.unavailable("the identity provider at " + uri.getHost() + " is not working (its " + what
                        + " answered HTTP " + r.statusCode() + "); try again later", null);
            }
            return new Answer(r.statusCode(), new String(body, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw OidcFailure.unavailable("cannot reach the identity provider at " + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "")
                    + " (" + what + "): " + describe(e) + "; try again later", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw OidcFailure.unavailable("interrupted while asking the identity provider", e);
        }
    }

    private JsonNode parse(Answer a, URI uri, String what) {
        if (what.equals("discovery document") && a.status() != 200) {
            throw OidcFailure.misconfigured("there is no discovery document at " + uri + " (HTTP " + a.status()
                    + "); check oidc.issuer");
        }
        try {
            JsonNode node = json.readTree(a.body());
            if (node == null || !node.isObject()) {
                throw OidcFailure.misconfigured("the provider's " + what + " at " + uri + " did not answer with a JSON object");
            }
            return node;
        } catch (JacksonException e) {
            throw OidcFailure.misconfigured("the provider's " + what + " at " + uri + " did not answer with JSON (HTTP " + a.status() + ")");
        }
    }

    private boolean fresh(Kept<?> k, String issuer) {
        return k != null && k.issuer().equals(issuer) && !clock.instant().isBefore(k.at()) && clock.instant().isBefore(k.at().plus(KEEP));
    }

    private static String describe(IOException e) {
        if (e instanceof java.net.ConnectException) {
            return "connection refused";
        }
        if (e instanceof java.net.http.HttpTimeoutException) {
            return "no answer within " + TIMEOUT.toSeconds() + " s";
        }
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    private static String formEncode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
