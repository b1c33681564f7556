package dev.usher.server.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows down password guessing: after each failure for an account or from a source address, the
 * next attempt for it must wait twice as long as the last (1 s, 2 s, 4 s, ... up to 15 minutes). A
 * success clears the account and the address. Kept in memory: a restart forgiving the counters is
 * harmless next to the cost of a write per failed guess.
 */
public final class SignInThrottle {

    static final Duration FIRST_DELAY = Duration.ofSeconds(1);
    static final Duration MAX_DELAY = Duration.ofMinutes(15);
    private static final int MAX_TRACKED = 100_000;

    private record Failures(int count, Instant notBefore) {}

    private final Map<String, Failures> byKey = new ConcurrentHashMap<>();
    private final Clock clock;

    public SignInThrottle(Clock clock) {
        this.clock = clock;
    }

    /** How long the caller must still wait before trying this account from this address; empty: go ahead. */
    public Optional<Duration> wait(String accountKey, String address) {
        Instant now = clock.instant();
        Instant until = later(byKey.get("a:" + accountKey), byKey.get("s:" + address));
        return until != null && until.isAfter(now) ? Optional.of(Duration.between(now, until)) : Optional.empty();
    }

    /** Records a failure; returns the number of consecutive failures for the account. */
    public int failed(String accountKey, String address) {
        if (byKey.size() > MAX_TRACKED) {
            byKey.clear(); // bounded memory under a flood of made-up names; the delays restart small
        }
        int account = bump("a:" + accountKey);
        bump("s:" + address);
        return account;
    }

    public void succeeded(String accountKey, String address) {
        byKey.remove("a:" + accountKey);
        byKey.remove("s:" + address);
    }

    private int bump(String key) {
        Instant now = clock.instant();
        return byKey.compute(key, (k, f) -> {
            int n = f == null ? 1 : f.count() + 1;
            Duration delay = FIRST_DELAY.multipliedBy(1L << Math.min(n - 1, 20));
            if (delay.compareTo(MAX_DELAY) > 0) {
                delay = MAX_DELAY;
            }
            return new Failures(n, now.plus(delay));
        }).count();
    }

    private static Instant later(Failures a, Failures b) {
        Instant x = a == null ? null : a.notBefore();
        Instant y = b == null ? null : b.notBefore();
        if (x == null) {
            return y;
        }
        return y == null || x.isAfter(y) ? x : y;
    }
}
