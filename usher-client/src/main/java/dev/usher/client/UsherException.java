package dev.usher.client;

/**
 * A refusal or failure from the license server. {@link #type()} is the stable problem name
 * ({@code no-seats-available}, {@code server-unreachable}, ...) a program switches on;
 * {@link #getMessage()} is a sentence fit to show to the person using the application.
 */
public class UsherException extends RuntimeException {

    private final String type;
    private final int status;

    public UsherException(String type, int status, String message) {
        this(type, status, message, null);
    }

    public UsherException(String type, int status, String message, Throwable cause) {
        super(message, cause);
        this.type = type;
        this.status = status;
    }

    /** The problem name, the suffix of {@code urn:usher:problem:<name>}. */
    public String type() {
        return type;
    }

    /** The HTTP status, or 0 when no server answered. */
    public int status() {
        return status;
    }

    /** Maps a problem+json body to its typed exception. */
    static UsherException fromProblem(int status, String body) {
        java.util.Map<String, Object> m = Json.object(body);
        String t = Json.string(m, "type");
        String type = t == null ? "http-" + status : t.substring(t.lastIndexOf(':') + 1);
        String detail = Json.string(m, "detail");
        if (detail == null || detail.isBlank()) {
            detail = Json.string(m, "title");
        }
        if (detail == null || detail.isBlank()) {
            detail = "the license server answered with status " + status;
        }
        switch (type) {
            case "no-seats-available":
                return new NoSeatsAvailable(status, detail, Json.number(m, "capacity", -1), Json.number(m, "inUse", -1),
                        Json.number(m, "queuePosition", 0));
            case "not-entitled":
                return new NotEntitled(status, detail);
            case "server-not-licensed":
                return new ServerNotLicensed(status, detail);
            case "unauthenticated":
                return new Unauthenticated(status, detail);
            case "unknown-pool":
                return new UnknownProduct(status, detail);
            default:
                return new UsherException(type, status, detail);
        }
    }
}
