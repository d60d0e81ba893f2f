package io.omnivibe.upstream;

import java.time.Duration;
import java.util.Optional;

/** A failure that may pass if the same lookup is tried again shortly. */
public abstract class TransientUpstreamException extends UpstreamException {

    private final Duration retryAfter;

    protected TransientUpstreamException(String message, Duration retryAfter) {
        super(message);
        this.retryAfter = retryAfter;
    }

    /** How long the upstream asked us to wait, when it said so with {@code Retry-After}. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
