package dev.usher.store;

/** The store could not do what was asked (disk full, file locked, corrupted); the message says which. */
public final class StoreException extends RuntimeException {
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
