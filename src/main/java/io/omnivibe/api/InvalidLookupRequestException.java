package io.omnivibe.api;

/** The caller's input cannot name a conversation; the upstream is not asked. */
public final class InvalidLookupRequestException extends RuntimeException {

    public InvalidLookupRequestException(String message) {
        super(message, null, false, false);
    }
}
