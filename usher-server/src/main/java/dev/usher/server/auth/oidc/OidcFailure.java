package dev.usher.server.auth.oidc;

/**
 * A sign-in through the identity provider that did not happen; the message is one sentence for the
 * person at the sign-in page (or the administrator testing the settings), without secrets.
 */
public final class OidcFailure extends RuntimeException {

    /** Why, as far as the person can act on it. */
    public enum Kind {
        /** The provider could not be reached or answered with a server error: try again later (HTTP 503). */
        UNAVAILABLE(503),
        /** Usher or the provider is set up wrongly: the administrator must fix the settings (HTTP 502). */
        MISCONFIGURED(502),
        /** This sign-in was refused: a forged, replayed, late or invalid answer (HTTP 400). */
        REJECTED(400),
        /** The person signed in at the provider but may not use Usher's console (HTTP 403). */
        NOT_ALLOWED(403);

        private final int status;

        Kind(int status) {
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    private final Kind kind;

    private OidcFailure(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    static OidcFailure unavailable(String message, Throwable cause) {
        return new OidcFailure(Kind.UNAVAILABLE, message, cause);
    }

    static OidcFailure misconfigured(String message) {
        return new OidcFailure(Kind.MISCONFIGURED, message, null);
    }

    static OidcFailure rejected(String message) {
        return new OidcFailure(Kind.REJECTED, message, null);
    }

    static OidcFailure notAllowed(String message) {
        return new OidcFailure(Kind.NOT_ALLOWED, message, null);
    }
}
