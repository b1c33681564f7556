package dev.usher.client;

/**
 * This Java runtime cannot check a borrow token's Ed25519 signature: Ed25519 is in the JDK from
 * Java 15 on, and this library runs on Java 11. Borrowing, and proving a loan offline, need Java 15
 * or newer; everything else works on 11.
 */
public class OfflineVerificationUnavailable extends UsherException {

    public OfflineVerificationUnavailable(String message, Throwable cause) {
        super("offline-verification-unavailable", 0, message, cause);
    }
}
