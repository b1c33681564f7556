package dev.usher.core.notify;

import dev.usher.core.usage.UsageEvent;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Notifications' memory, shared by every node: which events were announced (so that of several nodes
 * noticing one event exactly one sends it), the outbox of messages per channel with their retries, and
 * the delivery log the API and the console show.
 */
public interface NotificationLog {

    /** A message to send on one channel: {@code email} to recipients, or {@code webhook} to a URL. */
    record Target(String channel, String target) {}

    /** A row of the delivery log. {@code status}: pending, sending, sent or failed (gave up). */
    record Delivery(long id, String eventKey, String kind, String channel, String target, String subject, String payload,
                    Instant createdAt, String status, int attempts, Instant nextAttemptAt, Instant lastAttemptAt,
                    String lastError, Instant sentAt) {}

    /**
     * Claims the alert's event and queues one delivery per target, at once. Answers false, queuing
     * nothing, when the event was announced already and is still quiet (by this node or another).
     */
    boolean claim(Alert alert, String payload, List<Target> targets, String node);

    /** Logs a message sent at once with its outcome ({@code error} null: sent); not queued, not retried. */
    Delivery logSent(Alert alert, String payload, Target target, String error);

    /** Deliveries due at {@code now}: pending ones whose time has come, and ones a node took but never finished. */
    List<Delivery> due(Instant now, int limit);

    /** Takes a due delivery for one attempt, for at most {@code lease}. False when another node took it first. */
    boolean take(long id, Instant now, Duration lease);

    void sent(long id, Instant at);

    /** A failed attempt: tried again at {@code retryAt}, or given up for good when that is null. */
    void failed(long id, String error, Instant retryAt);

    /** The newest deliveries first; {@code channel} null for every channel. */
    List<Delivery> recent(String channel, int limit);

    /** When the event was last announced (by any node), if ever. */
    Optional<Instant> lastAnnounced(String eventKey);

    /**
     * {@code no-seats-available} refusals with {@code from <= at < to}, oldest first, each with the
     * pool's seats in use when it was made.
     */
    List<UsageEvent> noSeatRefusals(Instant from, Instant to, int limit);

    /** Forgets finished deliveries created before {@code before}, and events whose quiet period ended before it. */
    int purge(Instant before);
}
