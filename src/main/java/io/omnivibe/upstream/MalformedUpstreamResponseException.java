package io.omnivibe.upstream;

/** A complete 200 answer whose body is not a conversation: not JSON, not an object, or wrong types. */
public final class MalformedUpstreamResponseException extends UpstreamException {

    public MalformedUpstreamResponseException(String message) {
        super(message);
    }
}
