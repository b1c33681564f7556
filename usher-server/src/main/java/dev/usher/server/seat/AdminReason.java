package dev.usher.server.seat;

/**
 * Why an administrator ended a seat, a person's seats or a loan. It is written into the seat events
 * and the audit trail (and so into their CSV and JSON-lines exports and the log), so it is kept to
 * one readable line of bounded length; the same rule holds for the API and the console.
 */
public final class AdminReason {

    public static final int MAX_LENGTH = 200;

    private AdminReason() {
    }

    /** True for no reason at all, or one line of at most {@link #MAX_LENGTH} printable characters. */
    public static boolean acceptable(String reason) {
        return reason == null || (reason.length() <= MAX_LENGTH && reason.chars().noneMatch(Character::isISOControl));
    }

    /** Refuses a reason that is not {@link #acceptable} (an entry point checks before it looks anything up). */
    public static void require(String reason) {
        if (!acceptable(reason)) {
            throw new IllegalArgumentException("reason must be at most " + MAX_LENGTH + " printable characters on one line");
        }
    }

    /**
     * The reason to record: the one given, or {@code fallback} when none is, followed by {@code (via)}
     * when given (the console notes itself and the administrator; that note does not count against the
     * limit of what was typed). Refuses a reason that is not {@link #acceptable}.
     */
    static String orElse(String reason, String fallback, String via) {
        require(reason);
        return (reason == null || reason.isBlank() ? fallback : reason.strip()) + (via == null ? "" : " (" + via + ")");
    }
}
