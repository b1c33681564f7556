package dev.usher.core.seat;

/** A session id is already used by another person; a client must not borrow someone else's session. */
public final class SessionConflictException extends RuntimeException {
    public SessionConflictException(String sessionId, String owner) {
        super("session " + sessionId + " belongs to another user (" + owner
                + "); each client instance must use its own session id");
    }
}
