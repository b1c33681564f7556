package dev.usher.server.http;

import dev.usher.store.StoreException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Whether the server can write: a full disk makes every write fail while reads still work, so
 * {@code /readyz} must say so and a refused checkout must say why instead of "internal error". Both
 * come from what failed (the store's exception, whichever engine and write path raised it) and from
 * the free space in the data directory. Nothing needs resetting: once space is freed, writes succeed
 * again and this reports ready by itself.
 */
public final class StorageWatch {

    /** Below this much free space in the data directory the server reports itself not ready. */
    static final long MIN_FREE_BYTES = 1024 * 1024;
    /** A disk-full failure keeps {@code /readyz} unready this long (the database's disk may be elsewhere). */
    static final Duration REMEMBER_FAILURE = Duration.ofSeconds(10);

    private final Path dataDir;
    private final Clock clock;
    private final AtomicReference<Instant> lastFull = new AtomicReference<>();

    public StorageWatch(Path dataDir, Clock clock) {
        this.dataDir = dataDir;
        this.clock = clock;
    }

    /** True (and remembered) when {@code failure} or one of its causes says the disk is full. */
    boolean isDiskFull(Throwable failure) {
        return StoreException.isDiskFull(failure) && remember();
    }

    private boolean remember() {
        lastFull.set(clock.instant());
        return true;
    }

    /** Why the server cannot write now, or empty. */
    Optional<String> problem() {
        long free = freeBytes();
        if (free >= 0 && free < MIN_FREE_BYTES) {
            return Optional.of("storage full: " + free / 1024 + " KB free in " + dataDir.toAbsolutePath());
        }
        Instant last = lastFull.get();
        if (last != null && last.plus(REMEMBER_FAILURE).isAfter(clock.instant())) {
            return Optional.of("storage full: the last write failed for lack of space");
        }
        return Optional.empty();
    }

    private long freeBytes() {
        try {
            return Files.getFileStore(dataDir).getUsableSpace();
        } catch (IOException e) {
            return -1;
        }
    }

    static ApiProblem problem(String detail) {
        return new ApiProblem(503, "storage-unavailable", "Storage full", detail);
    }

    /** The refusal a client sees. */
    static ApiProblem refusal() {
        return problem("the server's disk is full, so it cannot record anything: this request changed nothing. Seats already"
                + " granted are kept. Tell your administrator; service resumes by itself once disk space is freed");
    }
}
