package io.omnivibe.changes;

/** A webhook delivery, correctly signed, whose body is not an event: 400, nothing changes. */
public class MalformedDeliveryException extends RuntimeException {

    public MalformedDeliveryException(String message) {
        super(message, null, false, false);
    }
}
