package dev.usher.server.monitoring;

/**
 * How the server reports on itself.
 *
 * @param metricsToken when set, {@code GET /metrics} needs {@code Authorization: Bearer <token>};
 *                     null leaves it open, as Prometheus scrape targets usually are
 * @param accessLog    which requests get an access-log line
 */
public record MonitoringConfig(String metricsToken, AccessLog accessLog) {

    /** Which requests are written to the access log (logger {@code usher.access}). */
    public enum AccessLog {
        /** Every request: a line per heartbeat, so size the log for it. */
        ALL,
        /** Requests answered with 4xx or 5xx: refusals and failures, each with its request id. */
        ERRORS,
        OFF;

        public static AccessLog fromCode(String code) {
            for (AccessLog a : values()) {
                if (a.name().equalsIgnoreCase(code == null ? "" : code.strip())) {
                    return a;
                }
            }
            throw new IllegalArgumentException("access log must be all, errors or off (got '" + code + "')");
        }
    }

    public MonitoringConfig {
        if (metricsToken != null && (metricsToken.isBlank() || metricsToken.length() < 16
                || metricsToken.chars().anyMatch(c -> c <= ' ' || c > '~'))) {
            throw new IllegalArgumentException("the metrics token must be at least 16 printable characters without spaces");
        }
        if (accessLog == null) {
            accessLog = AccessLog.ERRORS;
        }
    }

    /** Open /metrics, access log of refusals and failures. */
    public static MonitoringConfig defaults() {
        return new MonitoringConfig(null, AccessLog.ERRORS);
    }
}
