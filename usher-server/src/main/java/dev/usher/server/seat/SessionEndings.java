package dev.usher.server.seat;

import dev.usher.core.seat.SeatEvent;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * Why recently ended sessions ended, so that the heartbeat which finds its session gone can say why
 * (410 with {@code endedBecause}). The client needs the difference: after a lapse it takes its seat
 * again, after an administrator's act it tells its user and does not (docs/CLIENTS.md).
 *
 * <p>What this node ended is kept in memory, bounded in number and age. What another node ended, or
 * what ended before this node started, is read back from the seat events the end wrote
 * ({@code history}); that path says less (an administrator's take-back or a disabled person reads as
 * {@link Cause#RELEASED_BY_ADMINISTRATOR}, with the administrator's reason) and is only taken on a miss.
 */
public final class SessionEndings {

    /** The {@code endedBecause} codes of the heartbeat's 410. */
    public enum Cause {
        RELEASED_BY_ADMINISTRATOR("released-by-administrator", true),
        LOAN_TAKEN_BACK("loan-taken-back", true),
        PERSON_DISABLED("person-disabled", true),
        LEASE_LAPSED("lease-lapsed", false),
        ENDED_BY_CLIENT("ended-by-client", false),
        UNKNOWN("unknown", false);

        private final String code;
        private final boolean byAdministrator;

        Cause(String code, boolean byAdministrator) {
            this.code = code;
            this.byAdministrator = byAdministrator;
        }

        public String code() {
            return code;
        }

        /** An administrator ended it on purpose: a client must not quietly take a seat again. */
        public boolean byAdministrator() {
            return byAdministrator;
        }
    }

    /** One ended session: why, the administrator's reason (null for the rest), and when. */
    public record Ending(Cause cause, String reason, Instant at) {

        /** The sentence for the person using the application. */
        public String sentence(String sessionId, Duration leaseTtl) {
            String why = reason == null || reason.isBlank() ? "" : ": " + reason;
            return switch (cause) {
                case RELEASED_BY_ADMINISTRATOR -> "An administrator released this seat" + why
                        + ". Ask them before taking a seat again.";
                case LOAN_TAKEN_BACK -> "An administrator took back this borrowed seat" + why
                        + ". Ask them before taking a seat again.";
                case PERSON_DISABLED -> "An administrator disabled this account" + why
                        + ". The seat was released; ask the administrator to enable the account again.";
                case LEASE_LAPSED -> "No heartbeat of session " + sessionId + " arrived for " + leaseTtl.toSeconds()
                        + " s, so its lease lapsed and the seat went back to the pool; check out again with the same session id.";
                case ENDED_BY_CLIENT -> "Session " + sessionId + " was ended by its application; check out again to take a seat.";
                case UNKNOWN -> "Session " + sessionId + " has no live lease (it lapsed, was released, or ended more than "
                        + KEPT.toMinutes() + " minutes ago); check out again with the same session id.";
            };
        }
    }

    /** How many ended sessions memory keeps (a few hundred bytes each). */
    static final int CAPACITY = 10_000;
    /** How long an ending is remembered: beyond a client's usual grace period without a server. */
    static final Duration KEPT = Duration.ofHours(1);

    private final Map<String, Ending> recent = new LinkedHashMap<>(256, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Ending> eldest) {
            return size() > CAPACITY;
        }
    };
    private final BiFunction<String, Instant, Optional<SeatEvent>> history;

    /** @param history the newest seat event that ended a session since an instant ({@code SqlSessionEnds::lastEnd}) */
    public SessionEndings(BiFunction<String, Instant, Optional<SeatEvent>> history) {
        this.history = history;
    }

    /** Nothing but memory (tests of the parts that record). */
    public static SessionEndings inMemory() {
        return new SessionEndings((id, since) -> Optional.empty());
    }

    public void record(Collection<String> sessionIds, Cause cause, String reason, Instant at) {
        Ending e = new Ending(cause, reason, at);
        synchronized (recent) {
            for (String id : sessionIds) {
                recent.remove(id); // re-inserted last: the eviction order is the order of ending
                recent.put(id, e);
            }
        }
    }

    /** The session lives again (checked out anew with the same id): an old ending no longer explains it. */
    public void forget(String sessionId) {
        synchronized (recent) {
            recent.remove(sessionId);
        }
    }

    /** Why {@code sessionId} ended, as of {@code now}; {@link Cause#UNKNOWN} when neither memory nor history says. */
    public Ending find(String sessionId, Instant now) {
        Instant since = now.minus(KEPT);
        synchronized (recent) {
            Ending e = recent.get(sessionId);
            if (e != null && !e.at().isBefore(since)) {
                return e;
            }
        }
        return history.apply(sessionId, since).map(SessionEndings::fromEvent).orElse(new Ending(Cause.UNKNOWN, null, null));
    }

    private static Ending fromEvent(SeatEvent e) {
        return switch (e.type()) {
            case EXPIRY -> new Ending(Cause.LEASE_LAPSED, null, e.at());
            case FORCE_RELEASE -> new Ending(Cause.RELEASED_BY_ADMINISTRATOR, e.reason(), e.at());
            default -> new Ending(Cause.ENDED_BY_CLIENT, null, e.at());
        };
    }

    int size() {
        synchronized (recent) {
            return recent.size();
        }
    }
}
