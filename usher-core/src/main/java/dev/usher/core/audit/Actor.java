package dev.usher.core.audit;

/**
 * Who does an administrative action, and from where: a user name and a source address (an IP
 * address, {@code offline}, {@code local}).
 *
 * <p>The actor travels with the call in a {@link ScopedValue} rather than as a parameter of every
 * service method: the HTTP layer and the console (which calls the services directly) bind it once
 * per request with {@link #run}/{@link #call}, service signatures stay as they are, and background
 * work that binds nothing is recorded as {@link #SYSTEM}. A scoped value cannot leak into the next
 * request the way a thread-local on a pooled thread can.
 */
public record Actor(String name, String source) {

    /** Background jobs and start-up: the server itself. */
    public static final Actor SYSTEM = new Actor("usher", "local");

    private static final ScopedValue<Actor> CURRENT = ScopedValue.newInstance();

    /** The actor bound for this call, or {@link #SYSTEM}. */
    public static Actor current() {
        return CURRENT.orElse(SYSTEM);
    }

    /** Runs {@code op} with this actor bound. */
    public <T, X extends Throwable> T call(ScopedValue.CallableOp<T, X> op) throws X {
        return ScopedValue.where(CURRENT, this).call(op);
    }

    public void run(Runnable op) {
        ScopedValue.where(CURRENT, this).run(op);
    }
}
