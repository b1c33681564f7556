package dev.usher.core.seat;

/** Why a checkout was refused; {@link #code()} is the stable problem type suffix of the HTTP API. */
public enum DenyReason {
    UNKNOWN_POOL("unknown-pool", 404),
    SERVER_NOT_LICENSED("server-not-licensed", 503),
    NO_SEATS_AVAILABLE("no-seats-available", 409),
    /** An assignment rule (deny, allow-only) keeps this person out of the pool. */
    NOT_ENTITLED("not-entitled", 403),
    /** In open mode, the claimed user name is a machine's (the client sent its host name as the user). */
    USER_IS_A_MACHINE("user-is-a-machine", 403);

    private final String code;
    private final int httpStatus;

    DenyReason(String code, int httpStatus) {
        this.code = code;
        this.httpStatus = httpStatus;
    }

    public String code() {
        return code;
    }

    public int httpStatus() {
        return httpStatus;
    }
}
