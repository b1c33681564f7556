package dev.usher.server.auth.oidc;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import java.nio.charset.StandardCharsets;
import java.security.Key;
import java.security.MessageDigest;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Checks an ID token as OpenID Connect Core 1.0 (section 3.1.3.7) asks: signed by one of the provider's
 * published keys with an asymmetric algorithm, issued by this provider for this client, not expired
 * (by the server's clock, with a minute of tolerance), and carrying the nonce of this sign-in.
 *
 * <p>The signature is verified by Nimbus JOSE+JWT; the claims are checked here, one sentence per way to fail.
 */
final class IdTokenCheck {

    static final Duration CLOCK_SKEW = Duration.ofMinutes(1);
    /** RSA and elliptic-curve signatures: keys the provider publishes. HMAC (keyed with the client secret) and "none" never. */
    private static final Set<JWSAlgorithm> ALGORITHMS = Set.of(
            JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512, JWSAlgorithm.PS256, JWSAlgorithm.PS384,
            JWSAlgorithm.PS512, JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.ES512);

    private final Clock clock;

    IdTokenCheck(Clock clock) {
        this.clock = clock;
    }

    /**
     * The token's claims, once everything holds.
     *
     * @param keys the provider's keys; called with {@code true} to read them again when none has the token's key id
     * @throws OidcFailure (rejected) naming what does not hold
     */
    JWTClaimsSet verify(String idToken, ProviderMetadata provider, String clientId, String nonce, Function<Boolean, JWKSet> keys) {
        SignedJWT jwt;
        JWTClaimsSet claims;
        try {
            jwt = SignedJWT.parse(idToken);
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw OidcFailure.rejected("the identity provider's ID token is not a signed JWT: " + e.getMessage());
        }
        JWSHeader header = jwt.getHeader();
        if (!ALGORITHMS.contains(header.getAlgorithm())) {
            throw OidcFailure.rejected("the ID token is signed with " + header.getAlgorithm()
                    + ", which Usher does not accept (RS256, PS256, ES256 and their longer forms)");
        }
        List<? extends Key> candidates = candidates(header, keys.apply(false));
        if (candidates.isEmpty()) {
            candidates = candidates(header, keys.apply(true)); // the provider may have rotated its keys
        }
        if (candidates.isEmpty()) {
            throw OidcFailure.rejected("the ID token is signed with a key the provider does not publish"
                    + (header.getKeyID() == null ? "" : " (key id " + header.getKeyID() + ")") + "; it was refused");
        }
        if (!signedByOneOf(jwt, candidates)) {
            throw OidcFailure.rejected("the ID token's signature does not verify against the provider's published keys; it was"
                    + " refused");
        }
        checkClaims(claims, provider.issuer(), clientId, nonce);
        return claims;
    }

    private void checkClaims(JWTClaimsSet claims, String issuer, String clientId, String nonce) {
        if (!issuer.equals(claims.getIssuer())) {
            throw OidcFailure.rejected("the ID token was issued by " + claims.getIssuer() + ", not by " + issuer);
        }
        List<String> audience = claims.getAudience();
        if (audience == null || !audience.contains(clientId)) {
            throw OidcFailure.rejected("the ID token is meant for " + (audience == null || audience.isEmpty() ? "no one" : String.join(", ", audience))
                    + ", not for Usher's client " + clientId + "; it was refused");
        }
        Object azp = claims.getClaim("azp");
        if ((audience.size() > 1 || azp != null) && !clientId.equals(azp)) {
            throw OidcFailure.rejected("the ID token was handed to " + azp + ", not to Usher's client " + clientId);
        }
        Instant now = clock.instant();
        Date exp = claims.getExpirationTime();
        if (exp == null || !now.isBefore(exp.toInstant().plus(CLOCK_SKEW))) {
            throw OidcFailure.rejected(exp == null ? "the ID token has no expiry time" : "the ID token expired at " + exp.toInstant()
                    + " (this server's time is " + now + "); sign in again, and check both clocks if it happens again");
        }
        Date iat = claims.getIssueTime();
        if (iat == null || iat.toInstant().isAfter(now.plus(CLOCK_SKEW))) {
            throw OidcFailure.rejected(iat == null ? "the ID token has no issue time" : "the ID token was issued at " + iat.toInstant()
                    + ", later than this server's time " + now + "; check the clocks of the server and the provider");
        }
        Date nbf = claims.getNotBeforeTime();
        if (nbf != null && now.isBefore(nbf.toInstant().minus(CLOCK_SKEW))) {
            throw OidcFailure.rejected("the ID token is not valid before " + nbf.toInstant() + " (this server's time is " + now + ")");
        }
        Object sent = claims.getClaim("nonce");
        if (!(sent instanceof String s) || !MessageDigest.isEqual(s.getBytes(StandardCharsets.UTF_8), nonce.getBytes(StandardCharsets.UTF_8))) {
            throw OidcFailure.rejected("the ID token does not carry the nonce of this sign-in (it was made for another one, or"
                    + " replayed); it was refused");
        }
        if (claims.getSubject() == null || claims.getSubject().isBlank()) {
            throw OidcFailure.rejected("the ID token names no subject (sub)");
        }
    }

    private static List<? extends Key> candidates(JWSHeader header, JWKSet keys) {
        try {
            return new JWSVerificationKeySelector<SecurityContext>(header.getAlgorithm(), new ImmutableJWKSet<>(keys))
                    .selectJWSKeys(header, null);
        } catch (com.nimbusds.jose.KeySourceException e) {
            return List.of();
        }
    }

    private static boolean signedByOneOf(SignedJWT jwt, List<? extends Key> keys) {
        DefaultJWSVerifierFactory verifiers = new DefaultJWSVerifierFactory();
        for (Key key : keys) {
            try {
                if (jwt.verify(verifiers.createJWSVerifier(jwt.getHeader(), key))) {
                    return true;
                }
            } catch (JOSEException e) {
                // a key of the wrong kind or size for this algorithm: try the next one
            }
        }
        return false;
    }
}
