package dev.usher.client;

/** The license server has no valid license for this product. */
public class ServerNotLicensed extends UsherException {
    public ServerNotLicensed(int status, String message) {
        super("server-not-licensed", status, message);
    }
}
