package dev.usher.core.notify;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * Something an administrator should hear about, once. Several nodes may notice the same thing; the
 * {@code key} names it so that only the first node to claim it sends a message (the store keeps the
 * keys it has claimed).
 *
 * @param key     the event's identity, the same on every node that notices it (e.g.
 *                {@code license-expiring:<id>:<expiry>:7d}); at most 200 characters
 * @param subject one line, also the e-mail subject
 * @param text    what happened and what to do, in sentences (the e-mail body)
 * @param facts   the same as data, for webhook receivers (pool, license id, counts, ...)
 * @param quiet   null: one message ever for this key; else the same key may send again once this long
 *                has passed since its last message (a pool's refusals: at most one message per quiet period)
 */
public record Alert(String key, AlertKind kind, Instant at, String subject, String text, Map<String, String> facts,
                    Duration quiet) {

    public static final int MAX_KEY = 200;

    public Alert {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(text, "text");
        if (key.isEmpty() || key.length() > MAX_KEY) {
            throw new IllegalArgumentException("an alert key is 1-" + MAX_KEY + " characters (got " + key.length() + ")");
        }
        facts = Map.copyOf(facts);
    }

    /** The instant before which the same key may not send again (a time far off for once-only alerts). */
    public Instant quietUntil() {
        return quiet == null ? Instant.ofEpochMilli(Long.MAX_VALUE) : at.plus(quiet);
    }
}
