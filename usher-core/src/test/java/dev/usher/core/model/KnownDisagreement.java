package dev.usher.core.model;

/**
 * A disagreement between the model and a system that has been reported and is waiting for a fix
 * (a server bug) or a decision (a gap in the spec). Narrow on purpose: it names the exact situation,
 * and only a difference in the answer (never in the seats) can be let through, so the run keeps
 * comparing everything else. Each one has a test of its own that reproduces it and is disabled
 * until the server is fixed.
 */
public interface KnownDisagreement {

    /** A short name for the report, e.g. "lapsed session's return is 'joined', model says 'kept'". */
    String name();

    /** Whether this difference is exactly this known disagreement. */
    boolean matches(Op op, ObservedState modelBefore, Outcome expected, Outcome actual);
}
