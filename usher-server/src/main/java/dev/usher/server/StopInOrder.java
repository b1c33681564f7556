package dev.usher.server;

/**
 * Stops a server's parts in the order given. One part failing to stop must not leave the ones after it running (a
 * store open, the data directory locked), so every part is stopped and the first failure is thrown afterwards with
 * the others suppressed into it. Parts not made yet (a start that failed half-way) are null and skipped.
 */
final class StopInOrder {

    private StopInOrder() {
    }

    static void stop(AutoCloseable... parts) {
        RuntimeException failure = null;
        for (AutoCloseable part : parts) {
            try {
                if (part != null) {
                    part.close();
                }
            } catch (Exception e) {
                if (failure == null) {
                    failure = e instanceof RuntimeException r ? r : new IllegalStateException("stopping " + part + ": " + e.getMessage(), e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
