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
 *
 * <p>An address always waits for its own failures. An account's back-off only holds back addresses
 * that failed recently (within {@link #RECENT}): otherwise anyone who can reach the sign-in page could
 * keep {@code admin} locked out by guessing wrong, and the right password from the administrator's
 * own machine could not get in. The price: an attacker with many addresses gets a first guess from
 * each, and each address then waits like any other.
 */
public final class SignInThrottle {

    static final Duration FIRST_DELAY = Duration.ofSeconds(1);
    static final Duration MAX_DELAY = Duration.ofMinutes(15);
    private static final int MAX_TRACKED = 100_000;

    /** An address whose last failure is older than this is not a suspect for the account back-off. */
    static final Duration RECENT = MAX_DELAY;

    private record Failures(int count, Instant last, Instant notBefore) {}

    private final Map<String, Failures> byKey = new ConcurrentHashMap<>();
    private final Clock clock;

    public SignInThrottle(Clock clock) {
        this.clock = clock;
    }

    /** How long the caller must still wait before trying this account from this address; empty: go ahead. */
    public Optional<Duration> wait(String accountKey, String address) {
        Instant now = clock.instant();
        Failures fromAddress = byKey.get("s:" + address);
        boolean failedRecently = fromAddress != null && fromAddress.last().plus(RECENT).isAfter(now);
        Instant until = failedRecently ? later(byKey.get("a:" + accountKey), fromAddress) : null;
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
            return new Failures(n, now, now.plus(delay));
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
