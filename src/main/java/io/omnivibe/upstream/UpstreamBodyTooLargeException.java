package io.omnivibe.upstream;

/**
 * A 200 whose body is longer than {@code lookup.upstream.max-body-bytes}: said by its
 * {@code Content-Length}, or counted as it arrived. Not worth another attempt (the conversation
 * will be as large again), and no sign of the upstream's health.
 */
public final class UpstreamBodyTooLargeException extends UpstreamException {

    public UpstreamBodyTooLargeException(long maxBodyBytes) {
        super("upstream body is longer than lookup.upstream.max-body-bytes (" + maxBodyBytes + " bytes)");
    }
}
