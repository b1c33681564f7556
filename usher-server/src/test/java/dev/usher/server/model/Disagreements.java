package dev.usher.server.model;

import dev.usher.core.model.KnownDisagreement;
import dev.usher.core.model.ObservedState;
import dev.usher.core.model.Op;
import dev.usher.core.model.Outcome;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Today's server's disagreements with the reference model, as reported to the lead. Each is matched
 * narrowly, is reproduced by a disabled test in {@link DisagreementTest}, and is to be removed from
 * here when the server (or the spec, and then the model) is changed.
 */
final class Disagreements {

    private Disagreements() {
    }

    static final List<KnownDisagreement> ALL = List.of();

    private static boolean lapsed(ObservedState before, String session) {
        Instant now = before.now();
        return before.seats().stream().flatMap(s -> s.sessions().stream())
                .anyMatch(r -> r.session().equals(session) && !now.isBefore(r.leaseExpiresAt()));
    }
}
