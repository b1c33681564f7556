package dev.usher.server.notify;

import dev.usher.core.notify.Alert;
import dev.usher.core.notify.AlertKind;

import java.time.Instant;
import java.util.List;

/**
 * One kind of trouble the notifier looks for. Called on every tick of the notifier while its kind is
 * turned on and a channel is configured; a costly watch keeps its own pace (the doctor, the chain check).
 * Every node runs every watch: what they find has the same key on each node, so it is announced once.
 */
interface Watch {

    AlertKind kind();

    List<Alert> check(Instant now, NotificationSettings settings);

    /**
     * Called instead of {@link #check} while the event is off or no channel is set: a watch that reads
     * what happened since its last look moves on, so turning notifications on does not announce the past.
     */
    default void skip(Instant now) {
    }
}
