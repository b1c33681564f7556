package dev.usher.client;

/** A borrow token that does not prove a loan now: changed, from another server, unreadable, or past its date. */
public class InvalidBorrowToken extends UsherException {

    public InvalidBorrowToken(String message) {
        super("invalid-borrow-token", 0, message);
    }
}
