package dev.usher.core.seat.state;

/**
 * A decision read something its partial book was not loaded with. That is a bug in the loader,
 * never a state of the world: the group is undone and nothing is decided on a guess.
 */
public final class NotLoadedException extends IllegalStateException {

    public NotLoadedException(String what) {
        super("the seat book was not loaded with " + what);
    }
}
