package dev.usher.client;

/** All seats of the pool are in use; {@link #getMessage()} is the server's sentence. */
public class NoSeatsAvailable extends UsherException {

    private final long capacity;
    private final long inUse;

    public NoSeatsAvailable(int status, String message, long capacity, long inUse) {
        super("no-seats-available", status, message);
        this.capacity = capacity;
        this.inUse = inUse;
    }

    /** Seats the pool has (-1 if the server did not say). */
    public long capacity() {
        return capacity;
    }

    /** Seats in use (-1 if the server did not say). */
    public long inUse() {
        return inUse;
    }
}
