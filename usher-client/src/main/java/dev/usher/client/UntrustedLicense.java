package dev.usher.client;

/**
 * The license server granted a seat, but none of the license files it says back the seat is signed by the vendor
 * key the application pinned ({@link UsherClient.Builder#vendorKey}) for this product and feature: a license the
 * customer made themselves, or one signed by another vendor's key. The client has given the seat back.
 */
public class UntrustedLicense extends UsherException {
    public UntrustedLicense(int status, String message) {
        super("untrusted-license", status, message);
    }
}
