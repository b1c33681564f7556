package dev.usher.core.model;

/**
 * A disagreement between the model and a system that has been reported and is waiting for a fix
 * (a server bug) or a decision (a gap in the spec). Narrow on purpose: it names the exact situation;
 * a difference in an answer alone is let through, one that changes the seats is avoided (the step is
 * left out, and the transcript says so), so the run keeps comparing everything else. Each one has a test of its own that reproduces it and is disabled
 * until the server is fixed.
 */
public interface KnownDisagreement {

    /** A short name for the report, e.g. "lapsed session's return is 'joined', model says 'kept'". */
    String name();

    /** Whether this difference in an answer is exactly this known disagreement. */
    default boolean matches(Op op, ObservedState modelBefore, Outcome expected, Outcome actual) {
        return false;
    }

    /**
     * Whether to leave this operation out, here (neither model nor system gets it): for a disagreement
     * that changes the seats, so that the run can go on comparing everything else.
     */
    default boolean avoids(Op op, ObservedState modelBefore) {
        return false;
    }
}
