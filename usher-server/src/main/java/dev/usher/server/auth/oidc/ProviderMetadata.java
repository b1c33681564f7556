package dev.usher.server.auth.oidc;

import tools.jackson.databind.JsonNode;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * What a provider's discovery document ({@code ISSUER/.well-known/openid-configuration}) says Usher
 * needs: where to send the browser, where to redeem the code, where the signing keys are, and which
 * options it supports.
 *
 * @param tokenAuthMethods       {@code token_endpoint_auth_methods_supported}; empty: not stated
 *                               ({@code client_secret_basic}, the default of the specification)
 * @param codeChallengeMethods   {@code code_challenge_methods_supported}; empty: not stated
 * @param signingAlgorithms      {@code id_token_signing_alg_values_supported}
 */
record ProviderMetadata(String issuer, URI authorizationEndpoint, URI tokenEndpoint, URI jwksUri,
                        List<String> tokenAuthMethods, List<String> codeChallengeMethods, List<String> signingAlgorithms) {

    /**
     * Reads the discovery document of the provider whose issuer is {@code expectedIssuer}.
     *
     * @throws OidcFailure when a member Usher needs is missing, or the document names another issuer
     */
    static ProviderMetadata from(JsonNode doc, String expectedIssuer) {
        String issuer = doc.path("issuer").asString(null);
        if (issuer == null) {
            throw OidcFailure.misconfigured("the provider's discovery document has no issuer");
        }
        // OpenID Connect Discovery 1.0, section 4.3: the issuer must be exactly the one asked for (a
        // document served for another issuer must not be trusted for this one).
        if (!issuer.equals(expectedIssuer)) {
            throw OidcFailure.misconfigured("the provider says its issuer is " + issuer + ", not " + expectedIssuer
                    + "; set oidc.issuer to exactly " + issuer);
        }
        return new ProviderMetadata(issuer, endpoint(doc, "authorization_endpoint"), endpoint(doc, "token_endpoint"),
                endpoint(doc, "jwks_uri"), strings(doc, "token_endpoint_auth_methods_supported"),
                strings(doc, "code_challenge_methods_supported"), strings(doc, "id_token_signing_alg_values_supported"));
    }

    /** True unless the provider lists its PKCE methods and S256 is not among them. */
    boolean supportsS256() {
        return codeChallengeMethods.isEmpty() || codeChallengeMethods.contains("S256");
    }

    private static URI endpoint(JsonNode doc, String member) {
        String value = doc.path(member).asString(null);
        if (value == null || value.isBlank()) {
            throw OidcFailure.misconfigured("the provider's discovery document has no " + member);
        }
        try {
            URI uri = URI.create(value);
            if (uri.getHost() == null || !("https".equalsIgnoreCase(uri.getScheme()) || "http".equalsIgnoreCase(uri.getScheme()))) {
                throw new IllegalArgumentException("not an http(s) URL");
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw OidcFailure.misconfigured("the provider's " + member + " is not a URL: " + value);
        }
    }

    private static List<String> strings(JsonNode doc, String member) {
        List<String> out = new ArrayList<>();
        for (JsonNode n : doc.path(member)) {
            if (n.isString()) {
                out.add(n.asString());
            }
        }
        return List.copyOf(out);
    }
}
