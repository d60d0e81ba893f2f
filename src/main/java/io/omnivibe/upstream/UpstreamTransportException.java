package io.omnivibe.upstream;

/** The exchange itself failed: connection refused or reset, or a body that was empty or cut off. */
public final class UpstreamTransportException extends TransientUpstreamException {

    public UpstreamTransportException(String message) {
        super(message, null);
    }
}
