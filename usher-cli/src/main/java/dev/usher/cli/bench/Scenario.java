package dev.usher.cli.bench;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The bench's requests: the bare baseline, checkout+checkin cycles, creating and ending live
 * sessions, and heartbeats. Session ids carry a random run id, so runs never collide with each
 * other or with real clients.
 */
final class Scenario {

    static final byte[] JSON_HEADER = "Content-Type: application/json\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final Pattern HEARTBEAT_SECONDS = Pattern.compile("\"heartbeatSeconds\"\\s*:\\s*(\\d+)");

    final String runId;
    private final String product;
    private final String feature;
    private final Plan plan;
    private final String[] sessionPaths;
    private final byte[][] userBodies;
    private final byte[][] cyclerBodies;
    final AtomicLong heartbeatSeconds = new AtomicLong(-1);

    /**
     * @param product URL-encoded product segment
     * @param feature URL-encoded feature segment
     */
    Scenario(String product, String feature, Plan plan) {
        this.runId = newRunId();
        this.product = product;
        this.feature = feature;
        this.plan = plan;
        this.sessionPaths = new String[plan.sessions()];
        for (int i = 0; i < sessionPaths.length; i++) {
            sessionPaths[i] = "/api/v1/sessions/bench-" + runId + "-s" + i;
        }
        this.userBodies = new byte[plan.users()][];
        for (int u = 0; u < userBodies.length; u++) {
            userBodies[u] = body("bench-user-" + u, "bench-host-" + u);
        }
        this.cyclerBodies = new byte[Math.max(1, plan.cycleUsers())][];
        for (int u = 0; u < cyclerBodies.length; u++) {
            cyclerBodies[u] = body("bench-cycler-" + u, "bench-cycler-host-" + u);
        }
    }

    private static byte[] body(String user, String host) {
        return ("{\"user\":\"" + user + "\",\"host\":\"" + host + "\",\"client\":\"usher-bench\"}").getBytes(StandardCharsets.UTF_8);
    }

    private static String newRunId() {
        SecureRandom random = new SecureRandom();
        String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        StringBuilder sb = new StringBuilder(8);
        for (int i = 0; i < 8; i++) {
            sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    private String checkoutPath(String sessionPath) {
        return sessionPath + "/checkouts/" + product + "/" + feature;
    }

    PhaseResult baseline(Load load, Duration warmup, Duration duration) {
        return load.timed("baseline", "bare baseline GET /healthz", "req/s", plan.connections(), warmup, duration,
                worker -> (w, i) -> {
                    if (Worker.ok(w.call("GET", "/healthz", null, null))) {
                        w.completed();
                    }
                });
    }

    /** Each cycle: a checkout under a fresh session id, then its check-in. */
    PhaseResult cycles(Load load, Duration warmup, Duration duration) {
        return load.timed("cycles", "checkout+checkin cycles", "cycles/s", plan.connections(), warmup, duration, worker -> {
            byte[] body = cyclerBodies[worker % cyclerBodies.length];
            String prefix = "/api/v1/sessions/bench-" + runId + "-w" + worker + "-";
            return (w, i) -> {
                String checkout = checkoutPath(prefix + i);
                if (Worker.ok(w.call("PUT", checkout, JSON_HEADER, body)) && Worker.ok(w.call("DELETE", checkout, null, null))) {
                    w.completed();
                }
            };
        });
    }

    /** Checks out every bench session (users spread round-robin), so that all of them are live. */
    PhaseResult createSessions(Load load, Duration limit) {
        return createSessions(load, limit, null);
    }

    /**
     * Starts keeping sessions alive as {@link #createSessions} creates them: every created session heartbeats once per
     * {@code interval}, or, when {@code interval} is null, once per two of the {@code heartbeatSeconds} the server asks
     * for (two thirds of the lease, which is three of them). Keeping a session alive needs no more, and a real
     * client's pace (one third) would need 25,000 heartbeats/s for 1,000,000 sessions under the default lease, more
     * than a small machine serves while it also creates them.
     */
    SessionKeeper keeper(Load load, int connections, Duration interval) {
        return load.keeper(heartbeatPaths(), connections, () -> interval != null ? interval.toNanos()
                : heartbeatSeconds.get() > 0 ? Duration.ofSeconds(2 * heartbeatSeconds.get()).toNanos() : 0);
    }

    /**
     * The same, telling {@code keeper} (when not null) of each session created, for it to keep alive, and waiting
     * while it is late: the sessions already held come before new ones.
     */
    PhaseResult createSessions(Load load, Duration limit, SessionKeeper keeper) {
        return load.counted("create", "create live sessions (checkouts)", "checkouts/s", plan.connections(), sessionPaths.length,
                limit, keeper == null ? () -> false : keeper::late, (w, i) -> {
                    int status = w.call("PUT", checkoutPath(sessionPaths[i]), JSON_HEADER, userBodies[i % userBodies.length]);
                    if (Worker.ok(status)) {
                        w.completed();
                        if (heartbeatSeconds.get() < 0) {
                            Matcher m = HEARTBEAT_SECONDS.matcher(w.lastBody());
                            if (m.find()) {
                                heartbeatSeconds.compareAndSet(-1, Long.parseLong(m.group(1)));
                            }
                        }
                        if (keeper != null) {
                            keeper.created(i);
                        }
                    }
                });
    }

    /** Heartbeats as fast as the server answers; each connection walks its own slice of the sessions. */
    PhaseResult heartbeats(Load load, Duration warmup, Duration duration) {
        int n = sessionPaths.length;
        int c = plan.connections();
        String[] heartbeat = heartbeatPaths();
        return load.timed("heartbeats", "heartbeats (" + n + " live sessions)", "req/s", c, warmup, duration, worker -> {
            int from = (int) ((long) n * worker / c);
            int to = Math.max(from + 1, (int) ((long) n * (worker + 1) / c));
            return (w, i) -> {
                int s = Math.min(n - 1, from + (int) (i % (to - from)));
                if (Worker.ok(w.call("POST", heartbeat[s], null, null))) {
                    w.completed();
                }
            };
        });
    }

    /** Ends every bench session ({@code DELETE /sessions/{id}}), giving their seats back. */
    PhaseResult endSessions(Load load, Duration limit) {
        return load.counted("end", "end live sessions", "sessions/s", plan.connections(), sessionPaths.length, limit,
                (w, i) -> {
                    if (Worker.ok(w.call("DELETE", sessionPaths[i], null, null))) {
                        w.completed();
                    }
                });
    }

    private String[] heartbeatPaths() {
        String[] out = new String[sessionPaths.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = sessionPaths[i] + "/heartbeat";
        }
        return out;
    }
}
