package dev.usher.server.model;

import dev.usher.core.model.KnownDisagreement;

import java.util.List;

/**
 * The server's known disagreements with the reference model, each matched narrowly and removed when
 * the server (or the spec, and then the model) is changed.
 */
final class Disagreements {

    private Disagreements() {
    }

    /**
     * None today: the five found by the model tests were fixed in the server (the order of a borrow's
     * checks, linger from a lease's end, a denied person at a full pool, restart grace) or settled in the
     * spec and the model (one allow-only rule per pool). A disagreement found while its fix is pending goes
     * here, matched narrowly, with its reproduction in {@link ModelCasesTest}.
     */
    static final List<KnownDisagreement> ALL = List.of();
}
