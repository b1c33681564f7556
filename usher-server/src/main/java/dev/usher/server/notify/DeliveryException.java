package dev.usher.server.notify;

/**
 * A message could not be delivered; the message is a sentence for the delivery log. {@code permanent}:
 * trying again cannot help (the webhook was removed from the settings), so it is not retried.
 */
final class DeliveryException extends RuntimeException {

    private final boolean permanent;

    DeliveryException(String sentence) {
        this(sentence, false);
    }

    DeliveryException(String sentence, boolean permanent) {
        super(sentence, null, false, false);
        this.permanent = permanent;
    }

    boolean permanent() {
        return permanent;
    }
}
