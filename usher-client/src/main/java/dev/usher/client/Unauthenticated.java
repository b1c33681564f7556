package dev.usher.client;

/** The license server did not accept your credentials. */
public class Unauthenticated extends UsherException {
    public Unauthenticated(int status, String message) {
        super("unauthenticated", status, message);
    }
}
