package dev.usher.server.auth;

import dev.usher.core.identity.AuthMode;

import java.time.Duration;

/**
 * The administrator's authentication choices (settings {@code auth.*}), changeable at runtime.
 *
 * @param autoCreateUsers    open mode: unknown names become {@code auto} users (else 403 unknown-user)
 * @param refuseMachineNames open mode: a user name that is a computer's (its own host, or a host seen before) is refused
 *                           (403 user-is-a-machine); off when not stored (installations from before the rule), stored on
 *                           by the first start of a new installation
 * @param sessionLifetime how long a sign-in lasts at most
 * @param sessionIdle     how long a sign-in lasts unused
 */
public record AuthSettings(AuthMode mode, boolean autoCreateUsers, boolean refuseMachineNames, Duration sessionLifetime,
                           Duration sessionIdle) {

    public static final AuthSettings DEFAULT = new AuthSettings(AuthMode.SESSION, true, false, Duration.ofHours(12),
            Duration.ofHours(2));

    public AuthSettings {
        if (sessionLifetime.compareTo(Duration.ofMinutes(5)) < 0 || sessionLifetime.compareTo(Duration.ofDays(90)) > 0) {
            throw new IllegalArgumentException("session lifetime must be between 5 minutes and 90 days");
        }
        if (sessionIdle.compareTo(Duration.ofMinutes(1)) < 0 || sessionIdle.compareTo(sessionLifetime) > 0) {
            throw new IllegalArgumentException("session idle timeout must be between 1 minute and the session lifetime");
        }
    }

    /** These settings in another mode (what {@code --auth-mode} changes at start). */
    public AuthSettings withMode(AuthMode other) {
        return new AuthSettings(other, autoCreateUsers, refuseMachineNames, sessionLifetime, sessionIdle);
    }
}
