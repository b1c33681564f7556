package dev.usher.core.time;

import java.time.Clock;
import java.util.function.LongSupplier;

/**
 * A wall clock that also has a monotonic reading, as {@link System#nanoTime()} is to the system clock.
 * The wall clock can be stepped (NTP, an administrator); the monotonic one only moves forward at the
 * rate time passes. Comparing the two tells a step from time passing. Tests implement this to move
 * both by hand.
 */
public interface MonotonicClock {

    /** Nanoseconds from an arbitrary origin; only differences mean anything. */
    long nanoTime();

    /** True when the wall clock claims real time, so comparing it with another machine's (the database's) means something. */
    default boolean readsRealTime() {
        return false;
    }

    /**
     * The monotonic reading that goes with {@code clock}: its own when it has one, the JVM's for the
     * system clock, else null: a fixed or hand-driven clock has none, and is never seen to step.
     */
    static LongSupplier of(Clock clock) {
        if (clock instanceof MonotonicClock m) {
            return m::nanoTime;
        }
        if (isSystemClock(clock)) {
            return System::nanoTime;
        }
        return null;
    }

    /** Whether {@code clock} reads real time (the system clock does; a fixed or hand-driven one does not unless it says so). */
    static boolean readsRealTime(Clock clock) {
        return clock instanceof MonotonicClock m ? m.readsRealTime() : isSystemClock(clock);
    }

    private static boolean isSystemClock(Clock clock) {
        return clock.getClass() == Clock.systemUTC().getClass();
    }
}
