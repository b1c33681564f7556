package dev.usher.client;

import java.util.Map;

/**
 * Why a seat was lost, as {@link SeatListener#seatLost} tells the application: a stable {@link #code()}
 * a program switches on, and a {@link #message()} fit to show to the person using it.
 *
 * <p>The codes an administrator causes ({@link #byAdministrator()}) are the server's {@code endedBecause}:
 * {@code released-by-administrator}, {@code loan-taken-back}, {@code person-disabled}; the client does not
 * take a seat again after them unless {@link UsherClient.Builder#retakeAfterAdministratorRelease} says so.
 * The others: {@code no-server-answered} (the grace period ran out), or the problem type of the refusal
 * when taking the seat again after a lapse failed ({@code no-seats-available}, {@code not-entitled}, ...).
 */
public final class SeatLoss {

    public static final String RELEASED_BY_ADMINISTRATOR = "released-by-administrator";
    public static final String LOAN_TAKEN_BACK = "loan-taken-back";
    public static final String PERSON_DISABLED = "person-disabled";
    public static final String NO_SERVER_ANSWERED = "no-server-answered";

    private final String code;
    private final String message;
    private final String reason;

    SeatLoss(String code, String message, String reason) {
        this.code = code;
        this.message = message;
        this.reason = reason;
    }

    /** From the heartbeat's 410 (problem+json members {@code endedBecause}, {@code detail}, {@code reason}). */
    static SeatLoss ended(Map<String, Object> problem) {
        String because = Json.string(problem, "endedBecause");
        String detail = Json.string(problem, "detail");
        return new SeatLoss(because == null ? "lease-expired" : because,
                detail == null || detail.isEmpty() ? "The license server ended this session." : detail,
                Json.string(problem, "reason"));
    }

    static SeatLoss refused(UsherException e) {
        return new SeatLoss(e.type(), e.getMessage(), null);
    }

    /** True for the {@code endedBecause} codes that are an administrator's act. */
    static boolean byAdministrator(String endedBecause) {
        return RELEASED_BY_ADMINISTRATOR.equals(endedBecause) || LOAN_TAKEN_BACK.equals(endedBecause)
                || PERSON_DISABLED.equals(endedBecause);
    }

    public String code() {
        return code;
    }

    /** A sentence for the person using the application (with the administrator's reason, when there is one). */
    public String message() {
        return message;
    }

    /** What the administrator typed as the reason, or null. */
    public String reason() {
        return reason;
    }

    /** An administrator released the seat, took the loan back, or disabled the account. */
    public boolean byAdministrator() {
        return byAdministrator(code);
    }

    @Override
    public String toString() {
        return code + ": " + message;
    }
}
