package dev.usher.client;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The application's {@link SeatListener}s. The heartbeat thread calls them while the application may still
 * add more, hence a copy-on-write list; and the application's code runs inside the client's own loops, so
 * a listener that throws is passed over rather than let stop the heartbeats or a request's failover.
 */
final class Listeners {

    private final List<SeatListener> listeners = new CopyOnWriteArrayList<>();

    Listeners(List<SeatListener> initial) {
        listeners.addAll(initial);
    }

    void add(SeatListener l) {
        listeners.add(Objects.requireNonNull(l));
    }

    void fire(Consumer<SeatListener> call) {
        for (SeatListener l : listeners) {
            try {
                call.accept(l);
            } catch (RuntimeException e) {
                // A listener's failure must not stop the heartbeats.
            }
        }
    }
}
