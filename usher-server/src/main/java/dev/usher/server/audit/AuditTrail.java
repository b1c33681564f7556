package dev.usher.server.audit;

import dev.usher.core.audit.Actor;
import dev.usher.core.identity.UserDirectory;

import java.time.Clock;

/**
 * Where services record administrative actions. The actor and source address come from the
 * {@link Actor} bound for the call (the HTTP layer binds the signed-in administrator and the
 * client's address; the console does the same; background work is {@link Actor#SYSTEM}).
 * Records go to {@code admin_events}, from which the audit recorder chains them.
 */
@FunctionalInterface
public interface AuditTrail {

    /** Records nothing (tests of a service alone). */
    AuditTrail NONE = (type, target, detail) -> { };

    /**
     * @param type   what was done, e.g. {@code license-added}
     * @param target what it was done to (a license id, a pool, a seat, a user)
     * @param detail anything else worth knowing, or null
     */
    void record(String type, String target, String detail);

    static AuditTrail to(UserDirectory users, Clock clock) {
        return (type, target, detail) -> {
            Actor a = Actor.current();
            users.recordAdminEvent(clock.instant(), type, a.name(), a.source(), target, detail);
        };
    }
}
