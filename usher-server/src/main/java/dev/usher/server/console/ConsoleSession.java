package dev.usher.server.console;

import dev.usher.server.auth.BearerTokens;
import dev.usher.server.auth.IdentityService;
import dev.usher.server.auth.Principal;
import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.SameSite;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The console's sign-in: the cookie holds the token of an ordinary sign-in
 * ({@link IdentityService#signIn}), so the session lifetime, the idle timeout, the throttle and
 * revocation are the API's own. Only members of Administrators get a console session.
 *
 * <p>The CSRF token is an HMAC of a fixed text keyed with that (HttpOnly) session token: per session,
 * unguessable from outside, and it needs no server-side state or survives a restart.
 */
final class ConsoleSession {

    static final String COOKIE = "usher_console";
    static final String CSRF_FIELD = "_csrf";
    static final String CSRF_HEADER = "X-CSRF-Token";

    /** A signed-in administrator: who, their session token and their CSRF token. */
    record Admin(Principal principal, String token, String csrf) {
        String name() {
            return principal.name();
        }
    }

    private final IdentityService identity;
    /** One-shot messages shown on the page after a redirect ("license added"), per session. */
    private final Map<String, String> notices = new ConcurrentHashMap<>();

    ConsoleSession(IdentityService identity) {
        this.identity = identity;
    }

    /** The administrator this request comes from, if its cookie is a live administrator sign-in. */
    Optional<Admin> admin(Context ctx) {
        String token = ctx.cookie(COOKIE);
        if (token == null || token.isBlank() || token.length() > 200) {
            return Optional.empty();
        }
        return identity.authenticate(token).filter(Principal::admin).map(p -> new Admin(p, token, csrf(token)));
    }

    /** Signs in and sets the cookie; throws what {@link IdentityService#signIn} throws, or NotAdministrator. */
    Admin signIn(Context ctx, String user, String password) {
        return open(ctx, identity.signIn(user, password, ctx.ip()));
    }

    /** Turns a sign-in (by password or through the identity provider) into a console session: administrators only. */
    Admin open(Context ctx, IdentityService.SignedIn s) {
        if (!s.admin()) {
            identity.signOut(s.token());
            throw new NotAdministrator(s.user().name());
        }
        ctx.cookie(cookie(ctx, s.token(), -1));
        return new Admin(new Principal(s.user().id(), s.user().name(), true, "session"), s.token(), csrf(s.token()));
    }

    void signOut(Context ctx, Admin admin) {
        identity.signOut(admin.token());
        notices.remove(key(admin));
        ctx.cookie(cookie(ctx, "", 0));
    }

    /** True when the request carries this session's CSRF token (form field or htmx header). */
    boolean csrfValid(Context ctx, Admin admin) {
        String sent = ctx.header(CSRF_HEADER);
        if (sent == null) {
            sent = ctx.formParam(CSRF_FIELD);
        }
        return sent != null && MessageDigest.isEqual(sent.getBytes(StandardCharsets.UTF_8), admin.csrf().getBytes(StandardCharsets.UTF_8));
    }

    void notice(Admin admin, String message) {
        if (notices.size() > 10_000) {
            notices.clear();
        }
        notices.put(key(admin), message);
    }

    String takeNotice(Admin admin) {
        return notices.remove(key(admin));
    }

    private static String key(Admin admin) {
        return BearerTokens.sha256Hex(admin.token());
    }

    private static Cookie cookie(Context ctx, String value, int maxAge) {
        // Secure whenever the browser reached us over HTTPS; plain HTTP on a LAN would never send it back otherwise.
        boolean secure = "https".equalsIgnoreCase(ctx.scheme());
        return new Cookie(COOKIE, value, "/", maxAge, secure, true, null, SameSite.STRICT);
    }

    static String csrf(String token) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(token.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal("usher-console-csrf".getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Signed in correctly, but not a member of Administrators. */
    static final class NotAdministrator extends RuntimeException {
        NotAdministrator(String name) {
            super(name + " is not an administrator: the console is for members of the Administrators role");
        }
    }
}
