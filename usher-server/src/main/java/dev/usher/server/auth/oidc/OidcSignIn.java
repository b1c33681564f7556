package dev.usher.server.auth.oidc;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.usher.core.store.SettingsRepository;
import dev.usher.server.auth.BearerTokens;
import dev.usher.server.auth.IdentityService;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Console sign-in through the site's OpenID Connect provider: the authorization-code flow with PKCE
 * (S256), {@code state} and {@code nonce}, and the ID token checked by {@link IdTokenCheck}. The
 * administrator's settings are stored under {@link OidcSettings#SETTINGS_KEY}.
 *
 * <p>{@link #start} gives the provider's URL to send the browser to and the {@link PendingSignIn} to keep
 * in the browser; {@link #finish} takes the provider's answer back, and either signs the person in
 * (through {@link ProviderAccounts}) or throws an {@link OidcFailure} having stored nothing but a
 * {@code sign-in-failed} event.
 */
public final class OidcSignIn {

    /** How long the browser may spend at the provider. */
    public static final Duration PENDING_LIFETIME = Duration.ofMinutes(10);

    private final SettingsRepository settings;
    private final IdentityService identity;
    private final Clock clock;
    private final ProviderClient provider;
    private final IdTokenCheck tokens;
    private final ProviderAccounts accounts;

    public OidcSignIn(SettingsRepository settings, IdentityService identity) {
        this.settings = settings;
        this.identity = identity;
        this.clock = identity.clock();
        this.provider = new ProviderClient(clock);
        this.tokens = new IdTokenCheck(clock);
        this.accounts = new ProviderAccounts(identity.users(), identity.names(), clock);
    }

    // ---- settings ------------------------------------------------------------------------------

    /** The stored settings; empty when sign-in through a provider is off. */
    public Optional<OidcSettings> settings() {
        return settings.get(OidcSettings.SETTINGS_KEY).filter(s -> !s.isBlank()).map(OidcSettings::fromJson);
    }

    /** Validates and stores (a missing secret keeps the stored one of the same client); records who did it. */
    public OidcSettings save(OidcSettings requested, String actor, String source) {
        OidcSettings merged = requested.keepingSecretOf(settings().orElse(null));
        var problems = merged.problems();
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        settings.put(OidcSettings.SETTINGS_KEY, merged.toJson());
        provider.forget();
        identity.users().recordAdminEvent(clock.instant(), "oidc-settings", actor, source, merged.issuer(), null);
        return merged;
    }

    /** Stores settings given at start (configuration file) unless they are stored already: a restart records nothing. */
    public void configure(OidcSettings fromFile, String actor) {
        OidcSettings merged = fromFile.keepingSecretOf(settings().orElse(null));
        if (!settings().equals(Optional.of(merged))) {
            save(merged, actor, null);
        }
    }

    public void remove(String actor, String source) {
        settings.put(OidcSettings.SETTINGS_KEY, "");
        provider.forget();
        identity.users().recordAdminEvent(clock.instant(), "oidc-settings", actor, source, null, "removed");
    }

    /** What an administrator's "Test" shows: whether the provider's discovery document and keys can be read. */
    public record ProviderTest(boolean ok, String message) {}

    public ProviderTest test(OidcSettings s) {
        var problems = s.problems();
        if (!problems.isEmpty()) {
            return new ProviderTest(false, "not tested: " + String.join("; ", problems));
        }
        ProviderClient fresh = new ProviderClient(clock);
        try {
            ProviderMetadata m = fresh.metadata(s.issuer());
            int keys = fresh.keys(m, true).getKeys().size();
            if (!m.supportsS256()) {
                return new ProviderTest(false, "the provider at " + s.issuer() + " does not offer PKCE with S256, which Usher requires");
            }
            if (keys == 0) {
                return new ProviderTest(false, "the provider at " + s.issuer() + " publishes no signing keys at " + m.jwksUri());
            }
            return new ProviderTest(true, "read the discovery document of " + m.issuer() + " and its " + keys + " signing key"
                    + (keys == 1 ? "" : "s") + "; register " + (s.redirectUri() == null ? "https://THIS-SERVER" + OidcSettings.CALLBACK_PATH
                    : s.redirectUri()) + " as the client's redirect URI");
        } catch (OidcFailure e) {
            return new ProviderTest(false, e.getMessage());
        }
    }

    // ---- the flow --------------------------------------------------------------------------------

    /** Where to send the browser, and what it must keep until it comes back. */
    public record Started(URI authorizationUrl, PendingSignIn pending) {}

    /**
     * Begins a sign-in.
     *
     * @param ownCallback this server's callback as the browser reaches it (used unless the settings name one)
     * @throws OidcFailure when sign-in through a provider is off, or the provider cannot be asked
     */
    public Started start(String ownCallback, String next) {
        OidcSettings s = settings().orElseThrow(() -> OidcFailure.misconfigured("sign-in through an identity provider is not set up"));
        ProviderMetadata m = provider.metadata(s.issuer());
        if (!m.supportsS256()) {
            throw OidcFailure.misconfigured("the identity provider does not offer PKCE with S256, which Usher requires");
        }
        String redirectUri = s.redirectUri() != null ? s.redirectUri() : ownCallback;
        PendingSignIn pending = new PendingSignIn(BearerTokens.newToken(), BearerTokens.newToken(), BearerTokens.newToken(),
                redirectUri, next, clock.instant());
        Map<String, String> query = new LinkedHashMap<>();
        query.put("response_type", "code");
        query.put("client_id", s.clientId());
        query.put("redirect_uri", redirectUri);
        query.put("scope", s.scopes());
        query.put("state", pending.state());
        query.put("nonce", pending.nonce());
        query.put("code_challenge", challenge(pending.verifier()));
        query.put("code_challenge_method", "S256");
        String endpoint = m.authorizationEndpoint().toString();
        String url = endpoint + (endpoint.contains("?") ? "&" : "?") + query.entrySet().stream()
                .map(e -> encode(e.getKey()) + "=" + encode(e.getValue())).collect(Collectors.joining("&"));
        return new Started(URI.create(url), pending);
    }

    /**
     * Finishes a sign-in with the provider's answer (the query of the callback).
     *
     * @param pending what the browser kept since {@link #start}; empty when it sent nothing usable
     * @throws OidcFailure when anything does not hold; nothing is stored then but the failure event
     */
    public IdentityService.SignedIn finish(Optional<PendingSignIn> pending, Map<String, String> answer, String address) {
        try {
            PendingSignIn p = expect(pending, answer);
            OidcSettings s = settings().orElseThrow(() -> OidcFailure.misconfigured(
                    "sign-in through an identity provider was turned off during this sign-in"));
            ProviderMetadata m = provider.metadata(s.issuer());
            ProviderClient.Tokens t = provider.redeem(m, s, answer.get("code"), p.verifier(), p.redirectUri());
            JWTClaimsSet claims = tokens.verify(t.idToken(), m, s.clientId(), p.nonce(), reload -> provider.keys(m, reload));
            return identity.openSession(accounts.upsert(claims, s), address, "oidc");
        } catch (OidcFailure e) {
            identity.users().recordAdminEvent(clock.instant(), "sign-in-failed", "(identity provider)", address, null,
                    "oidc: " + e.getMessage());
            throw e;
        }
    }

    /** The answer belongs to the sign-in this browser started, in time, and carries a code. */
    private PendingSignIn expect(Optional<PendingSignIn> pending, Map<String, String> answer) {
        String error = answer.get("error");
        if (error != null) {
            String description = answer.get("error_description");
            throw OidcFailure.rejected("the identity provider did not sign you in (" + clip(error)
                    + (description == null ? "" : ": " + clip(description)) + ")");
        }
        if (pending.isEmpty()) {
            throw OidcFailure.rejected("this browser did not start this sign-in, or it was finished already; start it again");
        }
        PendingSignIn p = pending.get();
        String state = answer.get("state");
        if (state == null || !MessageDigest.isEqual(state.getBytes(StandardCharsets.UTF_8), p.state().getBytes(StandardCharsets.UTF_8))) {
            throw OidcFailure.rejected("the answer does not belong to the sign-in this browser started (its state does not match);"
                    + " it was refused. Start the sign-in again");
        }
        Instant now = clock.instant();
        if (now.isBefore(p.startedAt()) || !now.isBefore(p.startedAt().plus(PENDING_LIFETIME))) {
            throw OidcFailure.rejected("the sign-in took longer than " + PENDING_LIFETIME.toMinutes() + " minutes; start it again");
        }
        String code = answer.get("code");
        if (code == null || code.isBlank() || code.length() > 4096) {
            throw OidcFailure.rejected("the identity provider's answer carries no code");
        }
        return p;
    }

    /** The PKCE challenge of a verifier: BASE64URL(SHA-256(verifier)), RFC 7636 section 4.2. */
    static String challenge(String verifier) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(BearerTokens.sha256(verifier));
    }

    private static String clip(String s) {
        String t = s.replaceAll("\\p{Cntrl}", " ");
        return t.length() > 200 ? t.substring(0, 200) + "…" : t;
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
