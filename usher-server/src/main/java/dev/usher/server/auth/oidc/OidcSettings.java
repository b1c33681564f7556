package dev.usher.server.auth.oidc;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.usher.server.auth.StoredJson;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * How the console signs administrators in with the company's OpenID Connect provider, stored as JSON
 * under the settings key {@code oidc} (and set at start from {@code oidc.*} in the configuration file).
 *
 * <p>As with the LDAP bind password, the client secret never leaves the server: API answers use
 * {@link #redacted()}, and settings sent back without a secret keep the stored one for the same client.
 *
 * @param name          what the sign-in button says: "Sign in with {@code name}"; default: the issuer's host
 * @param issuer        the provider's issuer URL, exactly as its discovery document states it; required.
 *                      {@code https://} (plain {@code http://} only on the loopback address, for tests)
 * @param clientId      the client registered for Usher at the provider; required
 * @param clientSecret  that client's secret; null for a public client (PKCE alone)
 * @param scopes        space-separated; must contain {@code openid}; default {@code openid profile email}
 * @param usernameClaim the ID token claim that holds the user name; default {@code preferred_username}
 * @param groupsClaim   the ID token claim that lists the person's groups; default {@code groups}
 * @param adminGroup    a group whose members are administrators (besides the directory group of the
 *                      Administrators role, if any); null: only that role decides
 * @param redirectUri   the callback URL registered at the provider; null: this server's address as the
 *                      browser reached it, plus {@code /login/oidc/callback}
 */
public record OidcSettings(String name, String issuer, String clientId, String clientSecret, String scopes,
                           String usernameClaim, String groupsClaim, String adminGroup, String redirectUri) {

    /** The settings key under which {@link #toJson()} is stored. */
    public static final String SETTINGS_KEY = "oidc";
    public static final String DEFAULT_SCOPES = "openid profile email";
    public static final String DEFAULT_USERNAME_CLAIM = "preferred_username";
    public static final String DEFAULT_GROUPS_CLAIM = "groups";
    /** The path of the callback on this server; the redirect URI registered at the provider ends with it. */
    public static final String CALLBACK_PATH = "/login/oidc/callback";

    private static final Pattern CLAIM_NAME = Pattern.compile("[A-Za-z0-9_:./-]{1,100}");
    private static final Pattern SCOPE = Pattern.compile("[\\x21\\x23-\\x5B\\x5D-\\x7E]+");

    public OidcSettings {
        name = StoredJson.trimToNull(name);
        issuer = StoredJson.trimToNull(issuer);
        clientId = StoredJson.trimToNull(clientId);
        clientSecret = clientSecret == null || clientSecret.isEmpty() ? null : clientSecret;
        scopes = StoredJson.orDefault(scopes, DEFAULT_SCOPES).replaceAll("\\s+", " ");
        usernameClaim = StoredJson.orDefault(usernameClaim, DEFAULT_USERNAME_CLAIM);
        groupsClaim = StoredJson.orDefault(groupsClaim, DEFAULT_GROUPS_CLAIM);
        adminGroup = StoredJson.trimToNull(adminGroup);
        redirectUri = StoredJson.trimToNull(redirectUri);
    }

    /** What the button says after "Sign in with". */
    @JsonIgnore
    public String buttonName() {
        if (name != null) {
            return name;
        }
        try {
            String host = issuer == null ? null : new URI(issuer).getHost();
            return host == null ? "single sign-on" : host;
        } catch (URISyntaxException e) {
            return "single sign-on";
        }
    }

    @JsonIgnore
    public boolean clientSecretSet() {
        return clientSecret != null;
    }

    /**
     * What is wrong with these settings, one sentence per problem naming the field ({@code oidc.issuer …});
     * empty when they can be used.
     */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (issuer == null) {
            problems.add("oidc.issuer is required: the provider's issuer URL, e.g. https://login.corp.example/realms/corp");
        } else {
            url(problems, "oidc.issuer", issuer);
            if (issuer.contains("?") || issuer.contains("#")) {
                problems.add("oidc.issuer must not have a query or fragment");
            }
        }
        if (clientId == null) {
            problems.add("oidc.clientId is required: the client registered for Usher at the provider");
        } else if (clientId.length() > 255 || clientId.chars().anyMatch(Character::isISOControl)) {
            problems.add("oidc.clientId must be at most 255 printable characters");
        }
        if (clientSecret != null && (clientSecret.length() > 1000 || clientSecret.chars().anyMatch(Character::isISOControl))) {
            problems.add("oidc.clientSecret must be at most 1000 printable characters");
        }
        List<String> scopeList = Arrays.asList(scopes.split(" "));
        if (!scopeList.contains("openid")) {
            problems.add("oidc.scopes must include openid (e.g. " + DEFAULT_SCOPES + ")");
        }
        if (scopes.length() > 1000 || scopeList.stream().anyMatch(s -> !SCOPE.matcher(s).matches())) {
            problems.add("oidc.scopes must be scope names separated by spaces, e.g. " + DEFAULT_SCOPES);
        }
        claim(problems, "oidc.usernameClaim", usernameClaim);
        claim(problems, "oidc.groupsClaim", groupsClaim);
        if (name != null && (name.length() > 60 || name.chars().anyMatch(Character::isISOControl))) {
            problems.add("oidc.name must be at most 60 printable characters");
        }
        if (adminGroup != null && (adminGroup.length() > 256 || adminGroup.chars().anyMatch(Character::isISOControl))) {
            problems.add("oidc.adminGroup must be at most 256 printable characters");
        }
        if (redirectUri != null) {
            url(problems, "oidc.redirectUri", redirectUri);
            if (!redirectUri.endsWith(CALLBACK_PATH)) {
                problems.add("oidc.redirectUri must end with " + CALLBACK_PATH + " (Usher's callback), e.g. https://usher.corp.example"
                        + CALLBACK_PATH);
            }
        }
        return List.copyOf(problems);
    }

    /** Copy for API responses: the secret becomes null, {@code clientSecretSet} says whether one is stored. */
    public Redacted redacted() {
        return new Redacted(new OidcSettings(name, issuer, clientId, null, scopes, usernameClaim, groupsClaim, adminGroup,
                redirectUri), clientSecretSet());
    }

    /**
     * These settings as an admin sent them, with the stored secret kept when the admin left it out
     * (null) for the same client of the same provider.
     */
    public OidcSettings keepingSecretOf(OidcSettings stored) {
        if (clientSecret != null || stored == null || stored.clientSecret == null
                || !java.util.Objects.equals(issuer, stored.issuer) || !java.util.Objects.equals(clientId, stored.clientId)) {
            return this;
        }
        return new OidcSettings(name, issuer, clientId, stored.clientSecret, scopes, usernameClaim, groupsClaim, adminGroup,
                redirectUri);
    }

    public String toJson() {
        return StoredJson.write(this);
    }

    /** @throws IllegalArgumentException when the text is not a JSON object of these settings */
    public static OidcSettings fromJson(String json) {
        return StoredJson.read(json, OidcSettings.class, "OIDC");
    }

    @Override
    public String toString() {
        return "OidcSettings[name=" + name + ", issuer=" + issuer + ", clientId=" + clientId
                + ", clientSecret=" + (clientSecret == null ? "(none)" : "(set)") + ", scopes=" + scopes
                + ", usernameClaim=" + usernameClaim + ", groupsClaim=" + groupsClaim + ", adminGroup=" + adminGroup
                + ", redirectUri=" + redirectUri + "]";
    }

    /** The settings as the API shows them: every member with {@code clientSecret} null, plus {@code clientSecretSet}. */
    public record Redacted(@JsonUnwrapped OidcSettings settings, boolean clientSecretSet) {}

    /** https everywhere; plain http only on this machine, where nothing travels over a network (tests, a local provider). */
    private static void url(List<String> problems, String field, String value) {
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            problems.add(field + " is not a URL: " + value);
            return;
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (uri.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
            problems.add(field + " must be an https:// URL with a host, e.g. https://login.corp.example");
        } else if (scheme.equals("http") && !loopback(uri.getHost())) {
            problems.add(field + " must use https:// (the client secret and the tokens travel over it); http:// is accepted"
                    + " only for localhost");
        }
    }

    private static boolean loopback(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return h.equals("localhost") || h.startsWith("127.") || h.equals("[::1]") || h.equals("::1");
    }

    private static void claim(List<String> problems, String field, String value) {
        if (!CLAIM_NAME.matcher(value).matches()) {
            problems.add(field + " is not a claim name (letters, digits, _ : . / -): " + value);
        }
    }
}
