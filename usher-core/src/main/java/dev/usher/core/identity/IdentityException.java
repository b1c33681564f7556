package dev.usher.core.identity;

/** A request about a person that cannot be honoured; {@link #code()} is the API problem type. */
public final class IdentityException extends RuntimeException {

    public enum Kind {
        UNKNOWN_USER("unknown-user", 403),
        USER_DISABLED("forbidden", 403),
        NAME_TAKEN("name-taken", 409),
        NOT_FOUND("not-found", 404),
        NOT_ALLOWED("forbidden", 403);

        private final String code;
        private final int status;

        Kind(String code, int status) {
            this.code = code;
            this.status = status;
        }

        public String code() {
            return code;
        }

        public int status() {
            return status;
        }
    }

    private final Kind kind;

    public IdentityException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    public static IdentityException unknownUser(String name) {
        return new IdentityException(Kind.UNKNOWN_USER, "'" + name + "' is not a user of this license server and new users"
                + " are not created automatically: ask your administrator to add you");
    }
}
