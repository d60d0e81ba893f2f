package io.omnivibe.changes;

/** A webhook delivery that did not prove it comes from Chatwoot: 401, nothing changes. */
public class UnauthorizedDeliveryException extends RuntimeException {

    public UnauthorizedDeliveryException(String message) {
        super(message, null, false, false);
    }
}
