package dev.usher.client;

/** All seats of the pool are in use; {@link #getMessage()} is the server's sentence. */
public class NoSeatsAvailable extends UsherException {

    private final long capacity;
    private final long inUse;
    private final long queuePosition;

    public NoSeatsAvailable(int status, String message, long capacity, long inUse) {
        this(status, message, capacity, inUse, 0);
    }

    public NoSeatsAvailable(int status, String message, long capacity, long inUse, long queuePosition) {
        super("no-seats-available", status, message);
        this.capacity = capacity;
        this.inUse = inUse;
        this.queuePosition = queuePosition;
    }

    /** Where this request stood in the line when its wait ended (0 when it did not wait). */
    public long queuePosition() {
        return queuePosition;
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
