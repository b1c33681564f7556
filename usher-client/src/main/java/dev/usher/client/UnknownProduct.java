package dev.usher.client;

/** The license server has no license for this product or feature. */
public class UnknownProduct extends UsherException {
    public UnknownProduct(int status, String message) {
        super("unknown-pool", status, message);
    }
}
