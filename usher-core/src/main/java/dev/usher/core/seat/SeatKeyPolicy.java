package dev.usher.core.seat;

import java.util.Arrays;

/**
 * What one seat of a pool is held by. The default, {@link #USER}, is the reason Usher exists: one
 * person holds one seat however many machines, apps and reconnects they have.
 */
public enum SeatKeyPolicy {
    /** One seat per person. */
    USER("user"),
    /** One seat per person per machine (for software licensed per workstation). */
    USER_HOST("user+host"),
    /** One seat per running client instance. */
    SESSION("session");

    private final String code;

    SeatKeyPolicy(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }

    public static SeatKeyPolicy fromCode(String code) {
        return Arrays.stream(values())
                .filter(p -> p.code.equals(code))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException(
                        "seat key policy must be one of user, user+host, session (got '" + code + "')"));
    }

    /** The policy a seat key was made under ({@code u:}, {@code uh:} or {@code s:}). */
    public static SeatKeyPolicy ofKey(String seatKey) {
        if (seatKey.startsWith("s:")) {
            return SESSION;
        }
        return seatKey.startsWith("uh:") ? USER_HOST : USER;
    }

    /** The seat key: unique per pool, so the store can enforce "one seat per key" with a constraint. */
    public String seatKey(long userId, String hostKey, String sessionId) {
        return switch (this) {
            case USER -> "u:" + userId;
            case USER_HOST -> "uh:" + userId + ":" + hostKey;
            case SESSION -> "s:" + sessionId;
        };
    }
}
