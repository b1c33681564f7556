package dev.usher.client;

/** A rule of your administrator keeps this account out of the pool. */
public class NotEntitled extends UsherException {
    public NotEntitled(int status, String message) {
        super("not-entitled", status, message);
    }
}
