package dev.usher.server.testing;

import dev.usher.core.time.MonotonicClock;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock tests move by hand: expiry is driven by advancing it, never by sleeping. It has a monotonic
 * reading too: {@link #advance} and {@link #set} are time passing (both move), {@link #step} is the wall
 * clock stepped (NTP) with no time passing.
 */
public final class MutableClock extends Clock implements MonotonicClock {

    private final AtomicReference<Instant> now;
    private final java.util.concurrent.atomic.AtomicLong nanos = new java.util.concurrent.atomic.AtomicLong();
    private final boolean realTime;
    private final long origin = System.nanoTime();

    public MutableClock(Instant start) {
        this(start, false);
    }

    private MutableClock(Instant start, boolean realTime) {
        this.now = new AtomicReference<>(start);
        this.realTime = realTime;
    }

    public static MutableClock at(String iso) {
        return new MutableClock(Instant.parse(iso));
    }

    /** Starts at the real time and claims to read it, so a cluster node compares it with the database's clock. */
    public static MutableClock realTime() {
        return new MutableClock(Instant.now(), true);
    }

    public synchronized void advance(Duration d) {
        now.updateAndGet(t -> t.plus(d));
        nanos.addAndGet(d.toNanos());
    }

    public synchronized void set(Instant t) {
        Instant was = instant();
        now.updateAndGet(n -> n.plus(Duration.between(was, t)));
        nanos.addAndGet(Duration.between(was, t).toNanos());
    }

    /** The wall clock jumps by {@code d} while no time passes (an NTP step). */
    public void step(Duration d) {
        now.updateAndGet(t -> t.plus(d));
    }

    /** Time passes ({@code d}) on the monotonic clock only. */
    public void tick(Duration d) {
        nanos.addAndGet(d.toNanos());
    }

    @Override
    public long nanoTime() {
        return realTime ? nanos.get() + (System.nanoTime() - origin) : nanos.get();
    }

    @Override
    public boolean readsRealTime() {
        return realTime;
    }

    @Override
    public Instant instant() {
        // A real-time clock keeps running with real time (both readings), besides what the test moves by hand.
        return realTime ? now.get().plusNanos(System.nanoTime() - origin) : now.get();
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
