package dev.usher.core.model;

/**
 * Something that decides seats: the reference model, a real server through its HTTP API, or (later)
 * the pure decision function of core. Set up from {@link World} (its people, roles and initial
 * licenses) at {@link World#START}; then each {@link Op} is applied in turn.
 */
public interface SystemUnderTest extends AutoCloseable {

    /** Applies one operation and says what it answered. */
    Outcome apply(Op op);

    /** What can be seen now. */
    ObservedState observe();

    /** For reports, e.g. "server on SQLite". */
    String name();

    @Override
    default void close() {
    }
}
