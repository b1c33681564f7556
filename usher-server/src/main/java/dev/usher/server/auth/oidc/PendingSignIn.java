package dev.usher.server.auth.oidc;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

/**
 * A sign-in the browser started and has not finished: the secrets that tie the provider's answer to
 * this browser and this server. It travels in an HttpOnly cookie of the browser that started it, so
 * any node of a cluster can finish it and nothing is stored before the sign-in succeeds.
 *
 * <p>Why a cookie is enough: the answer is accepted only with a {@code state} equal to the cookie's
 * (another site cannot make the browser finish a sign-in it did not start), the code is redeemed only
 * with the cookie's PKCE {@code verifier} (a stolen code is worthless elsewhere), and the ID token must
 * carry the cookie's {@code nonce} (a token made for another sign-in is refused). The provider redeems a
 * code once, so the same answer replayed with the same cookie fails too.
 *
 * @param redirectUri the callback URL sent to the provider, which the token request must repeat
 * @param next        the console page to open afterwards
 */
public record PendingSignIn(String state, String nonce, String verifier, String redirectUri, String next, Instant startedAt) {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int MAX_COOKIE = 2000;

    /** The cookie's value. */
    public String encode() {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(JSON.writeValueAsBytes(this));
    }

    /** The sign-in a cookie holds; empty when there is no cookie or it is not one of ours. */
    public static Optional<PendingSignIn> decode(String cookie) {
        if (cookie == null || cookie.isBlank() || cookie.length() > MAX_COOKIE) {
            return Optional.empty();
        }
        try {
            PendingSignIn p = JSON.readValue(new String(Base64.getUrlDecoder().decode(cookie), StandardCharsets.UTF_8), PendingSignIn.class);
            boolean complete = p != null && p.state() != null && p.nonce() != null && p.verifier() != null
                    && p.redirectUri() != null && p.startedAt() != null;
            return complete ? Optional.of(p) : Optional.empty();
        } catch (IllegalArgumentException | JacksonException e) {
            return Optional.empty();
        }
    }
}
